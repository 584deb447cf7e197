/* ref-resize.c — reference Resize (opset 10 and later) and Upsample.
 *
 * Every output element is a weighted sum over a small grid of input
 * elements: each axis contributes its own taps (1 for nearest, 2 for
 * linear, 4 for cubic), found by mapping the output coordinate back to an
 * input coordinate with the coordinate transformation mode, and the grid
 * is the product of the axes' taps.  Taps beyond the input repeat its edge
 * element (or, with exclude_outside, drop out and the rest are
 * renormalized); tf_crop_and_resize writes extrapolation_value where the
 * coordinate leaves the input.
 *
 * Per axis, the scale is the `scales` input's, or out / in when `sizes`
 * gives the output (adjusted by keep_aspect_ratio_policy).  Scales, sizes
 * and roi are data and are read in run.  Upsample is Resize with the
 * asymmetric transformation and floor rounding for nearest.
 */
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum interp_mode
{
  INTERP_NEAREST,
  INTERP_LINEAR,
  INTERP_CUBIC,
} interp_mode;

typedef enum coord_mode
{
  COORD_HALF_PIXEL,
  COORD_HALF_PIXEL_SYMMETRIC,
  COORD_PYTORCH_HALF_PIXEL,
  COORD_ALIGN_CORNERS,
  COORD_ASYMMETRIC,
  COORD_TF_HALF_PIXEL_FOR_NN,
  COORD_TF_CROP_AND_RESIZE,
} coord_mode;

typedef enum nearest_mode
{
  NEAREST_ROUND_PREFER_FLOOR,
  NEAREST_ROUND_PREFER_CEIL,
  NEAREST_FLOOR,
  NEAREST_CEIL,
} nearest_mode;

typedef enum aspect_policy
{
  ASPECT_STRETCH,
  ASPECT_NOT_LARGER,
  ASPECT_NOT_SMALLER,
} aspect_policy;

typedef struct resize_params
{
  interp_mode   mode;
  coord_mode    coord;
  nearest_mode  nearest;
  aspect_policy policy;
  double        cubic_a;
  bool          exclude_outside;
  double        extrapolation;
  int32_t       n_axes; /* axes the scales/sizes/roi inputs list */
  int32_t       axes[LT_MAX_RANK];
  float         fixed_scales[LT_MAX_RANK]; /* Upsample-7: the scales attribute */
  bool          has_fixed_scales;
} resize_params;

/* Maps `value` to its index in `names` (n entries); -1 when absent. */
static int
lookup (const char        *value,
        const char *const *names,
        int                n)
{
  for (int i = 0; i < n; i++)
    if (strcmp (value, names[i]) == 0)
      return i;
  return -1;
}

