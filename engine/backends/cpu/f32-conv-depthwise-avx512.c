/* f32-conv-depthwise-avx512.c — the AVX-512F plane of a 3×3 depthwise Conv
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
#include <stdbool.h>

/* A mask of the first n lanes, n clamped to [0, 16]. */
static inline __mmask16
first_lanes (int64_t n)
{
  int64_t count = n < 0 ? 0 : n > 16 ? 16
                                     : n;

  return (__mmask16) ((1u << count) - 1);
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

/* A masked load (masked-out lanes read as zero and are not touched) or,
 * away from the borders, a plain one: masked loads run slower. */
static inline __attribute__ ((always_inline)) __m512
load (bool         masked,
      __mmask16    mask,
      const float *from)
{
  return masked ? _mm512_maskz_loadu_ps (mask, from) : _mm512_loadu_ps (from);
}

/* Stride 1: the three taps are three shifted loads of the row, from
 * column `first` on, each with its mask. */
static inline __attribute__ ((always_inline)) __m512
stride1_taps (const float     *row,
              int64_t          first,
              bool             masked,
              const __mmask16 *masks,
              const __m512    *w,
              __m512           acc)
{
  for (int kx = 0; kx < 3; kx++)
    acc = _mm512_fmadd_ps (w[kx], load (masked, masks[kx], row + first + kx), acc);
  return acc;
}

/* Stride 2: output j of the step reads input columns first + 2j, + 1 and
 * + 2: loads of columns first, first + 16, first + 2 and first + 18 split
 * into even and odd columns. */
static inline __attribute__ ((always_inline)) __m512
stride2_taps (const float     *row,
              int64_t          first,
              bool             masked,
              const __mmask16 *masks,
              const __m512    *w,
              __m512           acc)
{
  const __m512i even = _mm512_set_epi32 (30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32 (31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  __m512        lo = load (masked, masks[0], row + first);
  __m512        hi = load (masked, masks[1], row + first + 16);
  __m512        lo2 = load (masked, masks[2], row + first + 2);
  __m512        hi2 = load (masked, masks[3], row + first + 18);

  acc = _mm512_fmadd_ps (w[0], _mm512_permutex2var_ps (lo, even, hi), acc);
  acc = _mm512_fmadd_ps (w[1], _mm512_permutex2var_ps (lo, odd, hi), acc);
  return _mm512_fmadd_ps (w[2], _mm512_permutex2var_ps (lo2, even, hi2), acc);
}

/* One output row: the kernel rows are NULL where outside the input. */
static inline void
plane_row (const lt_f32_dw3x3_shape *shape,
           const float *const        rows[3],
           const __m512             *weights,
           __m512                    bias,
           __m512                    lower,
           __m512                    upper,
           float                    *out)
{
  int64_t stride = shape->stride_w, in_w = shape->in_w, out_w = shape->out_w;

  for (int64_t ox = 0; ox < out_w; ox += 16)
    {
      int64_t   n = out_w - ox < 16 ? out_w - ox : 16;
      int64_t   first = stride * ox - shape->pad_left;
      __m512    acc = bias;
      __mmask16 masks[4];
      /* The same masks serve the three kernel rows.  Away from the
       * borders (every tap inside: the common case) they only cut the
       * step's length. */
      bool inside = first >= 0 && first + stride * (n - 1) + 3 <= in_w;

      if (stride == 1)
        {
          for (int kx = 0; kx < 3; kx++)
            masks[kx] = inside ? first_lanes (n) : inside_lanes (first + kx, in_w, n);
          masks[3] = masks[2]; /* unused */
        }
      else
        for (int i = 0; i < 4; i++)
          {
            int64_t offset = (i & 1) * 16 + (i >> 1) * 2; /* 0, 16, 2, 18 */
            masks[i] = inside ? first_lanes (2 * n + 1 - offset) : inside_lanes (first + offset, in_w, 2 * n + 1 - offset);
          }
      /* a whole step with every load inside the row: no masks at all */
      bool plain = n == 16 && first >= 0 && first + (stride == 1 ? 18 : 34) <= in_w;

      for (int ky = 0; ky < 3; ky++)
        if (rows[ky] != NULL && plain)
          acc = stride == 1 ? stride1_taps (rows[ky], first, false, masks, weights + 3 * ky, acc)
                            : stride2_taps (rows[ky], first, false, masks, weights + 3 * ky, acc);
        else if (rows[ky] != NULL)
          acc = stride == 1 ? stride1_taps (rows[ky], first, true, masks, weights + 3 * ky, acc)
                            : stride2_taps (rows[ky], first, true, masks, weights + 3 * ky, acc);
      /* max/min return their second operand when one is NaN: NaN stays */
      acc = _mm512_min_ps (upper, _mm512_max_ps (lower, acc));
      _mm512_mask_storeu_ps (out + ox, first_lanes (n), acc);
    }
}

void
lt_f32_dw3x3_plane__avx512 (const lt_f32_dw3x3_shape *shape,
                            const float              *x,
                            const float              *w,
                            float                     bias,
                            float                    *y)
{
  __m512 weights[9];

  for (int i = 0; i < 9; i++)
    weights[i] = _mm512_set1_ps (w[i]);
  for (int64_t oy = 0; oy < shape->out_h; oy++)
    {
      const float *rows[3];

      for (int64_t ky = 0; ky < 3; ky++)
        {
          int64_t iy = oy * shape->stride_h - shape->pad_top + ky;
          rows[ky] = iy >= 0 && iy < shape->in_h ? x + iy * shape->in_w : NULL;
        }
      plane_row (shape, rows, weights, _mm512_set1_ps (bias), _mm512_set1_ps (shape->min), _mm512_set1_ps (shape->max),
                 y + oy * shape->out_w);
    }
}
