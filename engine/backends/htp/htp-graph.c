/* htp-graph.c — a whole model on the htp kernels (lt/htp-session.h).
 *
 * Reshape walks the nodes in execution order: each node's activation
 * operands already have their tensors (graph inputs first, then every
 * node's outputs as it is reached), its weights their encodings; the
 * capability table judges it on the types those encodings give, its
 * outputs get their encodings (the caller's, or their input's for an op
 * that only moves data), and a step is prepared.  The quantized values are
 * then placed in one arena by the memory planner (lifetime: the step that
 * writes a value to the last that reads it; graph outputs live to the end)
 * and every step is run once on the zeroed arena, so whatever a kernel
 * refuses (a scale ratio no multiplier holds, a channel count) is refused
 * at reshape, not in the middle of a later run.
 *
 * Constant nodes and nodes that only compute integer parameters shape
 * inference resolves (Shape → Gather → Concat) do not run: the nodes using
 * their outputs read them at reshape.
 *
 * Invariants once `ready`: values[id].data is set for every graph input
 * run as data and every output of a node that runs; steps[] are in
 * execution order; run allocates nothing. */
#include "lt/htp-session.h"

#include "exec/planner.h"
#include "htp-step.h"
#include "lt/ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGNMENT 64

struct lt_htp_session
{
  lt_model              *model;
  const lt_graph        *graph;
  lt_htp_session_options options;
  lt_shape_inference    *si;
  uint32_t               n_values;
  bool                   ready;
  lt_quant_encoding    **signed_encs;   /* by value id: the caller's as weights run, or NULL; owned */
  lt_quant_encoding    **unsigned_encs; /* the same as activations run */
  lt_htp_tensor         *values;        /* by value id; data set for activations */
  lt_htp_step           *steps;         /* n_steps, execution order */
  uint32_t               n_steps;
  uint8_t               *arena;
  uint64_t               arena_bytes;
  const void           **bound;       /* per graph input: the caller's float32 data */
  lt_tensor             *outputs;     /* per graph output: dequantized views */
  float                 *output_data; /* the outputs' floats, one block */
  float                 *scratch;     /* the observer's dequantized value */
};

lt_status
lt_htp_session_new (lt_model                     *model,
                    const lt_htp_session_options *options,
                    lt_htp_session              **out,
                    lt_error                     *err)
{
  lt_htp_session *session;

  if (!model || !out)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "no model or no place for the session");
  session = calloc (1, sizeof *session);
  if (!session)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the session");
  session->model = lt_model_ref (model);
  session->graph = lt_model_get_graph (model);
  session->n_values = lt_graph_get_n_values (session->graph);
  if (options)
    session->options = *options;
  session->si = lt_shape_inference_new (session->graph);
  if (!session->si)
    {
      lt_htp_session_free (session);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for shape inference");
    }
  *out = session;
  return LT_OK;
}

/* Frees everything reshape made. */
static void
unprepare (lt_htp_session *session)
{
  for (uint32_t i = 0; i < session->n_steps; i++)
    lt_htp_step_clear (&session->steps[i]);
  for (uint32_t v = 0; session->signed_encs && session->unsigned_encs && v < session->n_values; v++)
    {
      free (session->signed_encs[v]);
      free (session->unsigned_encs[v]);
    }
  free (session->signed_encs);
  free (session->unsigned_encs);
  free (session->values);
  free (session->steps);
  free (session->arena);
  free (session->bound);
  free (session->outputs);
  free (session->output_data);
  free (session->scratch);
  session->signed_encs = session->unsigned_encs = NULL;
  session->values = NULL;
  session->steps = NULL;
  session->n_steps = 0;
  session->arena = NULL;
  session->arena_bytes = 0;
  session->bound = NULL;
  session->outputs = NULL;
  session->output_data = session->scratch = NULL;
  session->ready = false;
}

void
lt_htp_session_free (lt_htp_session *session)
{
  if (!session)
    return;
  unprepare (session);
  lt_shape_inference_free (session->si);
  lt_model_unref (session->model);
  free (session);
}

/* ---- encodings --------------------------------------------------------- */

