/* f32-conv-depthwise-simd.c — the vectorized plane of a 3×3 depthwise
 * Conv (see f32-conv-depthwise.h), one source for AVX2+FMA and AVX-512F.
 *
 * Built once in each ISA's static library with that ISA's flags, which
 * name the function (lt_f32_dw3x3_plane__avx2 or __avx512, see
 * f32-simd.h); each is only called after lt_cpu_isa_get said the CPU has
 * the ISA.  LT_VF_LANES output columns per step; loads are masked to the
 * taps inside the input row (masked-out elements are never touched) and
 * the store to the step's columns, so border columns need no separate
 * code.  Stride 2 loads 2·LT_VF_LANES consecutive inputs and splits them
 * into even and odd columns.
 */
#include "f32-conv-depthwise.h"
#include "f32-simd.h"

/* Whole steps with every load inside the row take plain loads, which run
 * faster than masked ones on AVX-512; the AVX2 build keeps masked loads
 * throughout (plain ones have not been measured there). */
#define PLAIN_STEPS (LT_VF_LANES == 16)

/* The lanes of a load from input column `first` that lie inside the row
 * [0, in_w) and below `limit`. */
static inline lt_vmask
inside_lanes (int64_t first,
              int64_t in_w,
              int64_t limit)
{
  int64_t end = in_w - first < limit ? in_w - first : limit;

  return lt_vmask_andnot (lt_vmask_first (-first), lt_vmask_first (end));
}

/* Stride 1: the three taps are three shifted loads of the row, from
 * column `first` on, each with its mask. */
static inline __attribute__ ((always_inline)) lt_vf
stride1_taps (const float    *row,
              int64_t         first,
              bool            masked,
              const lt_vmask *masks,
              const lt_vf    *w,
              lt_vf           acc)
{
  for (int kx = 0; kx < 3; kx++)
    acc = LT_VF_FMADD (w[kx], lt_vf_load_or_masked (masked, masks[kx], row + first + kx), acc);
  return acc;
}

/* Stride 2: output j of the step reads input columns first + 2j, + 1 and
 * + 2: loads of columns first, first + LT_VF_LANES, first + 2 and
 * first + LT_VF_LANES + 2 split into even and odd columns. */
static inline __attribute__ ((always_inline)) lt_vf
stride2_taps (const float    *row,
              int64_t         first,
              bool            masked,
              const lt_vmask *masks,
              const lt_vf    *w,
              lt_vf           acc)
{
  lt_vf lo = lt_vf_load_or_masked (masked, masks[0], row + first);
  lt_vf hi = lt_vf_load_or_masked (masked, masks[1], row + first + LT_VF_LANES);
  lt_vf lo2 = lt_vf_load_or_masked (masked, masks[2], row + first + 2);
  lt_vf hi2 = lt_vf_load_or_masked (masked, masks[3], row + first + LT_VF_LANES + 2);

  acc = LT_VF_FMADD (w[0], lt_vf_even_lanes (lo, hi), acc);
  acc = LT_VF_FMADD (w[1], lt_vf_odd_lanes (lo, hi), acc);
  return LT_VF_FMADD (w[2], lt_vf_even_lanes (lo2, hi2), acc);
}

/* One output row: the kernel rows are NULL where outside the input. */
static inline void
plane_row (const lt_f32_dw3x3_shape *shape,
           const float *const        rows[3],
           const lt_vf              *weights,
           lt_vf                     bias,
           lt_vf                     lower,
           lt_vf                     upper,
           float                    *out)
{
  int64_t stride = shape->stride_w, in_w = shape->in_w, out_w = shape->out_w;

  for (int64_t ox = 0; ox < out_w; ox += LT_VF_LANES)
    {
      int64_t  n = out_w - ox < LT_VF_LANES ? out_w - ox : LT_VF_LANES;
      int64_t  first = stride * ox - shape->pad_left;
      lt_vf    acc = bias;
      lt_vmask masks[4];
      /* The same masks serve the three kernel rows.  Away from the
       * borders (every tap inside: the common case) they only cut the
       * step's length. */
      bool inside = first >= 0 && first + stride * (n - 1) + 3 <= in_w;

      if (stride == 1)
        {
          for (int kx = 0; kx < 3; kx++)
            masks[kx] = inside ? lt_vmask_first (n) : inside_lanes (first + kx, in_w, n);
          masks[3] = masks[2]; /* unused */
        }
      else
        for (int i = 0; i < 4; i++)
          {
            /* 0, LT_VF_LANES, 2, LT_VF_LANES + 2 */
            int64_t offset = (i & 1) * LT_VF_LANES + (i >> 1) * 2;
            masks[i] = inside ? lt_vmask_first (2 * n + 1 - offset) : inside_lanes (first + offset, in_w, 2 * n + 1 - offset);
          }
      /* a whole step with every load inside the row: no masks at all */
      bool plain = PLAIN_STEPS && n == LT_VF_LANES && first >= 0 && first + (stride == 1 ? LT_VF_LANES + 2 : 2 * LT_VF_LANES + 2) <= in_w;

      for (int ky = 0; ky < 3; ky++)
        if (rows[ky] != NULL && plain)
          acc = stride == 1 ? stride1_taps (rows[ky], first, false, masks, weights + 3 * ky, acc)
                            : stride2_taps (rows[ky], first, false, masks, weights + 3 * ky, acc);
        else if (rows[ky] != NULL)
          acc = stride == 1 ? stride1_taps (rows[ky], first, true, masks, weights + 3 * ky, acc)
                            : stride2_taps (rows[ky], first, true, masks, weights + 3 * ky, acc);
      /* max/min return their second operand when one is NaN: NaN stays */
      acc = LT_VF_MIN (upper, LT_VF_MAX (lower, acc));
      LT_VF_STORE_MASKED (out + ox, lt_vmask_first (n), acc);
    }
}

void
LT_SIMD_FN (lt_f32_dw3x3_plane) (const lt_f32_dw3x3_shape *shape,
                                 const float              *x,
                                 const float              *w,
                                 float                     bias,
                                 float                    *y)
{
  lt_vf weights[9];

  for (int i = 0; i < 9; i++)
    weights[i] = LT_VF_SET1 (w[i]);
  for (int64_t oy = 0; oy < shape->out_h; oy++)
    {
      const float *rows[3];

      for (int64_t ky = 0; ky < 3; ky++)
        {
          int64_t iy = oy * shape->stride_h - shape->pad_top + ky;
          rows[ky] = iy >= 0 && iy < shape->in_h ? x + iy * shape->in_w : NULL;
        }
      plane_row (shape, rows, weights, LT_VF_SET1 (bias), LT_VF_SET1 (shape->min), LT_VF_SET1 (shape->max),
                 y + oy * shape->out_w);
    }
}