static lt_status
parse_enum (const lt_kernel_call *call,
            const char           *attr,
            const char           *fallback,
            const char *const    *names,
            int                   n,
            int                  *out)
{
  const char *value = lt_node_get_attr_string (call->node, attr, fallback);

  *out = lookup (value, names, n);
  if (*out < 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute '%s' has unknown value '%s'", attr, value);
  return LT_OK;
}

static lt_status
resize_prepare (const lt_kernel_call *call,
                void                **state,
                size_t               *scratch_bytes)
{
  static const char *const modes[] = { "nearest", "linear", "cubic" };
  static const char *const coords[] = { "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                                        "align_corners", "asymmetric", "tf_half_pixel_for_nn",
                                        "tf_crop_and_resize" };
  static const char *const nearests[] = { "round_prefer_floor", "round_prefer_ceil", "floor", "ceil" };
  static const char *const policies[] = { "stretch", "not_larger", "not_smaller" };
  const lt_kernel_tensor  *x = &call->inputs[0];
  bool                     upsample = call->node->op == LT_OP_Upsample;
  bool                     legacy = upsample || call->node->opset < 11;
  const lt_attr           *axes = lt_node_get_attr (call->node, "axes");
  resize_params            p = { 0 };
  int                      v;
  lt_status                st;

  *scratch_bytes = 0;
  if ((st = parse_enum (call, "mode", "nearest", modes, legacy ? 2 : 3, &v)) != LT_OK)
    return st;
  p.mode = (interp_mode) v;
  if (legacy)
    {
      p.coord = COORD_ASYMMETRIC;
      p.nearest = NEAREST_FLOOR;
    }
  else
    {
      if ((st = parse_enum (call, "coordinate_transformation_mode", "half_pixel", coords, 7, &v)) != LT_OK)
        return st;
      p.coord = (coord_mode) v;
      if ((st = parse_enum (call, "nearest_mode", "round_prefer_floor", nearests, 4, &v)) != LT_OK)
        return st;
      p.nearest = (nearest_mode) v;
      if ((st = parse_enum (call, "keep_aspect_ratio_policy", "stretch", policies, 3, &v)) != LT_OK)
        return st;
      p.policy = (aspect_policy) v;
    }
  if (lt_node_get_attr_int (call->node, "antialias", 0) != 0)
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "antialias = 1 is not supported");
  p.cubic_a = lt_node_get_attr_float (call->node, "cubic_coeff_a", -0.75f);
  p.exclude_outside = lt_node_get_attr_int (call->node, "exclude_outside", 0) != 0;
  p.extrapolation = lt_node_get_attr_float (call->node, "extrapolation_value", 0.0f);
  p.n_axes = x->rank;
  for (int32_t i = 0; i < x->rank; i++)
    p.axes[i] = i;
  if (axes != NULL)
    {
      if (axes->type != LT_ATTR_INTS || axes->count > (uint32_t) x->rank)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'axes' must list at most %d axes", x->rank);
      p.n_axes = (int32_t) axes->count;
      for (int32_t i = 0; i < p.n_axes; i++)
        {
          int64_t a = axes->v.ints[i] < 0 ? axes->v.ints[i] + x->rank : axes->v.ints[i];
          if (a < 0 || a >= x->rank)
            return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'axes' has axis %lld out of range",
                                (long long) axes->v.ints[i]);
          p.axes[i] = (int32_t) a;
        }
    }
  if (upsample && call->node->opset < 9)
    {
      const lt_attr *scales = lt_node_get_attr (call->node, "scales");
      if (scales == NULL || scales->type != LT_ATTR_FLOATS || scales->count != (uint32_t) x->rank)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'scales' must list %d floats", x->rank);
      memcpy (p.fixed_scales, scales->v.floats, scales->count * sizeof (float));
      p.has_fixed_scales = true;
    }
  if (call->outputs[0].dtype != x->dtype || call->outputs[0].rank != x->rank)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have the type and rank of X");
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

/* Per-axis scales and crop box (roi) of this run. */
typedef struct resize_geometry
{
  double scale[LT_MAX_RANK];
  double roi_start[LT_MAX_RANK], roi_end[LT_MAX_RANK];
} resize_geometry;

static lt_status
read_geometry (const lt_kernel_call *call,
               const resize_params  *p,
               resize_geometry      *g)
{
  const lt_kernel_tensor *x = &call->inputs[0], *y = &call->outputs[0];
  bool                    legacy = call->node->op == LT_OP_Upsample || call->node->opset < 11;
  uint32_t                scales_at = legacy ? 1 : 2;
  const lt_kernel_tensor *roi = !legacy && lt_ref_has_input (call, 1) ? &call->inputs[1] : NULL;
  const lt_kernel_tensor *scales = lt_ref_has_input (call, scales_at) && call->inputs[scales_at].count > 0
                                       ? &call->inputs[scales_at]
                                       : NULL;
  const lt_kernel_tensor *sizes = !legacy && lt_ref_has_input (call, 3) && call->inputs[3].count > 0
                                      ? &call->inputs[3]
                                      : NULL;
  double                  common = 0.0;

  for (int32_t d = 0; d < x->rank; d++)
    {
      g->scale[d] = p->has_fixed_scales ? p->fixed_scales[d] : 1.0;
      g->roi_start[d] = 0.0;
      g->roi_end[d] = 1.0;
    }
  if (p->has_fixed_scales)
    return LT_OK;
  if ((scales == NULL) == (sizes == NULL))
    return lt_ref_fail (call, LT_ERR_RUNTIME, "exactly one of scales and sizes must be given");
  if ((scales ? scales->count : sizes->count) != (uint64_t) p->n_axes)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "scales or sizes must hold %d values", p->n_axes);
  if (roi != NULL && roi->count == 2 * (uint64_t) p->n_axes)
    for (int32_t i = 0; i < p->n_axes; i++)
      {
        g->roi_start[p->axes[i]] = lt_ref_get_f64 (roi->dtype, roi->data, (uint64_t) i);
        g->roi_end[p->axes[i]] = lt_ref_get_f64 (roi->dtype, roi->data, (uint64_t) (i + p->n_axes));
      }
  for (int32_t i = 0; i < p->n_axes; i++)
    {
      int32_t a = p->axes[i];
      if (scales != NULL)
        g->scale[a] = lt_ref_get_f64 (scales->dtype, scales->data, (uint64_t) i);
      else
        {
          double s = (double) lt_ref_index_input (sizes, (uint64_t) i) / (double) x->dims[a];
          g->scale[a] = s;
          if (i == 0 || (p->policy == ASPECT_NOT_LARGER ? s < common : s > common))
            common = s;
        }
      if (!(g->scale[a] > 0.0))
        return lt_ref_fail (call, LT_ERR_RUNTIME, "the scale of axis %d is not positive", a);
    }
  if (sizes != NULL && p->policy != ASPECT_STRETCH)
    for (int32_t i = 0; i < p->n_axes; i++)
      g->scale[p->axes[i]] = common;
  for (int32_t d = 0; d < x->rank; d++)
    if (x->dims[d] == 0 && y->dims[d] != 0)
      return lt_ref_fail (call, LT_ERR_RUNTIME, "cannot resize an empty axis %d", d);
  return LT_OK;
}

