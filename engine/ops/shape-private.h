/* shape-private.h — what the shape inference driver shares with the per-op
 * shape functions.
 *
 * A shape function reads its node's input types (and, for small tensors,
 * their known contents) through an lt_shape_ctx and writes its outputs'
 * types.  It returns:
 *  - LT_OK when every output it sets is as exact as the inputs allow;
 *  - LT_ERR_UNSUPPORTED, without touching the error, when it cannot infer
 *    (an input of unknown rank, a data-dependent size whose data is not
 *    known); the driver then keeps the declared types;
 *  - LT_ERR_SHAPE or LT_ERR_INVALID_MODEL through lt_shape_fail /
 *    lt_shape_fail_attr, which name the node.
 *
 * Known contents ("data") are kept per element as an lt_sym: a known
 * number, a symbolic dim name, or unknown.  So Shape of an Nx3 tensor is
 * [N, 3] and a Reshape fed by a Concat of its pieces gets a symbolic dim.
 * Data is kept only for tensors of at most LT_SHAPE_DATA_MAX elements.
 */
#pragma once

#include "lt/shape.h"
#include "lt/ops.h"

#define LT_SHAPE_DATA_MAX 64

/* One element of a propagated small tensor. */
typedef struct lt_sym
{
  bool        known; /* i (integers, bool) or f (floats) holds the value */
  int64_t     i;
  double      f;
  const char *param; /* when not known: a symbolic dim name, or NULL */
} lt_sym;

typedef struct lt_shape_ctx
{
  lt_shape_inference *si;
  const lt_graph     *graph;
  const lt_node      *node;
  int32_t             node_id;
  lt_error           *err;
} lt_shape_ctx;

typedef lt_status (*lt_shape_fn) (lt_shape_ctx *ctx);

/* The table of shape functions, indexed by lt_op (shape-table.c). */
lt_shape_fn lt_shape_fn_for_op (lt_op op);

/* ---- reading inputs ---------------------------------------------------- */

/* The type of input i, or NULL when omitted or beyond n_inputs. */
const lt_value_type *lt_shape_input (const lt_shape_ctx *ctx,
                                     uint32_t            i);
/* The input's shape when its rank is known, else NULL. */
const lt_shape *lt_shape_input_shape (const lt_shape_ctx *ctx,
                                      uint32_t            i);
/* The propagated contents of input i (count elements), or NULL. */
const lt_sym *lt_shape_input_data (const lt_shape_ctx *ctx,
                                   uint32_t            i,
                                   uint32_t           *count);
/* Contents of input i as integers when every element is known; false
 * otherwise.  At most `max` are read; *n receives the element count. */
bool lt_shape_input_ints (const lt_shape_ctx *ctx,
                          uint32_t            i,
                          int64_t            *out,
                          uint32_t            max,
                          uint32_t           *n);

/* A shape given as the contents of 1-D input `i` (Expand,
 * ConstantOfShape): elements may be symbolic or unknown; when only the
 * input's length is known, the rank is.  False when not even that. */
bool lt_shape_from_input_data (const lt_shape_ctx *ctx,
                               uint32_t            i,
                               lt_shape           *out);

/* An integer list that became an input at some opset: from input `input`
 * when node->opset >= `opset_as_input`, else from attribute `attr`.
 * Returns LT_OK with *present false when neither is given, LT_ERR_UNSUPPORTED
 * when the input is given but its contents are not known,
 * LT_ERR_INVALID_MODEL (reported on the node) when there are more than `max`
 * or the attribute is not a list of integers. */
lt_status lt_shape_ints_attr_or_input (lt_shape_ctx *ctx,
                                       const char   *attr,
                                       uint32_t      input,
                                       int64_t       opset_as_input,
                                       int64_t      *out,
                                       uint32_t      max,
                                       uint32_t     *n,
                                       bool         *present);

/* The elements of a small integer, bool or float tensor (at most
 * LT_SHAPE_DATA_MAX); false for other tensors. */
bool lt_shape_tensor_to_syms (const lt_tensor *t,
                              lt_sym          *out);

/* ---- writing outputs --------------------------------------------------- */

/* Sets output i (ignored when omitted). */
void lt_shape_set_output (lt_shape_ctx   *ctx,
                          uint32_t        i,
                          lt_dtype        dtype,
                          const lt_shape *shape);
/* Storage for the contents of output i (its shape must be set and have
 * `count` elements, count <= LT_SHAPE_DATA_MAX), all unknown; NULL when the
 * output is omitted or memory runs out (the data is then simply not
 * propagated). */
lt_sym *lt_shape_output_data (lt_shape_ctx *ctx,
                              uint32_t      i,
                              uint32_t      count);

/* Sets output i to an optional (or, for Identity, any kind but a
 * sequence) holding tensors of that dtype and shape (NULL: unknown). */
void lt_shape_set_output_container (lt_shape_ctx   *ctx,
                                    uint32_t        i,
                                    lt_type_kind    kind,
                                    lt_dtype        dtype,
                                    const lt_shape *shape);

