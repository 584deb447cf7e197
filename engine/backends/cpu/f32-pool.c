/* f32-pool.c — MaxPool and AveragePool over 1-D and 2-D f32 windows.
 *
 * Attributes are parsed and checked by the reference kernels' window code
 * (ops/ref-window.h), so both accept the same nodes.  Planes run in
 * parallel; each output element scans its window with the input bounds
 * worked out per row and column instead of per tap.  Same results as the
 * reference: max ignores taps in the padding (-inf for an empty window);
 * the average divides by the taps inside the input, or with
 * count_include_pad by those inside the input or its declared pads.
 * MaxPool's optional Indices output is left to the reference kernel.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-helpers.h"
#include "ops/ref-window.h"

#include <math.h>
#include <stdlib.h>

typedef struct pool_params
{
  bool    is_max;
  bool    count_include_pad;
  int64_t in_h, in_w, out_h, out_w;
  int64_t kernel[2], strides[2], dilations[2], pad_begin[2], pad_end[2];
} pool_params;

static bool
pool_supports (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];

  if (x->dtype != LT_DTYPE_F32 || (x->rank != 3 && x->rank != 4))
    return false;
  return call->n_outputs < 2 || call->node->outputs[1] < 0;
}

static lt_status
pool_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  int32_t nsp = x->rank - 2, first = 2 - nsp;
  int64_t expected[LT_MAX_RANK];
  lt_ref_window win = { 0 };
  pool_params p = { 0 };
  lt_status status;

  *scratch_bytes = 0;
  win.nsp = nsp;
  if (lt_node_get_attr (call->node, "kernel_shape") == NULL)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'kernel_shape' is required");
  if ((status = lt_ref_get_ints (call, "kernel_shape", nsp, 0, win.kernel)) != LT_OK ||
      (status = lt_ref_window_parse (call, &win)) != LT_OK ||
      (status = lt_ref_window_resolve (call, &win, x->dims + 2, lt_node_get_attr_int (call->node, "ceil_mode", 0) != 0,
                                       expected)) != LT_OK ||
      (status = lt_ref_window_check_output (call, nsp, x->dims[1], expected)) != LT_OK)
    return status;
  p.is_max = call->node->op == LT_OP_MaxPool;
  p.count_include_pad = lt_node_get_attr_int (call->node, "count_include_pad", 0) != 0;
  p.in_h = p.out_h = 1;
  p.kernel[0] = p.strides[0] = p.dilations[0] = 1;
  for (int32_t i = 0; i < nsp; i++)
    {
      p.kernel[first + i] = win.kernel[i];
      p.strides[first + i] = win.strides[i];
      p.dilations[first + i] = win.dilations[i];
      p.pad_begin[first + i] = win.pads[i];
      p.pad_end[first + i] = win.pads[nsp + i];
    }
  if (nsp == 2)
    {
      p.in_h = x->dims[2];
      p.out_h = expected[0];
    }
  p.in_w = x->dims[x->rank - 1];
  p.out_w = expected[nsp - 1];
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

/* Taps t in [0, kernel) with 0 <= origin + t·dilation < limit: [*lo, *hi). */
static void
tap_range (int64_t  origin,
           int64_t  dilation,
           int64_t  kernel,
           int64_t  limit,
           int64_t *lo,
           int64_t *hi)
{
  *lo = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
  *hi = origin >= limit ? 0 : (limit - origin + dilation - 1) / dilation;
  if (*hi > kernel)
    *hi = kernel;
  if (*lo > *hi)
    *lo = *hi;
}

typedef struct pool_job
{
  const pool_params *p;
  const float       *x;
  float             *y;
} pool_job;

static void
pool_planes (void    *context,
             uint64_t begin,
             uint64_t end)
{
  const pool_job *job = context;
  const pool_params *p = job->p;

  for (uint64_t plane = begin; plane < end; plane++)
    {
      const float *x = job->x + plane * p->in_h * p->in_w;
      float *y = job->y + plane * p->out_h * p->out_w;

      for (int64_t oy = 0; oy < p->out_h; oy++)
        {
          int64_t origin_y = oy * p->strides[0] - p->pad_begin[0];
          int64_t ky0, ky1, py0, py1;

          tap_range (origin_y, p->dilations[0], p->kernel[0], p->in_h, &ky0, &ky1);
          tap_range (origin_y + p->pad_begin[0], p->dilations[0], p->kernel[0], p->pad_begin[0] + p->in_h + p->pad_end[0], &py0, &py1);
          for (int64_t ox = 0; ox < p->out_w; ox++)
            {
              int64_t origin_x = ox * p->strides[1] - p->pad_begin[1];
              int64_t kx0, kx1, px0, px1;
              float max = -INFINITY, sum = 0.0f;
              bool any = false;

              tap_range (origin_x, p->dilations[1], p->kernel[1], p->in_w, &kx0, &kx1);
              for (int64_t ky = ky0; ky < ky1; ky++)
                {
                  const float *row = x + (origin_y + ky * p->dilations[0]) * p->in_w;

                  for (int64_t kx = kx0; kx < kx1; kx++)
                    {
                      float v = row[origin_x + kx * p->dilations[1]];

                      sum += v;
                      if (!any || v > max)
                        max = v;
                      any = true;
                    }
                }
              if (p->is_max)
                y[oy * p->out_w + ox] = max;
              else
                {
                  int64_t taps = (ky1 - ky0) * (kx1 - kx0);

                  if (p->count_include_pad)
                    {
                      tap_range (origin_x + p->pad_begin[1], p->dilations[1], p->kernel[1], p->pad_begin[1] + p->in_w + p->pad_end[1],
                                 &px0, &px1);
                      taps = (py1 - py0) * (px1 - px0);
                    }
                  y[oy * p->out_w + ox] = sum / (float) taps;
                }
            }
        }
    }
}

static lt_status
pool_run (const lt_kernel_call *call)
{
  pool_job job = { call->state, call->inputs[0].data, call->outputs[0].data };
  uint64_t planes = (uint64_t) (call->inputs[0].dims[0] * call->inputs[0].dims[1]);

  lt_threadpool_parallel_for (call->pool, planes, 1, pool_planes, &job);
  return LT_OK;
}

const lt_kernel lt_f32_max_pool = {
  .name = "lt_f32_max_pool",
  .score = 100,
  .supports = pool_supports,
  .prepare = pool_prepare,
  .run = pool_run,
  .release = free,
};

const lt_kernel lt_f32_average_pool = {
  .name = "lt_f32_average_pool",
  .score = 100,
  .supports = pool_supports,
  .prepare = pool_prepare,
  .run = pool_run,
  .release = free,
};
