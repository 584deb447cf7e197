/* shape-generate.c — ops whose output is made rather than computed from
 * input elements: Constant, ConstantOfShape, Shape, Size, Range, OneHot.
 *
 * These are the sources of propagated contents: Shape's output holds the
 * input's dims (symbolic ones as symbols), Size the element count, Constant
 * its tensor, Range and ConstantOfShape their elements when small.
 */
#include "shape-private.h"

#include <math.h>
#include <string.h>

static void
fill_known (lt_sym *s,
            int64_t i,
            double  f)
{
  s->known = true;
  s->i = i;
  s->f = f;
}

lt_status
lt_shape_constant (lt_shape_ctx *ctx)
{
  const lt_attr *a;
  lt_shape       shape;
  lt_sym        *out;

  if ((a = lt_node_get_attr (ctx->node, "value")) != NULL && a->type == LT_ATTR_TENSOR)
    {
      const lt_tensor *t = a->v.t;
      lt_shape_set (&shape, t->rank, t->dims);
      lt_shape_set_output (ctx, 0, t->dtype, &shape);
      if (t->count <= LT_SHAPE_DATA_MAX && (out = lt_shape_output_data (ctx, 0, (uint32_t) t->count)) != NULL)
        lt_shape_tensor_to_syms (t, out);
      return LT_OK;
    }
  if ((a = lt_node_get_attr (ctx->node, "value_int")) != NULL || (a = lt_node_get_attr (ctx->node, "value_float")))
    {
      lt_shape_set (&shape, 0, NULL);
      lt_shape_set_output (ctx, 0, a->type == LT_ATTR_INT ? LT_DTYPE_I64 : LT_DTYPE_F32, &shape);
      if ((out = lt_shape_output_data (ctx, 0, 1)) != NULL)
        fill_known (out, a->type == LT_ATTR_INT ? a->v.i : lt_double_to_i64 (a->v.f),
                    a->type == LT_ATTR_INT ? (double) a->v.i : a->v.f);
      return LT_OK;
    }
  if ((a = lt_node_get_attr (ctx->node, "value_ints")) != NULL || (a = lt_node_get_attr (ctx->node, "value_floats")) != NULL || (a = lt_node_get_attr (ctx->node, "value_strings")) != NULL)
    {
      int64_t n = a->count;
      lt_shape_set (&shape, 1, &n);
      lt_shape_set_output (ctx, 0,
                           a->type == LT_ATTR_INTS     ? LT_DTYPE_I64
                           : a->type == LT_ATTR_FLOATS ? LT_DTYPE_F32
                                                       : LT_DTYPE_STRING,
                           &shape);
      if (a->type != LT_ATTR_STRINGS && a->count <= LT_SHAPE_DATA_MAX && (out = lt_shape_output_data (ctx, 0, a->count)) != NULL)
        {
          for (uint32_t k = 0; k < a->count; k++)
            if (a->type == LT_ATTR_INTS)
              fill_known (&out[k], a->v.ints[k], (double) a->v.ints[k]);
            else
              fill_known (&out[k], lt_double_to_i64 (a->v.floats[k]), a->v.floats[k]);
        }
      return LT_OK;
    }
  if ((a = lt_node_get_attr (ctx->node, "value_string")) != NULL)
    {
      lt_shape_set (&shape, 0, NULL);
      lt_shape_set_output (ctx, 0, LT_DTYPE_STRING, &shape);
      return LT_OK;
    }
  if (lt_node_get_attr (ctx->node, "sparse_value"))
    return LT_ERR_UNSUPPORTED;
  return lt_shape_fail_attr (ctx, "no value attribute");
}

lt_status
lt_shape_shape (lt_shape_ctx *ctx)
{
  const lt_shape *x = lt_shape_input_shape (ctx, 0);
  int64_t         start = lt_node_get_attr_int (ctx->node, "start", 0);
  int64_t         end, n;
  lt_shape        out;
  lt_sym         *data;

  lt_shape_set_output (ctx, 0, LT_DTYPE_I64, NULL);
  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  /* opset 15's start/end are clamped, never an error */
  end = lt_node_get_attr_int (ctx->node, "end", x->rank);
  if (start < 0)
    start += x->rank;
  if (end < 0)
    end += x->rank;
  start = start < 0 ? 0 : start > x->rank ? x->rank
                                          : start;
  end = end < 0 ? 0 : end > x->rank ? x->rank
                                    : end;
  n = end > start ? end - start : 0;
  lt_shape_set (&out, 1, &n);
  lt_shape_set_output (ctx, 0, LT_DTYPE_I64, &out);
  if ((data = lt_shape_output_data (ctx, 0, (uint32_t) n)) != NULL)
    for (int64_t k = 0; k < n; k++)
      data[k] = lt_sym_from_dim (x->dims[start + k]);
  return LT_OK;
}

