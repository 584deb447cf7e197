/* f32-vmath.c — exp and erf over arrays, written for the auto-vectorizer
 * (see f32-vmath.h).
 *
 * Built once per ISA with LT_VMATH_ISA set to its suffix (generic, avx2,
 * avx512) and that ISA's flags; the generic build also holds
 * lt_f32_vmath_for.  Every element goes through the same straight-line
 * code (selects, no branches, no float-to-int conversion), so each loop
 * vectorizes and NaN flows through the arithmetic.
 *
 * exp (x) = 2^n · exp (r) with n = round (x / ln 2) and r = x − n·ln 2 in
 * [−ln2/2, ln2/2] (Cody–Waite: ln 2 split in two so n·LN2_HI is exact);
 * exp (r) is its Taylor series to r^7, whose truncation error is below
 * 1e-8 on that interval.  n is read from the bits of x/ln2 + 1.5·2^23,
 * where the float's unit is 1.  2^n is built in the exponent field as
 * 2^(n∓1) · 2^±1 so that every n in [−126, 128] has a normal scale.
 *
 * erf: for |x| < 1 its Maclaurin series x·Σ c_k x^2k to k = 10 (next
 * term below 2e-9); above, 1 − erfc, with erfc (|x|) = exp (−x²) times a
 * degree-6 polynomial in t = 1 / (1 + p·|x|) (the form of Abramowitz and
 * Stegun 7.1.26 with one more term, refitted; its own error is below
 * 1e-9, the rest is rounding), with the sign of x.
 */
#include "f32-vmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define CONCAT_(a, b) a##__##b
#define CONCAT(a, b)  CONCAT_ (a, b)
#define ISA_FN(name)  CONCAT (name, LT_VMATH_ISA)

#define EXP_MIN     -87.33654475f /* ln FLT_MIN: below it the result is +0 */
#define EXP_MAX     88.75f        /* above ln FLT_MAX: the result overflows to +inf */
#define LOG2E       1.44269504f
#define LN2_HI      0.693359375f /* 9 significant bits */
#define LN2_LO      -2.12194440e-4f
#define ROUND_MAGIC 12582912.0f /* 1.5 · 2^23 */
#define ROUND_BITS  0x4B400000u /* its bits */
#define VMATH_LANES 16          /* one AVX-512 vector of floats */

static inline float
float_from_bits (uint32_t bits)
{
  float value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

static inline uint32_t
bits_from_float (float value)
{
  uint32_t bits;

  memcpy (&bits, &value, sizeof bits);
  return bits;
}

/* 2^e for an integral e in [−126, 127]. */
static inline float
power_of_two (float e)
{
  return float_from_bits ((bits_from_float (e + ROUND_MAGIC) - ROUND_BITS + 127u) << 23);
}

static inline float
exp_approx (float x)
{
  float clamped = x < EXP_MIN - 1.0f ? EXP_MIN - 1.0f : x;
  float n, r, p, e, y;

  clamped = clamped > EXP_MAX ? EXP_MAX : clamped;
  n = (clamped * LOG2E + ROUND_MAGIC) - ROUND_MAGIC;
  r = clamped - n * LN2_HI;
  r = r - n * LN2_LO;
  p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  /* n in [−127, 128]: e = n − 1 or n + 1 stays a normal exponent */
  e = n > 0.0f ? n - 1.0f : n + 1.0f;
  y = p * power_of_two (e) * (n > 0.0f ? 2.0f : 0.5f);
  return x < EXP_MIN ? 0.0f : y;
}

float
ISA_FN (lt_f32_vexp) (size_t       n,
                      const float *x,
                      float        shift,
                      float       *y)
{
  /* The sum kept in VMATH_LANES partial sums, so the loop vectorizes
   * without reassociating one running sum. */
  float  partial[VMATH_LANES] = { 0 };
  float  sum = 0.0f;
  size_t i = 0;

  for (; i + VMATH_LANES <= n; i += VMATH_LANES)
    for (size_t lane = 0; lane < VMATH_LANES; lane++)
      {
        float value = exp_approx (x[i + lane] - shift);

        y[i + lane] = value;
        partial[lane] += value;
      }
  for (; i < n; i++)
    {
      y[i] = exp_approx (x[i] - shift);
      sum += y[i];
    }
  for (size_t lane = 0; lane < VMATH_LANES; lane++)
    sum += partial[lane];
  return sum;
}

/* 2/√π · (−1)^k / (k! · (2k + 1)) */
#define ERF_C0  1.128379167e+00f
#define ERF_C1  -3.761263890e-01f
#define ERF_C2  1.128379167e-01f
#define ERF_C3  -2.686617065e-02f
#define ERF_C4  5.223977625e-03f
#define ERF_C5  -8.548327023e-04f
#define ERF_C6  1.205533298e-04f
#define ERF_C7  -1.492565036e-05f
#define ERF_C8  1.646211437e-06f
#define ERF_C9  -1.636584469e-07f
#define ERF_C10 1.480719282e-08f

/* erfc (x) · exp (x²) ≈ t · (a1 + a2·t + … + a6·t^5), t = 1 / (1 + p·x),
 * fitted by least squares on [1, 4] weighted by exp (−x²) (p from
 * Abramowitz and Stegun 7.1.26, which uses the same form to degree 5) */
#define ERF_P  0.3275911f
#define ERF_A1 1.911198176e-01f
#define ERF_A2 1.381856263e-01f
#define ERF_A3 3.008316922e-01f
#define ERF_A4 3.130516959e-02f
#define ERF_A5 7.842362739e-02f
#define ERF_A6 2.603878891e-01f

static inline float
erf_approx (float x)
{
  float a = fabsf (x);
  float s = a * a;
  float series, t, tail, outer;

  series = ERF_C10;
  series = series * s + ERF_C9;
  series = series * s + ERF_C8;
  series = series * s + ERF_C7;
  series = series * s + ERF_C6;
  series = series * s + ERF_C5;
  series = series * s + ERF_C4;
  series = series * s + ERF_C3;
  series = series * s + ERF_C2;
  series = series * s + ERF_C1;
  series = series * s + ERF_C0;
  series = series * x;

  t = 1.0f / (1.0f + ERF_P * a);
  tail = ERF_A6;
  tail = tail * t + ERF_A5;
  tail = tail * t + ERF_A4;
  tail = tail * t + ERF_A3;
  tail = tail * t + ERF_A2;
  tail = tail * t + ERF_A1;
  tail = tail * t;
  outer = copysignf (1.0f - tail * exp_approx (-s), x);
  return a < 1.0f ? series : outer;
}

void
ISA_FN (lt_f32_verf) (size_t       n,
                      const float *x,
                      float       *y)
{
  for (size_t i = 0; i < n; i++)
    y[i] = erf_approx (x[i]);
}

#ifdef LT_VMATH_PICKER
const lt_f32_vmath *
lt_f32_vmath_for (lt_cpu_isa isa)
{
  static const lt_f32_vmath generic = { lt_f32_vexp__generic, lt_f32_verf__generic };
#if defined(LT_HAVE_AVX512_KERNELS)
  static const lt_f32_vmath avx512 = { lt_f32_vexp__avx512, lt_f32_verf__avx512 };

  if (isa >= LT_CPU_ISA_AVX512)
    return &avx512;
#endif
#if defined(LT_HAVE_AVX2_KERNELS)
  static const lt_f32_vmath avx2 = { lt_f32_vexp__avx2, lt_f32_verf__avx2 };

  if (isa >= LT_CPU_ISA_AVX2)
    return &avx2;
#endif
  (void) isa;
  return &generic;
}
#endif
