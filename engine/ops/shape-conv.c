/* shape-conv.c — shapes of convolutions, pools, normalizations and
 * DepthToSpace/SpaceToDepth.
 *
 * Spatial output sizes follow the ONNX formulas:
 *   explicit pads: floor-or-ceil((in + pad_begin + pad_end - dilated_k) / stride) + 1
 *   VALID:         ceil((in - dilated_k + 1) / stride)
 *   SAME_*:        ceil(in / stride)
 *   ConvTranspose: stride * (in - 1) + output_padding + dilated_k - pads
 * with dilated_k = (k - 1) * dilation + 1.  A spatial dim that is not known
 * gives an unknown output dim; rank and channels stay known.
 */
#include "shape-private.h"

#include <stdio.h>
#include <string.h>

#define MAX_SPATIAL (LT_MAX_RANK - 2)

/* Window attributes and spatial dims are capped so that the formulas below
 * cannot overflow int64. */
#define MAX_WINDOW_VALUE INT32_MAX
#define MAX_SPATIAL_DIM  (INT64_C (1) << 60)

typedef struct window
{
  int32_t     n; /* spatial rank */
  int64_t     kernel[MAX_SPATIAL];
  int64_t     strides[MAX_SPATIAL];
  int64_t     dilations[MAX_SPATIAL];
  int64_t     pads[2 * MAX_SPATIAL]; /* begins, then ends */
  int64_t     output_padding[MAX_SPATIAL];
  const char *auto_pad;
  bool        ceil_mode;
} window;

static char *
format_ints (const int64_t *v,
             int32_t        n,
             char          *buf,
             size_t         size)
{
  size_t used = 0;

  buf[0] = '\0';
  for (int32_t i = 0; i < n && used < size; i++)
    used += (size_t) snprintf (buf + used, size - used, "%s%lld", i ? "," : "", (long long) v[i]);
  return buf;
}

/* Reads a per-spatial-dim attribute of exactly `n` elements (fallback
 * `dflt` when absent); a wrong length is a bad attribute. */
static lt_status
read_spatial_attr (lt_shape_ctx *ctx,
                   const char   *name,
                   int32_t       n,
                   int64_t       dflt,
                   int64_t      *out)
{
  const lt_attr *a = lt_node_get_attr (ctx->node, name);

  for (int32_t i = 0; i < n; i++)
    out[i] = dflt;
  if (a == NULL)
    return LT_OK;
  if (a->type != LT_ATTR_INTS || a->count != (uint32_t) n)
    return lt_shape_fail_attr (ctx, "attribute '%s' has %u values, expected %d (one per spatial dim)",
                               name, a->type == LT_ATTR_INTS ? a->count : 1, n);
  memcpy (out, a->v.ints, (size_t) n * sizeof *out);
  for (int32_t i = 0; i < n; i++)
    if (out[i] < 0 || out[i] > MAX_WINDOW_VALUE || (out[i] == 0 && strcmp (name, "output_padding") != 0))
      {
        char buf[128];
        return lt_shape_fail_attr (ctx, "attribute '%s' (%s) must be positive and at most %d", name,
                                   format_ints (out, n, buf, sizeof buf), MAX_WINDOW_VALUE);
      }
  return LT_OK;
}

/* Fills the window attributes for `n` spatial dims; `weight_kernel` is the
 * kernel taken from the weights (NULL for pools, which need kernel_shape). */
