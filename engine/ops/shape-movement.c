/* shape-movement.c — shapes of the ops that move or select elements
 * without computing on them: Reshape, Transpose, Concat, Split, Slice,
 * Gather*, Squeeze, Unsqueeze, Flatten, Expand, Tile, Pad.
 *
 * Reshape, Squeeze, Unsqueeze and Flatten keep propagated contents as they
 * are; Concat, Slice and Gather propagate the contents of 1-D tensors, which
 * is what shape computations use.  Attributes that became inputs are read
 * by opset (Squeeze/Unsqueeze axes and Split sizes at 13, Slice at 10, Pad
 * at 11).
 */
#include "shape-private.h"

#include <string.h>

/* Output 0 gets input 0's contents unchanged (element order is kept). */
static void
keep_data (lt_shape_ctx *ctx)
{
  uint32_t      count;
  const lt_sym *data = lt_shape_input_data (ctx, 0, &count);
  lt_sym       *out;

  if (data && (out = lt_shape_output_data (ctx, 0, count)) != NULL)
    memcpy (out, data, count * sizeof *out);
}

static bool
dims_equal (lt_dim a,
            lt_dim b)
{
  if (a.size >= 0 || b.size >= 0)
    return a.size == b.size;
  return a.param && b.param && strcmp (a.param, b.param) == 0;
}

/* Resolves a -1 in a Reshape target by cancelling dims the input and the
 * target share (known or symbolic): what is left of the input over what is
 * left of the target.  One symbolic input dim may be left when the known
 * rest cancels exactly ([N, 8, 8] to [-1, 64] gives N).  False when the
 * rest is not known. */
static bool
infer_minus_one (const lt_shape *in,
                 const lt_shape *target,
                 int32_t         minus,
                 lt_dim         *out)
{
  bool     used[LT_MAX_RANK] = { false };
  uint64_t num = 1, den = 1;
  int32_t  symbolic = -1;

  for (int32_t t = 0; t < target->rank; t++)
    {
      bool matched = false;
      if (t == minus)
        continue;
      for (int32_t i = 0; i < in->rank && !matched; i++)
        if (!used[i] && dims_equal (in->dims[i], target->dims[t]))
          used[i] = matched = true;
      if (matched)
        continue;
      if (target->dims[t].size < 0 || __builtin_mul_overflow (den, (uint64_t) target->dims[t].size, &den))
        return false;
    }
  for (int32_t i = 0; i < in->rank; i++)
    {
      if (used[i])
        continue;
      if (in->dims[i].size < 0 && in->dims[i].param && symbolic < 0)
        symbolic = i;
      else if (in->dims[i].size < 0 || __builtin_mul_overflow (num, (uint64_t) in->dims[i].size, &num))
        return false;
    }
  if (symbolic >= 0)
    {
      if (num != den)
        return false;
      *out = in->dims[symbolic];
      return true;
    }
  if (den == 0 || num % den != 0 || num / den > (uint64_t) INT64_MAX)
    return false;
  *out = lt_dim_known ((int64_t) (num / den));
  return true;
}

