/* f32-conv-gemm.c — Conv as GEMM: Y_g[Mg × OH·OW] = W_g[Mg × Cg·KH·KW] · cols.
 *
 * Handles every 1-D/2-D f32 Conv with constant weights: any group,
 * dilation, stride, pads and auto_pad.  Weights are packed once per group in
 * prepare.  At run, the input patches ("im2col") are written straight into
 * the GEMM's packed-B layout, column block by column block inside the
 * GEMM's own tasks, so there is no separate im2col matrix and each packed
 * block is used while in cache; a 1×1 stride-1 unpadded conv packs X
 * itself, which already is the B matrix, or on a small plane reads it in
 * place.  The bias is the GEMM epilogue (one value per row).
 */
#include "conv-geometry.h"
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"
#include "f32-gemm.h"

#include <stdlib.h>
#include <string.h>

typedef struct conv_gemm_state
{
  lt_conv_geometry           geometry;
  const lt_f32_gemm_ukernel *ukernel;
  bool                       pointwise;    /* 1×1, stride 1, no pads: X is B */
  bool                       direct_b;     /* pointwise, and X read in place */
  size_t                     k;            /* Cg · KH · KW */
  size_t                     group_m;      /* Mg */
  size_t                     packed_group; /* floats of one group's packed weights */
  float                     *packed_weights;
} conv_gemm_state;

static bool
conv_gemm_supports (const lt_kernel_call *call)
{
  return lt_conv_geometry_supported (call);
}

static void
conv_gemm_release (void *state)
{
  conv_gemm_state *self = state;

  if (self != NULL)
    free (self->packed_weights);
  free (self);
}

