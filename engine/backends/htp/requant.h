/* requant.h — fixed-point requantization, as a fixed-point accelerator does it
 *
 * A real ratio r (e.g. in_scale * w_scale / out_scale) is held as a 31-bit
 * multiplier m in [2^30, 2^31) and a right shift s in [0, 62]:
 *
 *     r ≈ m / 2^s
 *
 * and an int32 accumulator a is requantized as
 *
 *     lt_requant_apply (a) = saturate_int32 (round_half_away (a * m / 2^s))
 *
 * computed exactly: a * m is an int64 product (|a| <= 2^31, m < 2^31, so
 * |a * m| < 2^62) and the division by 2^s rounds once, half away from zero.
 * Unlike gemmlowp's two-step SaturatingRoundingDoublingHighMul followed by
 * RoundingDivideByPOT, there is a single rounding, so the only error against
 * the real product a * r is the 0.5 of that rounding plus |a| times the
 * multiplier's own error (|m / 2^s - r| <= 2^-31 * r).
 */
#pragma once

#include "lt/status.h"

#include <stdint.h>

typedef struct lt_requant
{
  int32_t multiplier; /* in [2^30, 2^31), or 0 (with shift 62) for a ratio below 2^-32 */
  int32_t shift;      /* right shift in [0, 62] */
} lt_requant;

/* Splits `ratio` into a multiplier and a shift.  A ratio that is not finite,
 * negative, or >= 2^31 (the product would not fit) is LT_ERR_UNSUPPORTED
 * naming `subject`; a ratio below 2^-32 becomes 0 (every int32 rounds to 0). */
lt_status lt_requant_from_ratio (double      ratio,
                                 lt_requant *out,
                                 const char *subject,
                                 lt_error   *err);

/* v / 2^shift rounded half away from zero, for shift in [0, 62] and
 * |v| < 2^63. */
int64_t lt_requant_round_shift (int64_t v,
                                int32_t shift);

/* num / den rounded half away from zero, for den > 0 and |num| < 2^62. */
static inline int64_t
lt_requant_divide_rounded (int64_t num,
                           int64_t den)
{
  return (2 * num + (num >= 0 ? den : -den)) / (2 * den);
}

/* Applies the requantization to an accumulator (see the header comment). */
int32_t lt_requant_apply (lt_requant rq,
                          int64_t    acc);

/* Clamps `v` to [lo, hi]. */
static inline int64_t
lt_requant_clamp (int64_t v,
                  int64_t lo,
                  int64_t hi)
{
  return v < lo ? lo : v > hi ? hi
                              : v;
}
