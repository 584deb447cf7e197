/* lt/shape.h — type and shape inference
 *
 * Computes the dtype and shape of every value of a graph from the types of
 * its inputs.  The graph itself is not modified (an lt_model is immutable
 * and shared), so a session can run inference with concrete input shapes
 * while the studio shows the symbolic ones.
 *
 * Small integer tensors whose contents can be known before running (the
 * output of Shape, and Gather/Slice/Concat/Unsqueeze/arithmetic over such
 * values, and constants) are propagated too, so the usual
 * Shape → Gather → Concat → Reshape chains of exported transformers resolve.
 */
#pragma once

#include "lt/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_shape_inference lt_shape_inference;

/* What is known about one value. */
typedef struct lt_value_type
{
  lt_dtype         dtype;  /* LT_DTYPE_UNDEFINED when unknown */
  lt_shape         shape;  /* rank -1 when unknown; dims may be symbolic */
  const lt_tensor *data;   /* known contents (constants, propagated shapes), or NULL */
  lt_type_kind     kind;   /* TENSOR (0) unless a sequence or optional; then dtype and
                              shape are what its tensors share (dims that differ unknown,
                              rank -1 when ranks differ), data NULL */
  const lt_sequence *sequence; /* a sequence's value, or NULL: given to inference, its
                                  tensors' count and shapes are known one by one (read
                                  during the run only; results never point to it) */
} lt_value_type;

/* A new inference over `graph`, which must be finalized and outlive it.
 * Returns NULL when out of memory. */
lt_shape_inference *lt_shape_inference_new (const lt_graph *graph);
void                lt_shape_inference_free (lt_shape_inference *si); /* accepts NULL */

/* Runs inference.  `inputs` has one entry per graph input (in
 * lt_graph_get_inputs order) or is NULL to use the declared types; an entry
 * with dtype UNDEFINED also means "as declared".  With `strict`, a node
 * whose output cannot be inferred (unknown op, unknown input shape) is an
 * error; otherwise its outputs stay unknown (or as declared in the file) and
 * inference goes on.  A contradiction (shapes that cannot broadcast, a
 * Reshape to the wrong element count) is always an error, LT_ERR_SHAPE, with
 * err->subject the node (lt_node_describe) and the message naming the
 * shapes; a bad attribute (a duplicate Transpose perm, an axis out of range,
 * a group that does not divide the channels) or a wrong number of inputs or
 * outputs is LT_ERR_INVALID_MODEL naming the node.  Graph inputs with an
 * initializer and no type from the caller take the initializer's contents.
 * A caller's input type with an invalid rank, or data whose type or dims
 * differ from it, is LT_ERR_INVALID_ARGUMENT naming the input.  May be run
 * again with other inputs. */
lt_status lt_shape_inference_run (lt_shape_inference  *si,
                                  const lt_value_type *inputs,
                                  bool                 strict,
                                  lt_error            *err);

/* Like lt_shape_inference_run, on a subgraph (the body of an If or Loop)
 * with what the enclosing graph knows about the values it reads from there:
 * `outer` has one entry per value of kind LT_VALUE_OUTER, in value id
 * order, or is NULL; an entry with dtype UNDEFINED keeps the declared type.
 * Data pointers in `outer`, as in `inputs`, must stay valid while the
 * results are read. */
lt_status lt_shape_inference_run_subgraph (lt_shape_inference  *si,
                                           const lt_value_type *inputs,
                                           const lt_value_type *outer,
                                           bool                 strict,
                                           lt_error            *err);

/* The result for a value id; valid until the next run or free. */
const lt_value_type *lt_shape_inference_get (const lt_shape_inference *si,
                                             int32_t                   value_id);

/* Whether the result for a value was computed by inference (true) or is
 * what the file declares or the caller gave (false: graph inputs,
 * constants, and outputs of nodes whose shapes could not be inferred). */
bool lt_shape_inference_is_inferred (const lt_shape_inference *si,
                                     int32_t                   value_id);

/* The type of a sequence or optional value of that kind: the dtype of its
 * tensors (`dtype` when it has none) and the shape they share (dims that
 * differ unknown; rank -1 when it has no tensors or their ranks differ). */
void lt_sequence_get_type (const lt_sequence *value,
                           lt_type_kind       kind,
                           lt_dtype           dtype,
                           lt_value_type     *type);

#ifdef __cplusplus
}
#endif