static lt_status
read_window (lt_shape_ctx   *ctx,
             int32_t         n,
             const lt_shape *weight,
             window         *w)
{
  const lt_attr *ks = lt_node_get_attr (ctx->node, "kernel_shape");
  const lt_attr *pads = lt_node_get_attr (ctx->node, "pads");
  lt_status      st;

  memset (w, 0, sizeof *w);
  w->n = n;
  if (n > MAX_SPATIAL)
    return LT_ERR_UNSUPPORTED;
  if (ks)
    {
      if (ks->type != LT_ATTR_INTS || ks->count != (uint32_t) n)
        return lt_shape_fail_attr (ctx, "kernel_shape has %u values but the input has %d spatial dims",
                                   ks->type == LT_ATTR_INTS ? ks->count : 1, n);
      if ((st = read_spatial_attr (ctx, "kernel_shape", n, 1, w->kernel)) != LT_OK)
        return st;
    }
  else if (weight && weight->rank == n + 2)
    {
      for (int32_t i = 0; i < n; i++)
        {
          if (weight->dims[i + 2].size < 0)
            return LT_ERR_UNSUPPORTED;
          w->kernel[i] = weight->dims[i + 2].size;
        }
    }
  else if (weight)
    return LT_ERR_UNSUPPORTED;
  else
    return lt_shape_fail_attr (ctx, "attribute 'kernel_shape' is required");
  if ((st = read_spatial_attr (ctx, "strides", n, 1, w->strides)) != LT_OK || (st = read_spatial_attr (ctx, "dilations", n, 1, w->dilations)) != LT_OK || (st = read_spatial_attr (ctx, "output_padding", n, 0, w->output_padding)) != LT_OK)
    return st;
  if (pads && (pads->type != LT_ATTR_INTS || pads->count != (uint32_t) (2 * n)))
    return lt_shape_fail_attr (ctx, "attribute 'pads' has %u values, expected %d",
                               pads->type == LT_ATTR_INTS ? pads->count : 1, 2 * n);
  if (pads)
    {
      memcpy (w->pads, pads->v.ints, (size_t) (2 * n) * sizeof *w->pads);
      for (int32_t i = 0; i < 2 * n; i++)
        if (w->pads[i] < 0 || w->pads[i] > MAX_WINDOW_VALUE)
          return lt_shape_fail_attr (ctx, "attribute 'pads' has a value %lld out of [0, %d]",
                                     (long long) w->pads[i], MAX_WINDOW_VALUE);
    }
  w->auto_pad = lt_node_get_attr_string (ctx->node, "auto_pad", "NOTSET");
  if (strcmp (w->auto_pad, "NOTSET") != 0 && strcmp (w->auto_pad, "VALID") != 0 && strcmp (w->auto_pad, "SAME_UPPER") != 0 && strcmp (w->auto_pad, "SAME_LOWER") != 0)
    return lt_shape_fail_attr (ctx, "auto_pad '%s' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER", w->auto_pad);
  w->ceil_mode = lt_node_get_attr_int (ctx->node, "ceil_mode", 0) != 0;
  return LT_OK;
}

