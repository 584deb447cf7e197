/* htp-step-consts.c — a step's constant operands and parameters: weights
 * quantized per channel into int8, biases into int32 in the scale the
 * kernel implies, constant activations into uint8/uint16, and the integer
 * and float parameters (Slice starts, Clip bounds, pads) read from
 * constants or attributes.  Quantization rounds half to even and
 * saturates, as the QDQ export does, so both quantize a weight alike. */
#include "htp-step-consts.h"

#include "core/checked.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Allocates the data of `t` (dims set) for `dtype` elements. */
static lt_status
alloc_const (lt_htp_tensor *t,
             lt_dtype       dtype,
             lt_error      *err)
{
  uint64_t count = 1;
  size_t   bytes;

  for (int32_t d = 0; d < t->rank; d++)
    if (!lt_checked_mul_u64 (count, (uint64_t) t->dims[d], &count))
      return lt_error_set (err, LT_ERR_LIMIT, t->name, "the tensor is too large");
  if (!lt_dtype_storage_size (dtype, count, &bytes))
    return lt_error_set (err, LT_ERR_LIMIT, t->name, "the tensor is too large");
  t->dtype = dtype;
  t->data = calloc (bytes ? bytes : 1, 1);
  if (!t->data)
    return lt_error_set (err, LT_ERR_NO_MEMORY, t->name, "no memory for the quantized tensor");
  return LT_OK;
}

/* A free slot of the step's constants: a tensor named like the value, of
 * `rank`/`dims` and `dtype` with zeroed data, and a step-owned copy of
 * `enc` (its arrays still the session's). */
static lt_status
new_const (lt_htp_step             *step,
           const lt_value          *value,
           const lt_quant_encoding *enc,
           int32_t                  rank,
           const int64_t           *dims,
           lt_dtype                 dtype,
           lt_htp_tensor          **out,
           lt_error                *err)
{
  for (uint32_t k = 0; k < LT_HTP_STEP_MAX_CONSTS; k++)
    if (step->consts[k].name == NULL)
      {
        lt_htp_tensor *t = &step->consts[k];

        if (enc)
          {
            step->const_encs[k] = *enc;
            t->enc = &step->const_encs[k];
          }
        t->name = value->name;
        t->rank = rank;
        memcpy (t->dims, dims, sizeof t->dims[0] * (size_t) rank);
        *out = t;
        return alloc_const (t, dtype, err);
      }
  return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name,
                       "a node on the NPU takes at most %d constant operands", LT_HTP_STEP_MAX_CONSTS);
}

/* Channel of element i along `axis` of `dims` (0 when per tensor). */
static int64_t
channel_of (const lt_tensor         *t,
            const lt_quant_encoding *enc,
            uint64_t                 i)
{
  uint64_t inner = 1;

  if (enc->count <= 1)
    return 0;
  for (int32_t d = enc->axis + 1; d < t->rank; d++)
    inner *= (uint64_t) t->dims[d];
  return (int64_t) ((i / inner) % (uint64_t) t->dims[enc->axis]);
}

static lt_status
check_channels (const lt_value          *value,
                const lt_tensor         *t,
                const lt_quant_encoding *enc,
                lt_error                *err)
{
  if (enc->count > 1 && (enc->axis < 0 || enc->axis >= t->rank || t->dims[enc->axis] != enc->count))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name,
                         "the encoding has %lld channels along axis %d, which the tensor's dims do not have",
                         (long long) enc->count, enc->axis);
  return LT_OK;
}

lt_status
lt_htp_const_weights (const lt_htp_step_context *ctx,
                      lt_htp_step               *step,
                      int32_t                    value_id,
                      const lt_htp_tensor      **out,
                      lt_error                  *err)
{
  const lt_value          *value = lt_graph_get_value (ctx->graph, value_id);
  const lt_quant_encoding *enc = ctx->signed_encs[value_id];
  const lt_tensor         *t = lt_htp_value_constant (ctx->graph, value_id);
  lt_htp_tensor           *w;
  lt_status                st;

  if ((st = check_channels (value, t, enc, err)) != LT_OK)
    return st;
  if ((st = new_const (step, value, enc, t->rank, t->dims, LT_DTYPE_I8, &w, err)) != LT_OK)
    return st;
  for (uint64_t i = 0; i < t->count; i++)
    ((int8_t *) w->data)[i] = (int8_t) lt_quant_encoding_quantize (enc, channel_of (t, enc, i), lt_tensor_get_as_double (t, i));
  *out = w;
  return LT_OK;
}

lt_status
lt_htp_const_bias (const lt_htp_step_context *ctx,
                   lt_htp_step               *step,
                   int32_t                    value_id,
                   double                     in_scale,
                   const lt_quant_encoding   *w_enc,
                   int64_t                    channels,
                   const lt_htp_tensor      **out,
                   lt_error                  *err)
{
  const lt_value          *value = lt_graph_get_value (ctx->graph, value_id);
  const lt_quant_encoding *given = ctx->signed_encs[value_id];
  const lt_tensor         *t = lt_htp_value_constant (ctx->graph, value_id);
  lt_htp_tensor           *b;
  lt_status                st;

  if (!t)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name, "a bias must be a constant on the NPU");
  if (given && given->bitwidth != 32)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name,
                         "a bias runs as a 32-bit integer on the NPU, not %d bits", given->bitwidth);
  if ((int64_t) t->count != channels)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name,
                         "the bias must have %lld elements, one per output channel", (long long) channels);
  if ((st = new_const (step, value, NULL, 1, &channels, LT_DTYPE_I32, &b, err)) != LT_OK)
    return st;
  for (int64_t c = 0; c < channels; c++)
    {
      double q = nearbyint (lt_tensor_get_as_double (t, (uint64_t) c) / (in_scale * (double) w_enc->scale[w_enc->count > 1 ? c : 0]));
      ((int32_t *) b->data)[c] = !(q >= INT32_MIN) ? INT32_MIN : q > INT32_MAX ? INT32_MAX
                                                                               : (int32_t) q;
    }
  *out = b;
  return LT_OK;
}

