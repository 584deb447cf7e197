/* ref-pool.c — reference AveragePool, MaxPool, GlobalAveragePool and
 * GlobalMaxPool over [N, C, D1..Dk] tensors.
 *
 * Every output element visits its window tap by tap (with dilation);
 * taps that fall in the padding are skipped.  Elements are read and
 * written through the dtype helpers, so MaxPool also runs on int8/uint8
 * and the pools on float16/double.  A global pool is a pool whose window
 * is the whole spatial box.
 */
#include "ops/ref-helpers.h"
#include "ops/ref-window.h"

#include <math.h>
#include <stdlib.h>

typedef struct pool_params
{
  lt_ref_window win;               /* pads resolved for the input extents */
  bool          count_include_pad; /* AveragePool: padding counts in the divisor */
  bool          column_major;      /* MaxPool storage_order = 1 for the indices */
} pool_params;

static bool
pool_supports (const lt_kernel_call *call)
{
  lt_dtype t = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;

  if (t == LT_DTYPE_F32 || t == LT_DTYPE_F64 || t == LT_DTYPE_F16)
    return true;
  /* ONNX allows 8-bit integers for MaxPool only. */
  return call->node->op == LT_OP_MaxPool && (t == LT_DTYPE_U8 || t == LT_DTYPE_I8);
}

static lt_status
check_input (const lt_kernel_call *call)
{
  if (call->inputs[0].rank < 3)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must be [N, C, D1, ...] (got rank %d)", call->inputs[0].rank);
  if (call->outputs[0].dtype != call->inputs[0].dtype)
    return lt_ref_fail (call, LT_ERR_SHAPE, "Y must have the type of X");
  return LT_OK;
}

static lt_status
pool_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  pool_params             p = { 0 };
  int64_t                 expected[LT_MAX_RANK];
  bool                    ceil_mode;
  int64_t                 order;
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = check_input (call)) != LT_OK)
    return st;
  p.win.nsp = x->rank - 2;
  if (lt_node_get_attr (call->node, "kernel_shape") == NULL)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'kernel_shape' is required");
  if ((st = lt_ref_get_ints (call, "kernel_shape", p.win.nsp, 0, p.win.kernel)) != LT_OK || (st = lt_ref_window_parse (call, &p.win)) != LT_OK)
    return st;
  ceil_mode = lt_node_get_attr_int (call->node, "ceil_mode", 0) != 0;
  p.count_include_pad = lt_node_get_attr_int (call->node, "count_include_pad", 0) != 0;
  order = lt_node_get_attr_int (call->node, "storage_order", 0);
  if (order != 0 && order != 1)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'storage_order' must be 0 or 1 (got %lld)",
                        (long long) order);
  p.column_major = order == 1;
  if ((st = lt_ref_window_resolve (call, &p.win, x->dims + 2, ceil_mode, expected)) != LT_OK || (st = lt_ref_window_check_output (call, p.win.nsp, x->dims[1], expected)) != LT_OK)
    return st;
  if (call->n_outputs > 1 && call->outputs[1].dtype != LT_DTYPE_UNDEFINED && (call->outputs[1].dtype != LT_DTYPE_I64 || call->outputs[1].count != call->outputs[0].count))
    return lt_ref_fail (call, LT_ERR_SHAPE, "Indices must be int64 with the shape of Y");
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

/* Offset of spatial coordinates `pos` in a box of extents `dims`, in row-
 * or column-major order. */
static uint64_t
spatial_offset (int32_t        nsp,
                const int64_t *dims,
                const int64_t *pos,
                bool           column_major)
{
  uint64_t offset = 0;

  if (column_major)
    for (int32_t i = nsp - 1; i >= 0; i--)
      offset = offset * (uint64_t) dims[i] + (uint64_t) pos[i];
  else
    for (int32_t i = 0; i < nsp; i++)
      offset = offset * (uint64_t) dims[i] + (uint64_t) pos[i];
  return offset;
}

/* What one window yields. */
typedef struct window_result
{
  double   sum;
  double   max;
  uint64_t argmax; /* spatial offset of the first maximum (row-major unless column_major) */
  bool     any;    /* some tap is inside the input */
  uint64_t inside; /* taps inside the input */
  uint64_t padded; /* taps inside the input or its padding */
} window_result;