lt_status
lt_shape_reshape (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_shape      *target_shape = lt_shape_input_shape (ctx, 1);
  bool                 allow_zero = lt_node_get_attr_int (ctx->node, "allowzero", 0) != 0;
  const lt_sym        *target;
  lt_sym               syms[LT_MAX_RANK];
  uint32_t             n = 0;
  int32_t              minus = -1;
  lt_shape             out;
  uint64_t             in_count, out_count;
  char                 sa[LT_SHAPE_STR_MAX], sb[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (ctx->node->opset < 5)
    {
      /* opset 1: the target is attribute 'shape' */
      const lt_attr *a = lt_node_get_attr (ctx->node, "shape");
      if (a == NULL || a->type != LT_ATTR_INTS || a->count > LT_MAX_RANK)
        return LT_ERR_UNSUPPORTED;
      for (uint32_t k = 0; k < a->count; k++)
        syms[k] = (lt_sym){ .known = true, .i = a->v.ints[k] };
      target = syms;
      n = a->count;
      goto have_target;
    }
  if (target_shape == NULL || target_shape->rank != 1)
    return LT_ERR_UNSUPPORTED;
  target = lt_shape_input_data (ctx, 1, &n);
  if (target == NULL)
    {
      /* the target's length still gives the rank */
      if (target_shape->dims[0].size < 0 || target_shape->dims[0].size > LT_MAX_RANK)
        return LT_ERR_UNSUPPORTED;
      lt_shape_set_unknown (&out);
      out.rank = (int32_t) target_shape->dims[0].size;
      for (int32_t k = 0; k < out.rank; k++)
        out.dims[k] = lt_dim_unknown ();
      lt_shape_set_output (ctx, 0, x->dtype, &out);
      return LT_OK;
    }
have_target:
  if (n > LT_MAX_RANK)
    return lt_shape_fail (ctx, "target shape has %u dims, more than %d", n, LT_MAX_RANK);
  lt_shape_set_unknown (&out);
  out.rank = (int32_t) n;
  for (uint32_t k = 0; k < n; k++)
    {
      const lt_sym *s = &target[k];
      if (s->known && s->i == -1)
        {
          if (minus >= 0)
            return lt_shape_fail_attr (ctx, "target shape has more than one -1");
          minus = (int32_t) k;
          out.dims[k] = lt_dim_unknown ();
        }
      else if (s->known && s->i == 0 && !allow_zero)
        {
          if (x->shape.rank >= 0 && (int32_t) k >= x->shape.rank)
            return lt_shape_fail (ctx, "target dim %u is 0 (copy) but input %s has no dim %u", k,
                                  lt_shape_str (&x->shape, sa), k);
          out.dims[k] = x->shape.rank >= 0 ? x->shape.dims[k] : lt_dim_unknown ();
        }
      else if (s->known && s->i < -1)
        return lt_shape_fail_attr (ctx, "target dim %u is %lld", k, (long long) s->i);
      else
        out.dims[k] = lt_dim_from_sym (s);
    }
  if (x->shape.rank >= 0)
    {
      if (minus >= 0)
        {
          lt_dim d;
          if (infer_minus_one (&x->shape, &out, minus, &d))
            out.dims[minus] = d;
          else if (lt_shape_count (&x->shape, &in_count))
            {
              lt_shape rest = out;
              rest.dims[minus] = lt_dim_known (1);
              if (lt_shape_count (&rest, &out_count) && (out_count == 0 || in_count % out_count != 0))
                return lt_shape_fail (ctx, "cannot reshape %s to %s: the element counts differ",
                                      lt_shape_str (&x->shape, sa), lt_shape_str (&out, sb));
            }
        }
      else if (lt_shape_count (&x->shape, &in_count) && lt_shape_count (&out, &out_count) && in_count != out_count)
        return lt_shape_fail (ctx, "cannot reshape %s to %s: the element counts differ",
                              lt_shape_str (&x->shape, sa), lt_shape_str (&out, sb));
    }
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  keep_data (ctx);
  return LT_OK;
}

lt_status
lt_shape_transpose (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_attr       *perm = lt_node_get_attr (ctx->node, "perm");
  bool                 seen[LT_MAX_RANK] = { false };
  lt_shape             out;

  if (x == NULL || x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  out = x->shape;
  if (perm == NULL)
    {
      for (int32_t k = 0; k < out.rank; k++)
        out.dims[k] = x->shape.dims[out.rank - 1 - k];
      lt_shape_set_output (ctx, 0, x->dtype, &out);
      return LT_OK;
    }
  if (perm->type != LT_ATTR_INTS || perm->count != (uint32_t) x->shape.rank)
    return lt_shape_fail_attr (ctx, "perm has %u entries but the input has rank %d",
                               perm->type == LT_ATTR_INTS ? perm->count : 1, x->shape.rank);
  for (int32_t k = 0; k < out.rank; k++)
    {
      int32_t p;
      if (!lt_shape_axis (perm->v.ints[k], x->shape.rank, &p))
        return lt_shape_fail_attr (ctx, "perm[%d] = %lld is out of range for rank %d", k,
                                   (long long) perm->v.ints[k], x->shape.rank);
      if (seen[p])
        return lt_shape_fail_attr (ctx, "perm lists axis %d twice", p);
      seen[p] = true;
      out.dims[k] = x->shape.dims[p];
    }
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_concat (lt_shape_ctx *ctx)
{
  const lt_value_type *first = lt_shape_input (ctx, 0);
  const lt_attr       *axis_attr = lt_node_get_attr (ctx->node, "axis");
  lt_shape             out;
  int32_t              axis;
  int64_t              total = 0;
  uint32_t             n_data = 0;
  lt_status            st;
  char                 sa[LT_SHAPE_STR_MAX], sb[LT_SHAPE_STR_MAX];

  if (first == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, first->dtype, NULL);
  if (axis_attr == NULL && ctx->node->opset >= 4)
    return lt_shape_fail_attr (ctx, "attribute 'axis' is required");
  for (uint32_t k = 0; k < ctx->node->n_inputs; k++)
    if (lt_shape_input_shape (ctx, k) == NULL)
      return LT_ERR_UNSUPPORTED;
  out = *lt_shape_input_shape (ctx, 0);
  if ((st = lt_shape_axis_checked (ctx, "axis", axis_attr ? axis_attr->v.i : 1, out.rank, &axis)) != LT_OK)
    return st;
  for (uint32_t k = 0; k < ctx->node->n_inputs; k++)
    {
      const lt_shape *s = lt_shape_input_shape (ctx, k);
      if (s->rank != out.rank)
        return lt_shape_fail (ctx, "cannot concatenate %s with %s: the ranks differ",
                              lt_shape_str (&out, sa), lt_shape_str (s, sb));
      for (int32_t d = 0; d < out.rank; d++)
        {
          if (d == axis)
            continue;
          if (lt_dim_conflict (out.dims[d], s->dims[d]))
            return lt_shape_fail (ctx, "cannot concatenate %s with %s on axis %d", lt_shape_str (&out, sa),
                                  lt_shape_str (s, sb), axis);
          out.dims[d] = lt_dim_unify (out.dims[d], s->dims[d]);
        }
      if (total < 0 || s->dims[axis].size < 0 || __builtin_add_overflow (total, s->dims[axis].size, &total))
        total = -1;
    }
  out.dims[axis] = total >= 0 ? lt_dim_known (total) : lt_dim_unknown ();
  lt_shape_set_output (ctx, 0, first->dtype, &out);

  /* contents of 1-D pieces, e.g. a shape assembled for Reshape */
  if (out.rank == 1 && total >= 0 && total <= LT_SHAPE_DATA_MAX)
    {
      lt_sym *res = lt_shape_output_data (ctx, 0, (uint32_t) total);
      for (uint32_t k = 0; res && k < ctx->node->n_inputs; k++)
        {
          uint32_t      count;
          const lt_sym *piece = lt_shape_input_data (ctx, k, &count);
          if (piece)
            memcpy (res + n_data, piece, count * sizeof *res);
          n_data += (uint32_t) lt_shape_input_shape (ctx, k)->dims[0].size;
        }
    }
  return LT_OK;
}

lt_status
lt_shape_split (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  uint32_t             n_out = ctx->node->n_outputs;
  int64_t              sizes[LT_SHAPE_DATA_MAX];
  uint32_t             n_sizes;
  bool                 present;
  int32_t              axis;
  lt_status            st;
  int64_t              dim, sum = 0;
  char                 sa[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  for (uint32_t o = 0; o < n_out; o++)
    lt_shape_set_output (ctx, o, x->dtype, NULL);
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", 0), x->shape.rank,
                                   &axis)) != LT_OK)
    return st;
  st = lt_shape_ints_attr_or_input (ctx, "split", 1, 13, sizes, LT_SHAPE_DATA_MAX, &n_sizes, &present);
  if (st != LT_OK)
    return st;
  dim = x->shape.dims[axis].size;
  if (!present)
    {
      int64_t chunk;
      if (dim < 0)
        {
          for (uint32_t o = 0; o < n_out; o++)
            {
              lt_shape s = x->shape;
              s.dims[axis] = lt_dim_unknown ();
              lt_shape_set_output (ctx, o, x->dtype, &s);
            }
          return LT_OK;
        }
      if (n_out == 0 || n_out > LT_SHAPE_DATA_MAX)
        return LT_ERR_UNSUPPORTED;
      /* opset 18's num_outputs allows a smaller last chunk */
      chunk = dim / n_out + (ctx->node->opset >= 18 && dim % n_out != 0);
      if (ctx->node->opset < 18 && dim % n_out != 0)
        return lt_shape_fail (ctx, "dim %d of %s does not split into %u equal parts", axis,
                              lt_shape_str (&x->shape, sa), n_out);
      for (uint32_t o = 0; o < n_out; o++)
        {
          int64_t left = dim - chunk * o;
          sizes[o] = left < chunk ? (left > 0 ? left : 0) : chunk;
        }
      n_sizes = n_out;
    }
  if (n_sizes != n_out)
    return lt_shape_fail_attr (ctx, "split has %u sizes for %u outputs", n_sizes, n_out);
  for (uint32_t o = 0; o < n_out; o++)
    {
      lt_shape s = x->shape;
      if (sizes[o] < 0 || __builtin_add_overflow (sum, sizes[o], &sum))
        return lt_shape_fail_attr (ctx, "split size %lld is negative or too large", (long long) sizes[o]);
      s.dims[axis] = lt_dim_known (sizes[o]);
      lt_shape_set_output (ctx, o, x->dtype, &s);
    }
  if (dim >= 0 && sum != dim)
    return lt_shape_fail (ctx, "split sizes add up to %lld but dim %d of %s is %lld", (long long) sum, axis,
                          lt_shape_str (&x->shape, sa), (long long) dim);
  return LT_OK;
}

/* Start, length and step of a Slice over a dim of size `dim`, clamped as
 * ONNX specifies. */
static int64_t
slice_length (int64_t  dim,
              int64_t  start,
              int64_t  end,
              int64_t  step,
              int64_t *first)
{
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0)
    {
      start = start < 0 ? 0 : start > dim ? dim
                                          : start;
      end = end < 0 ? 0 : end > dim ? dim
                                    : end;
      *first = start;
      return end > start ? (end - start - 1) / step + 1 : 0;
    }
  start = start < 0 ? -1 : start > dim - 1 ? dim - 1
                                           : start;
  end = end < -1 ? -1 : end > dim - 1 ? dim - 1
                                      : end;
  *first = start;
  /* step < 0; step == INT64_MIN cannot be negated, and takes one element */
  if (start <= end)
    return 0;
  return step == INT64_MIN ? 1 : (start - end - 1) / (-step) + 1;
}

