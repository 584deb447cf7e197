/* f32-conv-depthwise-avx2.c — the AVX2+FMA row of a 3×3 depthwise Conv
 * (see f32-conv-depthwise.h).
 *
 * Compiled with -mavx2 -mfma in its own static library and only called
 * after lt_cpu_isa_get said the CPU has them.  Eight output columns per
 * step; the last, shorter step uses masked loads (which never touch the
 * masked-out elements) and a masked store.  Stride 2 loads 16 consecutive
 * inputs and splits them into even and odd columns.
 */
#include "f32-conv-depthwise.h"

#include <immintrin.h>

/* A mask of the first n lanes, n clamped to [0, 8]. */
static inline __m256i
first_lanes (int64_t n)
{
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  int           count = n <= 0 ? 0 : n >= 8 ? 8 : (int) n;

  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 (count), lanes);
}

/* Elements 0, 2, …, 14 of the 16 in lo:hi. */
static inline __m256
even_columns (__m256 lo,
              __m256 hi)
{
  __m256 mixed = _mm256_shuffle_ps (lo, hi, _MM_SHUFFLE (2, 0, 2, 0));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (mixed), _MM_SHUFFLE (3, 1, 2, 0)));
}

/* Elements 1, 3, …, 15 of the 16 in lo:hi. */
static inline __m256
odd_columns (__m256 lo,
             __m256 hi)
{
  __m256 mixed = _mm256_shuffle_ps (lo, hi, _MM_SHUFFLE (3, 1, 3, 1));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (mixed), _MM_SHUFFLE (3, 1, 2, 0)));
}

static inline __m256
stride1_taps (const float *in,
              const float *w,
              int64_t      n,
              __m256       acc)
{
  __m256i mask = first_lanes (n);

  acc = _mm256_fmadd_ps (_mm256_set1_ps (w[0]), _mm256_maskload_ps (in, mask), acc);
  acc = _mm256_fmadd_ps (_mm256_set1_ps (w[1]), _mm256_maskload_ps (in + 1, mask), acc);
  return _mm256_fmadd_ps (_mm256_set1_ps (w[2]), _mm256_maskload_ps (in + 2, mask), acc);
}

/* Output j of the step reads in[2j], in[2j + 1], in[2j + 2]; n outputs
 * need in[0 .. 2n]. */
static inline __m256
stride2_taps (const float *in,
              const float *w,
              int64_t      n,
              __m256       acc)
{
  int64_t needed = 2 * n + 1;
  __m256  lo = _mm256_maskload_ps (in, first_lanes (needed));
  __m256  hi = _mm256_maskload_ps (in + 8, first_lanes (needed - 8));
  __m256  lo2 = _mm256_maskload_ps (in + 2, first_lanes (needed - 2));
  __m256  hi2 = _mm256_maskload_ps (in + 10, first_lanes (needed - 10));

  acc = _mm256_fmadd_ps (_mm256_set1_ps (w[0]), even_columns (lo, hi), acc);
  acc = _mm256_fmadd_ps (_mm256_set1_ps (w[1]), odd_columns (lo, hi), acc);
  return _mm256_fmadd_ps (_mm256_set1_ps (w[2]), even_columns (lo2, hi2), acc);
}

void
lt_f32_dw3x3_row__avx2 (const float *const rows[3],
                        const float       *w,
                        float              bias,
                        int64_t            stride,
                        int64_t            pad,
                        int64_t            lo,
                        int64_t            hi,
                        float             *out)
{
  for (int64_t ox = lo; ox < hi; ox += 8)
    {
      int64_t n = hi - ox < 8 ? hi - ox : 8;
      __m256  acc = _mm256_set1_ps (bias);

      for (int ky = 0; ky < 3; ky++)
        if (rows[ky] != NULL)
          {
            const float *in = rows[ky] + ox * stride - pad;
            acc = stride == 1 ? stride1_taps (in, w + 3 * ky, n, acc) : stride2_taps (in, w + 3 * ky, n, acc);
          }
      _mm256_maskstore_ps (out + ox, first_lanes (n), acc);
    }
}
