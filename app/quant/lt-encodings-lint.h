/* lt-encodings-lint.h — check an encoding set against a model.
 *
 * Activations are the values nodes produce and the graph inputs;
 * parameters are initializers.  Findings never change the set.
 */
#pragma once

#include "lt-encoding.h"

#include <lt/lt.h>

G_BEGIN_DECLS

typedef enum
{
  LT_LINT_ERROR,   /* the converter would misread or reject it */
  LT_LINT_WARNING, /* legal, but probably not what was meant */
  LT_LINT_INFO,    /* what the converter will do with what is missing */
} LtLintSeverity;

typedef struct
{
  LtLintSeverity severity;
  char          *tensor;
  char          *field; /* NULL when about the tensor as a whole */
  char          *message;
} LtLintFinding;

void        lt_lint_finding_free (LtLintFinding *finding);
const char *lt_lint_severity_to_string (LtLintSeverity severity);

/* Findings (LtLintFinding *, owned) for `set` against `graph`: names that
 * do not exist (with up to three close names), the wrong section,
 * per-channel counts against the channel axis, symmetric offsets, min/max
 * against scale/offset, ranges under 1e-4, zero off the grid, and tensors
 * left without an encoding.  A value in `folded` (the names of the values
 * the engine folds away, lt-folded-values.h; may be NULL) left without an
 * encoding is noted as needing none. */
GPtrArray *lt_encodings_lint (const LtEncodingSet *set,
                              const lt_graph      *graph,
                              const GPtrArray     *folded);

/* Where a parameter's channels and blocks lie, from the op that consumes
 * it: Conv weight channels 0 / blocks 1, ConvTranspose weight 1 / 0, Gemm
 * weight 0 / 1 with transB=1 and 1 / 0 without, MatMul weight last /
 * second to last, biases channels 0 (Gemm: last) and no blocks (-1). */
typedef struct
{
  gint        channel_axis;
  gint        block_axis;
  const char *why; /* static, translated: which rule applied, or why none */
} LtParamAxes;

/* FALSE (axes -1, `why` saying so) when no consumer has a rule. */
gboolean lt_encodings_param_axes (const lt_graph *graph,
                                  int32_t         value_id,
                                  LtParamAxes    *axes);

/* Fills in from the model what a file may leave out: the section of 2.0.0
 * entries, the channel axis of per-channel and per-block parameters, and
 * the rank, block axis and number of blocks per channel of 1.0.0
 * PER_BLOCK entries.  Names the
 * model does not have are left as they are (lint reports them). */
void lt_encodings_resolve (LtEncodingSet  *set,
                           const lt_graph *graph);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtLintFinding, lt_lint_finding_free)

G_END_DECLS