static void
visit_window (const pool_params      *p,
              const lt_kernel_tensor *x,
              uint64_t                plane,
              const int64_t          *oc,
              window_result          *r)
{
  const lt_ref_window *w = &p->win;
  const int64_t       *in = x->dims + 2;
  uint64_t             in_size = lt_ref_box_count (w->nsp, in);
  uint64_t             k_size = lt_ref_box_count (w->nsp, w->kernel);

  r->sum = 0.0;
  r->max = -INFINITY;
  r->argmax = 0;
  r->any = false;
  r->inside = r->padded = 0;
  for (uint64_t k = 0; k < k_size; k++)
    {
      int64_t kc[LT_MAX_RANK], pos[LT_MAX_RANK];
      bool    inside = true, in_pads = true;
      double  v;

      lt_ref_unravel (k, w->nsp, w->kernel, kc);
      for (int32_t i = 0; i < w->nsp; i++)
        {
          pos[i] = oc[i] * w->strides[i] - w->pads[i] + kc[i] * w->dilations[i];
          inside = inside && pos[i] >= 0 && pos[i] < in[i];
          in_pads = in_pads && pos[i] < in[i] + w->pads[i + w->nsp];
        }
      r->padded += in_pads;
      if (!inside)
        continue;
      v = lt_ref_get_f64 (x->dtype, x->data, plane * in_size + spatial_offset (w->nsp, in, pos, false));
      r->inside++;
      r->sum += v;
      if (!r->any || v > r->max)
        {
          r->max = v;
          r->argmax = spatial_offset (w->nsp, in, pos, p->column_major);
        }
      r->any = true;
    }
}

static lt_status
pool_run (const lt_kernel_call *call)
{
  const pool_params      *p = call->state;
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  int64_t                *indices = call->n_outputs > 1 ? call->outputs[1].data : NULL;
  uint64_t                planes = (uint64_t) (x->dims[0] * x->dims[1]);
  uint64_t                in_size = lt_ref_box_count (p->win.nsp, x->dims + 2);
  uint64_t                out_size = lt_ref_box_count (p->win.nsp, y->dims + 2);
  bool                    is_max = call->node->op == LT_OP_MaxPool;

  for (uint64_t plane = 0; plane < planes; plane++)
    for (uint64_t o = 0; o < out_size; o++)
      {
        int64_t       oc[LT_MAX_RANK];
        window_result r;
        uint64_t      yi = plane * out_size + o;
        double        v;

        lt_ref_unravel (o, p->win.nsp, y->dims + 2, oc);
        visit_window (p, x, plane, oc, &r);
        if (is_max)
          v = r.any ? r.max : lt_dtype_is_float (y->dtype) ? -INFINITY
                                                           : 0.0;
        else
          v = r.sum / (double) (p->count_include_pad ? r.padded : r.inside);
        lt_ref_set_f64 (y->dtype, y->data, yi, v);
        if (indices != NULL)
          indices[yi] = (int64_t) (plane * in_size + r.argmax);
      }
  return LT_OK;
}

/* ---- global pools ----------------------------------------------------------- */

static lt_status
global_pool_prepare (const lt_kernel_call *call,
                     void                **state,
                     size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  int64_t                 ones[LT_MAX_RANK];
  lt_status               st;

  (void) state;
  *scratch_bytes = 0;
  if ((st = check_input (call)) != LT_OK)
    return st;
  for (int32_t i = 0; i < x->rank - 2; i++)
    ones[i] = 1;
  return lt_ref_window_check_output (call, x->rank - 2, x->dims[1], ones);
}

static lt_status
global_pool_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  uint64_t                planes = (uint64_t) (x->dims[0] * x->dims[1]);
  uint64_t                size = lt_ref_box_count (x->rank - 2, x->dims + 2);
  bool                    is_max = call->node->op == LT_OP_GlobalMaxPool;

  for (uint64_t plane = 0; plane < planes; plane++)
    {
      double acc = is_max ? -INFINITY : 0.0;
      for (uint64_t i = 0; i < size; i++)
        {
          double v = lt_ref_get_f64 (x->dtype, x->data, plane * size + i);
          acc = is_max ? (v > acc ? v : acc) : acc + v;
        }
      lt_ref_set_f64 (y->dtype, y->data, plane, is_max ? acc : acc / (double) size);
    }
  return LT_OK;
}

const lt_kernel lt_ref_average_pool_kernel = {
  .name = "lt_ref_average_pool",
  .supports = pool_supports,
  .prepare = pool_prepare,
  .run = pool_run,
  .release = free,
};

const lt_kernel lt_ref_max_pool_kernel = {
  .name = "lt_ref_max_pool",
  .supports = pool_supports,
  .prepare = pool_prepare,
  .run = pool_run,
  .release = free,
};

const lt_kernel lt_ref_global_average_pool_kernel = {
  .name = "lt_ref_global_average_pool",
  .supports = pool_supports,
  .prepare = global_pool_prepare,
  .run = global_pool_run,
};

const lt_kernel lt_ref_global_max_pool_kernel = {
  .name = "lt_ref_global_max_pool",
  .supports = pool_supports,
  .prepare = global_pool_prepare,
  .run = global_pool_run,
};
