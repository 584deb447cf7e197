/* f32-gemm-scalar.c — the portable GEMM microkernel, plain C11.
 *
 * Used on CPUs without AVX2/FMA and when the ISA is capped to scalar; the
 * 4×4 tile, fully unrolled, keeps its 16 accumulators in registers on any
 * 64-bit target.  An edge tile (nc < 4) takes a slower loop that reads no
 * column of B past nc.
 */
#include "f32-gemm.h"

void
lt_f32_gemm_ukernel_4x4__scalar (size_t                      mc,
                                 size_t                      nc,
                                 size_t                      kc,
                                 const float                *a,
                                 const float                *b,
                                 size_t                      ldb,
                                 float                      *c,
                                 size_t                      ldc,
                                 bool                        accumulate,
                                 const lt_f32_gemm_epilogue *epilogue)
{
  float acc[4][4] = { { 0.0f } };

  if (nc == 4)
    for (size_t p = 0; p < kc; p++)
      {
#pragma GCC unroll 4
        for (int r = 0; r < 4; r++)
#pragma GCC unroll 4
          for (int col = 0; col < 4; col++)
            acc[r][col] += a[r] * b[col];
        a += 4;
        b += ldb;
      }
  else
    for (size_t p = 0; p < kc; p++)
      {
        for (int r = 0; r < 4; r++)
          for (size_t col = 0; col < nc; col++)
            acc[r][col] += a[r] * b[col];
        a += 4;
        b += ldb;
      }
  for (size_t r = 0; r < mc; r++)
    for (size_t col = 0; col < nc; col++)
      {
        float value = accumulate ? c[r * ldc + col] + acc[r][col] : acc[r][col];

        if (epilogue != NULL)
          {
            value *= epilogue->alpha;
            if (epilogue->bias != NULL)
              value += epilogue->bias_scale * epilogue->bias[r * epilogue->bias_row_stride + col * epilogue->bias_col_stride];
            value = value < epilogue->min ? epilogue->min : value;
            value = value > epilogue->max ? epilogue->max : value;
          }
        c[r * ldc + col] = value;
      }
}
