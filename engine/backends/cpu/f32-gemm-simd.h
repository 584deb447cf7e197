/* f32-gemm-simd.h — the epilogue that the AVX2 and AVX-512 GEMM
 * microkernels share, on one row of a tile held in two vectors of the
 * ISA the including file is compiled for (see f32-simd.h).
 */
#pragma once

#include "f32-gemm.h"
#include "f32-simd.h"

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