/* A copy of `enc` (arrays in the same block) with its grid shifted to
 * signed or unsigned q: the same reals, offset moved by 2^(bw-1). */
static lt_quant_encoding *
copy_encoding (const lt_quant_encoding *enc,
               bool                     is_signed)
{
  size_t             count = (size_t) enc->count;
  lt_quant_encoding *copy = malloc (sizeof *copy + count * (sizeof (float) + sizeof (int32_t)));
  float             *scale;
  int32_t           *offset;
  int64_t            shift = (int64_t) 1 << (enc->bitwidth - 1);

  if (!copy)
    return NULL;
  scale = (float *) (copy + 1);
  offset = (int32_t *) (scale + count);
  *copy = *enc;
  copy->is_signed = is_signed;
  for (size_t c = 0; c < count; c++)
    {
      int64_t o = enc->offset[c];
      if (enc->is_signed != is_signed)
        o += is_signed ? shift : -shift;
      scale[c] = enc->scale[c];
      offset[c] = (int32_t) o;
    }
  copy->scale = scale;
  copy->offset = offset;
  return copy;
}

static lt_status
check_encoding (const lt_value          *value,
                const lt_quant_encoding *enc,
                lt_error                *err)
{
  if (enc->bitwidth < 2 || enc->bitwidth > 32)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "a bitwidth of %d cannot be run", enc->bitwidth);
  if (enc->count < 1 || !enc->scale || !enc->offset)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "the encoding has no scale or offset");
  for (int64_t c = 0; c < enc->count; c++)
    if (!(enc->scale[c] > 0) || !isfinite (enc->scale[c]))
      return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "scale %g of channel %lld is not a positive number",
                           (double) enc->scale[c], (long long) c);
  return LT_OK;
}

static lt_status
copy_encodings (lt_htp_session                 *session,
                const lt_quant_encoding *const *encodings,
                lt_error                       *err)
{
  lt_status st;

  session->signed_encs = calloc (session->n_values ? session->n_values : 1, sizeof session->signed_encs[0]);
  session->unsigned_encs = calloc (session->n_values ? session->n_values : 1, sizeof session->unsigned_encs[0]);
  if (!session->signed_encs || !session->unsigned_encs)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the encodings");
  for (uint32_t v = 0; v < session->n_values; v++)
    {
      if (!encodings[v])
        continue;
      if ((st = check_encoding (lt_graph_get_value (session->graph, (int32_t) v), encodings[v], err)) != LT_OK)
        return st;
      session->signed_encs[v] = copy_encoding (encodings[v], true);
      session->unsigned_encs[v] = copy_encoding (encodings[v], false);
      if (!session->signed_encs[v] || !session->unsigned_encs[v])
        return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the encodings");
    }
  return LT_OK;
}

/* The element type an encoding gives a tensor of each role, as the
 * capability table reads it (8/16-bit activations, 8/4-bit weights). */
static lt_dtype
encoding_dtype (const lt_quant_encoding *enc)
{
  switch (enc->bitwidth)
    {
    case 4:
      return enc->is_signed ? LT_DTYPE_I4 : LT_DTYPE_U4;
    case 8:
      return enc->is_signed ? LT_DTYPE_I8 : LT_DTYPE_U8;
    case 16:
      return enc->is_signed ? LT_DTYPE_I16 : LT_DTYPE_U16;
    case 32:
      return enc->is_signed ? LT_DTYPE_I32 : LT_DTYPE_U32;
    default:
      return LT_DTYPE_UNDEFINED;
    }
}

/* ---- values ------------------------------------------------------------ */

static bool
runs_as_constant (const lt_htp_session *session,
                  int32_t               value_id)
{
  return lt_htp_value_constant (session->graph, value_id) != NULL;
}