lt_status
lt_shape_size (lt_shape_ctx *ctx)
{
  const lt_shape *x = lt_shape_input_shape (ctx, 0);
  lt_shape        out;
  uint64_t        count;
  lt_sym         *data;

  lt_shape_set (&out, 0, NULL);
  lt_shape_set_output (ctx, 0, LT_DTYPE_I64, &out);
  if (x && lt_shape_count (x, &count) && (data = lt_shape_output_data (ctx, 0, 1)) != NULL)
    fill_known (data, (int64_t) count, (double) count);
  return LT_OK;
}

lt_status
lt_shape_constant_of_shape (lt_shape_ctx *ctx)
{
  const lt_attr *value = lt_node_get_attr (ctx->node, "value");
  lt_dtype       dtype = LT_DTYPE_F32;
  double         fill = 0;
  lt_shape       out;
  uint64_t       count;
  lt_sym        *data;

  if (value && value->type == LT_ATTR_TENSOR)
    {
      if (value->v.t->count != 1)
        return lt_shape_fail_attr (ctx, "attribute 'value' must hold one element, not %llu",
                                   (unsigned long long) value->v.t->count);
      dtype = value->v.t->dtype;
      fill = lt_tensor_get_as_double (value->v.t, 0);
    }
  lt_shape_set_output (ctx, 0, dtype, NULL);
  if (!lt_shape_from_input_data (ctx, 0, &out))
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, dtype, &out);
  if (lt_shape_count (&out, &count) && count <= LT_SHAPE_DATA_MAX && (data = lt_shape_output_data (ctx, 0, (uint32_t) count)) != NULL)
    for (uint64_t k = 0; k < count; k++)
      fill_known (&data[k], lt_double_to_i64 (fill), fill);
  return LT_OK;
}

lt_status
lt_shape_range (lt_shape_ctx *ctx)
{
  const lt_value_type *start = lt_shape_input (ctx, 0);
  const lt_sym        *v[3];
  lt_shape             out;
  uint32_t             count;
  double               n;
  lt_sym              *data;
  bool                 is_float;

  if (start == NULL)
    return LT_ERR_UNSUPPORTED;
  is_float = lt_dtype_is_float (start->dtype);
  lt_shape_set_unknown (&out);
  out.rank = 1;
  out.dims[0] = lt_dim_unknown ();
  lt_shape_set_output (ctx, 0, start->dtype, &out);
  for (uint32_t k = 0; k < 3; k++)
    if ((v[k] = lt_shape_input_data (ctx, k, &count)) == NULL || count != 1 || !v[k]->known)
      return LT_OK; /* rank 1, length unknown */
  if (is_float ? v[2]->f == 0 : v[2]->i == 0)
    return lt_shape_fail_attr (ctx, "delta is 0");
  n = is_float ? ceil ((v[1]->f - v[0]->f) / v[2]->f)
               : ceil (((double) v[1]->i - (double) v[0]->i) / (double) v[2]->i);
  if (!(n > 0)) /* also NaN */
    n = 0;
  if (n > (double) INT64_MAX / 2)
    return lt_shape_fail (ctx, "Range would have %g elements", n);
  out.dims[0] = lt_dim_known ((int64_t) n);
  lt_shape_set_output (ctx, 0, start->dtype, &out);
  if (n <= LT_SHAPE_DATA_MAX && (data = lt_shape_output_data (ctx, 0, (uint32_t) n)) != NULL)
    for (int64_t k = 0; k < (int64_t) n; k++)
      {
        double  f = v[0]->f + (double) k * v[2]->f;
        int64_t i = v[0]->i + k * v[2]->i;
        fill_known (&data[k], is_float ? lt_double_to_i64 (f) : i, is_float ? f : (double) i);
      }
  return LT_OK;
}

lt_status
lt_shape_one_hot (lt_shape_ctx *ctx)
{
  const lt_shape      *idx = lt_shape_input_shape (ctx, 0);
  const lt_value_type *values = lt_shape_input (ctx, 2);
  uint32_t             count;
  const lt_sym        *depth = lt_shape_input_data (ctx, 1, &count);
  int32_t              axis;
  lt_shape             out;
  lt_status            st;

  if (values == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, values->dtype, NULL);
  if (idx == NULL || idx->rank + 1 > LT_MAX_RANK)
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", -1), idx->rank + 1,
                                   &axis)) != LT_OK)
    return st;
  lt_shape_set_unknown (&out);
  out.rank = idx->rank + 1;
  for (int32_t d = 0, s = 0; d < out.rank; d++)
    if (d == axis)
      out.dims[d] = depth && count == 1 && depth->known ? lt_dim_from_sym (depth) : lt_dim_unknown ();
    else
      out.dims[d] = idx->dims[s++];
  lt_shape_set_output (ctx, 0, values->dtype, &out);
  return LT_OK;
}
