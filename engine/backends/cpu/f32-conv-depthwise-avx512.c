/* f32-conv-depthwise-avx512.c — the AVX-512F row of a 3×3 depthwise Conv
 * (see f32-conv-depthwise.h).
 *
 * Compiled with -mavx512f in its own static library and only called after
 * lt_cpu_isa_get said the CPU has AVX-512F.  Sixteen output columns per
 * step; the last, shorter step uses masked loads and stores, which never
 * touch the masked-out elements, so no read goes past the taps.  Stride 2
 * loads 32 consecutive inputs and splits them into even and odd columns.
 */
#include "f32-conv-depthwise.h"

#include <immintrin.h>

/* A mask of the first n lanes, n clamped to [0, 16]. */
static inline __mmask16
first_lanes (int64_t n)
{
  if (n <= 0)
    return 0;
  return n >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << n) - 1);
}

/* Stride 1: the three taps are three shifted loads of the row. */
static inline __m512
stride1_taps (const float *in,
              const float *w,
              int64_t      n,
              __m512       acc)
{
  __mmask16 mask = first_lanes (n);

  acc = _mm512_fmadd_ps (_mm512_set1_ps (w[0]), _mm512_maskz_loadu_ps (mask, in), acc);
  acc = _mm512_fmadd_ps (_mm512_set1_ps (w[1]), _mm512_maskz_loadu_ps (mask, in + 1), acc);
  return _mm512_fmadd_ps (_mm512_set1_ps (w[2]), _mm512_maskz_loadu_ps (mask, in + 2), acc);
}

/* Stride 2: output j of the step reads in[2j], in[2j + 1], in[2j + 2];
 * n outputs need in[0 .. 2n]. */
static inline __m512
stride2_taps (const float *in,
              const float *w,
              int64_t      n,
              __m512       acc)
{
  const __m512i even = _mm512_set_epi32 (30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32 (31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  int64_t       needed = 2 * n + 1;
  __m512        lo = _mm512_maskz_loadu_ps (first_lanes (needed), in);
  __m512        hi = _mm512_maskz_loadu_ps (first_lanes (needed - 16), in + 16);
  __m512        lo2 = _mm512_maskz_loadu_ps (first_lanes (needed - 2), in + 2);
  __m512        hi2 = _mm512_maskz_loadu_ps (first_lanes (needed - 18), in + 18);

  acc = _mm512_fmadd_ps (_mm512_set1_ps (w[0]), _mm512_permutex2var_ps (lo, even, hi), acc);
  acc = _mm512_fmadd_ps (_mm512_set1_ps (w[1]), _mm512_permutex2var_ps (lo, odd, hi), acc);
  return _mm512_fmadd_ps (_mm512_set1_ps (w[2]), _mm512_permutex2var_ps (lo2, even, hi2), acc);
}

void
lt_f32_dw3x3_row__avx512 (const float *const rows[3],
                          const float       *w,
                          float              bias,
                          int64_t            stride,
                          int64_t            pad,
                          int64_t            lo,
                          int64_t            hi,
                          float             *out)
{
  for (int64_t ox = lo; ox < hi; ox += 16)
    {
      int64_t n = hi - ox < 16 ? hi - ox : 16;
      __m512  acc = _mm512_set1_ps (bias);

      for (int ky = 0; ky < 3; ky++)
        if (rows[ky] != NULL)
          {
            const float *in = rows[ky] + ox * stride - pad;
            acc = stride == 1 ? stride1_taps (in, w + 3 * ky, n, acc) : stride2_taps (in, w + 3 * ky, n, acc);
          }
      _mm512_mask_storeu_ps (out + ox, first_lanes (n), acc);
    }
}
