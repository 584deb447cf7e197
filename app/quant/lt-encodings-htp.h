/* lt-encodings-htp.h — encodings in the terms of the NPU runner
 * (lt/htp-session.h): one lt_quant_encoding per value id of a model's main
 * graph, NULL where the set has none.
 *
 * Constants (initializers: weights, biases) get signed encodings, every
 * other tensor unsigned ones; both keep the set's grid, so the offset of a
 * signed one is the set's plus 2^(bw-1) (0 for a symmetric weight).  A
 * per-channel encoding of unknown axis uses axis 0, as the QDQ export
 * does.  The scales borrow the set, which must outlive the result. */
#pragma once

#include <glib.h>
#include <lt/htp-session.h>
#include <lt/lt.h>

#include "lt-encoding.h"

G_BEGIN_DECLS

typedef struct
{
  const lt_quant_encoding **by_value; /* n_values entries, NULL where none */
  guint                     n_values;
  GArray                   *encodings; /* lt_quant_encoding, what by_value points into */
  GPtrArray                *offsets;   /* the int32 offset arrays the encodings point into */
} LtHtpEncodings;

void lt_htp_encodings_free (LtHtpEncodings *encodings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtHtpEncodings, lt_htp_encodings_free)

/* Converts `set` for the model whose main graph is `graph`.  Fails with
 * LT_ENCODINGS_ERROR naming the tensor for a name the graph does not have,
 * a float (FP16) encoding (the NPU runs integers only), a per-block
 * encoding, or an offset beyond 32 bits. */
LtHtpEncodings *lt_htp_encodings_new (const LtEncodingSet *set,
                                      const lt_graph      *graph,
                                      GError             **error);

G_END_DECLS
