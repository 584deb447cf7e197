/* lt-fake-quant.h — rounding float tensors onto their encoding's grid and
 * back (quantize then dequantize), the arithmetic of quantization
 * simulation.
 *
 * For an integer encoding, in QNN's convention float = (q + offset) *
 * scale:  q = clamp (round_half_even (x / scale) - offset, 0, 2^bw - 1),
 * then x' = (q + offset) * scale.  A float encoding rounds to float16 (16
 * bits) or leaves the values alone (32 bits).  Per-tensor encodings apply
 * to any shape; per-channel and per-block ones are checked against the
 * tensor's shape when the quantizer is made, and LPBQ is refused.
 */
#pragma once

#include "lt-encoding.h"

#include <lt/lt.h>

G_BEGIN_DECLS

typedef struct LtFakeQuant LtFakeQuant;

/* A quantizer for a tensor named by `encoding` with `rank` and `dims`
 * (ignored for per-tensor and float encodings, whose tensors may change
 * shape from sample to sample).  The encoding is copied.  Errors
 * (LT_ENCODINGS_ERROR_UNSUPPORTED, naming the tensor): LPBQ, a channel or
 * block axis outside the rank, a channel or block count that does not
 * match the tensor. */
LtFakeQuant *lt_fake_quant_new (const LtEncoding *encoding,
                                int32_t           rank,
                                const int64_t    *dims,
                                GError          **error);
void         lt_fake_quant_free (LtFakeQuant *quant);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtFakeQuant, lt_fake_quant_free)

/* Whether the quantizer applies to tensors of any shape (per tensor or
 * float). */
gboolean lt_fake_quant_is_per_tensor (const LtFakeQuant *quant);

/* Rounds `count` values from `in` to `out` (which may be `in`).  For a
 * per-channel or per-block quantizer `count` must be the element count of
 * the shape it was made for. */
void lt_fake_quant_apply (const LtFakeQuant *quant,
                          const float       *in,
                          float             *out,
                          guint64            count);

G_END_DECLS
