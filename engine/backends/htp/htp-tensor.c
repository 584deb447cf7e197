/* htp-tensor.c — validation of htp kernel arguments (see htp-tensor.h). */
#include "htp-tensor.h"

#include <math.h>

const char *
lt_htp_tensor_label (const lt_htp_tensor *t,
                     const char          *role)
{
  return t && t->name ? t->name : role;
}

int64_t
lt_htp_tensor_count (const lt_htp_tensor *t)
{
  int64_t n = 1;

  for (int32_t i = 0; i < t->rank; i++)
    n *= t->dims[i];
  return n;
}

static lt_status
check_encoding_values (const lt_htp_tensor *t,
                       const char          *label,
                       lt_error            *err)
{
  const lt_quant_encoding *enc = t->enc;

  for (int64_t c = 0; c < enc->count; c++)
    if (!(enc->scale[c] > 0) || !isfinite (enc->scale[c]))
      return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, label,
                           "scale %g of channel %lld is not a positive number",
                           (double) enc->scale[c], (long long) c);
  return LT_OK;
}

lt_status
lt_htp_check_activation (const lt_htp_tensor *t,
                         const char          *role,
                         lt_error            *err)
{
  const char *label = lt_htp_tensor_label (t, role);
  int32_t     bits;

  if (!t || !t->data || !t->enc)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, label, "the %s tensor has no data or no encoding", role);
  if (t->dtype != LT_DTYPE_U8 && t->dtype != LT_DTYPE_U16)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "%s activations must be uint8 or uint16 on the NPU, not %s", role, lt_dtype_name (t->dtype));
  bits = t->dtype == LT_DTYPE_U8 ? 8 : 16;
  if (t->enc->is_signed || t->enc->bitwidth != bits || t->enc->count != 1)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "the %s activation needs one unsigned %d-bit encoding per tensor", role, bits);
  return check_encoding_values (t, label, err);
}

lt_status
lt_htp_check_weights (const lt_htp_tensor *t,
                      int32_t              channel_axis,
                      int64_t              channels,
                      lt_error            *err)
{
  const char *label = lt_htp_tensor_label (t, "weights");

  if (!t || !t->data || !t->enc)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, label, "the weights have no data or no encoding");
  if (t->dtype != LT_DTYPE_I8 || !t->enc->is_signed || (t->enc->bitwidth != 8 && t->enc->bitwidth != 4))
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "weights must be signed 8-bit or 4-bit integers held in int8 on the NPU");
  if (t->enc->count != 1 && (t->enc->count != channels || t->enc->axis != channel_axis))
    return lt_error_set (err, LT_ERR_SHAPE, label,
                         "a per-channel encoding needs %lld entries along axis %d, it has %lld along axis %d",
                         (long long) channels, channel_axis, (long long) t->enc->count, t->enc->axis);
  if (t->enc->bitwidth == 4)
    {
      int64_t n = lt_htp_tensor_count (t);
      for (int64_t i = 0; i < n; i++)
        if (lt_htp_load (t, i) < -8 || lt_htp_load (t, i) > 7)
          return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, label,
                               "element %lld is %lld, outside the 4-bit range [-8, 7]",
                               (long long) i, (long long) lt_htp_load (t, i));
    }
  return check_encoding_values (t, label, err);
}

lt_status
lt_htp_check_bias (const lt_htp_tensor *t,
                   int64_t              channels,
                   lt_error            *err)
{
  const char *label = lt_htp_tensor_label (t, "bias");

  if (!t)
    return LT_OK;
  if (t->dtype != LT_DTYPE_I32 || !t->data)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "the bias must be int32 on the NPU");
  if (t->rank != 1 || t->dims[0] != channels)
    return lt_error_set (err, LT_ERR_SHAPE, label, "the bias must have %lld elements", (long long) channels);
  return LT_OK;
}

static double
channel_ratio (const lt_quant_encoding *in,
               const lt_quant_encoding *w,
               int64_t                  c,
               const lt_quant_encoding *out)
{
  return lt_htp_scale (in, 0) * lt_htp_scale (w, c) / lt_htp_scale (out, 0);
}

lt_status
lt_htp_check_channel_ratios (const lt_quant_encoding *in,
                             const lt_quant_encoding *w,
                             int64_t                  channels,
                             const lt_quant_encoding *out,
                             const char              *label,
                             lt_error                *err)
{
  lt_requant rq;
  lt_status  st;

  for (int64_t c = 0; c < channels; c++)
    if ((st = lt_requant_from_ratio (channel_ratio (in, w, c, out), &rq, label, err)) != LT_OK)
      return st;
  return LT_OK;
}

lt_requant
lt_htp_channel_requant (const lt_quant_encoding *in,
                        const lt_quant_encoding *w,
                        int64_t                  c,
                        const lt_quant_encoding *out)
{
  lt_requant rq = { 0, 0 };

  lt_requant_from_ratio (channel_ratio (in, w, c, out), &rq, NULL, NULL);
  return rq;
}