/* The input coordinate that output coordinate `o` of axis d maps to.  As
 * in ONNX, the resized length in the formulas is in_len * scale, which is
 * not a whole number when scales (rather than sizes) were given. */
static double
source_coordinate (const resize_params   *p,
                   const resize_geometry *g,
                   int32_t                d,
                   int64_t                o,
                   int64_t                in_len,
                   int64_t                out_len)
{
  double x = (double) o, s = g->scale[d];
  double resized = s * (double) in_len;

  switch (p->coord)
    {
    case COORD_HALF_PIXEL:
      return (x + 0.5) / s - 0.5;
    case COORD_HALF_PIXEL_SYMMETRIC:
      {
        double adjustment = (double) out_len / resized;
        double offset = (double) in_len / 2.0 * (1.0 - adjustment);
        return offset + (x + 0.5) / s - 0.5;
      }
    case COORD_PYTORCH_HALF_PIXEL:
      return resized > 1.0 ? (x + 0.5) / s - 0.5 : 0.0;
    case COORD_ALIGN_CORNERS:
      return resized != 1.0 ? x * (double) (in_len - 1) / (resized - 1.0) : 0.0;
    case COORD_TF_HALF_PIXEL_FOR_NN:
      return (x + 0.5) / s;
    case COORD_TF_CROP_AND_RESIZE:
      return resized != 1.0 ? g->roi_start[d] * (double) (in_len - 1) + x * (g->roi_end[d] - g->roi_start[d]) * (double) (in_len - 1) / (resized - 1.0)
                            : 0.5 * (g->roi_start[d] + g->roi_end[d]) * (double) (in_len - 1);
    case COORD_ASYMMETRIC:
    default:
      return x / s;
    }
}

static double
cubic_weight (double a,
              double t) /* distance from the tap, in [0, 2] */
{
  if (t <= 1.0)
    return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
  if (t < 2.0)
    return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
  return 0.0;
}

typedef struct axis_taps
{
  int     n;
  int64_t index[4];
  double  weight[4];
} axis_taps;