static lt_status
conv_gemm_prepare (const lt_kernel_call *call,
                   void                **state,
                   size_t               *scratch_bytes)
{
  conv_gemm_state        *self = calloc (1, sizeof *self);
  const lt_conv_geometry *g;
  const lt_tensor        *weights = lt_kernel_call_get_constant (call, 1);
  float                  *w_copy;
  lt_status               status;

  if (self == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  status = lt_conv_geometry_init (&self->geometry, call);
  if (status != LT_OK)
    {
      free (self);
      return status;
    }
  g = &self->geometry;
  self->ukernel = lt_f32_gemm_ukernel_for (lt_cpu_isa_get ());
  self->pointwise = g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
                    g->pad_top == 0 && g->pad_left == 0 && g->out_h == g->in_h && g->out_w == g->in_w;
  self->k = (size_t) (g->in_channels / g->group * g->kernel_h * g->kernel_w);
  self->group_m = (size_t) (g->out_channels / g->group);
  self->packed_group = lt_f32_gemm_packed_a_size (self->ukernel, self->group_m, self->k);
  self->packed_weights = malloc ((self->packed_group * g->group + 1) * sizeof (float));
  w_copy = lt_kernel_call_copy_constant_f32 (weights);
  if (self->packed_weights == NULL || w_copy == NULL)
    {
      free (w_copy);
      conv_gemm_release (self);
      return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory packing the weights");
    }
  for (int64_t group = 0; group < g->group; group++)
    lt_f32_gemm_pack_a (self->ukernel, self->group_m, self->k, w_copy + group * self->group_m * self->k, self->k, false,
                        self->packed_weights + group * self->packed_group);
  free (w_copy);
  self->direct_b = self->pointwise && lt_f32_gemm_prefers_direct_b (self->k, (size_t) (g->out_h * g->out_w));
  *scratch_bytes = self->direct_b ? 0
                                  : lt_f32_gemm_packed_b_size (self->ukernel, self->k, (size_t) (g->out_h * g->out_w)) *
                                      sizeof (float);
  *state = self;
  return LT_OK;
}

typedef struct im2col_job
{
  const conv_gemm_state *self;
  const float           *x;      /* this image's first channel of the group */
  float                 *packed; /* packed-B layout, k × OH·OW */
} im2col_job;

/* The pointwise case: B is X itself, [Cg × H·W]. */
static void
pointwise_pack_columns (void  *context,
                        size_t n0,
                        size_t n1)
{
  const im2col_job      *job = context;
  const conv_gemm_state *self = job->self;
  size_t                 n = (size_t) (self->geometry.out_h * self->geometry.out_w);

  lt_f32_gemm_pack_b_columns (self->ukernel, self->k, n, job->x, n, false, n0, n1, job->packed);
}

/* A stretch of a panel's columns that lie on one output row. */
typedef struct column_run
{
  size_t  first_col; /* in the panel */
  size_t  length;
  int64_t origin_y; /* input row of ky = 0 */
  int64_t origin_x; /* input column of kx = 0 for the run's first pixel */
} column_run;

/* Writes `length` elements of a patch-matrix row for one run: input
 * columns origin, origin + stride, … of `in_row` (NULL: a padding row),
 * zero where they fall outside [0, width). */
static void
copy_run (const float *in_row,
          int64_t      origin,
          int64_t      stride,
          int64_t      width,
          size_t       length,
          float       *out)
{
  int64_t lo = 0, hi = 0;

  if (in_row != NULL)
    {
      /* Outputs i with 0 <= origin + i·stride < width (without dividing
       * when stride is 1: this runs once per patch row and panel). */
      if (stride == 1)
        {
          lo = origin >= 0 ? 0 : -origin;
          hi = width - origin;
        }
      else
        {
          lo = origin >= 0 ? 0 : (-origin + stride - 1) / stride;
          hi = origin >= width ? 0 : (width - origin + stride - 1) / stride;
        }
      hi = hi < (int64_t) length ? hi : (int64_t) length;
      hi = hi > 0 ? hi : 0;
      lo = lo < hi ? lo : hi;
    }
  for (int64_t i = 0; i < lo; i++)
    out[i] = 0.0f;
  /* Stride 1 is a memcpy (the C library's copy uses the widest vectors
   * this CPU has); stride 2 has its own loop so that it vectorizes. */
  if (stride == 1)
    {
      if (hi > lo)
        memcpy (out + lo, in_row + origin + lo, (size_t) (hi - lo) * sizeof (float));
    }
  else if (stride == 2)
    for (int64_t i = lo; i < hi; i++)
      out[i] = in_row[origin + 2 * i];
  else
    for (int64_t i = lo; i < hi; i++)
      out[i] = in_row[origin + i * stride];
  for (int64_t i = hi; i < (int64_t) length; i++)
    out[i] = 0.0f;
}

/* Packs columns [n0, n1) of the patch matrix (n0 a multiple of nr); row p
 * of it is (channel, ky, kx), column j is output pixel (oy, ox).  A
 * panel's columns are cut into runs along output rows so that, for stride
 * 1, each run of a patch row is one copy. */
static void
im2col_pack_columns (void  *context,
                     size_t n0,
                     size_t n1)
{
  const im2col_job       *job = context;
  const conv_gemm_state  *self = job->self;
  const lt_conv_geometry *g = &self->geometry;
  size_t                  nr = self->ukernel->nr, k = self->k;
  column_run              runs[LT_F32_GEMM_MAX_NR];

  for (size_t panel = n0 / nr; panel < (n1 + nr - 1) / nr; panel++)
    {
      size_t j0 = panel * nr;
      size_t cols = n1 - j0 < nr ? n1 - j0 : nr;
      float *dst = job->packed + j0 * k;
      size_t n_runs = 0, p = 0;

      for (size_t col = 0; col < cols; n_runs++)
        {
          size_t oy = (j0 + col) / (size_t) g->out_w, ox = (j0 + col) % (size_t) g->out_w;
          size_t length = (size_t) g->out_w - ox < cols - col ? (size_t) g->out_w - ox : cols - col;

          runs[n_runs].first_col = col;
          runs[n_runs].length = length;
          runs[n_runs].origin_y = (int64_t) oy * g->stride_h - g->pad_top;
          runs[n_runs].origin_x = (int64_t) ox * g->stride_w - g->pad_left;
          col += length;
        }
      for (int64_t channel = 0; channel < g->in_channels / g->group; channel++)
        for (int64_t ky = 0; ky < g->kernel_h; ky++)
          for (int64_t kx = 0; kx < g->kernel_w; kx++, p++)
            {
              const float *plane = job->x + channel * g->in_h * g->in_w;
              float       *row = dst + p * nr;

              for (size_t r = 0; r < n_runs; r++)
                {
                  int64_t      iy = runs[r].origin_y + ky * g->dilation_h;
                  const float *in_row = iy >= 0 && iy < g->in_h ? plane + iy * g->in_w : NULL;

                  copy_run (in_row, runs[r].origin_x + kx * g->dilation_w, g->stride_w, g->in_w, runs[r].length,
                            row + runs[r].first_col);
                }
              if (cols < nr)
                memset (row + cols, 0, (nr - cols) * sizeof (float));
            }
    }
}

static lt_status
conv_gemm_run (const lt_kernel_call *call)
{
  const conv_gemm_state  *self = call->state;
  const lt_conv_geometry *g = &self->geometry;
  const float            *x = call->inputs[0].data;
  const float            *bias = call->n_inputs > 2 ? call->inputs[2].data : NULL;
  float                  *y = call->outputs[0].data;
  size_t                  in_plane = (size_t) (g->in_h * g->in_w), n = (size_t) (g->out_h * g->out_w);
  size_t                  group_c = (size_t) (g->in_channels / g->group);
  lt_f32_gemm_epilogue    epilogue = lt_f32_gemm_epilogue_identity ();

  epilogue.bias_row_stride = 1;
  if (call->clamp != NULL)
    {
      epilogue.min = call->clamp->min;
      epilogue.max = call->clamp->max;
    }
  for (int64_t image = 0; image < g->batch; image++)
    for (int64_t group = 0; group < g->group; group++)
      {
        const float *x_group = x + ((size_t) (image * g->in_channels) + group * group_c) * in_plane;
        float       *y_group = y + ((size_t) (image * g->out_channels) + group * self->group_m) * n;
        im2col_job   job = { self, x_group, call->scratch };

        epilogue.bias = bias != NULL ? bias + group * self->group_m : NULL;
        if (self->direct_b)
          lt_f32_gemm_compute_direct_b (self->ukernel, self->group_m, n, self->k,
                                        self->packed_weights + group * self->packed_group, x_group, n, y_group, n,
                                        &epilogue, call->pool);
        else
          lt_f32_gemm_compute_packing_b (self->ukernel, self->group_m, n, self->k,
                                         self->packed_weights + group * self->packed_group,
                                         self->pointwise ? pointwise_pack_columns : im2col_pack_columns, &job,
                                         call->scratch, y_group, n, &epilogue, call->pool);
      }
  return LT_OK;
}

const lt_kernel lt_f32_conv_gemm = {
  .name = "lt_f32_conv_gemm",
  .score = 100,
  .supports = conv_gemm_supports,
  .prepare = conv_gemm_prepare,
  .run = conv_gemm_run,
  .release = conv_gemm_release,
  .applies_clamp = true,
};
