/* ref-window.h — sliding windows of Conv, ConvTranspose and the pools
 *
 * A window is kernel extents, strides, dilations and pads over the spatial
 * axes of an [N, C, D1..Dk] tensor.  Parsing reads the shared attributes
 * (auto_pad, strides, dilations, pads) and rejects bad ones as
 * LT_ERR_INVALID_MODEL naming the node; resolving turns auto_pad into
 * explicit pads for given input extents and gives the output extents.
 */
#pragma once

#include "ops/ref-helpers.h"

typedef enum lt_ref_auto_pad
{
  LT_REF_AUTO_PAD_NOTSET,
  LT_REF_AUTO_PAD_VALID,
  LT_REF_AUTO_PAD_SAME_UPPER,
  LT_REF_AUTO_PAD_SAME_LOWER,
} lt_ref_auto_pad;

typedef struct lt_ref_window
{
  int32_t         nsp; /* number of spatial axes */
  lt_ref_auto_pad auto_pad;
  int64_t         kernel[LT_MAX_RANK];
  int64_t         strides[LT_MAX_RANK];
  int64_t         dilations[LT_MAX_RANK];
  int64_t         pads[2 * LT_MAX_RANK]; /* begins, then ends */
} lt_ref_window;

/* Reads auto_pad, strides, dilations and pads for a window whose `nsp`
 * and `kernel` the caller has set. */
lt_status lt_ref_window_parse (const lt_kernel_call *call,
                               lt_ref_window        *w);

/* Resolves SAME_* / VALID into w->pads for input extents `in` and stores
 * the output extents in `out`: floor((in + pads - span) / stride) + 1, or
 * with `ceil_mode` the ceiling, minus a last window that would start in
 * the end padding.  LT_ERR_SHAPE when the kernel exceeds the padded
 * input. */
lt_status lt_ref_window_resolve (const lt_kernel_call *call,
                                 lt_ref_window        *w,
                                 const int64_t        *in,
                                 bool                  ceil_mode,
                                 int64_t              *out);

/* Span of the dilated kernel on axis i. */
static inline int64_t
lt_ref_window_span (const lt_ref_window *w,
                    int32_t              i)
{
  return (w->kernel[i] - 1) * w->dilations[i] + 1;
}

/* Checks that output 0 is [N, channels, expected...] with N that of input
 * 0; LT_ERR_SHAPE naming the axis otherwise. */
lt_status lt_ref_window_check_output (const lt_kernel_call *call,
                                      int32_t               nsp,
                                      int64_t               channels,
                                      const int64_t        *expected);
