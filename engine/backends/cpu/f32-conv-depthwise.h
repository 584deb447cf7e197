/* f32-conv-depthwise.h — the vectorized row of a 3×3 depthwise Conv.
 *
 * The depthwise kernel (f32-conv-depthwise.c) hands each whole output row,
 * border columns included, to an ISA-specific function chosen at prepare;
 * taps that fall outside the input row are masked off in the loads.
 */
#pragma once

#include <stdint.h>

/* out[ox] = clamp (bias + Σ_ky Σ_kx w[3·ky + kx] · rows[ky][ox·stride +
 * kx − pad], min, max) for ox in [0, out_w), with dilation 1 and stride 1
 * or 2, where a tap outside [0, in_w) adds nothing.  rows[ky] is NULL for
 * a kernel row outside the input (its taps add nothing).  Reads no input
 * element outside [0, in_w) of each row.  A NaN sum stays NaN. */
typedef void (*lt_f32_dw3x3_row_fn) (const float *const rows[3],
                                     const float       *w,
                                     float              bias,
                                     int64_t            stride,
                                     int64_t            pad,
                                     int64_t            in_w,
                                     int64_t            out_w,
                                     float              min,
                                     float              max,
                                     float             *out);

void lt_f32_dw3x3_row__avx2 (const float *const rows[3],
                             const float       *w,
                             float              bias,
                             int64_t            stride,
                             int64_t            pad,
                             int64_t            in_w,
                             int64_t            out_w,
                             float              min,
                             float              max,
                             float             *out);

void lt_f32_dw3x3_row__avx512 (const float *const rows[3],
                               const float       *w,
                               float              bias,
                               int64_t            stride,
                               int64_t            pad,
                               int64_t            in_w,
                               int64_t            out_w,
                               float              min,
                               float              max,
                               float             *out);