/* Gives value `id` its tensor: the inferred static shape and `enc`. */
static lt_status
set_activation (lt_htp_session          *session,
                int32_t                  id,
                const lt_quant_encoding *enc,
                lt_error                *err)
{
  const lt_value      *value = lt_graph_get_value (session->graph, id);
  const lt_value_type *type = lt_shape_inference_get (session->si, id);
  lt_htp_tensor       *t = &session->values[id];
  uint64_t             count;

  if (!type || !lt_shape_count (&type->shape, &count))
    return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name, "the shape is not known before running: the NPU needs static shapes");
  if (type->dtype != LT_DTYPE_F32 && type->dtype != LT_DTYPE_UNDEFINED)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name, "a %s tensor cannot run on the NPU, which quantizes float32 tensors",
                         lt_dtype_name (type->dtype));
  t->name = value->name;
  t->dtype = enc->bitwidth <= 8 ? LT_DTYPE_U8 : LT_DTYPE_U16;
  t->rank = type->shape.rank;
  for (int32_t d = 0; d < t->rank; d++)
    t->dims[d] = type->shape.dims[d].size;
  t->enc = enc;
  return LT_OK;
}

/* Ops whose output holds values of their input: an output without an
 * encoding takes the input's. */
static bool
moves_data_only (int32_t op)
{
  switch (op)
    {
    case LT_OP_Reshape:
    case LT_OP_Flatten:
    case LT_OP_Identity:
    case LT_OP_Squeeze:
    case LT_OP_Unsqueeze:
    case LT_OP_Transpose:
    case LT_OP_MaxPool:
    case LT_OP_Slice:
    case LT_OP_Split:
      return true;
    default:
      return false;
    }
}

/* The dtype the capability table is told for input i, or an error naming
 * the tensor that lacks the encoding it needs. */
static lt_status
input_type (const lt_htp_session *session,
            const lt_node        *node,
            uint32_t              i,
            const char           *label,
            lt_dtype             *type,
            lt_error             *err)
{
  int32_t         id = node->inputs[i];
  const lt_value *value;
  lt_htp_role     role;

  *type = LT_DTYPE_UNDEFINED;
  if (id < 0)
    return LT_OK;
  value = lt_graph_get_value (session->graph, id);
  lt_htp_input_role (node, i, &role);
  if (role == LT_HTP_ROLE_ACTIVATION && !runs_as_constant (session, id))
    {
      if (!session->values[id].enc)
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "the tensor has no encoding (it is input %u of %s)",
                             i, label);
      *type = encoding_dtype (session->values[id].enc);
      return LT_OK;
    }
  switch (role)
    {
    case LT_HTP_ROLE_ACTIVATION: /* a constant operand: quantized with its own encoding */
    case LT_HTP_ROLE_WEIGHTS:
      if (!session->signed_encs[id])
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "the tensor has no encoding (it is input %u of %s)",
                             i, label);
      *type = encoding_dtype (role == LT_HTP_ROLE_WEIGHTS ? session->signed_encs[id] : session->unsigned_encs[id]);
      return LT_OK;
    case LT_HTP_ROLE_BIAS:
      *type = session->signed_encs[id] ? encoding_dtype (session->signed_encs[id]) : LT_DTYPE_I32;
      return LT_OK;
    case LT_HTP_ROLE_PARAM:
    default:
      *type = value->dtype;
      return LT_OK;
    }
}

/* Encodings and tensors of a node's outputs. */
static lt_status
set_outputs (lt_htp_session *session,
             const lt_node  *node,
             const char     *label,
             lt_error       *err)
{
  lt_status st;

  for (uint32_t o = 0; o < node->n_outputs; o++)
    {
      int32_t                  id = node->outputs[o];
      const lt_quant_encoding *enc;

      if (id < 0)
        continue;
      enc = session->unsigned_encs[id];
      if (!enc && moves_data_only (node->op))
        enc = runs_as_constant (session, node->inputs[0]) ? session->unsigned_encs[node->inputs[0]]
                                                          : session->values[node->inputs[0]].enc;
      if (!enc)
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, lt_graph_get_value (session->graph, id)->name,
                             "the tensor has no encoding (it is output %u of %s)", o, label);
      if ((st = set_activation (session, id, enc, err)) != LT_OK)
        return st;
    }
  return LT_OK;
}

/* A Constant node, or a node whose outputs are all integer tensors shape
 * inference already knows (Shape → Gather → Concat): the nodes that use
 * its results read them at reshape, and it does not run. */
