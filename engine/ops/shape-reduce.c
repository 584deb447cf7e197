/* shape-reduce.c — shapes of reductions (Reduce*, ArgMax/ArgMin) and TopK.
 *
 * Reduce* axes are an attribute until they became an input (ReduceSum at
 * opset 13, the others at 18); no axes means all of them, unless
 * noop_with_empty_axes makes the op an identity.
 */
#include "shape-private.h"

#include <string.h>

lt_status
lt_shape_reduce (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  bool                 keep = lt_node_get_attr_int (ctx->node, "keepdims", 1) != 0;
  bool                 noop = lt_node_get_attr_int (ctx->node, "noop_with_empty_axes", 0) != 0;
  int64_t              axes_as_input = ctx->node->op == LT_OP_ReduceSum ? 13 : 18;
  int64_t              axes[LT_MAX_RANK];
  uint32_t             n_axes;
  bool                 present, reduced[LT_MAX_RANK] = { false };
  lt_shape             out;
  lt_status            st;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  st = lt_shape_ints_attr_or_input (ctx, "axes", 1, axes_as_input, axes, LT_MAX_RANK, &n_axes, &present);
  if (st != LT_OK)
    return st;
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if (n_axes == 0 && noop)
    {
      lt_shape_set_output (ctx, 0, x->dtype, &x->shape);
      return LT_OK;
    }
  for (uint32_t k = 0; k < n_axes; k++)
    {
      int32_t a;
      if ((st = lt_shape_axis_checked (ctx, "axis", axes[k], x->shape.rank, &a)) != LT_OK)
        return st;
      reduced[a] = true;
    }
  lt_shape_set_unknown (&out);
  out.rank = 0;
  for (int32_t d = 0; d < x->shape.rank; d++)
    {
      bool r = n_axes == 0 || reduced[d];
      if (r && keep)
        out.dims[out.rank++] = lt_dim_known (1);
      else if (!r)
        out.dims[out.rank++] = x->shape.dims[d];
    }
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_arg_reduce (lt_shape_ctx *ctx)
{
  const lt_shape *x = lt_shape_input_shape (ctx, 0);
  bool            keep = lt_node_get_attr_int (ctx->node, "keepdims", 1) != 0;
  int32_t         axis;
  lt_shape        out;
  lt_status       st;

  lt_shape_set_output (ctx, 0, LT_DTYPE_I64, NULL);
  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", 0), x->rank, &axis)) != LT_OK)
    return st;
  out = *x;
  if (keep)
    out.dims[axis] = lt_dim_known (1);
  else
    {
      memmove (&out.dims[axis], &out.dims[axis + 1], (size_t) (out.rank - axis - 1) * sizeof out.dims[0]);
      out.rank--;
    }
  lt_shape_set_output (ctx, 0, LT_DTYPE_I64, &out);
  return LT_OK;
}

lt_status
lt_shape_topk (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              k[1];
  uint32_t             n;
  bool                 present;
  int32_t              axis;
  lt_shape             out;
  lt_status            st;
  char                 sa[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  lt_shape_set_output (ctx, 1, LT_DTYPE_I64, NULL);
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", -1), x->shape.rank,
                                   &axis)) != LT_OK)
    return st;
  out = x->shape;
  st = lt_shape_ints_attr_or_input (ctx, "k", 1, 10, k, 1, &n, &present);
  if (st == LT_ERR_UNSUPPORTED)
    out.dims[axis] = lt_dim_unknown ();
  else if (st != LT_OK)
    return st;
  else if (!present || n != 1 || k[0] < 0)
    return lt_shape_fail_attr (ctx, "k must be one non-negative integer");
  else if (x->shape.dims[axis].size >= 0 && k[0] > x->shape.dims[axis].size)
    return lt_shape_fail (ctx, "k = %lld is larger than axis %d of %s", (long long) k[0], axis,
                          lt_shape_str (&x->shape, sa));
  else
    out.dims[axis] = lt_dim_known (k[0]);
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  lt_shape_set_output (ctx, 1, LT_DTYPE_I64, &out);
  return LT_OK;
}
