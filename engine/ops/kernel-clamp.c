/* kernel-clamp.c — the bounds of Relu and Clip nodes, read from the graph
 * (see lt_kernel_clamp_from_node in kernel.h).
 */
#include "ops/kernel.h"

#include "lt/ops.h"

#include <math.h>

/* A Clip bound given as input `index`: true with *bound set when it is
 * omitted (keeping the default) or a constant f32 scalar; false when it is
 * computed, so the Clip cannot be fused. */
static bool
constant_bound (const lt_graph *graph,
                const lt_node  *clip,
                uint32_t        index,
                float          *bound)
{
  if (index >= clip->n_inputs || clip->inputs[index] < 0)
    return true;
  const lt_value *value = lt_graph_get_value (graph, clip->inputs[index]);
  if (value->kind != LT_VALUE_CONSTANT || value->constant == NULL || value->constant->dtype != LT_DTYPE_F32
      || value->constant->count != 1 || value->constant->data == NULL)
    return false;
  *bound = *(const float *) value->constant->data;
  return true;
}

bool
lt_kernel_clamp_from_node (const lt_graph  *graph,
                           const lt_node   *node,
                           lt_kernel_clamp *clamp)
{
  clamp->min = -INFINITY;
  clamp->max = INFINITY;
  if (node->op == LT_OP_Relu)
    {
      clamp->min = 0.0f;
      return true;
    }
  if (node->op != LT_OP_Clip)
    return false;
  if (node->opset < 11)
    {
      clamp->min = lt_node_get_attr_float (node, "min", -INFINITY);
      clamp->max = lt_node_get_attr_float (node, "max", INFINITY);
      return true;
    }
  return constant_bound (graph, node, 1, &clamp->min) && constant_bound (graph, node, 2, &clamp->max);
}
