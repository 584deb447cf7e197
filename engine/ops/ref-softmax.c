/* ref-softmax.c — reference Softmax and LogSoftmax, f32.
 *
 * Opset 13 and later normalize along one axis (default -1).  Earlier
 * opsets flatten the input to 2-D at `axis` (default 1) and normalize each
 * row of the flattened matrix.  Both become: `outer` groups of `len`
 * elements spaced `inner` apart.  The maximum is subtracted before exp.
 */
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>

typedef struct softmax_params
{
  uint64_t outer, len, inner;
} softmax_params;

static lt_status
softmax_prepare (const lt_kernel_call *call,
                 void                **state,
                 size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  bool                    per_axis = call->node->opset >= 13;
  softmax_params          p;
  int32_t                 axis;
  lt_status               st;

  *scratch_bytes = 0;
  if (x->rank == 0)
    return lt_ref_fail (call, LT_ERR_SHAPE, "input must have rank >= 1");
  if ((st = lt_ref_get_axis (call, per_axis ? -1 : 1, x->rank, &axis)) != LT_OK)
    return st;
  if (call->outputs[0].count != x->count || call->outputs[0].dtype != x->dtype)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have the type and shape of the input");
  p.outer = lt_ref_count_before (x, axis);
  if (per_axis)
    {
      p.len = (uint64_t) x->dims[axis];
      p.inner = lt_ref_count_from (x, axis + 1);
    }
  else
    {
      p.len = lt_ref_count_from (x, axis);
      p.inner = 1;
    }
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
softmax_run (const lt_kernel_call *call)
{
  const softmax_params *p = call->state;
  const float          *x = call->inputs[0].data;
  float                *y = call->outputs[0].data;
  bool                  log_out = call->node->op == LT_OP_LogSoftmax;

  for (uint64_t o = 0; o < p->outer; o++)
    for (uint64_t in = 0; in < p->inner; in++)
      {
        uint64_t base = o * p->len * p->inner + in;
        double   max = -INFINITY, sum = 0.0;

        for (uint64_t i = 0; i < p->len; i++)
          if (x[base + i * p->inner] > max)
            max = x[base + i * p->inner];
        for (uint64_t i = 0; i < p->len; i++)
          sum += exp ((double) x[base + i * p->inner] - max);
        for (uint64_t i = 0; i < p->len; i++)
          {
            double shifted = (double) x[base + i * p->inner] - max;
            y[base + i * p->inner] = (float) (log_out ? shifted - log (sum) : exp (shifted) / sum);
          }
      }
  return LT_OK;
}

const lt_kernel lt_ref_softmax_kernel = {
  .name = "lt_ref_softmax",
  .supports = lt_ref_supports_f32,
  .prepare = softmax_prepare,
  .run = softmax_run,
  .release = free,
};

const lt_kernel lt_ref_log_softmax_kernel = {
  .name = "lt_ref_log_softmax",
  .supports = lt_ref_supports_f32,
  .prepare = softmax_prepare,
  .run = softmax_run,
  .release = free,
};
