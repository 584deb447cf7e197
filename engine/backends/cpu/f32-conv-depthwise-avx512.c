/* f32-conv-depthwise-avx512.c — the AVX-512F row of a 3×3 depthwise Conv
 * (see f32-conv-depthwise.h).
 *
 * Compiled with -mavx512f in its own static library and only called after
 * lt_cpu_isa_get said the CPU has AVX-512F.  Sixteen output columns per
 * step; loads are masked to the taps inside the input row and the last,
 * shorter step's store to its columns (masked-out elements are never
 * touched), so border columns need no separate code.  Stride 2 loads 32
 * consecutive inputs and splits them into even and odd columns.
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

/* The lanes of a 16-wide load from input column `first` that lie inside
 * the row [0, in_w) and below `limit`. */
static inline __mmask16
inside_lanes (int64_t first,
              int64_t in_w,
              int64_t limit)
{
  int64_t end = in_w - first < limit ? in_w - first : limit;

  return first_lanes (end) & (__mmask16) ~first_lanes (-first);
}

/* Stride 1: the three taps are three shifted loads of the row; lane j of
 * tap kx reads input column first + kx + j. */
static inline __m512
stride1_taps (const float *row,
              int64_t      first,
              int64_t      in_w,
              const float *w,
              int64_t      n,
              __m512       acc)
{
  for (int kx = 0; kx < 3; kx++)
    acc = _mm512_fmadd_ps (_mm512_set1_ps (w[kx]),
                           _mm512_maskz_loadu_ps (inside_lanes (first + kx, in_w, n), row + first + kx), acc);
  return acc;
}

/* Stride 2: output j of the step reads input columns first + 2j, + 1 and
 * + 2; n outputs need columns first .. first + 2n. */
static inline __m512
stride2_taps (const float *row,
              int64_t      first,
              int64_t      in_w,
              const float *w,
              int64_t      n,
              __m512       acc)
{
  const __m512i even = _mm512_set_epi32 (30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32 (31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  int64_t       needed = 2 * n + 1;
  __m512        lo = _mm512_maskz_loadu_ps (inside_lanes (first, in_w, needed), row + first);
  __m512        hi = _mm512_maskz_loadu_ps (inside_lanes (first + 16, in_w, needed - 16), row + first + 16);
  __m512        lo2 = _mm512_maskz_loadu_ps (inside_lanes (first + 2, in_w, needed - 2), row + first + 2);
  __m512        hi2 = _mm512_maskz_loadu_ps (inside_lanes (first + 18, in_w, needed - 18), row + first + 18);

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
                          int64_t            in_w,
                          int64_t            out_w,
                          float              min,
                          float              max,
                          float             *out)
{
  __m512 lower = _mm512_set1_ps (min), upper = _mm512_set1_ps (max);

  for (int64_t ox = 0; ox < out_w; ox += 16)
    {
      int64_t n = out_w - ox < 16 ? out_w - ox : 16;
      __m512  acc = _mm512_set1_ps (bias);

      for (int ky = 0; ky < 3; ky++)
        if (rows[ky] != NULL)
          acc = stride == 1 ? stride1_taps (rows[ky], ox - pad, in_w, w + 3 * ky, n, acc)
                            : stride2_taps (rows[ky], 2 * ox - pad, in_w, w + 3 * ky, n, acc);
      /* max/min return their second operand when one is NaN: NaN stays */
      acc = _mm512_min_ps (upper, _mm512_max_ps (lower, acc));
      _mm512_mask_storeu_ps (out + ox, first_lanes (n), acc);
    }
}