/* Sets output i to a sequence of `length` tensors (-1: unknown) of that
 * dtype.  With `elems` (length shapes, at most LT_SHAPE_DATA_MAX), each
 * tensor's shape is known and the shape they share is computed from
 * them; without, `shape` (NULL: unknown) is what they share. */
void lt_shape_set_output_sequence (lt_shape_ctx   *ctx,
                                   uint32_t        i,
                                   lt_dtype        dtype,
                                   const lt_shape *shape,
                                   int64_t         length,
                                   const lt_shape *elems);

/* The number of tensors of sequence input i when inference knows it,
 * else -1 (also for any other kind). */
int64_t lt_shape_input_length (const lt_shape_ctx *ctx,
                               uint32_t            i);

/* The shapes of the tensors of sequence input i, one by one
 * (lt_shape_input_length of them), or NULL when not known. */
const lt_shape *lt_shape_input_elements (const lt_shape_ctx *ctx,
                                         uint32_t            i);

/* ---- sequences and optionals (shape-sequence.c) ------------------------ */

/* Whether the op may read sequences or optionals; the driver refuses any
 * other op such an input, naming the node. */
bool lt_shape_op_takes_containers (lt_op op);

/* The shape two tensors share: dims both know to be the same size (or
 * the same symbol), others unknown; rank -1 when the ranks differ or
 * either is unknown.  `out` may be `a`. */
void lt_shape_common (const lt_shape *a,
                      const lt_shape *b,
                      lt_shape       *out);

/* Whether a value declared `declared` accepts one of kind `given`: the
 * same kind, or a value where an optional of its kind is declared. */
bool lt_shape_kind_accepts (lt_type_kind declared,
                            lt_type_kind given);

