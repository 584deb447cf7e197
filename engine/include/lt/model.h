/* lt/model.h — a loaded model
 *
 * An lt_model is immutable once loaded and may be shared across threads
 * (atomic reference count).  It owns its main graph and keeps the model file
 * and any external-data files mapped for as long as it lives, so initializer
 * data points into those mappings instead of being copied.
 */
#pragma once

#include "lt/graph.h"
#include "lt/status.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_model lt_model;

typedef struct lt_opset_import
{
  const char *domain;  /* "" for ai.onnx */
  int64_t     version;
} lt_opset_import;

typedef struct lt_metadata_prop
{
  const char *key;
  const char *value;
} lt_metadata_prop;

/* Polled during long work (loading, running); returning true stops it with
 * LT_ERR_CANCELLED.  May be called from the thread doing the work only. */
typedef bool (*lt_abort_fn) (void *user_data);

/* Limits applied while loading; zero fields take the defaults below. */
typedef struct lt_load_options
{
  uint32_t    max_graph_depth; /* nested subgraphs; default 16 */
  uint32_t    max_nodes;       /* per model, all graphs; default 1,000,000 */
  uint64_t    max_file_bytes;  /* default 2 GiB - 1 (protobuf's own limit) */
  lt_abort_fn abort_fn;        /* may be NULL; polled every few thousand
                                * messages of the pre-scan and every few
                                * hundred tensors or nodes of the import */
  void       *abort_data;
} lt_load_options;

/* Loads an ONNX model.  Returns LT_OK and an owned model in *out, or an error
 * naming the file and the field, node or tensor (and *out untouched);
 * LT_ERR_CANCELLED when the abort callback asked, with everything freed.
 * Does not keep a pointer to `path` or `options` after return. */
lt_status lt_model_load (const char            *path,
                         const lt_load_options *options,
                         lt_model             **out,
                         lt_error              *err);

lt_model *lt_model_ref (lt_model *model);
void      lt_model_unref (lt_model *model); /* accepts NULL */

const char *lt_model_get_path (const lt_model *model);
int64_t     lt_model_get_ir_version (const lt_model *model);
const char *lt_model_get_producer_name (const lt_model *model);
const char *lt_model_get_producer_version (const lt_model *model);
const char *lt_model_get_domain (const lt_model *model);
int64_t     lt_model_get_model_version (const lt_model *model);
const char *lt_model_get_doc_string (const lt_model *model);

uint32_t               lt_model_get_n_opsets (const lt_model *model);
const lt_opset_import *lt_model_get_opset (const lt_model *model,
                                           uint32_t        index);
/* The imported version of a domain ("" or "ai.onnx" for the default), or 0. */
int64_t lt_model_get_opset_version (const lt_model *model,
                                    const char     *domain);

uint32_t                lt_model_get_n_metadata (const lt_model *model);
const lt_metadata_prop *lt_model_get_metadata (const lt_model *model,
                                               uint32_t        index);

/* The main graph, borrowed; valid as long as the model. */
const lt_graph *lt_model_get_graph (const lt_model *model);

#ifdef __cplusplus
}
#endif
