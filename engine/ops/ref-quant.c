/* ref-quant.c — see ref-quant.h.  Also the reference QuantizeLinear and
 * DequantizeLinear, per tensor or per axis.
 *
 * QuantizeLinear divides in float as ONNX Runtime and the ONNX reference
 * do (x / scale, float32), so ties round the same way; DequantizeLinear
 * multiplies (q - zero_point) * scale in float32.
 */
#include "ops/ref-quant.h"

#include <math.h>
#include <stdlib.h>

bool
lt_ref_is_quantized_type (lt_dtype t)
{
  return t == LT_DTYPE_U8 || t == LT_DTYPE_I8 || t == LT_DTYPE_U16 || t == LT_DTYPE_I16;
}

void
lt_ref_store_quantized (lt_dtype t,
                        void    *data,
                        uint64_t i,
                        double   v)
{
  double lo = 0, hi = 0, r = nearbyint (v);

  switch (t)
    {
    case LT_DTYPE_U8:
      hi = 255;
      break;
    case LT_DTYPE_I8:
      lo = -128, hi = 127;
      break;
    case LT_DTYPE_U16:
      hi = 65535;
      break;
    case LT_DTYPE_I16:
      lo = -32768, hi = 32767;
      break;
    case LT_DTYPE_I32:
      lo = -2147483648.0, hi = 2147483647.0;
      break;
    default:
      break;
    }
  r = isnan (r) ? 0 : r < lo ? lo
                  : r > hi   ? hi
                             : r;
  lt_ref_set_i64 (t, data, i, (int64_t) r);
}

float
lt_ref_quant_scale (const lt_kernel_tensor *scale,
                    uint64_t                c)
{
  return (float) lt_ref_get_f64 (scale->dtype, scale->data, scale->count == 1 ? 0 : c);
}

int64_t
lt_ref_quant_zero (const lt_kernel_tensor *zero,
                   uint64_t                c)
{
  if (zero == NULL || zero->dtype == LT_DTYPE_UNDEFINED || zero->count == 0)
    return 0;
  return lt_ref_get_i64 (zero->dtype, zero->data, zero->count == 1 ? 0 : c);
}

lt_status
lt_ref_check_quant_params (const lt_kernel_call   *call,
                           const char             *what,
                           const lt_kernel_tensor *scale,
                           const lt_kernel_tensor *zero,
                           lt_dtype                qtype,
                           int64_t                 channels)
{
  uint64_t want = channels > 0 ? (uint64_t) channels : 1;
  bool     zero_present = zero != NULL && zero->dtype != LT_DTYPE_UNDEFINED;

  if (scale->dtype != LT_DTYPE_F32 || scale->count != want || (channels > 0 && scale->rank != 1))
    return lt_ref_fail (call, LT_ERR_SHAPE, "the scale of %s must be float with %llu element(s)", what,
                        (unsigned long long) want);
  if (zero_present && (zero->dtype != qtype || zero->count != want))
    return lt_ref_fail (call, LT_ERR_SHAPE, "the zero point of %s must be %s with %llu element(s)", what,
                        lt_dtype_name (qtype), (unsigned long long) want);
  return LT_OK;
}

/* ---- QuantizeLinear / DequantizeLinear -------------------------------------- */

typedef struct qdq_params
{
  int32_t  axis;  /* -1 when per tensor */
  uint64_t inner; /* elements per step along the axis */
  int64_t  channels;
} qdq_params;

static bool
qdq_supports (const lt_kernel_call *call)
{
  lt_dtype x = call->n_inputs > 0 ? call->inputs[0].dtype : LT_DTYPE_UNDEFINED;
  lt_dtype y = call->n_outputs > 0 ? call->outputs[0].dtype : LT_DTYPE_UNDEFINED;

  if (call->node->op == LT_OP_QuantizeLinear)
    return (x == LT_DTYPE_F32 || x == LT_DTYPE_I32) && lt_ref_is_quantized_type (y);
  return (lt_ref_is_quantized_type (x) || x == LT_DTYPE_I32) && y == LT_DTYPE_F32;
}

static lt_status
qdq_prepare (const lt_kernel_call *call,
             void                **state,
             size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0], *scale = &call->inputs[1];
  const lt_kernel_tensor *zero = lt_ref_has_input (call, 2) ? &call->inputs[2] : NULL;
  bool                    quantize = call->node->op == LT_OP_QuantizeLinear;
  lt_dtype                qtype = quantize ? call->outputs[0].dtype : x->dtype;
  qdq_params              p = { .axis = -1, .inner = 1, .channels = 0 };
  lt_status               st;

  *scratch_bytes = 0;
  if (lt_node_get_attr_int (call->node, "block_size", 0) != 0)
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "blocked quantization (block_size) is not supported");
  if (scale->count > 1 || scale->rank == 1)
    {
      if ((st = lt_ref_get_axis (call, 1, x->rank, &p.axis)) != LT_OK)
        return st;
      p.channels = x->dims[p.axis];
      p.inner = lt_ref_count_from (x, p.axis + 1);
    }
  if ((st = lt_ref_check_quant_params (call, quantize ? "y" : "x", scale, zero, qtype, p.channels)) != LT_OK)
    return st;
  if (!quantize && x->dtype == LT_DTYPE_I32 && lt_ref_quant_zero (zero, 0) != 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "int32 input must have a zero point of 0");
  if (call->outputs[0].count != x->count)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have the shape of x");
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
qdq_run (const lt_kernel_call *call)
{
  const qdq_params       *p = call->state;
  const lt_kernel_tensor *x = &call->inputs[0], *scale = &call->inputs[1];
  const lt_kernel_tensor *zero = lt_ref_has_input (call, 2) ? &call->inputs[2] : NULL;
  lt_kernel_tensor       *y = &call->outputs[0];
  bool                    quantize = call->node->op == LT_OP_QuantizeLinear;

  for (uint64_t i = 0; i < x->count; i++)
    {
      uint64_t c = p->axis < 0 ? 0 : (i / p->inner) % (uint64_t) p->channels;
      float    s = lt_ref_quant_scale (scale, c);
      int64_t  z = lt_ref_quant_zero (zero, c);

      if (quantize)
        {
          float q = nearbyintf ((float) lt_ref_get_f64 (x->dtype, x->data, i) / s);
          lt_ref_store_quantized (y->dtype, y->data, i, (double) q + (double) z);
        }
      else
        ((float *) y->data)[i] = (float) (lt_ref_get_i64 (x->dtype, x->data, i) - z) * s;
    }
  return LT_OK;
}

const lt_kernel lt_ref_quantize_linear_kernel = {
  .name = "lt_ref_quantize_linear",
  .supports = qdq_supports,
  .prepare = qdq_prepare,
  .run = qdq_run,
  .release = free,
};

const lt_kernel lt_ref_dequantize_linear_kernel = {
  .name = "lt_ref_dequantize_linear",
  .supports = qdq_supports,
  .prepare = qdq_prepare,
  .run = qdq_run,
  .release = free,
};
