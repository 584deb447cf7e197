/* conv-geometry.h — the geometry of a 1-D or 2-D Conv node, resolved.
 *
 * The node's window (kernel_shape, strides, dilations, pads, auto_pad) and
 * group, resolved against the input size and checked against the output
 * shape the session set.  A 1-D conv is described as a 2-D one of height 1,
 * so kernels only handle the 2-D case.
 */
#pragma once

#include "ops/kernel.h"

typedef struct lt_conv_geometry
{
  int64_t batch;
  int64_t in_channels;     /* C */
  int64_t out_channels;    /* M */
  int64_t group;
  int64_t in_h, in_w;
  int64_t out_h, out_w;
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  int64_t pad_top, pad_left; /* the bottom/right pads follow from out_h/out_w */
} lt_conv_geometry;

/* True when the node is a Conv this geometry describes: f32 X and W of rank
 * 3 or 4, W constant, an optional f32 bias of M elements. */
bool lt_conv_geometry_supported (const lt_kernel_call *call);

/* Fills *geometry from the node; a bad attribute is LT_ERR_INVALID_MODEL and
 * an output shape that disagrees is LT_ERR_SHAPE, both naming the node. */
lt_status lt_conv_geometry_init (lt_conv_geometry     *geometry,
                                 const lt_kernel_call *call);
