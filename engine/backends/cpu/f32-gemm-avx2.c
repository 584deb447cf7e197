/* f32-gemm-avx2.c — the AVX2+FMA GEMM microkernel (6 rows × 16 columns).
 *
 * Compiled with -mavx2 -mfma in its own static library and only called
 * after lt_cpu_isa_get said the CPU has both.  Twelve ymm accumulators
 * (6 rows × 2 vectors), two B vectors and one broadcast of A per step fill
 * 15 of the 16 registers.  Edge tiles (nc < 16) read B and read and write
 * C through lane masks, which some CPUs run slowly, so full tiles keep
 * plain loads and stores.  The epilogue runs on the registers.
 */
#include "f32-gemm-simd.h"

/* The mask setup and the C loads and stores stay per ISA: they differ in
 * tile shape and in which tiles take plain stores (f32-gemm-avx512.c). */
void
lt_f32_gemm_ukernel_6x16__avx2 (size_t                      mc,
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
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  /* columns [0, 8) and [8, 16) that are inside C */
  __m256i mask0 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) nc), lanes);
  __m256i mask1 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) nc - 8), lanes);
  bool    masked = nc < 16;
  __m256  acc[6][2];

#pragma GCC unroll 6
  for (int r = 0; r < 6; r++)
    acc[r][0] = acc[r][1] = _mm256_setzero_ps ();
  if (masked)
    lt_f32_gemm_accumulate_steps (6, kc, a, b, ldb, true, mask0, mask1, acc);
  else
    lt_f32_gemm_accumulate_steps (6, kc, a, b, ldb, false, mask0, mask1, acc);
  for (size_t r = 0; r < mc; r++)
    {
      float *row = c + r * ldc;

      if (accumulate)
        {
          acc[r][0] = _mm256_add_ps (acc[r][0], masked ? _mm256_maskload_ps (row, mask0) : _mm256_loadu_ps (row));
          acc[r][1] = _mm256_add_ps (acc[r][1], masked ? _mm256_maskload_ps (row + 8, mask1) : _mm256_loadu_ps (row + 8));
        }
      if (epilogue != NULL)
        lt_f32_gemm_epilogue_row (epilogue, r, mask0, mask1, &acc[r][0], &acc[r][1]);
      if (masked)
        {
          _mm256_maskstore_ps (row, mask0, acc[r][0]);
          _mm256_maskstore_ps (row + 8, mask1, acc[r][1]);
        }
      else
        {
          _mm256_storeu_ps (row, acc[r][0]);
          _mm256_storeu_ps (row + 8, acc[r][1]);
        }
    }
}