static bool
computes_parameters_only (const lt_htp_session *session,
                          int32_t               node_id)
{
  const lt_node *node = lt_graph_get_node (session->graph, node_id);

  if (node->op == LT_OP_Constant && node->n_outputs == 1 && lt_htp_value_constant (session->graph, node->outputs[0]))
    return true;
  for (uint32_t o = 0; o < node->n_outputs; o++)
    {
      const lt_value_type *type = node->outputs[o] >= 0 ? lt_shape_inference_get (session->si, node->outputs[o]) : NULL;
      if (node->outputs[o] >= 0 && (!type || !type->data || !lt_dtype_is_integer (type->dtype)))
        return false;
    }
  return node->n_outputs > 0;
}

static lt_status
refuse_node (const lt_htp_session *session,
             int32_t               node_id,
             const char           *why,
             lt_error             *err)
{
  char label[LT_ERROR_NAME_MAX];

  lt_node_describe (session->graph, node_id, label, sizeof label);
  return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "%s cannot run on the NPU: %s",
                       lt_graph_get_node (session->graph, node_id)->op_type, why);
}

/* Refuses a node whose op the NPU has no kernel for.  Done for every node
 * before any is prepared, so that such an op is what the refusal names,
 * not a value around it that rightly has no encoding (a Conv's output
 * before a BatchNormalization, which QNN's converter folds away). */
static lt_status
check_op_runs (const lt_htp_session *session,
               int32_t               node_id,
               lt_error             *err)
{
  char        why[LT_ERROR_MESSAGE_MAX];
  lt_htp_role role;

  if (lt_htp_input_role (lt_graph_get_node (session->graph, node_id), 0, &role) ||
      lt_htp_check_inferred_node (session->graph, session->si, node_id, NULL, why, sizeof why))
    return LT_OK;
  return refuse_node (session, node_id, why, err);
}

/* Checks one node and prepares its step. */
static lt_status
prepare_node (lt_htp_session *session,
              int32_t         node_id,
              lt_htp_step    *step,
              lt_error       *err)
{
  const lt_node      *node = lt_graph_get_node (session->graph, node_id);
  lt_dtype            types[16];
  char                label[LT_ERROR_NAME_MAX], why[LT_ERROR_MESSAGE_MAX];
  lt_htp_role         role;
  lt_status           st;
  bool                known;
  lt_htp_step_context ctx = { session->graph, session->si, session->values,
                              (const lt_quant_encoding *const *) session->signed_encs,
                              (const lt_quant_encoding *const *) session->unsigned_encs };

  lt_node_describe (session->graph, node_id, label, sizeof label);
  known = lt_htp_input_role (node, 0, &role) && node->n_inputs <= 16;
  for (uint32_t i = 0; known && i < node->n_inputs; i++)
    if ((st = input_type (session, node, i, label, &types[i], err)) != LT_OK)
      return st;
  if (!lt_htp_check_inferred_node (session->graph, session->si, node_id, known ? types : NULL, why, sizeof why))
    return refuse_node (session, node_id, why, err);
  if ((st = set_outputs (session, node, label, err)) != LT_OK)
    return st;
  return lt_htp_step_prepare (&ctx, node_id, step, err);
}

/* ---- memory ------------------------------------------------------------ */

static size_t
tensor_count (const lt_htp_tensor *t)
{
  int64_t n = 1;

  for (int32_t d = 0; d < t->rank; d++)
    n *= t->dims[d];
  return (size_t) n;
}

static size_t
tensor_bytes (const lt_htp_tensor *t)
{
  return tensor_count (t) * (t->dtype == LT_DTYPE_U8 ? 1 : 2);
}

/* Places every activation in the arena.  Positions: 0 quantizes the
 * inputs, step s runs at s + 1, n_steps + 1 dequantizes the outputs. */