lt_status
lt_shape_slice (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              starts[LT_MAX_RANK], ends[LT_MAX_RANK], axes[LT_MAX_RANK], steps[LT_MAX_RANK];
  uint32_t             n_starts, n_ends, n_axes, n_steps;
  bool                 has_starts, has_ends, has_axes, has_steps;
  lt_status            st_s, st_e, st_a, st_p;
  lt_shape             out;
  int64_t              first_1d = 0, step_1d = 1;
  bool                 sliced_1d = false;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  st_s = lt_shape_ints_attr_or_input (ctx, "starts", 1, 10, starts, LT_MAX_RANK, &n_starts, &has_starts);
  st_e = lt_shape_ints_attr_or_input (ctx, "ends", 2, 10, ends, LT_MAX_RANK, &n_ends, &has_ends);
  st_a = lt_shape_ints_attr_or_input (ctx, "axes", 3, 10, axes, LT_MAX_RANK, &n_axes, &has_axes);
  st_p = ctx->node->opset >= 10
             ? lt_shape_ints_attr_or_input (ctx, "steps", 4, 10, steps, LT_MAX_RANK, &n_steps, &has_steps)
             : (has_steps = false, LT_OK);
  if (st_s == LT_ERR_INVALID_MODEL || st_e == LT_ERR_INVALID_MODEL || st_a == LT_ERR_INVALID_MODEL || st_p == LT_ERR_INVALID_MODEL)
    return LT_ERR_INVALID_MODEL;
  out = x->shape;
  if (st_s != LT_OK || st_e != LT_OK || st_p != LT_OK)
    {
      /* unknown bounds: the rank stays, the sliced dims are unknown */
      if (st_a != LT_OK)
        for (int32_t d = 0; d < out.rank; d++)
          out.dims[d] = lt_dim_unknown ();
      else
        for (uint32_t k = 0; k < (has_axes ? n_axes : (uint32_t) out.rank); k++)
          {
            int32_t a;
            if (!lt_shape_axis (has_axes ? axes[k] : (int64_t) k, out.rank, &a))
              return lt_shape_fail_attr (ctx, "axis %lld is out of range for rank %d",
                                         (long long) axes[k], out.rank);
            out.dims[a] = lt_dim_unknown ();
          }
      lt_shape_set_output (ctx, 0, x->dtype, &out);
      return LT_OK;
    }
  if (!has_starts || !has_ends || n_starts != n_ends || (has_axes && n_axes != n_starts) || (has_steps && n_steps != n_starts))
    return lt_shape_fail_attr (ctx, "starts, ends, axes and steps must have the same length");
  for (uint32_t k = 0; k < n_starts; k++)
    {
      int32_t a;
      int64_t step = has_steps ? steps[k] : 1, first;
      int64_t dim;

      if (!lt_shape_axis (has_axes ? axes[k] : (int64_t) k, out.rank, &a))
        return lt_shape_fail_attr (ctx, "axis %lld is out of range for rank %d",
                                   (long long) (has_axes ? axes[k] : (int64_t) k), out.rank);
      if (step == 0)
        return lt_shape_fail_attr (ctx, "step on axis %d is 0", a);
      dim = x->shape.dims[a].size;
      if (dim < 0)
        {
          out.dims[a] = lt_dim_unknown ();
          continue;
        }
      out.dims[a] = lt_dim_known (slice_length (dim, starts[k], ends[k], step, &first));
      if (out.rank == 1)
        {
          sliced_1d = true;
          first_1d = first;
          step_1d = step;
        }
    }
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  if (out.rank == 1 && out.dims[0].size >= 0)
    {
      uint32_t      count;
      const lt_sym *data = lt_shape_input_data (ctx, 0, &count);
      lt_sym       *res;
      if (!sliced_1d)
        first_1d = 0, step_1d = 1;
      if (data && (res = lt_shape_output_data (ctx, 0, (uint32_t) out.dims[0].size)) != NULL)
        for (int64_t k = 0; k < out.dims[0].size; k++)
          res[k] = data[first_1d + k * step_1d];
    }
  return LT_OK;
}

