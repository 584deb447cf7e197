/* shape-resize.c — shapes of Resize and Upsample.
 *
 * The output is sizes when given, else floor(input * scale) per dim.  Where
 * the scales or sizes are inputs whose contents are not known, the rank
 * stays and every resized dim is unknown.  Resize's inputs moved over
 * opsets: (X, scales) at 10, (X, roi, scales, sizes) from 11; opset 18 adds
 * `axes` and `keep_aspect_ratio_policy`.
 */
#include "shape-private.h"

#include <math.h>
#include <string.h>

/* Reads float contents of input i (scales); false when unknown. */
static bool
input_floats (const lt_shape_ctx *ctx,
              uint32_t            i,
              double             *out,
              uint32_t           *n)
{
  uint32_t      count;
  const lt_sym *data = lt_shape_input_data (ctx, i, &count);

  if (data == NULL || count > LT_MAX_RANK)
    return false;
  for (uint32_t k = 0; k < count; k++)
    {
      if (!data[k].known)
        return false;
      out[k] = data[k].f;
    }
  *n = count;
  return true;
}

static lt_status
resize_to (lt_shape_ctx   *ctx,
           const lt_shape *x,
           const double   *scales,
           const int64_t  *sizes,
           uint32_t        n,
           lt_shape       *out)
{
  const lt_attr *axes_attr = ctx->node->opset >= 18 ? lt_node_get_attr (ctx->node, "axes") : NULL;
  const char    *policy = lt_node_get_attr_string (ctx->node, "keep_aspect_ratio_policy", "stretch");
  int32_t        axes[LT_MAX_RANK];
  double         common = 0;
  char           sa[LT_SHAPE_STR_MAX];

  if (axes_attr && (axes_attr->type != LT_ATTR_INTS || axes_attr->count != n))
    return lt_shape_fail_attr (ctx, "axes has %u entries for %u scales or sizes",
                               axes_attr->type == LT_ATTR_INTS ? axes_attr->count : 1, n);
  if (!axes_attr && n != (uint32_t) x->rank)
    return lt_shape_fail (ctx, "%u scales or sizes for input %s", n, lt_shape_str (x, sa));
  for (uint32_t k = 0; k < n; k++)
    {
      lt_status st;
      if (!axes_attr)
        axes[k] = (int32_t) k;
      else if ((st = lt_shape_axis_checked (ctx, "axis", axes_attr->v.ints[k], x->rank, &axes[k])) != LT_OK)
        return st;
    }
  *out = *x;
  if (sizes && strcmp (policy, "stretch") != 0)
    {
      /* one scale for all axes so the aspect ratio is kept */
      bool larger = strcmp (policy, "not_smaller") == 0;
      for (uint32_t k = 0; k < n; k++)
        {
          double s;
          if (x->dims[axes[k]].size <= 0)
            {
              for (uint32_t j = 0; j < n; j++)
                out->dims[axes[j]] = lt_dim_unknown ();
              return LT_OK;
            }
          s = (double) sizes[k] / (double) x->dims[axes[k]].size;
          if (k == 0 || (larger ? s > common : s < common))
            common = s;
        }
      for (uint32_t k = 0; k < n; k++)
        out->dims[axes[k]] = lt_dim_known (lt_double_to_i64 (round (common * (double) x->dims[axes[k]].size)));
      return LT_OK;
    }
  for (uint32_t k = 0; k < n; k++)
    {
      int64_t in = x->dims[axes[k]].size;
      if (sizes)
        {
          if (sizes[k] < 0)
            return lt_shape_fail_attr (ctx, "size %lld is negative", (long long) sizes[k]);
          out->dims[axes[k]] = lt_dim_known (sizes[k]);
        }
      else if (!(scales[k] > 0) || !(scales[k] < 1e12))
        return lt_shape_fail_attr (ctx, "scale %g must be positive and finite", scales[k]);
      else if (in < 0)
        out->dims[axes[k]] = scales[k] == 1.0 ? x->dims[axes[k]] : lt_dim_unknown ();
      else
        out->dims[axes[k]] = lt_dim_known (lt_double_to_i64 (floor ((double) in * scales[k] + 1e-9)));
    }
  return LT_OK;
}

/* Output with the resized dims unknown (scales or sizes not known). */
static void
set_rank_only (lt_shape_ctx   *ctx,
               lt_dtype        dtype,
               const lt_shape *x)
{
  lt_shape out = *x;
  for (int32_t d = 0; d < out.rank; d++)
    out.dims[d] = lt_dim_unknown ();
  lt_shape_set_output (ctx, 0, dtype, &out);
}

static lt_status
resize_from_inputs (lt_shape_ctx *ctx,
                    uint32_t      scales_input,
                    int32_t       sizes_input)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  double               scales[LT_MAX_RANK];
  int64_t              sizes[LT_MAX_RANK];
  uint32_t             n_scales = 0, n_sizes = 0, count;
  lt_shape             out;
  lt_status            st;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  /* an empty sizes or scales tensor means "not given" */
  if (sizes_input >= 0 && lt_shape_input (ctx, (uint32_t) sizes_input) && !(lt_shape_input_data (ctx, (uint32_t) sizes_input, &count) && count == 0))
    {
      if (!lt_shape_input_ints (ctx, (uint32_t) sizes_input, sizes, LT_MAX_RANK, &n_sizes))
        {
          set_rank_only (ctx, x->dtype, &x->shape);
          return LT_OK;
        }
      st = resize_to (ctx, &x->shape, NULL, sizes, n_sizes, &out);
    }
  else if (lt_shape_input (ctx, scales_input))
    {
      if (!input_floats (ctx, scales_input, scales, &n_scales))
        {
          set_rank_only (ctx, x->dtype, &x->shape);
          return LT_OK;
        }
      st = resize_to (ctx, &x->shape, scales, NULL, n_scales, &out);
    }
  else
    return lt_shape_fail_attr (ctx, "neither scales nor sizes is given");
  if (st != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_resize (lt_shape_ctx *ctx)
{
  if (ctx->node->opset < 11)
    return resize_from_inputs (ctx, 1, -1);
  return resize_from_inputs (ctx, 2, 3);
}

lt_status
lt_shape_upsample (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_attr       *attr = lt_node_get_attr (ctx->node, "scales");
  double               scales[LT_MAX_RANK];
  lt_shape             out;
  lt_status            st;

  if (ctx->node->opset >= 9 || attr == NULL)
    return resize_from_inputs (ctx, 1, -1);
  if (x == NULL || x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if (attr->type != LT_ATTR_FLOATS || attr->count > LT_MAX_RANK)
    return lt_shape_fail_attr (ctx, "attribute 'scales' must be a list of floats");
  for (uint32_t k = 0; k < attr->count; k++)
    scales[k] = attr->v.floats[k];
  if ((st = resize_to (ctx, &x->shape, scales, NULL, attr->count, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}