static lt_status
plan_memory (lt_htp_session *session,
             lt_error       *err)
{
  lt_usage_record *records = calloc (session->n_values ? session->n_values : 1, sizeof *records);
  uint32_t         n_outputs;
  const int32_t   *outputs = lt_graph_get_outputs (session->graph, &n_outputs);
  lt_status        st;

  if (!records)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the memory plan");
  for (uint32_t v = 0; v < session->n_values; v++)
    records[v].first = records[v].last = -1;
  for (uint32_t v = 0; v < session->n_values; v++)
    if (session->values[v].enc && !runs_as_constant (session, (int32_t) v))
      {
        records[v].size = tensor_bytes (&session->values[v]);
        records[v].first = records[v].last = 0;
      }
  for (uint32_t s = 0; s < session->n_steps; s++)
    {
      const lt_node *node = lt_graph_get_node (session->graph, session->steps[s].node_id);

      for (uint32_t o = 0; o < node->n_outputs; o++)
        if (node->outputs[o] >= 0)
          records[node->outputs[o]].first = records[node->outputs[o]].last = (int32_t) s + 1;
      for (uint32_t i = 0; i < node->n_inputs; i++)
        if (node->inputs[i] >= 0 && records[node->inputs[i]].first >= 0)
          records[node->inputs[i]].last = (int32_t) s + 1;
    }
  for (uint32_t k = 0; k < n_outputs; k++)
    if (records[outputs[k]].first >= 0)
      records[outputs[k]].last = (int32_t) session->n_steps + 1;
  /* Values that are not activations take no space. */
  for (uint32_t v = 0; v < session->n_values; v++)
    if (records[v].first < 0)
      records[v].first = records[v].last = 0;

  st = lt_memory_plan (records, session->n_values, ARENA_ALIGNMENT, &session->arena_bytes, err);
  if (st == LT_OK)
    {
      session->arena = calloc (session->arena_bytes ? session->arena_bytes : 1, 1);
      if (!session->arena)
        st = lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the arena (%llu bytes)",
                           (unsigned long long) session->arena_bytes);
    }
  for (uint32_t v = 0; st == LT_OK && v < session->n_values; v++)
    if (records[v].size)
      session->values[v].data = session->arena + records[v].offset;
  free (records);
  return st;
}

/* Dequantized float views of the outputs, and the observer's scratch. */
static lt_status
prepare_outputs (lt_htp_session *session,
                 lt_error       *err)
{
  uint32_t       n_outputs;
  const int32_t *outputs = lt_graph_get_outputs (session->graph, &n_outputs);
  size_t         total = 0, largest = 0;

  for (uint32_t k = 0; k < n_outputs; k++)
    {
      const lt_htp_tensor *t = &session->values[outputs[k]];
      if (!t->data)
        return lt_error_set (err, LT_ERR_UNSUPPORTED, lt_graph_get_value (session->graph, outputs[k])->name,
                             "the output is not computed by a node the NPU runs");
      total += tensor_count (t);
    }
  for (uint32_t v = 0; v < session->n_values; v++)
    if (session->values[v].data)
      {
        size_t n = tensor_count (&session->values[v]);
        largest = n > largest ? n : largest;
      }
  session->outputs = calloc (n_outputs ? n_outputs : 1, sizeof session->outputs[0]);
  session->output_data = calloc (total ? total : 1, sizeof (float));
  if (session->options.observer_fn)
    session->scratch = calloc (largest ? largest : 1, sizeof (float));
  if (!session->outputs || !session->output_data || (session->options.observer_fn && !session->scratch))
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the outputs");
  total = 0;
  for (uint32_t k = 0; k < n_outputs; k++)
    {
      const lt_htp_tensor *t = &session->values[outputs[k]];
      lt_tensor           *out = &session->outputs[k];

      out->name = t->name;
      out->dtype = LT_DTYPE_F32;
      out->rank = t->rank;
      memcpy (out->dims, t->dims, sizeof out->dims);
      out->count = tensor_count (t);
      out->data = session->output_data + total;
      out->nbytes = out->count * sizeof (float);
      total += out->count;
    }
  return LT_OK;
}

/* ---- reshape ----------------------------------------------------------- */

