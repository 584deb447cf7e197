/* lt-model-summary.h — what a model is made of: its I/O types, op
 * histogram, parameter count and an estimate of multiply-accumulates.
 *
 * Shared by `lathe-cli info` and the studio.  Shapes come from the engine's
 * shape inference (non-strict, declared input types), so a model with
 * symbolic dims gets symbolic output shapes and MACs that are unknown for
 * the nodes whose size depends on a symbol; those are never guessed.
 */
#pragma once

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

/* A graph input or output. */
typedef struct LtSummaryTensor
{
  const char *name; /* borrowed from the model */
  lt_dtype    dtype;
  lt_shape    shape; /* symbolic dim names borrowed from the model */
  lt_type_kind kind; /* for a sequence or optional, dtype and shape are its tensors' */
} LtSummaryTensor;

/* Nodes of one (domain, op type). */
typedef struct LtSummaryOp
{
  const char *op_type; /* borrowed */
  const char *domain;  /* "" for ai.onnx; borrowed */
  guint       count;
  gboolean    known; /* the engine knows this op */
} LtSummaryOp;

/* The MAC estimate of one Conv, ConvTranspose, Gemm or MatMul node. */
typedef struct LtSummaryMacs
{
  char       *node;    /* lt_node_describe's name; owned */
  const char *op_type; /* borrowed */
  guint64     macs;
  gboolean    known; /* false when a dim it depends on is symbolic or unknown */
} LtSummaryMacs;

typedef struct LtModelSummary
{
  lt_model *model;        /* owned reference */
  GArray   *inputs;       /* LtSummaryTensor: graph inputs without an initializer */
  GArray   *outputs;      /* LtSummaryTensor, with inferred types */
  GArray   *ops;          /* LtSummaryOp, most frequent first, then by name */
  GArray   *macs;         /* LtSummaryMacs in topological order */
  guint     n_nodes;      /* nodes of the main graph */
  guint64   n_parameters; /* elements of all initializers */
  guint64   parameter_bytes;
  guint64   macs_known;     /* sum over the nodes whose MACs are known */
  guint     n_macs_unknown; /* nodes whose MACs are not known */
} LtModelSummary;

/* Summarizes a loaded model (takes a reference).  Fails with the shape
 * inference error (LT_ERR_SHAPE or LT_ERR_INVALID_MODEL naming the node)
 * when the model contradicts itself; err gets the model's file. */
lt_status lt_model_summary_new (lt_model        *model,
                                LtModelSummary **out,
                                lt_error        *err);

void lt_model_summary_free (LtModelSummary *summary); /* accepts NULL */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtModelSummary, lt_model_summary_free)

G_END_DECLS
