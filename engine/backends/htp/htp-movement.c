/* htp-movement.c — Reshape, Transpose, Slice/Split and Concat on quantized
 * activations.
 *
 * All four are one strided walk: an iteration box of `dims`, a source
 * element at src_base + Σ i[d]·src_stride[d] and a destination at
 * dst_base + Σ i[d]·dst_stride[d], each value re-expressed from the source
 * encoding in the destination's (requant by x_scale / y_scale, see
 * lt/htp.h).  Strides are in elements and may be negative (Slice with a
 * negative step). */
#include "htp-tensor.h"

typedef struct strided_walk
{
  int32_t rank;
  int64_t dims[LT_MAX_RANK];
  int64_t src_base, src_stride[LT_MAX_RANK];
  int64_t dst_base, dst_stride[LT_MAX_RANK];
} strided_walk;

static void
dense_strides (const lt_htp_tensor *t,
               int64_t             *strides)
{
  int64_t s = 1;

  for (int32_t d = t->rank - 1; d >= 0; d--)
    {
      strides[d] = s;
      s *= t->dims[d];
    }
}

/* Checks x and y, and that x_scale / y_scale has a multiplier. */
static lt_status
prepare_requant (const lt_htp_tensor *x,
                 const lt_htp_tensor *y,
                 lt_requant          *rq,
                 lt_error            *err)
{
  lt_status st;

  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK)
    return st;
  return lt_requant_from_ratio (lt_htp_scale (x->enc, 0) / lt_htp_scale (y->enc, 0), rq,
                                lt_htp_tensor_label (y, "output"), err);
}

static void
walk (const strided_walk  *w,
      const lt_htp_tensor *x,
      lt_requant           rq,
      lt_htp_tensor       *y)
{
  int64_t       idx[LT_MAX_RANK] = { 0 };
  int64_t       n = 1, src = w->src_base, dst = w->dst_base;
  const int64_t xo = lt_htp_offset (x->enc, 0), yo = lt_htp_offset (y->enc, 0);

  for (int32_t d = 0; d < w->rank; d++)
    n *= w->dims[d];
  for (int64_t i = 0; i < n; i++)
    {
      lt_htp_store (y, dst, lt_requant_apply (rq, lt_htp_load (x, src) + xo) - yo);
      /* Odometer increment, last axis fastest. */
      for (int32_t d = w->rank - 1; d >= 0; d--)
        {
          src += w->src_stride[d];
          dst += w->dst_stride[d];
          if (++idx[d] < w->dims[d])
            break;
          src -= w->src_stride[d] * w->dims[d];
          dst -= w->dst_stride[d] * w->dims[d];
          idx[d] = 0;
        }
    }
}

lt_status
lt_htp_requantize (const lt_htp_tensor *x,
                   lt_htp_tensor       *y,
                   lt_error            *err)
{
  lt_requant   rq;
  lt_status    st;
  strided_walk w = { .rank = 1 };

  if ((st = prepare_requant (x, y, &rq, err)) != LT_OK)
    return st;
  if (lt_htp_tensor_count (x) != lt_htp_tensor_count (y))
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"),
                         "a reshape must keep the element count (%lld, not %lld)",
                         (long long) lt_htp_tensor_count (x), (long long) lt_htp_tensor_count (y));
  w.dims[0] = lt_htp_tensor_count (x);
  w.src_stride[0] = w.dst_stride[0] = 1;
  walk (&w, x, rq, y);
  return LT_OK;
}

lt_status
lt_htp_transpose (const lt_htp_tensor *x,
                  const int64_t       *perm,
                  lt_htp_tensor       *y,
                  lt_error            *err)
{
  lt_requant   rq;
  lt_status    st;
  strided_walk w = { .rank = x->rank };
  int64_t      x_strides[LT_MAX_RANK];
  bool         seen[LT_MAX_RANK] = { false };

  if ((st = prepare_requant (x, y, &rq, err)) != LT_OK)
    return st;
  if (y->rank != x->rank)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"), "a transpose keeps the rank");
  dense_strides (x, x_strides);
  dense_strides (y, w.dst_stride);
  for (int32_t d = 0; d < x->rank; d++)
    {
      if (perm[d] < 0 || perm[d] >= x->rank || seen[perm[d]] || y->dims[d] != x->dims[perm[d]])
        return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"),
                             "perm is not a permutation matching the output's dims");
      seen[perm[d]] = true;
      w.dims[d] = y->dims[d];
      w.src_stride[d] = x_strides[perm[d]];
    }
  walk (&w, x, rq, y);
  return LT_OK;
}

lt_status
lt_htp_slice (const lt_htp_tensor *x,
              const int64_t       *starts,
              const int64_t       *steps,
              lt_htp_tensor       *y,
              lt_error            *err)
{
  lt_requant   rq;
  lt_status    st;
  strided_walk w = { .rank = x->rank };
  int64_t      x_strides[LT_MAX_RANK];

  if ((st = prepare_requant (x, y, &rq, err)) != LT_OK)
    return st;
  if (y->rank != x->rank)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"), "a slice keeps the rank");
  if (lt_htp_tensor_count (y) == 0)
    return LT_OK;
  dense_strides (x, x_strides);
  dense_strides (y, w.dst_stride);
  for (int32_t d = 0; d < x->rank; d++)
    {
      int64_t last = starts[d] + (y->dims[d] - 1) * steps[d];
      if (steps[d] == 0 || starts[d] < 0 || starts[d] >= x->dims[d] || last < 0 || last >= x->dims[d])
        return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"),
                             "the slice of axis %d leaves the input", d);
      w.dims[d] = y->dims[d];
      w.src_base += starts[d] * x_strides[d];
      w.src_stride[d] = steps[d] * x_strides[d];
    }
  walk (&w, x, rq, y);
  return LT_OK;
}

lt_status
lt_htp_concat (const lt_htp_tensor *const *inputs,
               uint32_t                    n_inputs,
               int32_t                     axis,
               lt_htp_tensor              *y,
               lt_error                   *err)
{
  lt_requant rq;
  lt_status  st;
  int64_t    total = 0, y_strides[LT_MAX_RANK];

  if (axis < 0 || axis >= y->rank)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"), "axis %d is out of range", axis);
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      const lt_htp_tensor *x = inputs[i];

      if ((st = prepare_requant (x, y, &rq, err)) != LT_OK)
        return st;
      if (x->rank != y->rank)
        return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (x, "input"), "concat inputs need the output's rank");
      for (int32_t d = 0; d < y->rank; d++)
        if (d != axis && x->dims[d] != y->dims[d])
          return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (x, "input"),
                               "dim %d differs from the output's", d);
      total += x->dims[axis];
    }
  if (total != y->dims[axis])
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"),
                         "the inputs add up to %lld along axis %d, the output has %lld",
                         (long long) total, axis, (long long) y->dims[axis]);

  dense_strides (y, y_strides);
  total = 0;
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      strided_walk w = { .rank = y->rank };

      prepare_requant (inputs[i], y, &rq, NULL); /* accepted above */
      dense_strides (inputs[i], w.src_stride);
      for (int32_t d = 0; d < y->rank; d++)
        {
          w.dims[d] = inputs[i]->dims[d];
          w.dst_stride[d] = y_strides[d];
        }
      w.dst_base = total * y_strides[axis];
      walk (&w, inputs[i], rq, y);
      total += inputs[i]->dims[axis];
    }
  return LT_OK;
}
