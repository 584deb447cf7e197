/* htp-resize.c — integer Resize of H and W (arithmetic in lt/htp.h).
 *
 * Per axis, the source coordinate of output index o is a Q16 number from
 * the sizes only (in, out), rounded once:
 *   half_pixel     ((2o + 1) · in / (2 · out)) − 1/2
 *   asymmetric     o · in / out
 *   align_corners  o · (in − 1) / (out − 1)   (0 when out is 1)
 * clamped to [0, in − 1].  Bilinear: t = Σ (x + x_off) · w over the four
 * neighbours with Q16 weights (products < 2^17 · 2^32 = 2^49), rounded to
 * Q8, then requantized. */
#include "htp-tensor.h"

#define COORD_BITS 16

typedef struct axis_sample
{
  int64_t lo, hi; /* neighbours */
  int64_t frac;   /* weight of hi, Q16 */
} axis_sample;

static axis_sample
sample_axis (int64_t              o,
             int64_t              in,
             int64_t              out,
             lt_htp_resize_coords coords,
             lt_htp_resize_mode   mode)
{
  const int64_t one = (int64_t) 1 << COORD_BITS;
  int64_t       src;
  axis_sample   s;

  switch (coords)
    {
    case LT_HTP_COORDS_HALF_PIXEL:
      src = lt_requant_divide_rounded ((2 * o + 1) * in * one, 2 * out) - one / 2;
      break;
    case LT_HTP_COORDS_ASYMMETRIC:
      src = lt_requant_divide_rounded (o * in * one, out);
      break;
    default:
      src = out > 1 ? lt_requant_divide_rounded (o * (in - 1) * one, out - 1) : 0;
      break;
    }
  src = lt_requant_clamp (src, 0, (in - 1) * one);
  s.lo = src >> COORD_BITS;
  s.frac = src & (one - 1);
  if (mode == LT_HTP_RESIZE_NEAREST_FLOOR)
    s.frac = 0;
  else if (mode == LT_HTP_RESIZE_NEAREST_ROUND_PREFER_FLOOR)
    {
      s.lo += s.frac > one / 2;
      s.frac = 0;
    }
  s.hi = s.lo + 1 < in ? s.lo + 1 : s.lo;
  return s;
}

lt_status
lt_htp_resize (const lt_htp_tensor *x,
               lt_htp_resize_mode   mode,
               lt_htp_resize_coords coords,
               lt_htp_tensor       *y,
               lt_error            *err)
{
  lt_status   st;
  lt_requant  rq;
  const char *label = lt_htp_tensor_label (y, "output");

  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK)
    return st;
  if (x->rank != 4 || y->rank != 4 || x->dims[0] != y->dims[0] || x->dims[1] != y->dims[1])
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "Resize on the NPU scales the last two axes of a 4-D tensor only");
  if (x->dims[2] < 1 || x->dims[3] < 1)
    return lt_error_set (err, LT_ERR_SHAPE, label, "Resize of an empty input");
  if ((st = lt_requant_from_ratio (lt_htp_scale (x->enc, 0) / (lt_htp_scale (y->enc, 0) * 256.0), &rq, label, err)) != LT_OK)
    return st;

  const int64_t NC = x->dims[0] * x->dims[1], H = x->dims[2], W = x->dims[3];
  const int64_t OH = y->dims[2], OW = y->dims[3], one = (int64_t) 1 << COORD_BITS;
  const int64_t xo = lt_htp_offset (x->enc, 0), yo = lt_htp_offset (y->enc, 0);

  for (int64_t oh = 0; oh < OH; oh++)
    {
      axis_sample sh = sample_axis (oh, H, OH, coords, mode);
      for (int64_t ow = 0; ow < OW; ow++)
        {
          axis_sample sw = sample_axis (ow, W, OW, coords, mode);
          for (int64_t nc = 0; nc < NC; nc++)
            {
              const int64_t base = nc * H * W;
              int64_t       top = (lt_htp_load (x, base + sh.lo * W + sw.lo) + xo) * (one - sw.frac) + (lt_htp_load (x, base + sh.lo * W + sw.hi) + xo) * sw.frac;
              int64_t       bottom = (lt_htp_load (x, base + sh.hi * W + sw.lo) + xo) * (one - sw.frac) + (lt_htp_load (x, base + sh.hi * W + sw.hi) + xo) * sw.frac;
              int64_t       q8 = lt_requant_round_shift (top * (one - sh.frac) + bottom * sh.frac, 2 * COORD_BITS - 8);
              lt_htp_store (y, (nc * OH + oh) * OW + ow, lt_requant_apply (rq, q8) - yo);
            }
        }
    }
  return LT_OK;
}