lt_status
lt_htp_const_activation (const lt_htp_step_context *ctx,
                         lt_htp_step               *step,
                         int32_t                    value_id,
                         const lt_htp_tensor      **out,
                         lt_error                  *err)
{
  const lt_value          *value = lt_graph_get_value (ctx->graph, value_id);
  const lt_quant_encoding *enc = ctx->unsigned_encs[value_id];
  const lt_tensor         *t = lt_htp_value_constant (ctx->graph, value_id);
  lt_htp_tensor           *a;
  lt_status                st;

  if (enc->count != 1)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name,
                         "a constant used as an activation needs one encoding per tensor");
  if ((st = new_const (step, value, enc, t->rank, t->dims, enc->bitwidth <= 8 ? LT_DTYPE_U8 : LT_DTYPE_U16, &a, err)) != LT_OK)
    return st;
  for (uint64_t i = 0; i < t->count; i++)
    {
      int64_t q = lt_quant_encoding_quantize (enc, 0, lt_tensor_get_as_double (t, i));
      if (a->dtype == LT_DTYPE_U8)
        ((uint8_t *) a->data)[i] = (uint8_t) q;
      else
        ((uint16_t *) a->data)[i] = (uint16_t) q;
    }
  *out = a;
  return LT_OK;
}

void
lt_htp_consts_clear (lt_htp_step *step)
{
  for (uint32_t k = 0; k < LT_HTP_STEP_MAX_CONSTS; k++)
    free (step->consts[k].data);
}

/* ---- parameters -------------------------------------------------------- */

bool
lt_htp_param_ints (const lt_htp_step_context *ctx,
                   const lt_node             *node,
                   uint32_t                   input,
                   const char                *attr_name,
                   int64_t                   *values,
                   uint32_t                   max,
                   uint32_t                  *n)
{
  const lt_attr *attr = attr_name ? lt_node_get_attr (node, attr_name) : NULL;

  *n = 0;
  if (input < node->n_inputs && node->inputs[input] >= 0)
    {
      const lt_value_type *type = lt_shape_inference_get (ctx->si, node->inputs[input]);
      const lt_tensor     *data = type ? type->data : NULL;

      if (!data)
        data = lt_htp_value_constant (ctx->graph, node->inputs[input]);
      if (!data || data->count > max || !lt_dtype_is_integer (data->dtype))
        return false;
      for (uint64_t i = 0; i < data->count; i++)
        values[i] = (int64_t) lt_tensor_get_as_double (data, i);
      *n = (uint32_t) data->count;
      return true;
    }
  if (attr && attr->type == LT_ATTR_INTS && attr->count <= max)
    {
      memcpy (values, attr->v.ints, sizeof values[0] * attr->count);
      *n = attr->count;
    }
  return true;
}

bool
lt_htp_param_float (const lt_htp_step_context *ctx,
                    const lt_node             *node,
                    uint32_t                   input,
                    float                     *value)
{
  const lt_value_type *type;
  const lt_tensor     *data;

  if (input >= node->n_inputs || node->inputs[input] < 0)
    return true; /* omitted: the caller's default stands */
  type = lt_shape_inference_get (ctx->si, node->inputs[input]);
  data = type && type->data ? type->data : lt_htp_value_constant (ctx->graph, node->inputs[input]);
  if (!data || data->count != 1 || !lt_dtype_is_float (data->dtype))
    return false;
  *value = (float) lt_tensor_get_as_double (data, 0);
  return true;
}

lt_status
lt_htp_window_pads (const lt_node *node,
                    const char    *label,
                    const int64_t *in,
                    const int64_t *out,
                    const int64_t *kernel,
                    const int64_t *strides,
                    const int64_t *dilations,
                    int64_t       *pads,
                    lt_error      *err)
{
  const char    *auto_pad = lt_node_get_attr_string (node, "auto_pad", "NOTSET");
  const lt_attr *attr = lt_node_get_attr (node, "pads");

  memset (pads, 0, 4 * sizeof pads[0]);
  if (!strcmp (auto_pad, "SAME_UPPER") || !strcmp (auto_pad, "SAME_LOWER"))
    for (int i = 0; i < 2; i++)
      {
        int64_t total = (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i];
        total = total > 0 ? total : 0;
        pads[i] = !strcmp (auto_pad, "SAME_UPPER") ? total / 2 : total - total / 2;
        pads[2 + i] = total - pads[i];
      }
  else if (!strcmp (auto_pad, "NOTSET") && attr)
    {
      if (attr->type != LT_ATTR_INTS || attr->count != 4)
        return lt_error_set (err, LT_ERR_INVALID_MODEL, label, "pads must hold 4 values for a 2-D window");
      memcpy (pads, attr->v.ints, 4 * sizeof pads[0]);
    }
  return LT_OK;
}
