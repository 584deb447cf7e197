/* f32-gemm-avx2.c — the AVX2+FMA GEMM microkernel (6 rows × 16 columns).
 *
 * Compiled with -mavx2 -mfma in its own static library and only called
 * after lt_cpu_isa_get said the CPU has both.  Twelve ymm accumulators
 * (6 rows × 2 vectors), two B vectors and one broadcast of A per step fill
 * 15 of the 16 registers.  Edge tiles load and store through lane masks.
 */
#include "f32-gemm.h"

#include <immintrin.h>

void
lt_f32_gemm_ukernel_6x16__avx2 (size_t       mc,
                                size_t       nc,
                                size_t       kc,
                                const float *a,
                                const float *b,
                                float       *c,
                                size_t       ldc,
                                bool         accumulate)
{
  __m256 c00 = _mm256_setzero_ps (), c01 = _mm256_setzero_ps ();
  __m256 c10 = _mm256_setzero_ps (), c11 = _mm256_setzero_ps ();
  __m256 c20 = _mm256_setzero_ps (), c21 = _mm256_setzero_ps ();
  __m256 c30 = _mm256_setzero_ps (), c31 = _mm256_setzero_ps ();
  __m256 c40 = _mm256_setzero_ps (), c41 = _mm256_setzero_ps ();
  __m256 c50 = _mm256_setzero_ps (), c51 = _mm256_setzero_ps ();

  for (size_t p = 0; p < kc; p++)
    {
      __m256 b0 = _mm256_loadu_ps (b);
      __m256 b1 = _mm256_loadu_ps (b + 8);
      __m256 a_r;

      a_r = _mm256_broadcast_ss (a + 0);
      c00 = _mm256_fmadd_ps (a_r, b0, c00);
      c01 = _mm256_fmadd_ps (a_r, b1, c01);
      a_r = _mm256_broadcast_ss (a + 1);
      c10 = _mm256_fmadd_ps (a_r, b0, c10);
      c11 = _mm256_fmadd_ps (a_r, b1, c11);
      a_r = _mm256_broadcast_ss (a + 2);
      c20 = _mm256_fmadd_ps (a_r, b0, c20);
      c21 = _mm256_fmadd_ps (a_r, b1, c21);
      a_r = _mm256_broadcast_ss (a + 3);
      c30 = _mm256_fmadd_ps (a_r, b0, c30);
      c31 = _mm256_fmadd_ps (a_r, b1, c31);
      a_r = _mm256_broadcast_ss (a + 4);
      c40 = _mm256_fmadd_ps (a_r, b0, c40);
      c41 = _mm256_fmadd_ps (a_r, b1, c41);
      a_r = _mm256_broadcast_ss (a + 5);
      c50 = _mm256_fmadd_ps (a_r, b0, c50);
      c51 = _mm256_fmadd_ps (a_r, b1, c51);
      a += 6;
      b += 16;
    }

  {
    __m256 rows[6][2] = {
      { c00, c01 },
      { c10, c11 },
      { c20, c21 },
      { c30, c31 },
      { c40, c41 },
      { c50, c51 },
    };

    const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
    /* columns [0, 8) and [8, 16) that are inside C */
    __m256i mask0 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) nc), lanes);
    __m256i mask1 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) nc - 8), lanes);

    for (size_t r = 0; r < mc; r++)
      {
        float *row = c + r * ldc;

        /* masked stores are slow on some CPUs: only at the right edge */
        if (nc == 16)
          {
            if (accumulate)
              {
                rows[r][0] = _mm256_add_ps (rows[r][0], _mm256_loadu_ps (row));
                rows[r][1] = _mm256_add_ps (rows[r][1], _mm256_loadu_ps (row + 8));
              }
            _mm256_storeu_ps (row, rows[r][0]);
            _mm256_storeu_ps (row + 8, rows[r][1]);
            continue;
          }
        if (accumulate)
          {
            rows[r][0] = _mm256_add_ps (rows[r][0], _mm256_maskload_ps (row, mask0));
            rows[r][1] = _mm256_add_ps (rows[r][1], _mm256_maskload_ps (row + 8, mask1));
          }
        _mm256_maskstore_ps (row, mask0, rows[r][0]);
        _mm256_maskstore_ps (row + 8, mask1, rows[r][1]);
      }
  }
}
