/* f32-gemm-simd.h — what the AVX2 and AVX-512 GEMM microkernels share:
 * the k loop and the epilogue of a tile whose rows are each held in two
 * vectors of the ISA the including file is compiled for (see f32-simd.h).
 */
#pragma once

#include "f32-gemm.h"
#include "f32-simd.h"

/* kc steps of an mr-row tile into acc; B through the masks when
 * `masked` (an edge tile).  Inlined with mr and `masked` constants, so
 * that the row loop unrolls and no copy tests `masked` in its loop. */
static inline __attribute__ ((always_inline)) void
lt_f32_gemm_accumulate_steps (size_t       mr,
                              size_t       kc,
                              const float *a,
                              const float *b,
                              size_t       ldb,
                              bool         masked,
                              lt_vmask     mask0,
                              lt_vmask     mask1,
                              lt_vf        acc[][2])
{
  for (size_t p = 0; p < kc; p++)
    {
      lt_vf b0 = lt_vf_load_or_masked (masked, mask0, b);
      lt_vf b1 = lt_vf_load_or_masked (masked, mask1, b + LT_VF_LANES);

#pragma GCC unroll 8
      for (size_t r = 0; r < mr; r++)
        {
          lt_vf a_r = LT_VF_BROADCAST (a + r);

          acc[r][0] = LT_VF_FMADD (a_r, b0, acc[r][0]);
          acc[r][1] = LT_VF_FMADD (a_r, b1, acc[r][1]);
        }
      a += mr;
      b += ldb;
    }
}

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
