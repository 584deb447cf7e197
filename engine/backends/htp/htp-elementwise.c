/* htp-elementwise.c — integer Add and Mul with numpy broadcasting of
 * either operand to the output's shape (a bias [C, 1, 1] added to
 * [N, C, H, W], a scalar), and Clip/Relu on activations of one shape.
 *
 * Add: each operand is brought to y's scale with 16 extra fractional bits,
 *   (m_a, s_a) = a_scale / y_scale as multiplier and shift   (same for b)
 *   t_a = round_half_away ((a + a_offset) · m_a / 2^(s_a − 16))
 *   y   = round_half_away ((t_a + t_b) / 2^16) − y_offset
 * in int64 (|a + a_offset| < 2^17, m_a < 2^31), so the error is at most
 * 0.5 + 2^-16 of y's step; a scale ratio of 2^15 or more is refused.
 * Mul: y = requant ((a + a_offset)(b + b_offset), a_scale·b_scale/y_scale)
 *   − y_offset; two 16-bit operands could overflow the int32 accumulator
 *   and are refused.
 * Clip: y = requant (x + x_offset, x_scale/y_scale) − y_offset, clamped to
 *   the bounds quantized in y's encoding (Relu's 0 is exact: −y_offset). */
#include "htp-tensor.h"

#define ADD_FRACTION_BITS 16

/* Element strides of `t` read as y's shape: dims aligned from the right,
 * stride 0 along the dims `t` has as 1 (or lacks). */
static lt_status
broadcast_strides (const lt_htp_tensor *t,
                   const lt_htp_tensor *y,
                   int64_t             *strides,
                   lt_error            *err)
{
  int64_t stride = 1;

  if (t->rank > y->rank)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (t, "input"),
                         "an operand of rank %d does not broadcast to an output of rank %d", t->rank, y->rank);
  for (int32_t d = y->rank - 1; d >= 0; d--)
    {
      int32_t td = d - (y->rank - t->rank);
      int64_t n = td >= 0 ? t->dims[td] : 1;

      if (n != 1 && n != y->dims[d])
        return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (t, "input"),
                             "dim %d of the operand, %lld, does not broadcast to the output's %lld", td, (long long) n,
                             (long long) y->dims[d]);
      strides[d] = n == 1 ? 0 : stride;
      stride *= n;
    }
  return LT_OK;
}

static lt_status
check_same_shape (const lt_htp_tensor *t,
                  const lt_htp_tensor *y,
                  lt_error            *err)
{
  if (t->rank != y->rank)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, lt_htp_tensor_label (t, "input"),
                         "elementwise ops on the NPU need operands of the output's shape (no broadcasting)");
  for (int32_t i = 0; i < t->rank; i++)
    if (t->dims[i] != y->dims[i])
      return lt_error_set (err, LT_ERR_UNSUPPORTED, lt_htp_tensor_label (t, "input"),
                           "elementwise ops on the NPU need operands of the output's shape (no broadcasting)");
  return LT_OK;
}

lt_status
lt_htp_binary (lt_htp_binary_op     op,
               const lt_htp_tensor *a,
               const lt_htp_tensor *b,
               lt_htp_tensor       *y,
               lt_error            *err)
{
  lt_status  st;
  lt_requant rq_a = { 0, 0 }, rq_b = { 0, 0 };
  int64_t    sa[LT_MAX_RANK], sb[LT_MAX_RANK], idx[LT_MAX_RANK] = { 0 }, ia = 0, ib = 0;

  if ((st = lt_htp_check_activation (a, "first input", err)) != LT_OK || (st = lt_htp_check_activation (b, "second input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK || (st = broadcast_strides (a, y, sa, err)) != LT_OK || (st = broadcast_strides (b, y, sb, err)) != LT_OK)
    return st;

  const double  as = lt_htp_scale (a->enc, 0), bs = lt_htp_scale (b->enc, 0), ys = lt_htp_scale (y->enc, 0);
  const int64_t ao = lt_htp_offset (a->enc, 0), bo = lt_htp_offset (b->enc, 0), yo = lt_htp_offset (y->enc, 0);
  const int64_t n = lt_htp_tensor_count (y);
  const char   *label = lt_htp_tensor_label (y, "output");

  if (op == LT_HTP_ADD)
    {
      if ((st = lt_requant_from_ratio (as / ys, &rq_a, label, err)) != LT_OK || (st = lt_requant_from_ratio (bs / ys, &rq_b, label, err)) != LT_OK)
        return st;
      if (rq_a.shift < ADD_FRACTION_BITS || rq_b.shift < ADD_FRACTION_BITS)
        return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                             "Add on the NPU needs each input's scale below 2^15 times the output's");
    }
  else if (a->dtype == LT_DTYPE_U16 && b->dtype == LT_DTYPE_U16)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "Mul of two 16-bit activations is not supported on the NPU (the product overflows its 32-bit accumulator)");
  else if ((st = lt_requant_from_ratio (as * bs / ys, &rq_a, label, err)) != LT_OK)
    return st;

  for (int64_t i = 0; i < n; i++)
    {
      int64_t qa = lt_htp_load (a, ia) + ao, qb = lt_htp_load (b, ib) + bo, q;

      if (op == LT_HTP_ADD)
        q = lt_requant_round_shift (lt_requant_round_shift (qa * rq_a.multiplier, rq_a.shift - ADD_FRACTION_BITS) + lt_requant_round_shift (qb * rq_b.multiplier, rq_b.shift - ADD_FRACTION_BITS),
                                    ADD_FRACTION_BITS);
      else
        q = lt_requant_apply (rq_a, qa * qb);
      lt_htp_store (y, i, q - yo);
      /* Odometer over y's dims, last axis fastest. */
      for (int32_t d = y->rank - 1; d >= 0; d--)
        {
          ia += sa[d];
          ib += sb[d];
          if (++idx[d] < y->dims[d])
            break;
          ia -= sa[d] * y->dims[d];
          ib -= sb[d] * y->dims[d];
          idx[d] = 0;
        }
    }
  return LT_OK;
}

lt_status
lt_htp_clip (const lt_htp_tensor *x,
             float                lo,
             float                hi,
             lt_htp_tensor       *y,
             lt_error            *err)
{
  lt_status  st;
  lt_requant rq;

  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK || (st = check_same_shape (x, y, err)) != LT_OK)
    return st;
  if (!(lo <= hi))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, lt_htp_tensor_label (y, "output"),
                         "the clip bounds [%g, %g] are empty", (double) lo, (double) hi);
  if ((st = lt_requant_from_ratio (lt_htp_scale (x->enc, 0) / lt_htp_scale (y->enc, 0), &rq, lt_htp_tensor_label (y, "output"), err)) != LT_OK)
    return st;

  const int64_t xo = lt_htp_offset (x->enc, 0), yo = lt_htp_offset (y->enc, 0);
  const int64_t q_lo = lt_quant_encoding_quantize (y->enc, 0, lo);
  const int64_t q_hi = lt_quant_encoding_quantize (y->enc, 0, hi);
  const int64_t n = lt_htp_tensor_count (y);

  for (int64_t i = 0; i < n; i++)
    lt_htp_store (y, i, lt_requant_clamp (lt_requant_apply (rq, lt_htp_load (x, i) + xo) - yo, q_lo, q_hi));
  return LT_OK;
}