/* The taps of one axis; false when tf_crop_and_resize leaves the input. */
static bool
find_taps (const resize_params *p,
           double               x,
           int64_t              in_len,
           axis_taps           *t)
{
  double x0;

  t->n = 0;
  if (p->coord == COORD_TF_CROP_AND_RESIZE && (x < 0.0 || x > (double) (in_len - 1)))
    return false;
  if (p->mode == INTERP_NEAREST)
    {
      double f = floor (x), r;
      switch (p->nearest)
        {
        case NEAREST_FLOOR:
          r = f;
          break;
        case NEAREST_CEIL:
          r = ceil (x);
          break;
        case NEAREST_ROUND_PREFER_CEIL:
          r = x - f == 0.5 ? f + 1.0 : round (x);
          break;
        default:
          r = x - f == 0.5 ? f : round (x);
          break;
        }
      t->index[0] = (int64_t) fmin (fmax (r, 0.0), (double) (in_len - 1));
      t->weight[0] = 1.0;
      t->n = 1;
      return true;
    }
  /* Beyond the last tap's reach every tap clamps to the same edge element
   * (or is excluded), so bounding x changes nothing and keeps the integer
   * conversions below defined whatever the scales were. */
  x = fmin (fmax (x, -3.0), (double) in_len + 2.0);
  x0 = floor (x);
  if (p->mode == INTERP_LINEAR)
    {
      t->index[0] = (int64_t) x0;
      t->weight[0] = 1.0 - (x - x0);
      t->index[1] = (int64_t) x0 + 1;
      t->weight[1] = x - x0;
      t->n = 2;
    }
  else
    {
      double sum = 0.0;
      for (int k = 0; k < 4; k++)
        {
          t->index[k] = (int64_t) x0 - 1 + k;
          t->weight[k] = cubic_weight (p->cubic_a, fabs (x - (double) t->index[k]));
          if (p->exclude_outside && (t->index[k] < 0 || t->index[k] >= in_len))
            t->weight[k] = 0.0;
          sum += t->weight[k];
        }
      if (p->exclude_outside && sum != 0.0)
        for (int k = 0; k < 4; k++)
          t->weight[k] /= sum;
      t->n = 4;
    }
  for (int k = 0; k < t->n; k++)
    t->index[k] = t->index[k] < 0 ? 0 : t->index[k] >= in_len ? in_len - 1
                                                              : t->index[k];
  return true;
}

static lt_status
resize_run (const lt_kernel_call *call)
{
  const resize_params    *p = call->state;
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  int32_t                 rank = x->rank;
  int64_t                 strides[LT_MAX_RANK];
  resize_geometry         g;
  lt_status               st;

  if ((st = read_geometry (call, p, &g)) != LT_OK)
    return st;
  lt_ref_strides (rank, x->dims, strides);
  for (uint64_t o = 0; o < y->count; o++)
    {
      int64_t   co[LT_MAX_RANK], pick[LT_MAX_RANK] = { 0 };
      int64_t   counts[LT_MAX_RANK];
      axis_taps taps[LT_MAX_RANK];
      bool      inside = true;
      uint64_t  grid = 1;
      double    acc = 0.0;

      lt_ref_unravel (o, rank, y->dims, co);
      for (int32_t d = 0; d < rank && inside; d++)
        {
          double src = source_coordinate (p, &g, d, co[d], x->dims[d], y->dims[d]);
          inside = find_taps (p, src, x->dims[d], &taps[d]);
          counts[d] = taps[d].n;
          grid *= (uint64_t) taps[d].n;
        }
      if (!inside)
        {
          lt_ref_set_f64 (y->dtype, y->data, o, p->extrapolation);
          continue;
        }
      for (uint64_t k = 0; k < grid; k++)
        {
          double   w = 1.0;
          uint64_t at = 0;

          lt_ref_unravel (k, rank, counts, pick);
          for (int32_t d = 0; d < rank; d++)
            {
              w *= taps[d].weight[pick[d]];
              at += (uint64_t) (taps[d].index[pick[d]] * strides[d]);
            }
          if (w != 0.0)
            acc += w * lt_ref_get_f64 (x->dtype, x->data, at);
        }
      lt_ref_set_f64 (y->dtype, y->data, o, acc);
    }
  return LT_OK;
}

static bool
resize_supports (const lt_kernel_call *call)
{
  lt_dtype t = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;

  return t == LT_DTYPE_F32 || t == LT_DTYPE_F64 || t == LT_DTYPE_F16 || t == LT_DTYPE_U8 || t == LT_DTYPE_I8;
}

const lt_kernel lt_ref_resize_kernel = {
  .name = "lt_ref_resize",
  .supports = resize_supports,
  .prepare = resize_prepare,
  .run = resize_run,
  .release = free,
};

const lt_kernel lt_ref_upsample_kernel = {
  .name = "lt_ref_upsample",
  .supports = resize_supports,
  .prepare = resize_prepare,
  .run = resize_run,
  .release = free,
};
