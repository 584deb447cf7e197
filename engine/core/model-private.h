/* model-private.h — what an importer fills in an lt_model.
 *
 * The struct is private to the engine; hosts use the accessors of
 * lt/model.h.  `mappings` keeps every mmap (model file, external data files)
 * alive for as long as tensors may point into them.
 */
#pragma once

#include "lt/model.h"

#include <stddef.h>

typedef struct lt_mapping
{
  void  *addr;
  size_t length;
} lt_mapping;

struct lt_model
{
  int               ref_count;  /* atomic */
  char             *path;
  int64_t           ir_version;
  char             *producer_name;
  char             *producer_version;
  char             *domain;
  int64_t           model_version;
  char             *doc_string;
  lt_opset_import  *opsets;     /* strings owned by the graph's arena */
  uint32_t          n_opsets;
  lt_metadata_prop *metadata;   /* likewise */
  uint32_t          n_metadata;
  lt_graph         *graph;
  lt_mapping       *mappings;
  uint32_t          n_mappings;
  void            **buffers;    /* malloc'd blocks to free with the model */
  uint32_t          n_buffers;
};

/* A new model with one reference and no graph; NULL when out of memory. */
lt_model *lt_model_new (const char *path);

/* Keeps an mmap alive until the model dies (it is munmapped then).  On
 * failure the mapping is released at once and false returned. */
bool lt_model_add_mapping (lt_model *model,
                           void     *addr,
                           size_t    length);

/* Takes ownership of a malloc'd block; freed (even on failure) with the model. */
bool lt_model_add_buffer (lt_model *model,
                          void     *block);
