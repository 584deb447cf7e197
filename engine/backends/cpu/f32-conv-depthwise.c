/* f32-conv-depthwise.c — direct depthwise Conv (group == C == M).
 *
 * One parallel task per (image, channel) plane.  Each output row starts as
 * the bias; then every kernel row whose input row exists adds its taps over
 * the output columns whose input column is inside the image (ranges found
 * once in prepare), so inner loops have no bounds checks and vectorize.
 * A 3-wide kernel row adds its three taps in one pass where all are inside.
 * Any stride, dilation and pads.  A 3×3 kernel with dilation 1 and a row
 * stride of 1 or 2 instead hands each whole plane, borders and fused
 * activation included, to a vectorized function (AVX-512 or AVX2,
 * f32-conv-depthwise.h) when the CPU has one and LATHE_CPU_ISA allows it.
 * Otherwise a fused activation clamps each finished output row while it
 * is still in cache.
 */
#include "conv-geometry.h"
#include "cpu-isa.h"
#include "cpu-kernel-util.h"
#include "f32-conv-depthwise.h"
#include "ops/ref-common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct depthwise_state
{
  lt_conv_geometry       geometry;
  float                 *weights;   /* C × KH × KW, aligned copy of the constant */
  int64_t               *column_lo; /* per kx: output columns whose tap is inside */
  int64_t               *column_hi; /* the input, [lo, hi) */
  lt_f32_dw3x3_plane_fn *plane_3x3; /* or NULL: every row the generic way */
} depthwise_state;

static bool
depthwise_supports (const lt_kernel_call *call)
{
  const lt_attr *group;

  if (!lt_conv_geometry_supported (call))
    return false;
  group = lt_node_get_attr (call->node, "group");
  return group != NULL && group->type == LT_ATTR_INT && group->v.i > 1 &&
         group->v.i == call->inputs[0].dims[1] && group->v.i == call->inputs[1].dims[0];
}

static void
depthwise_release (void *state)
{
  depthwise_state *self = state;

  if (self != NULL)
    {
      free (self->weights);
      free (self->column_lo);
      free (self->column_hi);
    }
  free (self);
}

/* Output columns ox with 0 <= ox·stride + offset < width: [*lo, *hi). */
static void
valid_columns (int64_t  offset,
               int64_t  stride,
               int64_t  width,
               int64_t  out_width,
               int64_t *lo,
               int64_t *hi)
{
  int64_t first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t last = width - offset <= 0 ? 0 : (width - offset - 1) / stride + 1;

  *lo = first < out_width ? first : out_width;
  *hi = last < out_width ? last : out_width;
  if (*hi < *lo)
    *hi = *lo;
}

/* The vectorized 3×3 plane for this geometry and CPU, or NULL. */
static lt_f32_dw3x3_plane_fn *
pick_plane_3x3 (const lt_conv_geometry *g)
{
  if (g->kernel_h != 3 || g->kernel_w != 3 || g->dilation_h != 1 || g->dilation_w != 1
      || (g->stride_w != 1 && g->stride_w != 2))
    return NULL;
#ifdef LT_HAVE_AVX512_KERNELS
  if (lt_cpu_isa_get () >= LT_CPU_ISA_AVX512)
    return lt_f32_dw3x3_plane__avx512;
#endif
#ifdef LT_HAVE_AVX2_KERNELS
  if (lt_cpu_isa_get () >= LT_CPU_ISA_AVX2)
    return lt_f32_dw3x3_plane__avx2;
#endif
  return NULL;
}

static lt_status
depthwise_prepare (const lt_kernel_call *call,
                   void                **state,
                   size_t               *scratch_bytes)
{
  depthwise_state *self = calloc (1, sizeof *self);
  const lt_tensor *weights = lt_kernel_call_get_constant (call, 1);
  lt_status        status;

  if (self == NULL || (self->weights = lt_kernel_call_copy_constant_f32 (weights)) == NULL)
    {
      depthwise_release (self);
      return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
    }
  status = lt_conv_geometry_init (&self->geometry, call);
  if (status != LT_OK)
    {
      depthwise_release (self);
      return status;
    }
  self->column_lo = malloc ((size_t) self->geometry.kernel_w * sizeof (int64_t));
  self->column_hi = malloc ((size_t) self->geometry.kernel_w * sizeof (int64_t));
  if (self->column_lo == NULL || self->column_hi == NULL)
    {
      depthwise_release (self);
      return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
    }
  for (int64_t kx = 0; kx < self->geometry.kernel_w; kx++)
    valid_columns (kx * self->geometry.dilation_w - self->geometry.pad_left, self->geometry.stride_w,
                   self->geometry.in_w, self->geometry.out_w, &self->column_lo[kx], &self->column_hi[kx]);
  self->plane_3x3 = pick_plane_3x3 (&self->geometry);
  *scratch_bytes = 0;
  *state = self;
  return LT_OK;
}

typedef struct depthwise_job
{
  const depthwise_state *self;
  const lt_kernel_clamp *clamp; /* or NULL */
  const float           *x;
  const float           *bias;
  float                 *y;
} depthwise_job;

/* Adds one kernel row's taps to an output row: out[ox] += Σ_kx w[kx] ·
 * in[ox·stride + kx·dilation - pad] over the columns where each tap is
 * inside the input.  Where all taps of a 3-wide row are inside, the three
 * are summed in one pass; elsewhere each tap is its own pass. */
