/* ref-scan.c — reference CumSum and TopK: ops that walk one axis of a
 * tensor in order.
 *
 * The axis splits the tensor into `outer` x `len` x `inner` (elements of
 * one line are `inner` apart).  CumSum keeps a running sum per line
 * (double for floats, int64 for integers, so integers stay exact).  TopK
 * selects K times the best remaining element of each line, scanning in
 * index order with a strict comparison, so ties go to the lower index.
 */
#include "ops/ref-helpers.h"

#include <stdlib.h>
#include <string.h>

typedef struct line_split
{
  uint64_t outer, len, inner;
} line_split;

static line_split
split_at (const lt_kernel_tensor *t,
          int32_t                 axis)
{
  line_split s = { lt_ref_count_before (t, axis), (uint64_t) t->dims[axis], lt_ref_count_from (t, axis + 1) };
  return s;
}

/* ---- CumSum ----------------------------------------------------------------- */

static bool
cumsum_supports (const lt_kernel_call *call)
{
  lt_dtype t = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;

  return t == LT_DTYPE_F32 || t == LT_DTYPE_F64 || t == LT_DTYPE_I32 || t == LT_DTYPE_I64 || t == LT_DTYPE_U32 || t == LT_DTYPE_U64;
}

static lt_status
cumsum_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0], *y = &call->outputs[0];

  (void) state;
  *scratch_bytes = 0;
  if (x->rank < 1)
    return lt_ref_fail (call, LT_ERR_SHAPE, "x must have rank >= 1");
  if (!lt_ref_has_input (call, 1) || call->inputs[1].count != 1 || (call->inputs[1].dtype != LT_DTYPE_I32 && call->inputs[1].dtype != LT_DTYPE_I64))
    return lt_ref_fail (call, LT_ERR_SHAPE, "axis must be an int32 or int64 scalar");
  if (y->dtype != x->dtype || y->count != x->count)
    return lt_ref_fail (call, LT_ERR_SHAPE, "y must have the type and shape of x");
  return LT_OK;
}

static lt_status
cumsum_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  int64_t                 axis = lt_ref_index_input (&call->inputs[1], 0);
  bool                    exclusive = lt_node_get_attr_int (call->node, "exclusive", 0) != 0;
  bool                    reverse = lt_node_get_attr_int (call->node, "reverse", 0) != 0;
  bool                    is_float = lt_dtype_is_float (x->dtype);
  line_split              s;

  if (axis < -x->rank || axis >= x->rank)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "axis %lld is out of range for rank %d", (long long) axis, x->rank);
  s = split_at (x, (int32_t) (axis < 0 ? axis + x->rank : axis));
  for (uint64_t o = 0; o < s.outer; o++)
    for (uint64_t in = 0; in < s.inner; in++)
      {
        double  fsum = 0.0;
        int64_t isum = 0;

        for (uint64_t step = 0; step < s.len; step++)
          {
            uint64_t i = reverse ? s.len - 1 - step : step;
            uint64_t at = (o * s.len + i) * s.inner + in;
            double   fv = is_float ? lt_ref_get_f64 (x->dtype, x->data, at) : 0.0;
            int64_t  iv = is_float ? 0 : lt_ref_get_i64 (x->dtype, x->data, at);

            if (!exclusive)
              fsum += fv, isum = (int64_t) ((uint64_t) isum + (uint64_t) iv);
            if (is_float)
              lt_ref_set_f64 (y->dtype, y->data, at, fsum);
            else
              lt_ref_set_i64 (y->dtype, y->data, at, isum);
            if (exclusive)
              fsum += fv, isum = (int64_t) ((uint64_t) isum + (uint64_t) iv);
          }
      }
  return LT_OK;
}

/* ---- TopK ------------------------------------------------------------------- */

typedef struct topk_params
{
  int32_t axis;
  bool    largest;
} topk_params;

static bool
topk_supports (const lt_kernel_call *call)
{
  lt_dtype t = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;

  return lt_dtype_is_float (t) || (lt_dtype_is_integer (t) && lt_dtype_bits (t) >= 8);
}

static lt_status
topk_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  topk_params             p;
  lt_status               st;

  if (x->rank < 1)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must have rank >= 1");
  if ((st = lt_ref_get_axis (call, -1, x->rank, &p.axis)) != LT_OK)
    return st;
  p.largest = lt_node_get_attr_int (call->node, "largest", 1) != 0;
  if (call->node->opset < 10 && lt_node_get_attr_int (call->node, "k", -1) < 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'k' is required and must be >= 0");
  if (call->n_outputs < 2 || call->outputs[0].dtype != x->dtype || call->outputs[1].dtype != LT_DTYPE_I64)
    return lt_ref_fail (call, LT_ERR_SHAPE, "outputs must be Values (the type of X) and Indices (int64)");
  /* one "already taken" flag per element of a line */
  *scratch_bytes = (size_t) x->dims[p.axis] + 1;
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
topk_run (const lt_kernel_call *call)
{
  const topk_params      *p = call->state;
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *values = &call->outputs[0];
  int64_t                *indices = call->outputs[1].data;
  bool                   *taken = call->scratch;
  line_split              s = split_at (x, p->axis);
  int64_t                 k;

  k = call->node->opset < 10 ? lt_node_get_attr_int (call->node, "k", 0)
                             : (lt_ref_has_input (call, 1) && call->inputs[1].count == 1
                                    ? lt_ref_index_input (&call->inputs[1], 0)
                                    : -1);
  if (k < 0 || (uint64_t) k > s.len || values->dims[p->axis] != k || call->outputs[1].count != values->count)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "K = %lld does not fit axis %d of length %llu and the outputs",
                        (long long) k, p->axis, (unsigned long long) s.len);
  for (uint64_t o = 0; o < s.outer; o++)
    for (uint64_t in = 0; in < s.inner; in++)
      {
        memset (taken, 0, s.len);
        for (int64_t j = 0; j < k; j++)
          {
            uint64_t best = 0, out;
            double   best_v = 0.0;
            bool     found = false;

            for (uint64_t i = 0; i < s.len; i++)
              {
                double v = lt_ref_get_f64 (x->dtype, x->data, (o * s.len + i) * s.inner + in);
                if (taken[i])
                  continue;
                if (!found || (p->largest ? v > best_v : v < best_v))
                  best = i, best_v = v, found = true;
              }
            taken[best] = true;
            out = (o * (uint64_t) k + (uint64_t) j) * s.inner + in;
            lt_ref_set_f64 (values->dtype, values->data, out, best_v);
            indices[out] = (int64_t) best;
          }
      }
  return LT_OK;
}

const lt_kernel lt_ref_cum_sum_kernel = {
  .name = "lt_ref_cum_sum",
  .supports = cumsum_supports,
  .prepare = cumsum_prepare,
  .run = cumsum_run,
};

const lt_kernel lt_ref_top_k_kernel = {
  .name = "lt_ref_top_k",
  .supports = topk_supports,
  .prepare = topk_prepare,
  .run = topk_run,
  .release = free,
};