static lt_status
prepare (lt_htp_session                 *session,
         const lt_value_type            *inputs,
         const lt_quant_encoding *const *encodings,
         lt_error                       *err)
{
  uint32_t       n_inputs, n_nodes = lt_graph_get_n_nodes (session->graph);
  const int32_t *input_ids = lt_graph_get_inputs (session->graph, &n_inputs);
  const int32_t *order = lt_graph_get_order (session->graph);
  lt_status      st;

  if ((st = lt_shape_inference_run (session->si, inputs, false, err)) != LT_OK || (st = copy_encodings (session, encodings, err)) != LT_OK)
    return st;
  session->values = calloc (session->n_values ? session->n_values : 1, sizeof session->values[0]);
  session->steps = calloc (n_nodes ? n_nodes : 1, sizeof session->steps[0]);
  session->bound = calloc (n_inputs ? n_inputs : 1, sizeof session->bound[0]);
  if (!session->values || !session->steps || !session->bound)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "no memory for the session");

  /* Inputs with an encoding are data; others are parameters (a shape, a
   * bound) given with their contents at reshape, or refused by the first
   * node that reads them as data. */
  for (uint32_t k = 0; k < n_inputs; k++)
    {
      if (runs_as_constant (session, input_ids[k]) || !session->unsigned_encs[input_ids[k]])
        continue;
      if ((st = set_activation (session, input_ids[k], session->unsigned_encs[input_ids[k]], err)) != LT_OK)
        return st;
    }
  for (uint32_t n = 0; n < n_nodes; n++)
    if (!computes_parameters_only (session, order[n]) && (st = check_op_runs (session, order[n], err)) != LT_OK)
      return st;
  for (uint32_t n = 0; n < n_nodes; n++)
    {
      lt_htp_step *step = &session->steps[session->n_steps];

      if (computes_parameters_only (session, order[n]))
        continue;
      if ((st = prepare_node (session, order[n], step, err)) != LT_OK)
        {
          lt_htp_step_clear (step);
          return st;
        }
      session->n_steps++;
    }
  if ((st = plan_memory (session, err)) != LT_OK || (st = prepare_outputs (session, err)) != LT_OK)
    return st;
  /* Every kernel once on the zeroed arena: what it refuses, it refuses now. */
  for (uint32_t s = 0; s < session->n_steps; s++)
    if ((st = lt_htp_step_build_tables (&session->steps[s], err)) != LT_OK || (st = lt_htp_step_run (&session->steps[s], err)) != LT_OK)
      return st;
  return LT_OK;
}

lt_status
lt_htp_session_reshape (lt_htp_session                 *session,
                        const lt_value_type            *inputs,
                        const lt_quant_encoding *const *encodings,
                        uint32_t                        n_encodings,
                        lt_error                       *err)
{
  lt_status st;

  if (!session || !encodings)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "no session or no encodings");
  unprepare (session);
  if (n_encodings != session->n_values)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "%u encodings given for a graph of %u values", n_encodings,
                         session->n_values);
  st = prepare (session, inputs, encodings, err);
  if (st != LT_OK)
    {
      unprepare (session);
      return st;
    }
  session->ready = true;
  return LT_OK;
}

/* ---- run --------------------------------------------------------------- */

lt_status
lt_htp_session_bind_input (lt_htp_session *session,
                           uint32_t        index,
                           const void     *data,
                           size_t          nbytes,
                           lt_error       *err)
{
  uint32_t       n_inputs;
  const int32_t *input_ids = lt_graph_get_inputs (session->graph, &n_inputs);
  const char    *name;

  if (!session->ready)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "the session is not reshaped");
  if (index >= n_inputs)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "the model has no input %u", index);
  name = lt_graph_get_value (session->graph, input_ids[index])->name;
  if (!session->values[input_ids[index]].data)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name,
                         "the input is not data the NPU runs on (a constant, or a parameter given at reshape)");
  if (nbytes != tensor_count (&session->values[input_ids[index]]) * sizeof (float))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "%zu bytes given, the input takes float32 of its shape", nbytes);
  session->bound[index] = data;
  return LT_OK;
}

/* As ONNX QuantizeLinear: x / scale in float32, rounded half to even,
 * saturated. */