lt_status
lt_shape_gather (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_shape      *idx = lt_shape_input_shape (ctx, 1);
  int32_t              axis;
  lt_shape             out;
  lt_status            st;
  char                 sa[LT_SHAPE_STR_MAX], sb[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0 || idx == NULL)
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", 0), x->shape.rank,
                                   &axis)) != LT_OK)
    return st;
  if (x->shape.rank - 1 + idx->rank > LT_MAX_RANK)
    return lt_shape_fail (ctx, "gathering %s from %s gives more than %d dims", lt_shape_str (idx, sb),
                          lt_shape_str (&x->shape, sa), LT_MAX_RANK);
  lt_shape_set_unknown (&out);
  out.rank = 0;
  for (int32_t d = 0; d < axis; d++)
    out.dims[out.rank++] = x->shape.dims[d];
  for (int32_t d = 0; d < idx->rank; d++)
    out.dims[out.rank++] = idx->dims[d];
  for (int32_t d = axis + 1; d < x->shape.rank; d++)
    out.dims[out.rank++] = x->shape.dims[d];
  lt_shape_set_output (ctx, 0, x->dtype, &out);

  /* contents: picking elements of a 1-D tensor (a shape) */
  if (x->shape.rank == 1)
    {
      uint32_t      n_data, n_idx;
      const lt_sym *data = lt_shape_input_data (ctx, 0, &n_data);
      int64_t       indices[LT_SHAPE_DATA_MAX];
      lt_sym       *res;

      if (data && lt_shape_input_ints (ctx, 1, indices, LT_SHAPE_DATA_MAX, &n_idx))
        {
          for (uint32_t k = 0; k < n_idx; k++)
            if (indices[k] < -(int64_t) n_data || indices[k] >= (int64_t) n_data)
              return lt_shape_fail (ctx, "index %lld is out of range for %s", (long long) indices[k],
                                    lt_shape_str (&x->shape, sa));
          if ((res = lt_shape_output_data (ctx, 0, n_idx)) != NULL)
            for (uint32_t k = 0; k < n_idx; k++)
              res[k] = data[indices[k] < 0 ? indices[k] + n_data : indices[k]];
        }
    }
  return LT_OK;
}