static int64_t
div_ceil (int64_t a,
          int64_t b)
{
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

static int64_t
div_floor (int64_t a,
           int64_t b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Output spatial dims of a convolution or pool over input `x`, written to
 * out->dims[2..]. */
static lt_status
window_output (lt_shape_ctx   *ctx,
               const window   *w,
               const lt_shape *x,
               lt_shape       *out)
{
  for (int32_t i = 0; i < w->n; i++)
    {
      int64_t in = x->dims[i + 2].size;
      int64_t dk = (w->kernel[i] - 1) * w->dilations[i] + 1;
      int64_t o;

      if (in < 0)
        {
          out->dims[i + 2] = lt_dim_unknown ();
          continue;
        }
      if (in > MAX_SPATIAL_DIM)
        return LT_ERR_UNSUPPORTED;
      if (strcmp (w->auto_pad, "VALID") == 0)
        o = div_ceil (in - dk + 1, w->strides[i]);
      else if (strcmp (w->auto_pad, "NOTSET") != 0)
        o = div_ceil (in, w->strides[i]);
      else
        {
          int64_t span = in + w->pads[i] + w->pads[i + w->n] - dk;
          o = (w->ceil_mode ? div_ceil (span, w->strides[i]) : div_floor (span, w->strides[i])) + 1;
          /* with ceil_mode the last window must start inside the padded input */
          if (w->ceil_mode && (o - 1) * w->strides[i] >= in + w->pads[i])
            o--;
        }
      if (o <= 0)
        {
          char xs[128], ks[128];
          lt_shape_format (x, xs, sizeof xs);
          return lt_shape_fail (ctx, "input %s is smaller than the kernel %s (dilated) on spatial dim %d",
                                xs, format_ints (w->kernel, w->n, ks, sizeof ks), i);
        }
      out->dims[i + 2] = lt_dim_known (o);
    }
  return LT_OK;
}

/* An N x C x spatial… input, or LT_ERR_SHAPE naming it. */
static lt_status
require_spatial (lt_shape_ctx   *ctx,
                 const lt_shape *x)
{
  char xs[LT_SHAPE_STR_MAX];

  if (x->rank >= 3)
    return LT_OK;
  return lt_shape_fail (ctx, "input %s must have a batch, a channel and at least one spatial dim",
                        lt_shape_str (x, xs));
}

/* Conv and QLinearConv: input x at `xi`, weights at `wi`. */
static lt_status
conv_like (lt_shape_ctx *ctx,
           uint32_t      xi,
           uint32_t      wi,
           lt_dtype      dtype)
{
  const lt_shape *x = lt_shape_input_shape (ctx, xi);
  const lt_shape *wt = lt_shape_input_shape (ctx, wi);
  int64_t         group = lt_node_get_attr_int (ctx->node, "group", 1);
  lt_shape        out;
  window          w;
  lt_status       st;

  lt_shape_set_output (ctx, 0, dtype, NULL);
  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  if ((st = require_spatial (ctx, x)) != LT_OK)
    return st;
  if (group <= 0 || group > MAX_WINDOW_VALUE)
    return lt_shape_fail_attr (ctx, "group %lld must be positive and at most %d", (long long) group,
                               MAX_WINDOW_VALUE);
  if (x->dims[1].size > 0 && x->dims[1].size % group != 0)
    return lt_shape_fail_attr (ctx, "group %lld does not divide the %lld input channels", (long long) group,
                               (long long) x->dims[1].size);
  if (wt && wt->rank != x->rank)
    {
      char xs[128], ws[128];
      lt_shape_format (x, xs, sizeof xs);
      lt_shape_format (wt, ws, sizeof ws);
      return lt_shape_fail (ctx, "weights %s do not have the rank of input %s", ws, xs);
    }
  if (wt && x->dims[1].size >= 0 && wt->dims[1].size >= 0 && wt->dims[1].size <= MAX_SPATIAL_DIM && wt->dims[1].size * group != x->dims[1].size)
    {
      char xs[128], ws[128];
      lt_shape_format (x, xs, sizeof xs);
      lt_shape_format (wt, ws, sizeof ws);
      return lt_shape_fail (ctx, "input %s has %lld channels but weights %s with group %lld take %lld", xs,
                            (long long) x->dims[1].size, ws, (long long) group,
                            (long long) (wt->dims[1].size * group));
    }
  if ((st = read_window (ctx, x->rank - 2, wt ? wt : &(lt_shape){ .rank = -1 }, &w)) != LT_OK)
    return st;
  lt_shape_set_unknown (&out);
  out.rank = x->rank;
  out.dims[0] = x->dims[0];
  out.dims[1] = wt ? wt->dims[0] : lt_dim_unknown ();
  if ((st = window_output (ctx, &w, x, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_conv (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  return conv_like (ctx, 0, 1, x ? x->dtype : LT_DTYPE_UNDEFINED);
}

lt_status
lt_shape_qlinear_conv (lt_shape_ctx *ctx)
{
  const lt_value_type *y_zero_point = lt_shape_input (ctx, 7);
  return conv_like (ctx, 0, 3, y_zero_point ? y_zero_point->dtype : LT_DTYPE_U8);
}

lt_status
lt_shape_conv_transpose (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  const lt_shape      *x = lt_shape_input_shape (ctx, 0);
  const lt_shape      *wt = lt_shape_input_shape (ctx, 1);
  int64_t              group = lt_node_get_attr_int (ctx->node, "group", 1);
  const lt_attr       *output_shape = lt_node_get_attr (ctx->node, "output_shape");
  lt_shape             out;
  window               w;
  lt_status            st;

  if (xt == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, xt->dtype, NULL);
  if (x == NULL || wt == NULL)
    return LT_ERR_UNSUPPORTED;
  if (x->rank < 3 || wt->rank != x->rank)
    {
      char xs[128], ws[128];
      lt_shape_format (x, xs, sizeof xs);
      lt_shape_format (wt, ws, sizeof ws);
      return lt_shape_fail (ctx, "input %s and weights %s must have the same rank, at least 3", xs, ws);
    }
  if (group <= 0 || group > MAX_WINDOW_VALUE || (x->dims[1].size > 0 && x->dims[1].size % group != 0))
    return lt_shape_fail_attr (ctx, "group %lld does not divide the %lld input channels", (long long) group,
                               (long long) x->dims[1].size);
  if ((st = read_window (ctx, x->rank - 2, wt, &w)) != LT_OK)
    return st;
  lt_shape_set_unknown (&out);
  out.rank = x->rank;
  out.dims[0] = x->dims[0];
  out.dims[1] = wt->dims[1].size >= 0 && wt->dims[1].size <= MAX_SPATIAL_DIM
                    ? lt_dim_known (wt->dims[1].size * group)
                    : lt_dim_unknown ();
  if (output_shape && output_shape->type == LT_ATTR_INTS)
    {
      /* output_shape may list the spatial dims only, or all of them */
      uint32_t skip = output_shape->count == (uint32_t) x->rank ? 2 : 0;
      if (output_shape->count - skip != (uint32_t) w.n)
        return lt_shape_fail_attr (ctx, "output_shape has %u values, expected %d", output_shape->count, w.n);
      for (int32_t i = 0; i < w.n; i++)
        out.dims[i + 2] = lt_dim_known (output_shape->v.ints[i + skip]);
    }
  else
    for (int32_t i = 0; i < w.n; i++)
      {
        int64_t in = x->dims[i + 2].size;
        int64_t dk = (w.kernel[i] - 1) * w.dilations[i] + 1;
        int64_t scaled;

        if (in < 0 || in > MAX_SPATIAL_DIM)
          out.dims[i + 2] = lt_dim_unknown ();
        else if (__builtin_mul_overflow (in, w.strides[i], &scaled) || scaled > MAX_SPATIAL_DIM)
          out.dims[i + 2] = lt_dim_unknown (); /* too large to say */
        else if (strcmp (w.auto_pad, "SAME_UPPER") == 0 || strcmp (w.auto_pad, "SAME_LOWER") == 0)
          out.dims[i + 2] = lt_dim_known (scaled);
        else
          {
            int64_t pads = strcmp (w.auto_pad, "VALID") == 0 ? 0 : w.pads[i] + w.pads[i + w.n];
            int64_t o = scaled - w.strides[i] + w.output_padding[i] + dk - pads;
            if (o <= 0)
              return lt_shape_fail (ctx, "the output of spatial dim %d would be empty (%lld)", i, (long long) o);
            out.dims[i + 2] = lt_dim_known (o);
          }
      }
  lt_shape_set_output (ctx, 0, xt->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_pool (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  const lt_shape      *x = lt_shape_input_shape (ctx, 0);
  lt_shape             out;
  window               w;
  lt_status            st;

  if (xt == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, xt->dtype, NULL);
  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  if ((st = require_spatial (ctx, x)) != LT_OK)
    return st;
  if ((st = read_window (ctx, x->rank - 2, NULL, &w)) != LT_OK)
    return st;
  out = *x;
  if ((st = window_output (ctx, &w, x, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, xt->dtype, &out);
  lt_shape_set_output (ctx, 1, LT_DTYPE_I64, &out); /* MaxPool's Indices */
  return LT_OK;
}

lt_status
lt_shape_global_pool (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  lt_shape             out;
  lt_status            st;

  if (xt == NULL || xt->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if ((st = require_spatial (ctx, &xt->shape)) != LT_OK)
    return st;
  out = xt->shape;
  for (int32_t i = 2; i < out.rank; i++)
    out.dims[i] = lt_dim_known (1);
  lt_shape_set_output (ctx, 0, xt->dtype, &out);
  return LT_OK;
}

/* Checks that per-channel input `i` is a vector matching x's channels. */
static lt_status
check_channel_vector (lt_shape_ctx   *ctx,
                      const lt_shape *x,
                      uint32_t        i)
{
  const lt_shape *v = lt_shape_input_shape (ctx, i);

  if (v == NULL || x->rank < 2)
    return LT_OK;
  if (v->rank != 1 || lt_dim_conflict (v->dims[0], x->dims[1]))
    {
      char xs[128], vs[128];
      lt_shape_format (x, xs, sizeof xs);
      lt_shape_format (v, vs, sizeof vs);
      return lt_shape_fail (ctx, "input %u has shape %s, expected one value per channel of %s", i, vs, xs);
    }
  return LT_OK;
}

lt_status
lt_shape_batch_norm (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  lt_status            st;

  if (xt == NULL || xt->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  for (uint32_t i = 1; i < 5; i++)
    if ((st = check_channel_vector (ctx, &xt->shape, i)) != LT_OK)
      return st;
  lt_shape_set_output (ctx, 0, xt->dtype, &xt->shape);
  /* training-mode outputs (running mean and var, saved stats) are per channel */
  for (uint32_t o = 1; o < ctx->node->n_outputs; o++)
    {
      const lt_value_type *mean = lt_shape_input (ctx, 3);
      if (mean && mean->shape.rank >= 0)
        lt_shape_set_output (ctx, o, mean->dtype, &mean->shape);
    }
  return LT_OK;
}

lt_status
lt_shape_instance_norm (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  lt_status            st;

  if (xt == NULL || xt->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if ((st = check_channel_vector (ctx, &xt->shape, 1)) != LT_OK || (st = check_channel_vector (ctx, &xt->shape, 2)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, xt->dtype, &xt->shape);
  return LT_OK;
}

lt_status
lt_shape_layer_norm (lt_shape_ctx *ctx)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  lt_dtype             stash = (lt_dtype) lt_node_get_attr_int (ctx->node, "stash_type", LT_DTYPE_F32);
  int32_t              axis;
  lt_shape             stats;
  lt_status            st;

  if (xt == NULL || xt->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", -1), xt->shape.rank,
                                   &axis)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, xt->dtype, &xt->shape);
  stats = xt->shape;
  for (int32_t i = axis; i < stats.rank; i++)
    stats.dims[i] = lt_dim_known (1);
  if (!lt_dtype_is_valid (stash))
    stash = LT_DTYPE_F32;
  lt_shape_set_output (ctx, 1, stash, &stats);
  lt_shape_set_output (ctx, 2, stash, &stats);
  return LT_OK;
}

/* DepthToSpace (to_space) and SpaceToDepth on NCHW. */
static lt_status
block_rearrange (lt_shape_ctx *ctx,
                 bool          to_space)
{
  const lt_value_type *xt = lt_shape_input (ctx, 0);
  int64_t              b = lt_node_get_attr_int (ctx->node, "blocksize", 0);
  lt_shape             out;

  if (b <= 0 || b > 65536)
    return lt_shape_fail_attr (ctx, "blocksize %lld must be in [1, 65536]", (long long) b);
  if (xt == NULL || xt->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if (xt->shape.rank != 4)
    {
      char xs[128];
      lt_shape_format (&xt->shape, xs, sizeof xs);
      return lt_shape_fail (ctx, "input %s must have rank 4", xs);
    }
  out = xt->shape;
  for (int32_t i = 1; i < 4; i++)
    {
      int64_t d = xt->shape.dims[i].size;
      int64_t f = i == 1 ? b * b : b;
      bool    shrink = (i == 1) == to_space;

      if (d < 0 || d > MAX_SPATIAL_DIM)
        {
          out.dims[i] = lt_dim_unknown ();
          continue;
        }
      if (shrink && d % f != 0)
        {
          char xs[128];
          lt_shape_format (&xt->shape, xs, sizeof xs);
          return lt_shape_fail (ctx, "dim %d of input %s is not a multiple of %lld", i, xs, (long long) f);
        }
      out.dims[i] = lt_dim_known (shrink ? d / f : d * f);
    }
  lt_shape_set_output (ctx, 0, xt->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_depth_to_space (lt_shape_ctx *ctx)
{
  return block_rearrange (ctx, true);
}

lt_status
lt_shape_space_to_depth (lt_shape_ctx *ctx)
{
  return block_rearrange (ctx, false);
}
