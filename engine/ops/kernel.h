/* kernel.h — the contract between a session and an op's kernels.
 *
 * A backend offers, per lt_op, a list of lt_kernel candidates.  A session
 * picks one per node at reshape (the highest `score` whose `supports`
 * accepts the node), calls `prepare` once with the node's final shapes, and
 * `run` on every inference.  `run` must not allocate: everything it needs is
 * in the prepared state or in the scratch buffer the session hands it.
 *
 * Tensor data is owned by the session (its arena, the model's constants, or
 * the caller's bound buffers); kernels never keep pointers to it across
 * calls.  Every tensor's data is aligned at least for its dtype: the
 * session gives constants that sit unaligned in a model file an aligned
 * copy, so kernels may read all inputs with typed loads.
 */
#pragma once

#include "lt/graph.h"
#include "lt/ops.h"
#include "lt/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A tensor as a kernel sees it; or a sequence or optional value when
 * `kind` says so (only kernels marked `takes_containers` get those): then
 * dtype, rank and dims are what its tensors share (rank -1 when unknown),
 * count is 0, and data points to an lt_seq_value (ops/seq-value.h),
 * read-only for an input (as an lt_sequence), to fill for an output. */
typedef struct lt_kernel_tensor
{
  lt_dtype     dtype;              /* UNDEFINED for an omitted optional input */
  int32_t      rank;
  int64_t      dims[LT_MAX_RANK];
  uint64_t     count;              /* product of dims */
  void        *data;               /* count packed elements (lt_bytes for STRING); NULL when omitted or empty */
  lt_type_kind kind;               /* TENSOR (0) but for sequences and optionals */
} lt_kernel_tensor;

typedef struct lt_threadpool lt_threadpool;

/* Work item of a parallel loop: handles indices [begin, end). */
typedef void (*lt_parallel_fn) (void    *context,
                                uint64_t begin,
                                uint64_t end);

/* Splits [0, n) into chunks of at least `grain` indices and runs them on
 * the pool's threads (and the caller's); returns when all are done.  A NULL
 * pool runs everything on the calling thread. */
void lt_threadpool_parallel_for (lt_threadpool *pool,
                                 uint64_t       n,
                                 uint64_t       grain,
                                 lt_parallel_fn fn,
                                 void          *context);

/* Bounds an activation fused into a node clamps its output 0 to. */
typedef struct lt_kernel_clamp
{
  float min; /* -INFINITY for no lower bound */
  float max; /* +INFINITY for no upper bound */
} lt_kernel_clamp;

/* The bounds of a Relu ([0, +inf)) or Clip node (attributes before opset
 * 11, constant scalar inputs from it; an omitted bound is unbounded).
 * False for any other op, or a Clip whose bounds are computed. */
bool lt_kernel_clamp_from_node (const lt_graph  *graph,
                                const lt_node   *node,
                                lt_kernel_clamp *clamp);

/* y[i] = x[i] clamped to [min, max], i < n; a NaN stays NaN.  x may be y.
 * Vectorized (backends/cpu/f32-activation.c). */
void lt_f32_clamp (const float *x,
                   float       *y,
                   uint64_t     n,
                   float        min,
                   float        max);

typedef struct lt_kernel_call
{
  const lt_graph         *graph;
  const lt_node          *node;
  int32_t                 node_id;
  uint32_t                n_inputs;
  const lt_kernel_tensor *inputs;
  uint32_t                n_outputs;
  lt_kernel_tensor       *outputs;   /* shapes set by the session, data allocated */
  void                   *state;     /* from prepare, or NULL */
  void                   *scratch;   /* at least the scratch_bytes prepare asked for */
  lt_threadpool          *pool;      /* may be NULL */
  lt_error               *err;
  /* Per input, its constant data as a tensor, or NULL for a computed or
   * omitted input; the array itself may be NULL (then look constants up
   * in the graph).  A session sets it, and it may differ from the graph:
   * a BatchNormalization folded into a Conv gives the Conv session-owned
   * weights and bias.  Kernels that pack constants read them from here
   * (or from inputs[i].data, which equals constants[i]->data in prepare). */
  const lt_tensor *const *constants;
  /* An activation fused into this node (see exec/fuse-activation.h), or
   * NULL.  A kernel with `applies_clamp` clamps outputs[0] itself; for any
   * other kernel the session clamps it after `run`. */
  const lt_kernel_clamp *clamp;
  /* In supports and prepare only (NULL in run): per input, its contents
   * as known at reshape, or NULL: constants, and small tensors whose data
   * shape inference propagated (from data given to reshape, as a Dropout's
   * ratio or a Loop's trip count may be).  A kernel that relies on such
   * contents checks in run that the data it gets agrees. */
  const lt_tensor *const *known;
  /* In prepare: the session's abort callback (may be NULL), for kernels
   * that run sessions of their own (If, Loop) to poll. */
  bool (*abort_fn) (void *user_data);
  void *abort_data;
} lt_kernel_call;

typedef struct lt_kernel
{
  const char *name;   /* e.g. "lt_f32_gemm_ukernel_6x16__avx2", shown in profiles */
  int         score;  /* higher wins among kernels that support the node */

  /* Optional: whether this kernel handles the node with these input dtypes
   * and shapes (call->outputs have their shapes, no data; state and scratch
   * are NULL).  NULL means "every node of its op". */
  bool (*supports) (const lt_kernel_call *call);

  /* Optional: parses attributes, validates them (a bad one is an
   * LT_ERR_INVALID_MODEL naming the node), packs constant inputs, and says
   * how much scratch `run` needs.  Called at reshape; may allocate. */
  lt_status (*prepare) (const lt_kernel_call *call,
                        void                **state,
                        size_t               *scratch_bytes);

  /* Computes the outputs.  Must not allocate.  Errors that depend on data
   * (an index out of range) are LT_ERR_RUNTIME naming the node. */
  lt_status (*run) (const lt_kernel_call *call);

  /* Optional: frees what prepare returned. */
  void (*release) (void *state);

  /* Output 0 may use input 0's memory (elementwise ops). */
  bool in_place;

  /* Honours call->clamp (f32 output 0). */
  bool applies_clamp;

  /* Accepts inputs and outputs that are sequences or optionals (see
   * lt_kernel_tensor); a session never offers them to other kernels. */
  bool takes_containers;

  /* `run` may lower the first dimension (and count) of outputs whose
   * shapes are only an upper bound before running (a Loop's scan outputs):
   * the session gives the planned shapes back before each run and shows
   * the run's shapes to the observer and in graph outputs.  Such a kernel
   * lowers only outputs no other node reads. */
  bool resizes_outputs;
} lt_kernel;

/* A NULL-terminated list of candidates for an op, best first. */
typedef const lt_kernel *const *lt_kernel_list;

/* The CPU backend's kernels for an op (reference kernels included); an
 * empty list when the op has none. */
lt_kernel_list lt_cpu_kernels_for (lt_op op);

/* The reference kernel of an op — the simple, obviously correct one that
 * every other kernel is tested against — or NULL when there is none. */
const lt_kernel *lt_cpu_reference_kernel (lt_op op);