static void
add_kernel_row (const lt_conv_geometry *g,
                const float *restrict in,
                const float   *w,
                const int64_t *lo,
                const int64_t *hi,
                float *restrict out)
{
  int64_t stride = g->stride_w, dilation = g->dilation_w, pad = g->pad_left;
  int64_t all_lo = 0, all_hi = 0;

  if (g->kernel_w == 3)
    {
      all_hi = g->out_w;
      for (int kx = 0; kx < 3; kx++)
        {
          all_lo = lo[kx] > all_lo ? lo[kx] : all_lo;
          all_hi = hi[kx] < all_hi ? hi[kx] : all_hi;
        }
      if (all_lo < all_hi)
        {
          float   w0 = w[0], w1 = w[1], w2 = w[2];
          int64_t o0 = -pad, o1 = dilation - pad, o2 = 2 * dilation - pad;

          if (stride == 1)
            for (int64_t ox = all_lo; ox < all_hi; ox++)
              out[ox] += w0 * in[ox + o0] + w1 * in[ox + o1] + w2 * in[ox + o2];
          else
            for (int64_t ox = all_lo; ox < all_hi; ox++)
              out[ox] += w0 * in[ox * stride + o0] + w1 * in[ox * stride + o1] + w2 * in[ox * stride + o2];
        }
      else
        all_lo = all_hi = 0;
    }
  for (int64_t kx = 0; kx < g->kernel_w; kx++)
    {
      int64_t offset = kx * dilation - pad;
      float   weight = w[kx];

      /* The columns this tap still owes: its range minus the fused one. */
      for (int64_t ox = lo[kx]; ox < hi[kx] && ox < all_lo; ox++)
        out[ox] += weight * in[ox * stride + offset];
      for (int64_t ox = all_hi > lo[kx] ? all_hi : lo[kx]; ox < hi[kx]; ox++)
        out[ox] += weight * in[ox * stride + offset];
    }
}

/* One output row the generic way: bias, then each kernel row's taps. */
static void
generic_row (const depthwise_state *self,
             const float           *x,
             const float           *w,
             float                  bias,
             int64_t                oy,
             float                 *out)
{
  const lt_conv_geometry *g = &self->geometry;

  for (int64_t ox = 0; ox < g->out_w; ox++)
    out[ox] = bias;
  for (int64_t ky = 0; ky < g->kernel_h; ky++)
    {
      int64_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;

      if (iy >= 0 && iy < g->in_h)
        add_kernel_row (g, x + iy * g->in_w, w + ky * g->kernel_w, self->column_lo, self->column_hi, out);
    }
}

/* One output plane of a 3×3 kernel, border columns and clamp included,
 * by the vectorized plane function. */
static void
plane_3x3 (const depthwise_state *self,
           const float           *x,
           const float           *w,
           float                  bias,
           const lt_kernel_clamp *clamp,
           float                 *y)
{
  const lt_conv_geometry *g = &self->geometry;
  lt_f32_dw3x3_shape      shape = {
    g->in_h, g->in_w, g->out_h, g->out_w, g->stride_h, g->stride_w, g->pad_top, g->pad_left,
    clamp != NULL ? clamp->min : -INFINITY, clamp != NULL ? clamp->max : INFINITY,
  };

  self->plane_3x3 (&shape, x, w, bias, y);
}

static void
depthwise_planes (void    *context,
                  uint64_t begin,
                  uint64_t end)
{
  const depthwise_job    *job = context;
  const lt_conv_geometry *g = &job->self->geometry;

  for (uint64_t plane = begin; plane < end; plane++)
    {
      int64_t      channel = (int64_t) plane % g->in_channels;
      const float *x = job->x + plane * g->in_h * g->in_w;
      const float *w = job->self->weights + channel * g->kernel_h * g->kernel_w;
      float       *y = job->y + plane * g->out_h * g->out_w;
      float        bias = job->bias != NULL ? job->bias[channel] : 0.0f;

      if (job->self->plane_3x3 != NULL)
        {
          plane_3x3 (job->self, x, w, bias, job->clamp, y);
          continue;
        }
      for (int64_t oy = 0; oy < g->out_h; oy++)
        {
          float *out = y + oy * g->out_w;

          generic_row (job->self, x, w, bias, oy, out);
          if (job->clamp != NULL)
            lt_f32_clamp (out, out, (uint64_t) g->out_w, job->clamp->min, job->clamp->max);
        }
    }
}

static lt_status
depthwise_run (const lt_kernel_call *call)
{
  const depthwise_state *self = call->state;
  depthwise_job          job = {
             self,
             call->clamp,
             call->inputs[0].data,
    call->n_inputs > 2 ? call->inputs[2].data : NULL,
             call->outputs[0].data,
  };

  lt_threadpool_parallel_for (call->pool, (uint64_t) (self->geometry.batch * self->geometry.in_channels), 1,
                              depthwise_planes, &job);
  return LT_OK;
}

const lt_kernel lt_f32_conv_depthwise = {
  .name = "lt_f32_conv_depthwise",
  .score = 110,
  .supports = depthwise_supports,
  .prepare = depthwise_prepare,
  .run = depthwise_run,
  .release = depthwise_release,
  .applies_clamp = true,
};
