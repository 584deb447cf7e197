/* htp-layer-norm.c — integer LayerNormalization over the last axis
 * (arithmetic in lt/htp.h).
 *
 * Ranges, for rows of C <= 2^16 and 16-bit inputs: |d| < 2^21, so Σ d² <
 * 2^58; σ >= 1 once clamped; |d_i| <= sqrt (C · var) = sqrt (C) · σ / 2^8,
 * so d_i · (2^48 / σ) <= 2^48 · sqrt (C) / 2^8 <= 2^48; |n| <= sqrt (C) · 2^12
 * <= 2^20 and acc fits int32 with 8-bit gamma. */
#include "htp-tensor.h"

#include <math.h>

#define MAX_ROW 65536

/* floor (sqrt (v)) for v >= 0, by Newton's iteration on integers. */
static uint64_t
isqrt64 (uint64_t v)
{
  uint64_t r, next;

  if (v < 2)
    return v;
  r = (uint64_t) sqrt ((double) v) + 1; /* a start above the root */
  for (;;)
    {
      next = (r + v / r) / 2;
      if (next >= r)
        break;
      r = next;
    }
  while (r * r > v)
    r--;
  return r;
}

lt_status
lt_htp_layer_norm (const lt_htp_tensor *x,
                   const lt_htp_tensor *gamma,
                   const lt_htp_tensor *beta,
                   float                epsilon,
                   lt_htp_tensor       *y,
                   lt_error            *err)
{
  lt_status   st;
  const char *label = lt_htp_tensor_label (y, "output");

  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK)
    return st;
  if (x->rank < 1 || lt_htp_tensor_count (x) != lt_htp_tensor_count (y))
    return lt_error_set (err, LT_ERR_SHAPE, label, "a layer norm keeps its input's shape");

  const int64_t C = x->dims[x->rank - 1], n = lt_htp_tensor_count (x);
  if (C < 1 || C > MAX_ROW)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "LayerNormalization over %lld elements is not supported on the NPU (1 to %d)", (long long) C, MAX_ROW);
  if (gamma->rank != 1 || gamma->dims[0] != C)
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (gamma, "scale"), "the scale must have %lld elements", (long long) C);
  if ((st = lt_htp_check_weights (gamma, 0, C, err)) != LT_OK || (st = lt_htp_check_bias (beta, C, err)) != LT_OK)
    return st;
  /* The normalized value is in Q12: its "input scale" is 2^-12. */
  const float             q12_scale = 0x1p-12f;
  const int32_t           zero = 0;
  const lt_quant_encoding q12 = { 16, true, 0, 1, &q12_scale, &zero };
  if ((st = lt_htp_check_channel_ratios (&q12, gamma->enc, C, y->enc, lt_htp_tensor_label (gamma, "scale"), err)) != LT_OK)
    return st;
  if (!(epsilon >= 0))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, label, "epsilon %g is negative", (double) epsilon);

  const double  xs = lt_htp_scale (x->enc, 0);
  const int64_t xo = lt_htp_offset (x->enc, 0), yo = lt_htp_offset (y->enc, 0);
  const int64_t eps_q8 = llround (fmin ((double) epsilon / (xs * xs) * 256.0, 0x1p40));

  for (int64_t base = 0; base < n; base += C)
    {
      int64_t sum = 0, mean_q4;
      int64_t sq = 0;

      for (int64_t i = 0; i < C; i++)
        sum += lt_htp_load (x, base + i) + xo;
      mean_q4 = lt_requant_divide_rounded (16 * sum, C);
      for (int64_t i = 0; i < C; i++)
        {
          int64_t d = 16 * (lt_htp_load (x, base + i) + xo) - mean_q4;
          sq += d * d;
        }
      uint64_t var_q8 = (uint64_t) (lt_requant_divide_rounded (sq, C) + eps_q8);
      uint64_t sigma_q12 = isqrt64 (var_q8 << 16);
      int64_t  inv = (int64_t) ((((uint64_t) 1 << 48) + (sigma_q12 ? sigma_q12 : 1) / 2) / (sigma_q12 ? sigma_q12 : 1));

      for (int64_t i = 0; i < C; i++)
        {
          int64_t d = 16 * (lt_htp_load (x, base + i) + xo) - mean_q4;
          int64_t norm_q12 = lt_requant_round_shift (d * inv, 28);
          int64_t acc = norm_q12 * (lt_htp_load (gamma, i) + lt_htp_offset (gamma->enc, i)) + (beta ? lt_htp_load (beta, i) : 0);
          lt_htp_store (y, base + i, lt_requant_apply (lt_htp_channel_requant (&q12, gamma->enc, i, y->enc), acc) - yo);
        }
    }
  return LT_OK;
}
