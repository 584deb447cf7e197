/* lt/session.h — running a model
 *
 * Life cycle: lt_session_new → lt_session_reshape (shape inference with the
 * input types given, kernel selection, kernel preparation, constant
 * folding of BatchNormalization into a preceding Conv, memory plan) →
 * lt_session_bind_input for each input → lt_session_run (any number of
 * times) → lt_session_free.  Reshape may be called again with other input
 * shapes; bindings are then cleared.
 *
 * Static shapes only: every value's shape must be known after shape
 * inference.  Inputs whose contents decide output shapes (a Reshape's
 * target shape fed as a graph input, a Range's limits) are passed to
 * reshape with their data; a shape that still depends on values computed
 * by the graph makes reshape fail with LT_ERR_UNSUPPORTED naming the value.
 *
 * `run` allocates nothing: all values live in one arena sized by the plan
 * (values whose lifetimes do not overlap share bytes; elementwise ops write
 * in place over an input that dies there), graph inputs are read from the
 * caller's bound buffers, constants from the model.  An If's branches and
 * a Loop's body are sessions of their subgraphs, created and reshaped at
 * the parent's reshape (with the types of the values they read from the
 * enclosing graph), so If and Loop allocate nothing in run either.
 *
 * Loop: carried values keep one shape across iterations.  A scan output
 * is sized for the trip count known at reshape (give its data to reshape)
 * or the file's declared first dimension; a loop that stops earlier by
 * its condition gives a graph output with fewer rows (the output's dims
 * say how many), one that runs longer fails.  A body whose shapes depend
 * on the iteration number is checked at reshape for every iteration up to
 * that trip count (4096 at most).
 *
 * Sequences and optionals (lt_sequence): a graph input of that kind is
 * reshaped with its lt_value_type.kind (dtype and shape those its tensors
 * share), bound with lt_session_bind_sequence and read back with
 * lt_session_get_sequence_output.  Their number of tensors and the
 * tensors' shapes are data, known only at run, so they are the one thing
 * `run` allocates for: each computed sequence or optional owns a buffer
 * per tensor, grown (realloc) when a run puts in more or larger tensors
 * than any run before and kept otherwise, so a graph run again with the
 * same sizes allocates nothing after its first run.  A Loop carrying a
 * sequence or optional whose body's shapes depend on the iteration number
 * plans its body again at each iteration (a reshape of the body session:
 * it allocates and frees), and SequenceMap plans its body again for each
 * tensor of its sequence.  Graphs of tensors only allocate nothing in
 * run, as above.  A tensor made from a sequence (SequenceAt,
 * ConcatFromSequence, OptionalGetElement) still needs a static shape:
 * shape inference must know it at reshape, and a run whose data gives
 * another fails naming the node.  Observers and value transforms see
 * tensors only.
 *
 * A session is used by one thread at a time; it holds a reference to its
 * model.
 */
#pragma once

#include "lt/model.h"
#include "lt/shape.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_session lt_session;

/* Called after each node for each value it produced.  `value` is a view
 * of the session's memory, valid only during the call. */
typedef void (*lt_observer_fn) (void            *user_data,
                                const lt_graph  *graph,
                                int32_t          value_id,
                                const lt_tensor *value);

/* Called after each node for each value it produced, before the observer,
 * with the value's bytes writable: `data` is `value->data`, valid only
 * during the call.  What the transform leaves there is what the nodes
 * after it read and what the observer sees; quantization simulation uses
 * it to round activations onto their grid.  It runs inside
 * lt_session_run, which allocates nothing, and may change only this
 * value. */
typedef void (*lt_value_transform_fn) (void            *user_data,
                                       const lt_graph  *graph,
                                       int32_t          value_id,
                                       const lt_tensor *value,
                                       void            *data);

/* Called instead of the observer, with `observer_clamp_fn` set, for the
 * output of a Conv, Gemm or MatMul whose Relu or Clip the session keeps
 * fused while observing (see lt_session_options).  `data` (value->data,
 * writable, valid only during the call) holds the pre-activation values.
 * Return true after replacing each x by y = (x < lo ? lo : x), then
 * (y > hi ? hi : y) — the activation's output, which the next nodes read
 * (Relu: lo 0, hi +inf; NaN and -0.0 stay as they are) — or false to leave
 * the values unchanged and the clamp to the session.  The session then
 * shows the activation's output to the observer as usual.  Clamping in the
 * observer's own pass over the values saves the activation's pass over
 * memory. */
typedef bool (*lt_observer_clamp_fn) (void            *user_data,
                                      const lt_graph  *graph,
                                      int32_t          value_id,
                                      const lt_tensor *value,
                                      float           *data,
                                      float            lo,
                                      float            hi);

/* With an observer or a transform, every value a kernel computes is kept:
 * no Relu or Clip is fused into the Conv, Gemm or MatMul before it (the
 * pre-activation value would never be shown), unless observer_clamp_fn is
 * set and no transform is: the fused kernel then writes the pre-activation
 * values, shown through observer_clamp_fn.  Values inside an If's
 * branches are shown to neither. */
typedef struct lt_session_options
{
  uint32_t              n_threads;      /* threads kernels may use; 0 = one per CPU */
  lt_abort_fn           abort_fn;       /* may be NULL; polled between nodes */
  void                 *abort_data;
  lt_observer_fn        observer_fn;    /* may be NULL */
  void                 *observer_data;
  bool                  profiling;      /* time every node */
  lt_value_transform_fn transform_fn;   /* may be NULL */
  void                 *transform_data;
  lt_observer_clamp_fn  observer_clamp_fn; /* may be NULL; gets observer_data */
} lt_session_options;

