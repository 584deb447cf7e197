/* lt/htp-session.h — running a whole model on the NPU (htp) backend
 *
 * The integer kernels of lt/htp.h, node after node, on a model quantized
 * with the caller's encodings: what the device would compute, seen from
 * the desktop in float32.
 *
 * Life cycle: lt_htp_session_new → lt_htp_session_reshape (input types and
 * encodings: shape inference, every node checked against the capability
 * table, weights and biases quantized, lookup/Softmax tables built, memory
 * planned) → lt_htp_session_bind_input (float32 data) → lt_htp_session_run
 * (any number of times) → lt_htp_session_get_output (float32, dequantized)
 * → lt_htp_session_free.
 *
 * Encodings (lt/quant.h), one per value id, NULL where a value has none:
 *  - activations (float graph inputs and every value a node computes):
 *    unsigned 8 or 16 bits, per tensor;
 *  - weights (input 1 of Conv, Gemm and MatMul, the scale of
 *    LayerNormalization): signed 8 or 4 bits, per tensor or per output
 *    channel (Conv: axis 0; Gemm/MatMul: the axis of N);
 *  - biases (input 2 of Conv and Gemm, the B of LayerNormalization) need
 *    none: they are quantized to int32 with the scale the kernel implies
 *    (in_scale · w_scale[c]); an encoding given for one must be 32 bits;
 *  - constant operands of Add, Mul and Concat are quantized once as
 *    activations with their own encoding.
 * Constants are initializers or the tensors of Constant nodes (which do
 * not run).
 * An encoding's sign convention is QNN's, real = (q + offset) · scale; a
 * signed encoding on a value that runs unsigned (or the reverse) is the
 * same grid shifted by 2^(bw-1), and is converted.  The outputs of ops that
 * only move data (Reshape, Flatten, Squeeze, Unsqueeze, Identity,
 * Transpose, MaxPool, Slice, Split) take their input's encoding when they have none.  Any
 * other float value without an encoding is refused at reshape
 * (LT_ERR_INVALID_ARGUMENT naming the tensor).  Encodings are copied: the
 * caller's arrays need not outlive the call.
 *
 * Graph inputs with an encoding are data, bound and quantized at each run;
 * a graph input without one can only be a parameter (a Reshape's shape, a
 * Clip bound) whose contents the caller gives with its type at reshape.
 *
 * Refusals at reshape: the first node (in execution order) the NPU cannot
 * run is LT_ERR_UNSUPPORTED with err->subject the node and a message
 * naming its op and the reason (from lt_htp_check_node); shapes must be
 * static after inference.
 *
 * `run` allocates nothing: quantized values live in one planned arena,
 * weights are quantized and tables built at reshape.  Graph inputs are
 * float32 and quantized with their encoding as ONNX QuantizeLinear does
 * (x / scale in float32, rounded half to even, saturated); outputs are
 * dequantized to float32.
 *
 * A session is used by one thread at a time; it holds a reference to its
 * model.
 */
#pragma once

#include "lt/model.h"
#include "lt/quant.h"
#include "lt/session.h"
#include "lt/shape.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_htp_session lt_htp_session;

typedef struct lt_htp_session_options
{
  lt_abort_fn    abort_fn;      /* polled between nodes; may be NULL */
  void          *abort_data;
  /* Called with a float32 view of a value's dequantized contents: for
   * each graph input once it is quantized, then after each node for each
   * value it produced.  The view (and its data) is valid only during the
   * call.  May be NULL. */
  lt_observer_fn observer_fn;
  void          *observer_data;
} lt_htp_session_options;

/* A session over a model's main graph.  `options` may be NULL; it is
 * copied.  Does not reshape yet. */
lt_status lt_htp_session_new (lt_model                     *model,
                              const lt_htp_session_options *options,
                              lt_htp_session              **out,
                              lt_error                     *err);

void lt_htp_session_free (lt_htp_session *session); /* accepts NULL */

/* Prepares the session for inputs of these types (one per graph input, in
 * lt_graph_get_inputs order, or NULL for the declared types; float32 only)
 * and these encodings: `encodings` has `n_encodings` =
 * lt_graph_get_n_values entries indexed by value id.  Errors:
 * LT_ERR_INVALID_ARGUMENT (a wrong count, a value without the encoding it
 * needs, an encoding that cannot be used: bitwidth, sign, channel count),
 * LT_ERR_UNSUPPORTED (a node the NPU cannot run, a shape left unknown, a
 * scale ratio no fixed-point multiplier holds), LT_ERR_SHAPE from shape
 * inference.  On failure the session is left unprepared. */
lt_status lt_htp_session_reshape (lt_htp_session                 *session,
                                  const lt_value_type            *inputs,
                                  const lt_quant_encoding *const *encodings,
                                  uint32_t                        n_encodings,
                                  lt_error                       *err);

/* Points input `index` (a data input) at float32 `data` of the reshaped
 * size (nbytes must match).  Borrowed until the last run that uses it. */
lt_status lt_htp_session_bind_input (lt_htp_session *session,
                                     uint32_t        index,
                                     const void     *data,
                                     size_t          nbytes,
                                     lt_error       *err);

/* Quantizes the inputs, runs every node's integer kernel in order and
 * dequantizes the outputs.  LT_ERR_INVALID_ARGUMENT when the session is not
 * reshaped or an input is unbound, LT_ERR_CANCELLED when the abort
 * callback asked, or the failing kernel's error naming the node. */
lt_status lt_htp_session_run (lt_htp_session *session,
                              lt_error       *err);

/* Output `index` after a run, dequantized to float32: a view valid until
 * the next reshape, run or free.  NULL when out of range. */
const lt_tensor *lt_htp_session_get_output (const lt_htp_session *session,
                                            uint32_t              index);

/* The encoding a value runs with after reshape (the caller's, converted to
 * the signedness it runs with, or the one it shares with its input), or
 * NULL for a value that is not quantized (a parameter such as a Reshape's
 * shape, or a bias).  Valid until the next reshape or free. */
const lt_quant_encoding *lt_htp_session_get_encoding (const lt_htp_session *session,
                                                      int32_t               value_id);

/* Bytes of the arena of quantized values (the plan's peak). */
uint64_t lt_htp_session_get_arena_bytes (const lt_htp_session *session);

#ifdef __cplusplus
}
#endif
