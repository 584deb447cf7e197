/* f32-conv-depthwise.h — the vectorized plane of a 3×3 depthwise Conv.
 *
 * The depthwise kernel (f32-conv-depthwise.c) hands each whole output
 * plane, border columns included, to an ISA-specific function chosen at
 * prepare; taps that fall outside the input row are masked off in the
 * loads, rows outside the input are skipped.
 */
#pragma once

#include <stdint.h>

/* The geometry of one plane: dilation 1, stride_w 1 or 2. */
typedef struct lt_f32_dw3x3_shape
{
  int64_t in_h, in_w;
  int64_t out_h, out_w;
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;
  float   min, max; /* the clamp: ±INFINITY for none */
} lt_f32_dw3x3_shape;

/* y[oy][ox] = clamp (bias + Σ_ky Σ_kx w[3·ky + kx] · x[oy·stride_h + ky −
 * pad_top][ox·stride_w + kx − pad_left], min, max) over the out_h × out_w
 * plane, where a tap outside the in_h × in_w input adds nothing.  Reads no
 * element outside x's plane.  A NaN sum stays NaN. */
typedef void lt_f32_dw3x3_plane_fn (const lt_f32_dw3x3_shape *shape,
                                    const float              *x,
                                    const float              *w,
                                    float                     bias,
                                    float                    *y);

lt_f32_dw3x3_plane_fn lt_f32_dw3x3_plane__avx2;
lt_f32_dw3x3_plane_fn lt_f32_dw3x3_plane__avx512;
