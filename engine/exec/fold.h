/* fold.h — BatchNormalization folded into the Conv before it
 *
 * At reshape a session looks for Conv → BatchNormalization pairs where the
 * Conv's weights (and bias, if any) and the BatchNormalization's scale,
 * bias, mean and variance are float constants, the Conv output feeds only
 * that BatchNormalization and is not a graph output, and the normalization
 * is in inference mode.  For each, the plan holds new weights W·s and bias
 * (B − mean)·s + beta with s = scale / sqrt(var + epsilon), per output
 * channel; the session then runs the Conv with them, writing straight into
 * the BatchNormalization's output, and skips the BatchNormalization.  The
 * model is never modified: the new tensors belong to the plan.
 *
 * New constants get ids from `first_extra_id` on: folded weights of fold k
 * are first_extra_id + 2k, its bias first_extra_id + 2k + 1.
 */
#pragma once

#include "lt/graph.h"

#include <stdbool.h>

typedef struct lt_fold_plan lt_fold_plan;

/* Finds every foldable pair.  An empty plan (no pair) is still a plan.
 * `replaced` (may be NULL) maps value ids to tensors that stand in for the
 * model's constants (lt_session_set_constant); NULL entries keep them. */
lt_status lt_fold_plan_new (const lt_graph         *graph,
                            const lt_tensor *const *replaced,
                            uint32_t                first_extra_id,
                            lt_fold_plan          **out,
                            lt_error               *err);

void lt_fold_plan_free (lt_fold_plan *plan); /* accepts NULL */

/* Number of new constants (two per fold); 0 for a NULL plan. */
uint32_t         lt_fold_plan_get_n_extra (const lt_fold_plan *plan);
const lt_tensor *lt_fold_plan_get_extra (const lt_fold_plan *plan,
                                         uint32_t            index);

/* True for a BatchNormalization folded into its Conv. */
bool lt_fold_is_removed (const lt_fold_plan *plan,
                         int32_t             node_id);

/* For a Conv that absorbs a BatchNormalization: raises *n_inputs to 3 and,
 * when the arrays are given, points inputs 1 and 2 at the folded weights
 * and bias and output 0 at the BatchNormalization's output.  Leaves other
 * nodes alone. */
void lt_fold_apply (const lt_fold_plan *plan,
                    int32_t             node_id,
                    uint32_t           *n_inputs,
                    int32_t            *input_ids,
                    int32_t            *output_ids);
