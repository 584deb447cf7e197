/* quant-encoding.c — range, quantize and dequantize of an lt_quant_encoding
 * (lt/quant.h).  Quantization rounds half to even, as ONNX's
 * QuantizeLinear does, then saturates to the bitwidth's range. */
#include "lt/quant.h"

#include <math.h>

void
lt_quant_encoding_range (const lt_quant_encoding *enc,
                         int64_t                 *q_min,
                         int64_t                 *q_max)
{
  if (enc->is_signed)
    {
      *q_min = -((int64_t) 1 << (enc->bitwidth - 1));
      *q_max = ((int64_t) 1 << (enc->bitwidth - 1)) - 1;
    }
  else
    {
      *q_min = 0;
      *q_max = ((int64_t) 1 << enc->bitwidth) - 1;
    }
}

int64_t
lt_quant_encoding_quantize (const lt_quant_encoding *enc,
                            int64_t                  c,
                            double                   real)
{
  int64_t lo, hi;
  int64_t i = enc->count > 1 ? c : 0;
  double  q = nearbyint (real / enc->scale[i]) - enc->offset[i];

  lt_quant_encoding_range (enc, &lo, &hi);
  if (!(q >= (double) lo)) /* also NaN */
    return lo;
  if (q > (double) hi)
    return hi;
  return (int64_t) q;
}

double
lt_quant_encoding_dequantize (const lt_quant_encoding *enc,
                              int64_t                  c,
                              int64_t                  q)
{
  int64_t i = enc->count > 1 ? c : 0;

  return ((double) q + enc->offset[i]) * (double) enc->scale[i];
}