lt_status
lt_shape_gather_elements (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_shape      *idx = lt_shape_input_shape (ctx, 1);
  char                 sa[LT_SHAPE_STR_MAX], sb[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, idx);
  if (idx == NULL)
    return LT_ERR_UNSUPPORTED;
  if (x->shape.rank >= 0 && x->shape.rank != idx->rank)
    return lt_shape_fail (ctx, "indices %s must have the rank of data %s", lt_shape_str (idx, sb),
                          lt_shape_str (&x->shape, sa));
  return LT_OK;
}

lt_status
lt_shape_gather_nd (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_shape      *idx = lt_shape_input_shape (ctx, 1);
  int64_t              batch = lt_node_get_attr_int (ctx->node, "batch_dims", 0);
  int64_t              last;
  lt_shape             out;
  char                 sa[LT_SHAPE_STR_MAX], sb[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0 || idx == NULL || idx->rank < 1 || idx->dims[idx->rank - 1].size < 0)
    return LT_ERR_UNSUPPORTED;
  last = idx->dims[idx->rank - 1].size;
  if (batch < 0 || batch >= idx->rank || batch + last > x->shape.rank || idx->rank - 1 + x->shape.rank - batch - last > LT_MAX_RANK)
    return lt_shape_fail (ctx, "indices %s do not fit data %s with batch_dims %lld", lt_shape_str (idx, sb),
                          lt_shape_str (&x->shape, sa), (long long) batch);
  lt_shape_set_unknown (&out);
  out.rank = 0;
  for (int32_t d = 0; d < idx->rank - 1; d++)
    out.dims[out.rank++] = idx->dims[d];
  for (int64_t d = batch + last; d < x->shape.rank; d++)
    out.dims[out.rank++] = x->shape.dims[d];
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}

