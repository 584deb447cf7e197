/* f32-gemm-avx512.c — the AVX-512F GEMM microkernel (8 rows × 32 columns).
 *
 * Compiled with -mavx512f in its own static library and only called after
 * lt_cpu_isa_get said the CPU has AVX-512F.  Sixteen zmm accumulators
 * (8 rows × 2 vectors), two B vectors per step, and A broadcast straight
 * from memory into the FMAs.  An edge tile reads B and C through lane
 * masks, so it reads no column of B past nc and stores no column of C
 * past it; the epilogue runs on the registers.
 */
#include "f32-gemm-simd.h"

/* The mask setup and the C loads and stores stay per ISA: they differ in
 * tile shape and in which tiles take plain stores (f32-gemm-avx2.c). */
void
lt_f32_gemm_ukernel_8x32__avx512 (size_t                      mc,
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
  /* columns [0, 16) and [16, 32) that are inside C */
  __mmask16 mask0 = nc >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << nc) - 1);
  __mmask16 mask1 = nc >= 32 ? (__mmask16) 0xffff : nc <= 16 ? 0
                                                             : (__mmask16) ((1u << (nc - 16)) - 1);
  __m512    acc[8][2];

  /* Fully unrolled, so that the accumulators live in registers. */
#pragma GCC unroll 8
  for (int r = 0; r < 8; r++)
    acc[r][0] = acc[r][1] = _mm512_setzero_ps ();
  if (nc == 32)
    lt_f32_gemm_accumulate_steps (8, kc, a, b, ldb, false, mask0, mask1, acc);
  else
    lt_f32_gemm_accumulate_steps (8, kc, a, b, ldb, true, mask0, mask1, acc);
#pragma GCC unroll 8
  for (size_t r = 0; r < 8; r++)
    {
      float *row = c + r * ldc;

      if (r >= mc)
        break;
      if (accumulate)
        {
          acc[r][0] = _mm512_add_ps (acc[r][0], _mm512_maskz_loadu_ps (mask0, row));
          acc[r][1] = _mm512_add_ps (acc[r][1], _mm512_maskz_loadu_ps (mask1, row + 16));
        }
      if (epilogue != NULL)
        lt_f32_gemm_epilogue_row (epilogue, r, mask0, mask1, &acc[r][0], &acc[r][1]);
      if (nc == 32)
        {
          _mm512_storeu_ps (row, acc[r][0]);
          _mm512_storeu_ps (row + 16, acc[r][1]);
          continue;
        }
      _mm512_mask_storeu_ps (row, mask0, acc[r][0]);
      _mm512_mask_storeu_ps (row + 16, mask1, acc[r][1]);
    }
}
