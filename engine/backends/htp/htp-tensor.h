/* htp-tensor.h — what every htp kernel does with its tensors: validate
 * dtype, encoding and shape at the edge, then load and store quantized
 * elements as int64.  Kernels call the checks before writing anything, so a
 * refused call leaves the output untouched. */
#pragma once

#include "lt/htp.h"

#include "requant.h"

/* The name to put in an error about `t`. */
const char *lt_htp_tensor_label (const lt_htp_tensor *t,
                                 const char          *role);

/* An activation: U8 or U16 with a per-tensor unsigned encoding whose
 * bitwidth matches the dtype. */
lt_status lt_htp_check_activation (const lt_htp_tensor *t,
                                   const char          *role,
                                   lt_error            *err);

/* Weights: I8 with a signed 4- or 8-bit encoding, per tensor or with one
 * entry per index of axis `channel_axis` (of size `channels`). */
lt_status lt_htp_check_weights (const lt_htp_tensor *t,
                                int32_t              channel_axis,
                                int64_t              channels,
                                lt_error            *err);

/* A bias: NULL, or I32 of shape [channels]. */
lt_status lt_htp_check_bias (const lt_htp_tensor *t,
                             int64_t              channels,
                             lt_error            *err);

/* Product of dims. */
int64_t lt_htp_tensor_count (const lt_htp_tensor *t);

/* Element i of an activation, weights or bias tensor. */
static inline int64_t
lt_htp_load (const lt_htp_tensor *t,
             int64_t              i)
{
  switch (t->dtype)
    {
    case LT_DTYPE_U8:
      return ((const uint8_t *) t->data)[i];
    case LT_DTYPE_U16:
      return ((const uint16_t *) t->data)[i];
    case LT_DTYPE_I8:
      return ((const int8_t *) t->data)[i];
    default:
      return ((const int32_t *) t->data)[i];
    }
}

/* Stores q into activation element i, saturated to the encoding's range. */
static inline void
lt_htp_store (lt_htp_tensor *t,
              int64_t        i,
              int64_t        q)
{
  int64_t lo, hi;

  lt_quant_encoding_range (t->enc, &lo, &hi);
  q = lt_requant_clamp (q, lo, hi);
  if (t->dtype == LT_DTYPE_U8)
    ((uint8_t *) t->data)[i] = (uint8_t) q;
  else
    ((uint16_t *) t->data)[i] = (uint16_t) q;
}

/* Offset and scale of channel c (0 for a per-tensor encoding). */
static inline int64_t
lt_htp_offset (const lt_quant_encoding *enc,
               int64_t                  c)
{
  return enc->offset[enc->count > 1 ? c : 0];
}

static inline double
lt_htp_scale (const lt_quant_encoding *enc,
              int64_t                  c)
{
  return enc->scale[enc->count > 1 ? c : 0];
}

/* Checks that in_scale · w_scale[c] / out_scale can be a fixed-point
 * multiplier for every channel c < channels; `label` names the weights. */
lt_status lt_htp_check_channel_ratios (const lt_quant_encoding *in,
                                       const lt_quant_encoding *w,
                                       int64_t                  channels,
                                       const lt_quant_encoding *out,
                                       const char              *label,
                                       lt_error                *err);

/* The requantization of channel c, once lt_htp_check_channel_ratios
 * accepted it. */
lt_requant lt_htp_channel_requant (const lt_quant_encoding *in,
                                   const lt_quant_encoding *w,
                                   int64_t                  c,
                                   const lt_quant_encoding *out);