/* Reads Squeeze/Unsqueeze axes (attribute before opset 13, input after). */
static lt_status
read_axes (lt_shape_ctx *ctx,
           int64_t      *axes,
           uint32_t     *n,
           bool         *present)
{
  return lt_shape_ints_attr_or_input (ctx, "axes", 1, 13, axes, LT_MAX_RANK, n, present);
}

lt_status
lt_shape_squeeze (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              axes[LT_MAX_RANK];
  uint32_t             n_axes;
  bool                 present, drop[LT_MAX_RANK] = { false };
  lt_shape             out;
  lt_status            st;
  char                 sa[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if ((st = read_axes (ctx, axes, &n_axes, &present)) != LT_OK || x->shape.rank < 0)
    return st != LT_OK ? st : LT_ERR_UNSUPPORTED;
  if (!present)
    for (int32_t d = 0; d < x->shape.rank; d++)
      {
        if (x->shape.dims[d].size < 0)
          return LT_ERR_UNSUPPORTED; /* whether it is 1 decides the rank */
        drop[d] = x->shape.dims[d].size == 1;
      }
  for (uint32_t k = 0; k < n_axes; k++)
    {
      int32_t a;
      if ((st = lt_shape_axis_checked (ctx, "axis", axes[k], x->shape.rank, &a)) != LT_OK)
        return st;
      if (x->shape.dims[a].size >= 0 && x->shape.dims[a].size != 1)
        return lt_shape_fail (ctx, "cannot squeeze axis %d of %s: it is not 1", a, lt_shape_str (&x->shape, sa));
      drop[a] = true;
    }
  lt_shape_set_unknown (&out);
  out.rank = 0;
  for (int32_t d = 0; d < x->shape.rank; d++)
    if (!drop[d])
      out.dims[out.rank++] = x->shape.dims[d];
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  keep_data (ctx);
  return LT_OK;
}

lt_status
lt_shape_unsqueeze (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              axes[LT_MAX_RANK];
  uint32_t             n_axes;
  bool                 present, inserted[LT_MAX_RANK] = { false };
  lt_shape             out;
  lt_status            st;
  int32_t              rank, src = 0;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if ((st = read_axes (ctx, axes, &n_axes, &present)) != LT_OK || x->shape.rank < 0)
    return st != LT_OK ? st : LT_ERR_UNSUPPORTED;
  if (!present)
    return lt_shape_fail_attr (ctx, "axes are required");
  rank = x->shape.rank + (int32_t) n_axes;
  if (rank > LT_MAX_RANK)
    return lt_shape_fail_attr (ctx, "the result would have rank %d, more than %d", rank, LT_MAX_RANK);
  for (uint32_t k = 0; k < n_axes; k++)
    {
      int32_t a;
      if ((st = lt_shape_axis_checked (ctx, "axis", axes[k], rank, &a)) != LT_OK)
        return st;
      if (inserted[a])
        return lt_shape_fail_attr (ctx, "axis %d is listed twice", a);
      inserted[a] = true;
    }
  lt_shape_set_unknown (&out);
  out.rank = rank;
  for (int32_t d = 0; d < rank; d++)
    out.dims[d] = inserted[d] ? lt_dim_known (1) : x->shape.dims[src++];
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  keep_data (ctx);
  return LT_OK;
}

/* Product of dims [from, to), unknown when one of them is. */
static lt_dim
dims_product (const lt_shape *s,
              int32_t         from,
              int32_t         to)
{
  int64_t p = 1;

  if (to - from == 1)
    return s->dims[from];
  for (int32_t d = from; d < to; d++)
    {
      if (s->dims[d].size < 0 || __builtin_mul_overflow (p, s->dims[d].size, &p))
        return lt_dim_unknown ();
    }
  return lt_dim_known (p);
}

lt_status
lt_shape_flatten (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              axis = lt_node_get_attr_int (ctx->node, "axis", 1);
  lt_shape             out;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if (axis < -(int64_t) x->shape.rank || axis > x->shape.rank)
    return lt_shape_fail_attr (ctx, "axis %lld is out of range for rank %d", (long long) axis, x->shape.rank);
  if (axis < 0)
    axis += x->shape.rank;
  lt_shape_set_unknown (&out);
  out.rank = 2;
  out.dims[0] = dims_product (&x->shape, 0, (int32_t) axis);
  out.dims[1] = dims_product (&x->shape, (int32_t) axis, x->shape.rank);
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  keep_data (ctx);
  return LT_OK;
}

lt_status
lt_shape_expand (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  lt_shape             target, out;
  lt_status            st;

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0 || !lt_shape_from_input_data (ctx, 1, &target))
    return LT_ERR_UNSUPPORTED;
  if ((st = lt_shape_broadcast (ctx, &x->shape, &target, &out)) != LT_OK)
    return st;
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_tile (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              repeats[LT_MAX_RANK];
  uint32_t             n;
  lt_shape             out;
  char                 sa[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0 || !lt_shape_input_ints (ctx, 1, repeats, LT_MAX_RANK, &n))
    return LT_ERR_UNSUPPORTED;
  if (n != (uint32_t) x->shape.rank)
    return lt_shape_fail (ctx, "%u repeats for input %s", n, lt_shape_str (&x->shape, sa));
  out = x->shape;
  for (uint32_t d = 0; d < n; d++)
    {
      if (repeats[d] < 0)
        return lt_shape_fail_attr (ctx, "repeat %lld is negative", (long long) repeats[d]);
      if (repeats[d] != 1)
        {
          int64_t size;
          out.dims[d] = x->shape.dims[d].size >= 0 && !__builtin_mul_overflow (x->shape.dims[d].size, repeats[d], &size)
                            ? lt_dim_known (size)
                            : lt_dim_unknown ();
        }
    }
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}

lt_status
lt_shape_pad (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  int64_t              pads[2 * LT_MAX_RANK], axes[LT_MAX_RANK];
  uint32_t             n_pads, n_axes = 0;
  bool                 present, has_axes = false;
  lt_shape             out;
  lt_status            st;
  char                 sa[LT_SHAPE_STR_MAX];

  if (x == NULL)
    return LT_ERR_UNSUPPORTED;
  lt_shape_set_output (ctx, 0, x->dtype, NULL);
  if (x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  /* opset 1 named the attribute 'paddings' */
  st = lt_shape_ints_attr_or_input (ctx, ctx->node->opset < 2 ? "paddings" : "pads", 1, 11, pads,
                                    2 * LT_MAX_RANK, &n_pads, &present);
  if (st != LT_OK)
    return st;
  if (!present)
    return lt_shape_fail_attr (ctx, "pads are required");
  if (ctx->node->opset >= 18 && lt_shape_input (ctx, 3))
    {
      if (!lt_shape_input_ints (ctx, 3, axes, LT_MAX_RANK, &n_axes))
        return LT_ERR_UNSUPPORTED;
      has_axes = true;
    }
  if (!has_axes)
    {
      n_axes = (uint32_t) x->shape.rank;
      for (uint32_t k = 0; k < n_axes; k++)
        axes[k] = k;
    }
  if (n_pads != 2 * n_axes)
    return lt_shape_fail (ctx, "%u pads for %u axes of %s", n_pads, n_axes, lt_shape_str (&x->shape, sa));
  out = x->shape;
  for (uint32_t k = 0; k < n_axes; k++)
    {
      int32_t a;
      int64_t d;
      if ((st = lt_shape_axis_checked (ctx, "axis", axes[k], x->shape.rank, &a)) != LT_OK)
        return st;
      d = x->shape.dims[a].size;
      if (pads[k] == 0 && pads[k + n_axes] == 0)
        continue;
      if (d < 0 || __builtin_add_overflow (d, pads[k], &d) || __builtin_add_overflow (d, pads[k + n_axes], &d))
        out.dims[a] = lt_dim_unknown ();
      else if (d < 0)
        return lt_shape_fail (ctx, "pads make axis %d of %s negative", a, lt_shape_str (&x->shape, sa));
      else
        out.dims[a] = lt_dim_known (d);
    }
  lt_shape_set_output (ctx, 0, x->dtype, &out);
  return LT_OK;
}
