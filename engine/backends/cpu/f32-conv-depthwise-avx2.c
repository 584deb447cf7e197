/* f32-conv-depthwise-avx2.c — the AVX2+FMA plane of a 3×3 depthwise Conv
 * (see f32-conv-depthwise.h).
 *
 * Compiled with -mavx2 -mfma in its own static library and only called
 * after lt_cpu_isa_get said the CPU has them.  Eight output columns per
 * step; loads are masked to the taps inside the input row (masked-out
 * elements are never touched) and the store to the step's columns, so
 * border columns need no separate code.  Stride 2 loads 16 consecutive
 * inputs and splits them into even and odd columns.
 */
#include "f32-conv-depthwise.h"

#include <immintrin.h>
#include <stdbool.h>

/* A mask of the first n lanes, n clamped to [0, 8]. */
static inline __m256i
first_lanes (int64_t n)
{
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  int           count = n <= 0 ? 0 : n >= 8 ? 8
                                            : (int) n;

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

/* The lanes of an 8-wide load from input column `first` that lie inside
 * the row [0, in_w) and below `limit`. */
static inline __m256i
inside_lanes (int64_t first,
              int64_t in_w,
              int64_t limit)
{
  int64_t end = in_w - first < limit ? in_w - first : limit;

  return _mm256_andnot_si256 (first_lanes (-first), first_lanes (end));
}

/* The three taps are three shifted loads of the row, from column `first`
 * on, each with its mask. */
static inline __m256
stride1_taps (const float   *row,
              int64_t        first,
              const __m256i *masks,
              const __m256  *w,
              __m256         acc)
{
  for (int kx = 0; kx < 3; kx++)
    acc = _mm256_fmadd_ps (w[kx], _mm256_maskload_ps (row + first + kx, masks[kx]), acc);
  return acc;
}

/* Output j of the step reads input columns first + 2j, + 1 and + 2: loads
 * of columns first, first + 8, first + 2 and first + 10 split into even
 * and odd columns. */
static inline __m256
stride2_taps (const float   *row,
              int64_t        first,
              const __m256i *masks,
              const __m256  *w,
              __m256         acc)
{
  __m256 lo = _mm256_maskload_ps (row + first, masks[0]);
  __m256 hi = _mm256_maskload_ps (row + first + 8, masks[1]);
  __m256 lo2 = _mm256_maskload_ps (row + first + 2, masks[2]);
  __m256 hi2 = _mm256_maskload_ps (row + first + 10, masks[3]);

  acc = _mm256_fmadd_ps (w[0], even_columns (lo, hi), acc);
  acc = _mm256_fmadd_ps (w[1], odd_columns (lo, hi), acc);
  return _mm256_fmadd_ps (w[2], even_columns (lo2, hi2), acc);
}

/* One output row: the kernel rows are NULL where outside the input. */
static inline void
plane_row (const lt_f32_dw3x3_shape *shape,
           const float *const        rows[3],
           const __m256             *weights,
           __m256                    bias,
           __m256                    lower,
           __m256                    upper,
           float                    *out)
{
  int64_t stride = shape->stride_w, in_w = shape->in_w, out_w = shape->out_w;

  for (int64_t ox = 0; ox < out_w; ox += 8)
    {
      int64_t n = out_w - ox < 8 ? out_w - ox : 8;
      int64_t first = stride * ox - shape->pad_left;
      __m256  acc = bias;
      __m256i masks[4];
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
            int64_t offset = (i & 1) * 8 + (i >> 1) * 2; /* 0, 8, 2, 10 */
            masks[i] = inside ? first_lanes (2 * n + 1 - offset) : inside_lanes (first + offset, in_w, 2 * n + 1 - offset);
          }
      for (int ky = 0; ky < 3; ky++)
        if (rows[ky] != NULL)
          acc = stride == 1 ? stride1_taps (rows[ky], first, masks, weights + 3 * ky, acc)
                            : stride2_taps (rows[ky], first, masks, weights + 3 * ky, acc);
      /* max/min return their second operand when one is NaN: NaN stays */
      acc = _mm256_min_ps (upper, _mm256_max_ps (lower, acc));
      _mm256_maskstore_ps (out + ox, first_lanes (n), acc);
    }
}

void
lt_f32_dw3x3_plane__avx2 (const lt_f32_dw3x3_shape *shape,
                          const float              *x,
                          const float              *w,
                          float                     bias,
                          float                    *y)
{
  __m256 weights[9];

  for (int i = 0; i < 9; i++)
    weights[i] = _mm256_set1_ps (w[i]);
  for (int64_t oy = 0; oy < shape->out_h; oy++)
    {
      const float *rows[3];

      for (int64_t ky = 0; ky < 3; ky++)
        {
          int64_t iy = oy * shape->stride_h - shape->pad_top + ky;
          rows[ky] = iy >= 0 && iy < shape->in_h ? x + iy * shape->in_w : NULL;
        }
      plane_row (shape, rows, weights, _mm256_set1_ps (bias), _mm256_set1_ps (shape->min), _mm256_set1_ps (shape->max),
                 y + oy * shape->out_w);
    }
}
