/* f32-conv-depthwise.h — the vectorized row of a 3×3 depthwise Conv.
 *
 * The depthwise kernel (f32-conv-depthwise.c) computes the border columns
 * itself and hands the inner columns of each output row — those whose
 * three taps are all inside the input row — to an ISA-specific function
 * chosen at prepare.
 */
#pragma once

#include <stdint.h>

/* out[ox] = bias + Σ_ky Σ_kx w[3·ky + kx] · rows[ky][ox·stride + kx − pad]
 * for ox in [lo, hi), with dilation 1 and stride 1 or 2.  rows[ky] is NULL
 * for a kernel row outside the input (its taps add nothing).  Reads no
 * input element outside the taps of [lo, hi). */
typedef void (*lt_f32_dw3x3_row_fn) (const float *const rows[3],
                                     const float       *w,
                                     float              bias,
                                     int64_t            stride,
                                     int64_t            pad,
                                     int64_t            lo,
                                     int64_t            hi,
                                     float             *out);

void lt_f32_dw3x3_row__avx2 (const float *const rows[3],
                             const float       *w,
                             float              bias,
                             int64_t            stride,
                             int64_t            pad,
                             int64_t            lo,
                             int64_t            hi,
                             float             *out);

void lt_f32_dw3x3_row__avx512 (const float *const rows[3],
                               const float       *w,
                               float              bias,
                               int64_t            stride,
                               int64_t            pad,
                               int64_t            lo,
                               int64_t            hi,
                               float             *out);
