/* lt-encodings-qdq.h — encodings in the terms of a QDQ export: for each
 * integer encoding, the ONNX storage type, scales and zero points that
 * lt_onnx_export_qdq takes.
 *
 * Weights (tensors that are initializers of the model) get signed storage,
 * as QNN's HTP wants per-channel weights symmetric and signed: zero point
 * = -offset - 2^(bw-1) (0 for a symmetric encoding).  Activations get
 * unsigned storage, zero point = -offset, unless the file asked for signed
 * storage (2.0.0 `int8`/`int16`).  32-bit encodings (biases) are int32 with
 * zero point 0.  Float (FP16 override) encodings have no Q/DQ form and are
 * listed in `skipped`.  A per-channel encoding of unknown axis uses axis 0
 * (the output channels of Conv and of Gemm/MatMul weights stored [out, in]).
 */
#pragma once

#include <glib.h>
#include <lt/lt.h>

#include "lt-encoding.h"

G_BEGIN_DECLS

typedef struct
{
  GArray    *encodings; /* lt_qdq_encoding; names and scales borrow the set */
  GPtrArray *storage;   /* the zero-point arrays the encodings point into */
  GPtrArray *skipped;   /* char *: encodings left as float, with the reason */
  guint      n_weights;
  guint      n_activations;
} LtQdqPlan;

void lt_qdq_plan_free (LtQdqPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtQdqPlan, lt_qdq_plan_free)

/* Converts `set` for a QDQ export of the model whose main graph is
 * `graph`.  The plan borrows `set`, which must outlive it.  Fails with
 * LT_ENCODINGS_ERROR naming the tensor for a bitwidth other than 8, 16 or
 * 32, a per-block encoding or an offset that does not fit the bitwidth. */
LtQdqPlan *lt_qdq_plan_new (const LtEncodingSet *set,
                            const lt_graph      *graph,
                            GError             **error);

G_END_DECLS