static void
quantize_input (const float   *x,
                lt_htp_tensor *t)
{
  const float   scale = t->enc->scale[0];
  const int64_t offset = t->enc->offset[0];
  int64_t       lo, hi;
  size_t        n = tensor_count (t);

  lt_quant_encoding_range (t->enc, &lo, &hi);
  for (size_t i = 0; i < n; i++)
    {
      float   r = nearbyintf (x[i] / scale) - (float) offset;
      int64_t q = !(r >= (float) lo) ? lo : r > (float) hi ? hi
                                                           : (int64_t) r;
      if (t->dtype == LT_DTYPE_U8)
        ((uint8_t *) t->data)[i] = (uint8_t) q;
      else
        ((uint16_t *) t->data)[i] = (uint16_t) q;
    }
}

static void
dequantize (const lt_htp_tensor *t,
            float               *out)
{
  const float   scale = t->enc->scale[0];
  const int32_t offset = t->enc->offset[0];
  size_t        n = tensor_count (t);

  for (size_t i = 0; i < n; i++)
    {
      int32_t q = t->dtype == LT_DTYPE_U8 ? ((const uint8_t *) t->data)[i] : ((const uint16_t *) t->data)[i];
      out[i] = (float) (q + offset) * scale;
    }
}

static void
observe (const lt_htp_session *session,
         int32_t               value_id)
{
  const lt_htp_tensor *t = &session->values[value_id];
  lt_tensor            view = { .name = t->name, .dtype = LT_DTYPE_F32, .rank = t->rank, .data = session->scratch };

  memcpy (view.dims, t->dims, sizeof view.dims);
  view.count = tensor_count (t);
  view.nbytes = view.count * sizeof (float);
  dequantize (t, session->scratch);
  session->options.observer_fn (session->options.observer_data, session->graph, value_id, &view);
}

lt_status
lt_htp_session_run (lt_htp_session *session,
                    lt_error       *err)
{
  uint32_t       n_inputs, n_outputs;
  const int32_t *input_ids = lt_graph_get_inputs (session->graph, &n_inputs);
  const int32_t *output_ids = lt_graph_get_outputs (session->graph, &n_outputs);
  lt_status      st;

  if (!session->ready)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "the session is not reshaped");
  for (uint32_t k = 0; k < n_inputs; k++)
    if (session->values[input_ids[k]].data && !session->bound[k])
      return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, lt_graph_get_value (session->graph, input_ids[k])->name,
                           "the input is not bound");
  for (uint32_t k = 0; k < n_inputs; k++)
    if (session->values[input_ids[k]].data)
      {
        quantize_input (session->bound[k], &session->values[input_ids[k]]);
        if (session->options.observer_fn)
          observe (session, input_ids[k]);
      }
  for (uint32_t s = 0; s < session->n_steps; s++)
    {
      const lt_htp_step *step = &session->steps[s];
      const lt_node     *node = lt_graph_get_node (session->graph, step->node_id);

      if (session->options.abort_fn && session->options.abort_fn (session->options.abort_data))
        return lt_error_set (err, LT_ERR_CANCELLED, NULL, "the run was cancelled");
      if ((st = lt_htp_step_run (step, err)) != LT_OK)
        return st;
      for (uint32_t o = 0; session->options.observer_fn && o < node->n_outputs; o++)
        if (node->outputs[o] >= 0)
          observe (session, node->outputs[o]);
    }
  for (uint32_t k = 0; k < n_outputs; k++)
    dequantize (&session->values[output_ids[k]], (float *) session->outputs[k].data);
  return LT_OK;
}

const lt_tensor *
lt_htp_session_get_output (const lt_htp_session *session,
                           uint32_t              index)
{
  uint32_t n_outputs;

  lt_graph_get_outputs (session->graph, &n_outputs);
  return session->ready && index < n_outputs ? &session->outputs[index] : NULL;
}

const lt_quant_encoding *
lt_htp_session_get_encoding (const lt_htp_session *session,
                             int32_t               value_id)
{
  if (!session->ready || value_id < 0 || (uint32_t) value_id >= session->n_values)
    return NULL;
  return session->values[value_id].data ? session->values[value_id].enc : NULL;
}

uint64_t
lt_htp_session_get_arena_bytes (const lt_htp_session *session)
{
  return session->arena_bytes;
}