/* A session over a model's main graph.  `options` may be NULL (one thread
 * per CPU, no callbacks); it is copied.  Does not reshape yet. */
lt_status lt_session_new (lt_model                 *model,
                          const lt_session_options *options,
                          lt_session              **out,
                          lt_error                 *err);

void lt_session_free (lt_session *session); /* accepts NULL */

/* Prepares the session for inputs of these types: one entry per graph
 * input (lt_graph_get_inputs order), or NULL for the declared types.  An
 * entry may carry data (its contents, when they decide shapes); the data is
 * read during the call only.  Errors: LT_ERR_SHAPE (inputs that contradict
 * the graph), LT_ERR_UNSUPPORTED naming the node no kernel can run or the
 * value whose shape stays unknown, LT_ERR_INVALID_MODEL from a kernel's
 * attribute check. */
lt_status lt_session_reshape (lt_session          *session,
                              const lt_value_type *inputs,
                              lt_error            *err);

/* Replaces the floating-point constant `value_id` (an initializer of the
 * main graph) by `data`, `nbytes` of the same dtype and shape, for this
 * session only: the model is untouched.  Kernels take their constants at
 * reshape (they pack weights then, and a BatchNormalization is folded
 * with the replaced weights), so this drops the session's plan: reshape
 * again before the next run.  `data` NULL goes back to the model's
 * constant.  The buffer is borrowed: it must stay valid and unchanged
 * until the session is freed or the constant is set again.  Only float
 * constants (F32, F16, BF16, F64), whose contents never decide a shape.
 * Errors: LT_ERR_INVALID_ARGUMENT naming the value when it is not such a
 * constant or nbytes differs. */
lt_status lt_session_set_constant (lt_session *session,
                                   int32_t     value_id,
                                   const void *data,
                                   size_t      nbytes,
                                   lt_error   *err);

/* The type an input (by position) was reshaped to. */
const lt_value_type *lt_session_get_input_type (const lt_session *session,
                                                uint32_t          index);

/* Points input `index` at `data` (nbytes must equal the reshaped size;
 * data aligned for the input's dtype, as malloc'd memory is).  The buffer
 * is borrowed: it must stay valid and unchanged until the last run that
 * uses it. */
lt_status lt_session_bind_input (lt_session *session,
                                 uint32_t    index,
                                 const void *data,
                                 size_t      nbytes,
                                 lt_error   *err);

/* Points sequence or optional input `index` at `value`: its tensors must
 * have the dtype the input was reshaped to and the dims reshape knew, data
 * that matches their dims and is aligned for the dtype; an empty optional
 * (has_value false, no tensors) only for an optional input, exactly one
 * tensor for an optional tensor that has a value.  The lt_sequence, its
 * tensors array and their data are borrowed: they must stay valid and
 * unchanged until the last run that uses them.  Errors:
 * LT_ERR_INVALID_ARGUMENT naming the input (a tensor input: use
 * lt_session_bind_input; an empty optional where none is allowed),
 * LT_ERR_SHAPE naming it when a tensor does not fit. */
lt_status lt_session_bind_sequence (lt_session        *session,
                                    uint32_t           index,
                                    const lt_sequence *value,
                                    lt_error          *err);

/* Runs every node in order.  Fails with LT_ERR_INVALID_ARGUMENT when an
 * input is unbound, LT_ERR_CANCELLED when the abort callback asked, or the
 * error of the failing kernel (naming the node). */
lt_status lt_session_run (lt_session *session,
                          lt_error   *err);

/* Output `index` (lt_graph_get_outputs order) after a run: a view of the
 * session's memory, valid until the next reshape, run or free.  NULL when
 * out of range or when the output is a sequence or optional (see
 * lt_session_get_sequence_output).  Between a reshape and the first run,
 * its planned type (the data not computed yet). */
const lt_tensor *lt_session_get_output (const lt_session *session,
                                        uint32_t          index);

/* What output `index` holds after reshape (TENSOR when out of range). */
lt_type_kind lt_session_get_output_kind (const lt_session *session,
                                         uint32_t          index);

/* Sequence or optional output `index` after a run: the session's value,
 * valid until the next reshape, run or free (before the first run, an
 * empty one).  NULL when out of range or when the output is a tensor. */
const lt_sequence *lt_session_get_sequence_output (const lt_session *session,
                                                   uint32_t          index);

/* Bytes of the arena of computed values (the plan's peak). */
uint64_t lt_session_get_arena_bytes (const lt_session *session);

/* Sum of the sizes of the values in the arena, as if none shared memory;
 * compare with lt_session_get_arena_bytes to see what planning saved. */
uint64_t lt_session_get_unplanned_bytes (const lt_session *session);

/* The kernel chosen for a node, or NULL for a node that does not run
 * (folded away). */
const char *lt_session_get_kernel_name (const lt_session *session,
                                        int32_t           node_id);

/* Whether a step of the run writes value `value_id`, after a reshape.
 * False for a value the engine folded away: the output of a Conv whose
 * BatchNormalization was folded into it (the Conv writes the
 * normalization's output instead), and, in a session without observer or
 * transform, the output of a Conv, Gemm or MatMul whose Relu or Clip was
 * fused into it.  False too for graph inputs and initializers (no node
 * computes them), ids out of range, and before reshape. */
bool lt_session_value_is_computed (const lt_session *session,
                                   int32_t           value_id);

/* Nanoseconds the node took in the last run (0 without profiling). */
uint64_t lt_session_get_node_ns (const lt_session *session,
                                 int32_t           node_id);

#ifdef __cplusplus
}
#endif
