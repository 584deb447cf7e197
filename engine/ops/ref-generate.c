/* ref-generate.c — reference Range and OneHot: ops whose outputs are made
 * from a few scalars and indices rather than copied from an input.
 *
 * Range computes start + i * delta per element (int64 arithmetic for
 * integer dtypes, so no rounding); its element count is checked against
 * the output.  OneHot writes `off` everywhere and `on` where the index
 * (negative ones count from depth) selects; indices outside [-depth,
 * depth) select nothing, as ONNX specifies.
 */
#include "ops/ref-helpers.h"

#include <math.h>
#include <string.h>

/* ---- Range ------------------------------------------------------------------ */

static lt_status
range_prepare (const lt_kernel_call *call,
               void                **state,
               size_t               *scratch_bytes)
{
  lt_dtype t = call->inputs[0].dtype;

  (void) state;
  *scratch_bytes = 0;
  for (uint32_t i = 0; i < 3; i++)
    if (call->inputs[i].dtype != t || call->inputs[i].count != 1)
      return lt_ref_fail (call, LT_ERR_SHAPE, "start, limit and delta must be scalars of one type");
  if (call->outputs[0].dtype != t || call->outputs[0].rank != 1)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must be a vector of the inputs' type");
  return LT_OK;
}

static lt_status
range_run (const lt_kernel_call *call)
{
  lt_kernel_tensor *y = &call->outputs[0];
  lt_dtype          t = call->inputs[0].dtype;
  double            start = lt_ref_get_f64 (t, call->inputs[0].data, 0);
  double            limit = lt_ref_get_f64 (t, call->inputs[1].data, 0);
  double            delta = lt_ref_get_f64 (t, call->inputs[2].data, 0);
  double            n;

  if (delta == 0)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "delta is 0");
  n = fmax (ceil ((limit - start) / delta), 0.0);
  if (n != (double) y->count)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "the range has %.0f elements, the output %llu", n,
                        (unsigned long long) y->count);
  for (uint64_t i = 0; i < y->count; i++)
    {
      if (lt_dtype_is_integer (t))
        /* wraps like the integer type instead of overflowing int64 */
        lt_ref_set_i64 (t, y->data, i,
                        (int64_t) ((uint64_t) lt_ref_index_input (&call->inputs[0], 0)
                                   + i * (uint64_t) lt_ref_index_input (&call->inputs[2], 0)));
      else
        lt_ref_set_f64 (t, y->data, i, start + (double) i * delta);
    }
  return LT_OK;
}

/* ---- OneHot ----------------------------------------------------------------- */

static lt_status
one_hot_prepare (const lt_kernel_call *call,
                 void                **state,
                 size_t               *scratch_bytes)
{
  const lt_kernel_tensor *indices = &call->inputs[0], *y = &call->outputs[0];
  int32_t                 axis;
  lt_status               st;

  (void) state;
  *scratch_bytes = 0;
  if ((st = lt_ref_get_axis (call, -1, indices->rank + 1, &axis)) != LT_OK)
    return st;
  if (!lt_dtype_is_integer (indices->dtype) && !lt_dtype_is_float (indices->dtype))
    return lt_ref_fail (call, LT_ERR_SHAPE, "indices must be numeric");
  if (call->inputs[1].count != 1 || call->inputs[2].count != 2)
    return lt_ref_fail (call, LT_ERR_SHAPE, "depth must be a scalar and values hold [off, on]");
  if (y->rank != indices->rank + 1 || y->dtype != call->inputs[2].dtype)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have rank %d and the type of values", indices->rank + 1);
  return LT_OK;
}

static lt_status
one_hot_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *indices = &call->inputs[0], *values = &call->inputs[2];
  lt_kernel_tensor       *y = &call->outputs[0];
  double                  depth_value = lt_ref_get_f64 (call->inputs[1].dtype, call->inputs[1].data, 0);
  size_t                  size = lt_ref_elem_size (y->dtype);
  int64_t                 depth;
  int32_t                 axis;
  uint64_t                inner;

  lt_ref_get_axis (call, -1, indices->rank + 1, &axis);
  /* compared as double first: a huge or NaN depth must not reach the cast */
  if (!(depth_value >= 1.0 && depth_value <= (double) y->dims[axis]) || (int64_t) depth_value != y->dims[axis])
    return lt_ref_fail (call, LT_ERR_RUNTIME, "depth %g does not match the output", depth_value);
  depth = y->dims[axis];
  inner = lt_ref_count_from (y, axis + 1);
  for (uint64_t o = 0; o < y->count; o++)
    {
      /* output [outer, depth, inner] <- indices [outer, inner] */
      uint64_t outer = o / (inner * (uint64_t) depth), d = (o / inner) % (uint64_t) depth, in = o % inner;
      double   idx = lt_ref_get_f64 (indices->dtype, indices->data, outer * inner + in);
      bool     hot;

      if (idx < 0)
        idx += (double) depth;
      hot = (double) d == trunc (idx);
      memcpy ((char *) y->data + o * size, (const char *) values->data + (hot ? size : 0), size);
    }
  return LT_OK;
}

const lt_kernel lt_ref_range_kernel = {
  .name = "lt_ref_range",
  .prepare = range_prepare,
  .run = range_run,
};

const lt_kernel lt_ref_one_hot_kernel = {
  .name = "lt_ref_one_hot",
  .prepare = one_hot_prepare,
  .run = one_hot_run,
};
