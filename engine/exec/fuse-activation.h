/* fuse-activation.h — Relu and Clip fused into the Conv, Gemm or MatMul before it
 *
 * At reshape a session looks for an f32 Relu, or an f32 Clip whose bounds
 * are constants, whose input comes from a Conv, Gemm or MatMul (or from a
 * Conv that absorbed a BatchNormalization, see fold.h) with no other
 * consumer and is not a graph output.  The producer then writes straight
 * into the activation's output, clamped to the activation's bounds (Relu is
 * [0, +inf)), and the activation does not run.  The model is never
 * modified.  A producer absorbs at most one activation.
 */
#pragma once

#include "exec/fold.h"
#include "lt/graph.h"
#include "lt/shape.h"
#include "ops/kernel.h"

#include <stdbool.h>

typedef struct lt_activation_plan lt_activation_plan;

/* Finds every fusable pair, after `folds` (may be NULL); `inference`
 * gives the value types. */
lt_status lt_activation_plan_new (const lt_graph           *graph,
                                  const lt_shape_inference *inference,
                                  const lt_fold_plan       *folds,
                                  lt_activation_plan      **out,
                                  lt_error                 *err);

void lt_activation_plan_free (lt_activation_plan *plan); /* accepts NULL */

/* True for an activation fused into its producer; false for a NULL plan. */
bool lt_activation_is_removed (const lt_activation_plan *plan,
                               int32_t                   node_id);

/* For a node that absorbs an activation: points output 0 at the
 * activation's output, fills *clamp and returns true.  Returns false and
 * leaves both alone for every other node. */
bool lt_activation_apply (const lt_activation_plan *plan,
                          int32_t                   node_id,
                          int32_t                  *output_ids,
                          lt_kernel_clamp          *clamp);