lt_status lt_shape_identity (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_empty (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_construct (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_insert (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_erase (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_at (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_length (lt_shape_ctx *ctx);
lt_status lt_shape_split_to_sequence (lt_shape_ctx *ctx);
lt_status lt_shape_concat_from_sequence (lt_shape_ctx *ctx);
lt_status lt_shape_optional (lt_shape_ctx *ctx);
lt_status lt_shape_optional_has_element (lt_shape_ctx *ctx);
lt_status lt_shape_optional_get_element (lt_shape_ctx *ctx);

/* ---- errors ------------------------------------------------------------ */

/* LT_ERR_SHAPE naming the node. */
lt_status lt_shape_fail (lt_shape_ctx *ctx,
                         const char   *format,
                         ...) __attribute__ ((format (printf, 2, 3)));
/* LT_ERR_INVALID_MODEL naming the node (a bad attribute or arity). */
lt_status lt_shape_fail_attr (lt_shape_ctx *ctx,
                              const char   *format,
                              ...) __attribute__ ((format (printf, 2, 3)));

/* ---- shape helpers ----------------------------------------------------- */

/* Normalizes an axis in [-rank, rank) to [0, rank); false when out of range. */
bool lt_shape_axis (int64_t  axis,
                    int32_t  rank,
                    int32_t *out);
/* Same, with the error reported on the node naming `what`. */
lt_status lt_shape_axis_checked (lt_shape_ctx *ctx,
                                 const char   *what,
                                 int64_t       axis,
                                 int32_t       rank,
                                 int32_t      *out);

/* Multidirectional (numpy) broadcast of a and b into out; LT_ERR_SHAPE
 * naming both shapes when they cannot broadcast. */
lt_status lt_shape_broadcast (lt_shape_ctx   *ctx,
                              const lt_shape *a,
                              const lt_shape *b,
                              lt_shape       *out);

/* A double as int64 for propagated contents: truncated toward zero,
 * saturated at the int64 range, 0 for NaN (never undefined behaviour). */
int64_t lt_double_to_i64 (double f);

/* lt_shape_format into buf, returning buf (for use inside messages). */
#define LT_SHAPE_STR_MAX 128
const char *lt_shape_str (const lt_shape *shape,
                          char           *buf);

/* A known dim or an unknown one. */
lt_dim lt_dim_known (int64_t size);
lt_dim lt_dim_unknown (void);
/* Two dims known to be equal merged into the more informative one. */
lt_dim lt_dim_unify (lt_dim a,
                     lt_dim b);
/* Whether two dims can be proved different. */
bool lt_dim_conflict (lt_dim a,
                      lt_dim b);
/* A dim from a propagated element (a known value, a symbol, or unknown). */
lt_dim lt_dim_from_sym (const lt_sym *s);
/* The element for a dim (Shape's output). */
lt_sym lt_sym_from_dim (lt_dim d);

/* ---- per-family shape functions (shape-*.c) ---------------------------- */

/* shape-elementwise.c */
/* Output 0 gets input 0's shape and `dtype` (the dtype even when the shape
 * is not known). */
lt_status lt_shape_input_shape_with_dtype (lt_shape_ctx *ctx,
                                           lt_dtype      dtype);
lt_status lt_shape_same_as_input (lt_shape_ctx *ctx);
lt_status lt_shape_bool_same_as_input (lt_shape_ctx *ctx);
lt_status lt_shape_softmax (lt_shape_ctx *ctx);
lt_status lt_shape_dropout (lt_shape_ctx *ctx);
lt_status lt_shape_cast (lt_shape_ctx *ctx);
lt_status lt_shape_broadcast_op (lt_shape_ctx *ctx);
lt_status lt_shape_compare (lt_shape_ctx *ctx);
lt_status lt_shape_where (lt_shape_ctx *ctx);
lt_status lt_shape_prelu (lt_shape_ctx *ctx);

/* shape-control.c.  A Loop body whose shapes depend on the iteration
 * number is inferred once per iteration up to the trip count known before
 * running, when it is at most LT_LOOP_CHECKED_MAX and the body has no
 * subgraphs of its own (so nested loops cannot multiply the work);
 * sessions check the same iterations (exec/control-loop.c). */
#define LT_LOOP_CHECKED_MAX 4096
bool lt_loop_body_checks_iterations (const lt_graph *body,
                                     int64_t         trips);

/* Two types merged (If branches, a Loop's carried values): the kind and
 * dtype when both agree (a value and an optional of its kind merge into
 * the optional), the shape when the ranks agree, dims that differ
 * unknown; an unknown dtype when the kinds cannot merge. */
void lt_shape_merge_types (const lt_value_type *a,
                           const lt_value_type *b,
                           lt_value_type       *out);

lt_status lt_shape_if (lt_shape_ctx *ctx);
lt_status lt_shape_loop (lt_shape_ctx *ctx);
lt_status lt_shape_sequence_map (lt_shape_ctx *ctx);

/* shape-conv.c */
lt_status lt_shape_conv (lt_shape_ctx *ctx);
lt_status lt_shape_conv_transpose (lt_shape_ctx *ctx);
lt_status lt_shape_pool (lt_shape_ctx *ctx);
lt_status lt_shape_global_pool (lt_shape_ctx *ctx);
lt_status lt_shape_qlinear_conv (lt_shape_ctx *ctx);
lt_status lt_shape_batch_norm (lt_shape_ctx *ctx);
lt_status lt_shape_instance_norm (lt_shape_ctx *ctx);
lt_status lt_shape_layer_norm (lt_shape_ctx *ctx);
lt_status lt_shape_depth_to_space (lt_shape_ctx *ctx);
lt_status lt_shape_space_to_depth (lt_shape_ctx *ctx);

/* shape-linear.c */
lt_status lt_shape_gemm (lt_shape_ctx *ctx);
lt_status lt_shape_matmul (lt_shape_ctx *ctx);
lt_status lt_shape_einsum (lt_shape_ctx *ctx);
lt_status lt_shape_rnn (lt_shape_ctx *ctx);
lt_status lt_shape_quantize (lt_shape_ctx *ctx);
lt_status lt_shape_dequantize (lt_shape_ctx *ctx);

/* shape-movement.c */
lt_status lt_shape_reshape (lt_shape_ctx *ctx);
lt_status lt_shape_transpose (lt_shape_ctx *ctx);
lt_status lt_shape_concat (lt_shape_ctx *ctx);
lt_status lt_shape_split (lt_shape_ctx *ctx);
lt_status lt_shape_slice (lt_shape_ctx *ctx);
lt_status lt_shape_gather (lt_shape_ctx *ctx);
lt_status lt_shape_gather_elements (lt_shape_ctx *ctx);
lt_status lt_shape_gather_nd (lt_shape_ctx *ctx);
lt_status lt_shape_squeeze (lt_shape_ctx *ctx);
lt_status lt_shape_unsqueeze (lt_shape_ctx *ctx);
lt_status lt_shape_flatten (lt_shape_ctx *ctx);
lt_status lt_shape_expand (lt_shape_ctx *ctx);
lt_status lt_shape_tile (lt_shape_ctx *ctx);
lt_status lt_shape_pad (lt_shape_ctx *ctx);

/* shape-resize.c */
lt_status lt_shape_resize (lt_shape_ctx *ctx);
lt_status lt_shape_upsample (lt_shape_ctx *ctx);

/* shape-reduce.c */
lt_status lt_shape_reduce (lt_shape_ctx *ctx);
lt_status lt_shape_arg_reduce (lt_shape_ctx *ctx);
lt_status lt_shape_topk (lt_shape_ctx *ctx);

/* shape-generate.c */
lt_status lt_shape_constant (lt_shape_ctx *ctx);
lt_status lt_shape_constant_of_shape (lt_shape_ctx *ctx);
lt_status lt_shape_shape (lt_shape_ctx *ctx);
lt_status lt_shape_size (lt_shape_ctx *ctx);
lt_status lt_shape_range (lt_shape_ctx *ctx);
lt_status lt_shape_one_hot (lt_shape_ctx *ctx);
