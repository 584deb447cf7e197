/* f32-vmath.h — vectorized exp and erf over arrays of floats.
 *
 * One portable source (f32-vmath.c) written so the compiler vectorizes it,
 * built once per ISA: the baseline (`__generic`), AVX2+FMA and AVX-512F;
 * lt_f32_vmath_for picks the build for an ISA.  x and y may be the same
 * array (in place) but must not otherwise overlap.
 *
 * Accuracy against the C library's double functions:
 *  - exp: within 2 ulp where the result is a normal float; results below
 *    2^-126 (x < -87.3) flush to +0; x > 88.72 gives +inf; NaN stays NaN.
 *  - erf: within 2e-7 absolute and 1e-6 relative; NaN stays NaN.
 */
#pragma once

#include "cpu-isa.h"

#include <stddef.h>

/* y[i] = exp (x[i] - shift) for i < n; returns the sum of the y[i]
 * (Softmax's denominator; ignore it otherwise). */
typedef float (*lt_f32_vexp_fn) (size_t       n,
                                 const float *x,
                                 float        shift,
                                 float       *y);

/* y[i] = erf (x[i]) for i < n. */
typedef void (*lt_f32_verf_fn) (size_t       n,
                                const float *x,
                                float       *y);

typedef struct lt_f32_vmath
{
  lt_f32_vexp_fn exp;
  lt_f32_verf_fn erf;
} lt_f32_vmath;

/* The best build for `isa`; never NULL. */
const lt_f32_vmath *lt_f32_vmath_for (lt_cpu_isa isa);

#define LT_F32_VMATH_DECLARE(isa)               \
  float lt_f32_vexp__##isa (size_t       n,     \
                            const float *x,     \
                            float        shift, \
                            float       *y);          \
  void  lt_f32_verf__##isa (size_t       n,     \
                            const float *x,     \
                            float       *y);

LT_F32_VMATH_DECLARE (generic)
LT_F32_VMATH_DECLARE (avx2)
LT_F32_VMATH_DECLARE (avx512)
