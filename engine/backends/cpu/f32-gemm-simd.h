/* f32-gemm-simd.h — what the AVX2 and AVX-512 GEMM microkernels share:
 * the float vector of the ISA the including file is compiled for, its
 * lane mask, and the epilogue on one row of a tile held in two vectors.
 *
 * Include only from a file built with -mavx512f (16 lanes, __mmask16
 * masks) or with -mavx2 -mfma (8 lanes, lane masks held in a vector).
 * Masked loads read zero in masked-out lanes and never touch their
 * memory.  The operations are macros over the intrinsics, so the kernels
 * compile to the same code as with the intrinsics written out.
 */
#pragma once

#include "f32-gemm.h"

#include <immintrin.h>

#if defined(__AVX512F__)
#define LT_VF_LANES 16
typedef __m512    lt_vf;
typedef __mmask16 lt_vmask;
#define LT_VF_SET1(v)               _mm512_set1_ps (v)
#define LT_VF_ADD(x, y)             _mm512_add_ps (x, y)
#define LT_VF_MUL(x, y)             _mm512_mul_ps (x, y)
#define LT_VF_MIN(x, y)             _mm512_min_ps (x, y)
#define LT_VF_MAX(x, y)             _mm512_max_ps (x, y)
#define LT_VF_LOAD_MASKED(p, mask)  _mm512_maskz_loadu_ps (mask, p)
#elif defined(__AVX2__) && defined(__FMA__)
#define LT_VF_LANES 8
typedef __m256  lt_vf;
typedef __m256i lt_vmask;
#define LT_VF_SET1(v)               _mm256_set1_ps (v)
#define LT_VF_ADD(x, y)             _mm256_add_ps (x, y)
#define LT_VF_MUL(x, y)             _mm256_mul_ps (x, y)
#define LT_VF_MIN(x, y)             _mm256_min_ps (x, y)
#define LT_VF_MAX(x, y)             _mm256_max_ps (x, y)
#define LT_VF_LOAD_MASKED(p, mask)  _mm256_maskload_ps (p, mask)
#else
#error "f32-gemm-simd.h needs -mavx512f or -mavx2 -mfma"
#endif

/* The epilogue on row r of a tile: its two vectors hold columns
 * [0, LT_VF_LANES) and [LT_VF_LANES, 2·LT_VF_LANES); a per-column bias is
 * read through the columns' masks. */
static inline void
lt_f32_gemm_epilogue_row (const lt_f32_gemm_epilogue *epilogue,
                          size_t                      r,
                          lt_vmask                    mask0,
                          lt_vmask                    mask1,
                          lt_vf                      *v0,
                          lt_vf                      *v1)
{
  lt_vf alpha = LT_VF_SET1 (epilogue->alpha);
  lt_vf lower = LT_VF_SET1 (epilogue->min), upper = LT_VF_SET1 (epilogue->max);

  *v0 = LT_VF_MUL (*v0, alpha);
  *v1 = LT_VF_MUL (*v1, alpha);
  if (epilogue->bias != NULL)
    {
      const float *bias = epilogue->bias + r * epilogue->bias_row_stride;
      lt_vf        scale = LT_VF_SET1 (epilogue->bias_scale);

      if (epilogue->bias_col_stride == 0)
        {
          lt_vf add = LT_VF_SET1 (epilogue->bias_scale * bias[0]);

          *v0 = LT_VF_ADD (*v0, add);
          *v1 = LT_VF_ADD (*v1, add);
        }
      else
        {
          *v0 = LT_VF_ADD (*v0, LT_VF_MUL (scale, LT_VF_LOAD_MASKED (bias, mask0)));
          *v1 = LT_VF_ADD (*v1, LT_VF_MUL (scale, LT_VF_LOAD_MASKED (bias + LT_VF_LANES, mask1)));
        }
    }
  /* max/min return their second operand when one is NaN: NaN stays */
  *v0 = LT_VF_MIN (upper, LT_VF_MAX (lower, *v0));
  *v1 = LT_VF_MIN (upper, LT_VF_MAX (lower, *v1));
}
