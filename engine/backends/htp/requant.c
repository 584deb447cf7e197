/* requant.c — ratio → (multiplier, shift) and the integer requantization;
 * the arithmetic is spelled out in requant.h. */
#include "requant.h"

#include <math.h>

lt_status
lt_requant_from_ratio (double      ratio,
                       lt_requant *out,
                       const char *subject,
                       lt_error   *err)
{
  int     exponent;
  double  mantissa;
  int64_t m;

  if (!isfinite (ratio) || ratio < 0 || ratio >= 2147483648.0)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, subject,
                         "scale ratio %g cannot be held as a fixed-point multiplier", ratio);
  /* 0 / 2^62: every accumulator maps to 0, and the shift stays a valid
   * right shift for callers that take fraction bits off it. */
  out->multiplier = 0;
  out->shift = 62;
  if (ratio < 0x1p-32)
    return LT_OK;
  /* ratio = mantissa * 2^exponent with mantissa in [0.5, 1). */
  mantissa = frexp (ratio, &exponent);
  m = llround (mantissa * 2147483648.0);
  if (m == 2147483648LL) /* the mantissa rounded up to 1.0 */
    {
      m = 1073741824LL;
      exponent++;
    }
  /* ratio ≈ m * 2^(exponent - 31); 2^-32 <= ratio gives exponent >= -31,
   * so the shift is at most 62.  A ratio just under 2^31 whose mantissa
   * rounded up would need a left shift: refuse it like 2^31 itself. */
  if (exponent > 31)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, subject,
                         "scale ratio %g cannot be held as a fixed-point multiplier", ratio);
  out->multiplier = (int32_t) m;
  out->shift = 31 - exponent;
  return LT_OK;
}

int64_t
lt_requant_round_shift (int64_t v,
                        int32_t shift)
{
  uint64_t magnitude = v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v;

  if (shift > 0)
    magnitude = (magnitude >> shift) + ((magnitude >> (shift - 1)) & 1);
  /* magnitude < 2^63 after a shift of at least 1; unshifted, |v| < 2^63 is
   * the caller's contract. */
  return v < 0 ? -(int64_t) magnitude : (int64_t) magnitude;
}

int32_t
lt_requant_apply (lt_requant rq,
                  int64_t    acc)
{
  /* |acc| <= 2^31 and multiplier < 2^31: the product fits in int64. */
  int64_t q = lt_requant_round_shift (lt_requant_clamp (acc, INT32_MIN, INT32_MAX) * (int64_t) rq.multiplier,
                                      rq.shift);

  return (int32_t) lt_requant_clamp (q, INT32_MIN, INT32_MAX);
}
