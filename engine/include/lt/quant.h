/* lt/quant.h — the engine's plain quantization encoding
 *
 * One encoding per tensor, per tensor or per channel, in QNN's sign
 * convention: real = (q + offset) * scale, so offset = -zero_point.
 * Unsigned activations use offset in [-(2^bw - 1), 0]; symmetric signed
 * weights use offset 0 and q in [-(2^(bw-1)), 2^(bw-1) - 1].  The engine
 * only reads it: the caller owns scale[] and offset[] and keeps them alive
 * while a kernel uses them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_quant_encoding
{
  int32_t        bitwidth;  /* 4, 8, 16 or 32 */
  bool           is_signed; /* q is a signed integer (weights, bias) */
  int32_t        axis;      /* channel axis when count > 1; ignored otherwise */
  int64_t        count;     /* 1 = per tensor, else one scale/offset per channel */
  const float   *scale;     /* count entries, each > 0 */
  const int32_t *offset;    /* count entries */
} lt_quant_encoding;

/* The integer range an encoding's q takes. */
void lt_quant_encoding_range (const lt_quant_encoding *enc,
                              int64_t                 *q_min,
                              int64_t                 *q_max);

/* real → q for channel `c`: round half to even, then saturate. */
int64_t lt_quant_encoding_quantize (const lt_quant_encoding *enc,
                                    int64_t                  c,
                                    double                   real);

/* q → real for channel `c`. */
double lt_quant_encoding_dequantize (const lt_quant_encoding *enc,
                                     int64_t                  c,
                                     int64_t                  q);

#ifdef __cplusplus
}
#endif
