/* htp-step.h — one node of a model prepared for the htp kernels.
 *
 * The session (htp-graph.c) decides each value's encoding and gives every
 * computed value an lt_htp_tensor; preparing a step reads the node's
 * attributes and constant parameters, quantizes its constant operands
 * (weights, biases, constant activations) into memory the step owns and
 * (after memory is planned) builds its tables, so that running it is one kernel call that allocates
 * nothing.  A step's tensors point into the session's value table, whose
 * data pointers the session sets once memory is planned. */
#pragma once

#include "capability.h"

#include "lt/shape.h"

#define LT_HTP_STEP_MAX_CONSTS 3 /* constant operands quantized per step */

typedef enum lt_htp_step_kind
{
  LT_HTP_STEP_CONV,
  LT_HTP_STEP_MATMUL,
  LT_HTP_STEP_BINARY,
  LT_HTP_STEP_CLIP,
  LT_HTP_STEP_POOL,
  LT_HTP_STEP_REQUANTIZE,
  LT_HTP_STEP_TRANSPOSE,
  LT_HTP_STEP_SLICE,
  LT_HTP_STEP_SPLIT,
  LT_HTP_STEP_CONCAT,
  LT_HTP_STEP_LUT,
  LT_HTP_STEP_SOFTMAX,
  LT_HTP_STEP_LAYER_NORM,
  LT_HTP_STEP_RESIZE,
} lt_htp_step_kind;

/* What a step is prepared from.  The encoding arrays are indexed by value
 * id and hold the caller's encoding converted to signed (how weights run)
 * and to unsigned (how activations run), or NULL where it gave none; the
 * session owns them. */
typedef struct lt_htp_step_context
{
  const lt_graph                 *graph;
  const lt_shape_inference       *si;
  lt_htp_tensor                  *values; /* by value id: computed values and graph inputs, enc and dims set */
  const lt_quant_encoding *const *signed_encs;
  const lt_quant_encoding *const *unsigned_encs;
} lt_htp_step_context;

typedef struct lt_htp_step
{
  int32_t               node_id;
  lt_htp_step_kind      kind;
  uint32_t              n_inputs; /* activation operands, in node order */
  const lt_htp_tensor  *inputs[2];
  const lt_htp_tensor **concat_inputs; /* Concat: n_inputs entries, owned */
  uint32_t              n_outputs;
  lt_htp_tensor       **outputs;                        /* owned array of pointers into the value table */
  const lt_htp_tensor  *weights;                        /* Conv, MatMul, LayerNormalization: step-owned */
  const lt_htp_tensor  *bias;                           /* or NULL */
  lt_htp_tensor         consts[LT_HTP_STEP_MAX_CONSTS]; /* quantized constants, data owned */
  lt_quant_encoding     const_encs[LT_HTP_STEP_MAX_CONSTS];
  union
  {
    lt_htp_conv_params conv;
    lt_htp_pool_params pool;
    lt_htp_binary_op   binary;
    struct
    {
      float lo, hi;
    } clip;
    bool    trans_b;
    int64_t perm[LT_MAX_RANK];
    struct
    {
      int64_t starts[LT_MAX_RANK], steps[LT_MAX_RANK];
    } slice;
    int32_t       axis; /* Concat, Split */
    float         epsilon;
    lt_htp_lut_fn lut_fn;
    struct
    {
      lt_htp_resize_mode   mode;
      lt_htp_resize_coords coords;
    } resize;
  } p;
  lt_htp_lut     *lut;
  lt_htp_softmax *softmax;
} lt_htp_step;

/* Prepares `step` for node `node_id`, which lt_htp_check_inferred_node
 * accepted and whose values all have encodings.  Errors name the node or
 * the tensor; on failure the step holds nothing to clear beyond what
 * lt_htp_step_clear frees. */
lt_status lt_htp_step_prepare (const lt_htp_step_context *ctx,
                               int32_t                    node_id,
                               lt_htp_step               *step,
                               lt_error                  *err);

/* Builds the step's lookup or Softmax table, once the value table's data
 * pointers are set (the builders check their tensors whole). */
lt_status lt_htp_step_build_tables (lt_htp_step *step,
                                    lt_error    *err);

/* One kernel call (Split: one per output).  Allocates nothing. */
lt_status lt_htp_step_run (const lt_htp_step *step,
                           lt_error          *err);

/* Frees what the step owns.  Accepts a zeroed step. */
void lt_htp_step_clear (lt_htp_step *step);
