/* fuse-activation.c — finds the activations a session fuses into their
 * producers (see fuse-activation.h).
 *
 * Invariant: for every fused pair, removed[activation] is true and
 * fused[producer] holds the activation's output and bounds; the two
 * arrays are indexed by node id.
 */
#include "exec/fuse-activation.h"
#include "exec/session-private.h"

#include "lt/ops.h"

#include <stdlib.h>

typedef struct fused_activation
{
  int32_t         output; /* the activation's output value, -1 for none */
  lt_kernel_clamp clamp;
} fused_activation;

struct lt_activation_plan
{
  uint32_t          n_nodes;
  bool             *removed;
  fused_activation *fused;
};

/* The node whose kernel computes `value`: its producer, or for a value a
 * folded BatchNormalization makes, the Conv that absorbed it; -1 if none. */
static int32_t
computing_node (const lt_graph     *graph,
                const lt_fold_plan *folds,
                const lt_value     *value)
{
  int32_t producer = value->producer;

  if (producer >= 0 && lt_fold_is_removed (folds, producer))
    {
      const lt_node *bn = lt_graph_get_node (graph, producer);
      producer = lt_graph_get_value (graph, bn->inputs[0])->producer;
    }
  return producer;
}

static bool
can_absorb (const lt_node *node)
{
  return (node->op == LT_OP_Conv || node->op == LT_OP_Gemm || node->op == LT_OP_MatMul) && node->n_outputs == 1;
}

lt_status
lt_activation_plan_new (const lt_graph           *graph,
                        const lt_shape_inference *inference,
                        const lt_fold_plan       *folds,
                        lt_activation_plan      **out,
                        lt_error                 *err)
{
  uint32_t            n_nodes = lt_graph_get_n_nodes (graph);
  lt_activation_plan *plan = calloc (1, sizeof *plan);

  if (plan != NULL)
    {
      plan->n_nodes = n_nodes;
      plan->removed = calloc (n_nodes + 1, sizeof *plan->removed);
      plan->fused = malloc ((n_nodes + 1) * sizeof *plan->fused);
    }
  if (plan == NULL || plan->removed == NULL || plan->fused == NULL)
    {
      lt_activation_plan_free (plan);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory planning activation fusion");
    }
  for (uint32_t n = 0; n < n_nodes; n++)
    plan->fused[n].output = -1;

  for (uint32_t n = 0; n < n_nodes; n++)
    {
      const lt_node  *activation = lt_graph_get_node (graph, (int32_t) n);
      lt_kernel_clamp clamp;

      if (activation->n_inputs < 1 || activation->inputs[0] < 0 || activation->n_outputs != 1
          || activation->outputs[0] < 0 || !lt_kernel_clamp_from_node (graph, activation, &clamp))
        continue;
      const lt_value *x = lt_graph_get_value (graph, activation->inputs[0]);
      if (lt_shape_inference_get (inference, activation->inputs[0])->dtype != LT_DTYPE_F32 || x->n_consumers != 1 || x->is_output
          || lt_value_is_captured (graph, activation->inputs[0]))
        continue;
      int32_t producer = computing_node (graph, folds, x);
      if (producer < 0 || !can_absorb (lt_graph_get_node (graph, producer)) || plan->fused[producer].output >= 0)
        continue;
      plan->removed[n] = true;
      plan->fused[producer] = (fused_activation) { activation->outputs[0], clamp };
    }
  *out = plan;
  return LT_OK;
}

void
lt_activation_plan_free (lt_activation_plan *plan)
{
  if (plan == NULL)
    return;
  free (plan->removed);
  free (plan->fused);
  free (plan);
}

bool
lt_activation_is_removed (const lt_activation_plan *plan,
                          int32_t                   node_id)
{
  return plan != NULL && node_id >= 0 && (uint32_t) node_id < plan->n_nodes && plan->removed[node_id];
}

bool
lt_activation_apply (const lt_activation_plan *plan,
                     int32_t                   node_id,
                     int32_t                  *output_ids,
                     lt_kernel_clamp          *clamp)
{
  if (plan == NULL || node_id < 0 || (uint32_t) node_id >= plan->n_nodes || plan->fused[node_id].output < 0)
    return false;
  output_ids[0] = plan->fused[node_id].output;
  *clamp = plan->fused[node_id].clamp;
  return true;
}
