/* control-loop.c — the Loop kernel: the body runs in a session of its
 * subgraph, once per iteration.
 *
 * Inputs: the trip count M and the condition (both optional), then the
 * initial values of the N loop-carried dependencies, then the values the
 * body reads from enclosing graphs (captures, see session-private.h).
 * Outputs: the N final carried values, then K scan outputs, each the
 * body's per-iteration value stacked along a new first axis.
 *
 * Prepare creates and reshapes the body session and binds its inputs to
 * buffers of this kernel's state (the iteration number, the condition and
 * one buffer per carried value, all sized at reshape), so run allocates
 * nothing: it copies the carried values back into those buffers after each
 * iteration and each scan row into the Loop's output.
 *
 * Shapes are planned once for every iteration:
 *  - a carried value keeps its dtype and shape from one iteration to the
 *    next (the body's output must have the type of its input);
 *  - when a body shape depends on the iteration number (a Slice at
 *    [i, i+1)), the body is reshaped with i = 0 and shape inference is run
 *    again for every other iteration up to the trip count known at reshape
 *    (lt_loop_body_checks_iterations says when), each required to give
 *    the same shapes;
 *    a run that goes past the iterations checked fails;
 *  - a scan output's first dimension, as the Loop's output type has it
 *    (the trip count, or what the file declares), is the number of rows
 *    its memory holds.  A loop that stops earlier by its condition gives a
 *    scan output with fewer rows (lt_kernel.resizes_outputs) when no other
 *    node reads it, and fails otherwise; a loop that runs longer fails.
 *
 * A carried sequence or optional lives in an lt_seq_value of the state,
 * which the body's input borrows; after each iteration the body's output
 * is copied into it (growing its buffers when the sequence grows).  Such
 * a loop may build tensors whose shapes change with the iteration number
 * (a Slice to [0, i + 1) inserted into the sequence): when the body cannot
 * be planned without knowing the iteration number, it is planned again at
 * the start of every iteration with that number ("replanning"), which
 * allocates.  Loops that carry only tensors never replan.
 */
#include "exec/session-private.h"
#include "ops/ref-common.h"
#include "ops/seq-value.h"
#include "ops/shape-private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Alignment of the carried-value buffers (as the session's arena). */
#define LOOP_ALIGN 64

typedef struct loop_state
{
  const lt_graph *body_graph;
  lt_session     *body;
  uint32_t        n_carried;
  uint32_t        n_scan;
  int64_t         checked;       /* iterations the body's plan is valid for */
  int64_t         iteration;     /* body input 0 */
  uint8_t         cond;          /* body input 1 */
  void           *carried;       /* one block: carried value j at carried_offset[j] */
  size_t         *carried_offset;
  size_t         *carried_bytes;
  size_t         *scan_row_bytes; /* bytes of one iteration's row of scan output k */
  bool           *scan_resizable; /* no node or subgraph reads scan output k */
  lt_seq_value  **carried_seq;   /* per carried value: its value when a sequence or optional, else NULL */
  bool            replans;       /* the body is planned again each iteration */
  lt_value_type  *body_inputs;   /* when replanning: the body's input types (iteration data set per iteration) */
  lt_value_type  *outer;         /* when replanning: the captures' types */
  bool          (*abort_fn) (void *user_data); /* the session's, polled each iteration */
  void           *abort_data;
} loop_state;

static void
loop_release (void *state)
{
  loop_state *s = state;

  if (s == NULL)
    return;
  lt_session_free (s->body);
  free (s->carried);
  free (s->carried_offset);
  free (s->carried_bytes);
  free (s->scan_row_bytes);
  free (s->scan_resizable);
  for (uint32_t j = 0; s->carried_seq != NULL && j < s->n_carried; j++)
    lt_seq_value_free (s->carried_seq[j]);
  free (s->carried_seq);
  free (s->body_inputs);
  free (s->outer);
  free (s);
}

/* Whether input i of the node (not a capture) is given. */
static bool
has_node_input (const lt_kernel_call *call,
                uint32_t              i)
{
  return i < call->node->n_inputs && call->inputs[i].dtype != LT_DTYPE_UNDEFINED;
}

static bool
loop_supports (const lt_kernel_call *call)
{
  if (has_node_input (call, 0) && (call->inputs[0].dtype != LT_DTYPE_I64 || call->inputs[0].count != 1))
    return false;
  if (has_node_input (call, 1) && (call->inputs[1].dtype != LT_DTYPE_BOOL || call->inputs[1].count != 1))
    return false;
  /* String elements point into memory the body reuses. */
  for (uint32_t i = 2; i < call->node->n_inputs; i++)
    if (call->inputs[i].dtype == LT_DTYPE_STRING)
      return false;
  for (uint32_t o = 0; o < call->n_outputs; o++)
    if (o + 2 >= call->node->n_inputs && call->outputs[o].kind != LT_TYPE_TENSOR)
      return false; /* a scan output stacks tensors */
  return true;
}

static bool
same_type (lt_dtype       dtype,
           int32_t        rank,
           const int64_t *dims,
           lt_dtype       other_dtype,
           int32_t        other_rank,
           const int64_t *other_dims)
{
  if (dtype != other_dtype || rank != other_rank)
    return false;
  for (int32_t d = 0; d < rank; d++)
    if (dims[d] != other_dims[d])
      return false;
  return true;
}

static void
kernel_tensor_type (const lt_kernel_tensor *t,
                    lt_value_type          *type)
{
  type->kind = t->kind;
  type->dtype = t->dtype;
  if (t->rank >= 0)
    lt_shape_set (&type->shape, t->rank, t->dims);
  else
    lt_shape_set_unknown (&type->shape);
  type->data = NULL;
}

static bool
carries_containers (const loop_state *s)
{
  for (uint32_t j = 0; j < s->n_carried; j++)
    if (s->carried_seq[j] != NULL)
      return true;
  return false;
}

/* Keeps copies of the body's input and capture types for replanning. */
static lt_status
keep_types (const lt_kernel_call *call,
            loop_state           *s,
            const lt_value_type  *inputs,
            const lt_value_type  *outer)
{
  uint32_t n_outer = lt_subgraph_count_outer (s->body_graph);

  s->body_inputs = calloc (2 + s->n_carried, sizeof *s->body_inputs);
  s->outer = calloc (n_outer + 1, sizeof *s->outer);
  if (s->body_inputs == NULL || s->outer == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the Loop body");
  memcpy (s->body_inputs, inputs, (2 + s->n_carried) * sizeof *inputs);
  memcpy (s->outer, outer, n_outer * sizeof *outer);
  return LT_OK;
}

/* Plans the body for iteration `iteration` (replanning); at run
 * (`values_known`), with the types of the carried sequences' and the
 * captured sequences' current values, tensor by tensor. */
static lt_status
replan_body (const lt_kernel_call *call,
             loop_state           *s,
             int64_t               iteration,
             bool                  values_known)
{
  uint32_t  offset = lt_node_capture_offset (call->node, s->body_graph);
  lt_tensor iteration_data = { .name = "", .dtype = LT_DTYPE_I64, .rank = 0, .count = 1, .data = &iteration,
                               .nbytes = sizeof iteration };
  lt_status status;

  s->body_inputs[0].data = &iteration_data;
  /* A carried sequence's tensors are what they are now. */
  for (uint32_t j = 0; j < s->n_carried; j++)
    if (s->carried_seq[j] != NULL && values_known)
      {
        lt_sequence_get_type (&s->carried_seq[j]->view, s->body_inputs[2 + j].kind, s->body_inputs[2 + j].dtype,
                              &s->body_inputs[2 + j]);
        s->body_inputs[2 + j].sequence = &s->carried_seq[j]->view;
      }
  for (uint32_t k = 0; values_known && k < lt_subgraph_count_outer (s->body_graph); k++)
    if (call->inputs[offset + k].kind != LT_TYPE_TENSOR)
      {
        lt_sequence_get_type (call->inputs[offset + k].data, s->outer[k].kind, s->outer[k].dtype, &s->outer[k]);
        s->outer[k].sequence = call->inputs[offset + k].data;
      }
  status = lt_session_reshape_subgraph (s->body, s->body_inputs, s->outer, call->err);
  s->body_inputs[0].data = NULL;
  return status;
}

/* Reshapes the body for the inputs and captures; when its shapes depend
 * on the iteration number, for iteration 0 and then checks iterations 1
 * to the trip count known at reshape. */
static lt_status
reshape_body (const lt_kernel_call *call,
              loop_state           *s,
              lt_value_type        *inputs,
              const lt_value_type  *outer)
{
  const lt_tensor *trip = call->known != NULL && has_node_input (call, 0) ? call->known[0] : NULL;
  int64_t          trips = trip != NULL && trip->data != NULL ? *(const int64_t *) trip->data : -1;
  int64_t          iteration = 0;
  lt_tensor        iteration_data = { .name = "", .dtype = LT_DTYPE_I64, .rank = 0, .count = 1,
                                      .data = &iteration, .nbytes = sizeof iteration };
  lt_error         first;
  lt_status        status;

  lt_error_clear (&first);
  status = lt_session_reshape_subgraph (s->body, inputs, outer, &first);
  if (status == LT_OK)
    {
      s->checked = INT64_MAX;
      return LT_OK;
    }
  if (status == LT_ERR_UNSUPPORTED && carries_containers (s))
    {
      /* Planned again at every iteration, with the values then; what it
       * is planned for here is only checked. */
      s->replans = true;
      s->checked = INT64_MAX;
      status = keep_types (call, s, inputs, outer);
      return status == LT_OK ? replan_body (call, s, 0, false) : status;
    }
  if (status != LT_ERR_UNSUPPORTED || !lt_loop_body_checks_iterations (s->body_graph, trips))
    {
      if (call->err != NULL)
        *call->err = first;
      return status;
    }
  inputs[0].data = &iteration_data;
  status = lt_session_reshape_subgraph (s->body, inputs, outer, call->err);
  for (iteration = 1; status == LT_OK && iteration < trips; iteration++)
    status = lt_session_check_types (s->body, inputs, outer, call->err);
  inputs[0].data = NULL;
  s->checked = trips;
  return status;
}

/* Checks the body's outputs against the Loop's inputs and outputs and sizes
 * the state's buffers. */
static lt_status
check_body_types (const lt_kernel_call *call,
                  loop_state           *s)
{
  const int32_t *outputs = lt_graph_get_outputs (s->body_graph, &(uint32_t) { 0 });

  for (uint32_t k = 0; k < 1 + s->n_carried + s->n_scan; k++)
    if (lt_session_get_output (s->body, k) == NULL && lt_session_get_sequence_output (s->body, k) == NULL)
      return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "the body has too few outputs");
  {
    const lt_tensor *cond = lt_session_get_output (s->body, 0);
    if (cond == NULL || cond->dtype != LT_DTYPE_BOOL || cond->count != 1)
      return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "the body's condition '%s' is not one bool",
                          lt_graph_get_value (s->body_graph, outputs[0])->name);
  }
  for (uint32_t j = 0; j < s->n_carried; j++)
    {
      const lt_kernel_tensor *initial = &call->inputs[2 + j];
      const lt_kernel_tensor *final = &call->outputs[j];
      const lt_tensor        *body_out = lt_session_get_output (s->body, 1 + j);
      lt_type_kind            body_kind = lt_session_get_output_kind (s->body, 1 + j);
      const char             *body_name = lt_graph_get_value (s->body_graph, outputs[1 + j])->name;

      if ((body_kind == LT_TYPE_TENSOR) != (initial->kind == LT_TYPE_TENSOR)
          || (final->dtype != LT_DTYPE_UNDEFINED && (final->kind == LT_TYPE_TENSOR) != (initial->kind == LT_TYPE_TENSOR)))
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "loop-carried value '%s' is %s, its initial value %s",
                            body_name, lt_type_kind_name (body_kind), lt_type_kind_name (initial->kind));
      if (s->carried_seq[j] != NULL)
        continue;
      if (!same_type (body_out->dtype, body_out->rank, body_out->dims, initial->dtype, initial->rank, initial->dims)
          || (final->dtype != LT_DTYPE_UNDEFINED
              && !same_type (final->dtype, final->rank, final->dims, initial->dtype, initial->rank, initial->dims)))
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "loop-carried value '%s' changes dtype or shape from one "
                            "iteration to the next; only fixed shapes are supported",
                            lt_graph_get_value (s->body_graph, outputs[1 + j])->name);
    }
  for (uint32_t k = 0; k < s->n_scan; k++)
    {
      const lt_kernel_tensor *scan = &call->outputs[s->n_carried + k];
      const lt_tensor        *row = lt_session_get_output (s->body, 1 + s->n_carried + k);
      int32_t                 value_id = call->node->outputs[s->n_carried + k];

      if (scan->dtype == LT_DTYPE_UNDEFINED)
        continue;
      if (row == NULL)
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "scan output '%s' would stack %s; scan outputs stack tensors",
                            lt_graph_get_value (call->graph, value_id)->name,
                            lt_type_kind_name (lt_session_get_output_kind (s->body, 1 + s->n_carried + k)));
      if (row->dtype == LT_DTYPE_STRING
          || !same_type (row->dtype, row->rank, row->dims, scan->dtype, scan->rank - 1, scan->dims + 1))
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "scan output '%s' does not stack the body's '%s' along a "
                            "first axis", lt_graph_get_value (call->graph, value_id)->name, row->name);
      s->scan_row_bytes[k] = row->nbytes;
    }
  return LT_OK;
}

/* Sizes the buffers of the carried tensors from their initial values and
 * says which scan outputs may shrink. */
static lt_status
size_carried (const lt_kernel_call *call,
              loop_state           *s)
{
  size_t total = 0;

  for (uint32_t j = 0; j < s->n_carried; j++)
    {
      const lt_kernel_tensor *initial = &call->inputs[2 + j];

      if (s->carried_seq[j] != NULL)
        continue;
      s->carried_offset[j] = total;
      if (!lt_dtype_storage_size (initial->dtype, initial->count, &s->carried_bytes[j])
          || s->carried_bytes[j] > SIZE_MAX - total - LOOP_ALIGN)
        return lt_ref_fail (call, LT_ERR_LIMIT, "loop-carried values are too large");
      total += (s->carried_bytes[j] + LOOP_ALIGN - 1) / LOOP_ALIGN * LOOP_ALIGN;
    }
  for (uint32_t k = 0; k < s->n_scan; k++)
    {
      int32_t value_id = call->node->outputs[s->n_carried + k];
      s->scan_resizable[k] = value_id >= 0 && lt_graph_get_value (call->graph, value_id)->n_consumers == 0
                             && !lt_value_is_captured (call->graph, value_id);
    }
  s->carried = total > 0 ? aligned_alloc (LOOP_ALIGN, total) : NULL;
  if (total > 0 && s->carried == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the loop-carried values");
  return LT_OK;
}

/* Binds the body's inputs to the state's buffers (they never move). */
static lt_status
bind_body_inputs (const lt_kernel_call *call,
                  loop_state           *s)
{
  lt_status status = lt_session_bind_input (s->body, 0, &s->iteration, sizeof s->iteration, call->err);

  if (status == LT_OK)
    status = lt_session_bind_input (s->body, 1, &s->cond, sizeof s->cond, call->err);
  for (uint32_t j = 0; status == LT_OK && j < s->n_carried; j++)
    status = s->carried_seq[j] != NULL
               ? lt_session_bind_sequence (s->body, 2 + j, &s->carried_seq[j]->view, call->err)
               : lt_session_bind_input (s->body, 2 + j, (char *) s->carried + s->carried_offset[j],
                                        s->carried_bytes[j], call->err);
  return status;
}

static lt_status
prepare_body (const lt_kernel_call *call,
              loop_state           *s)
{
  const lt_attr     *attr = lt_node_get_attr (call->node, "body");
  lt_session_options options = { .n_threads = 1, .abort_fn = call->abort_fn, .abort_data = call->abort_data };
  uint32_t           n_body_inputs, n_body_outputs;
  lt_value_type     *inputs, *outer;
  lt_status          status;

  if (attr == NULL || attr->type != LT_ATTR_GRAPH)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "Loop without a graph attribute 'body'");
  s->body_graph = attr->v.g;
  s->abort_fn = call->abort_fn;
  s->abort_data = call->abort_data;
  s->n_carried = call->node->n_inputs - 2;
  lt_graph_get_inputs (s->body_graph, &n_body_inputs);
  lt_graph_get_outputs (s->body_graph, &n_body_outputs);
  if (n_body_inputs != 2 + s->n_carried || n_body_outputs != 1 + call->n_outputs
      || call->n_outputs < s->n_carried)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "the body has %u inputs and %u outputs; a Loop with %u "
                        "carried values and %u outputs needs %u and %u", n_body_inputs, n_body_outputs,
                        s->n_carried, call->n_outputs, 2 + s->n_carried, 1 + call->n_outputs);
  s->n_scan = call->n_outputs - s->n_carried;
  for (uint32_t j = 0; j < s->n_carried; j++)
    if (call->inputs[2 + j].dtype == LT_DTYPE_UNDEFINED)
      return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "loop-carried input %u is omitted", 2 + j);

  s->carried_offset = calloc (s->n_carried + 1, sizeof *s->carried_offset);
  s->carried_bytes = calloc (s->n_carried + 1, sizeof *s->carried_bytes);
  s->scan_row_bytes = calloc (s->n_scan + 1, sizeof *s->scan_row_bytes);
  s->scan_resizable = calloc (s->n_scan + 1, sizeof *s->scan_resizable);
  s->carried_seq = calloc (s->n_carried + 1, sizeof *s->carried_seq);
  inputs = calloc (n_body_inputs + 1, sizeof *inputs);
  outer = calloc (lt_subgraph_count_outer (s->body_graph) + 1, sizeof *outer);
  if (s->carried_offset == NULL || s->carried_bytes == NULL || s->scan_row_bytes == NULL
      || s->scan_resizable == NULL || s->carried_seq == NULL || inputs == NULL || outer == NULL)
    {
      free (inputs);
      free (outer);
      return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the Loop body");
    }
  inputs[0] = (lt_value_type) { .dtype = LT_DTYPE_I64, .shape = { .rank = 0 } };
  inputs[1] = (lt_value_type) { .dtype = LT_DTYPE_BOOL, .shape = { .rank = 0 } };
  for (uint32_t j = 0; j < s->n_carried; j++)
    {
      kernel_tensor_type (&call->inputs[2 + j], &inputs[2 + j]);
      /* The tensors a carried sequence holds may change shape from one
       * iteration to the next: the body is planned without knowing them. */
      if (call->inputs[2 + j].kind != LT_TYPE_TENSOR)
        lt_shape_set_unknown (&inputs[2 + j].shape);
      if (call->inputs[2 + j].kind != LT_TYPE_TENSOR && (s->carried_seq[j] = lt_seq_value_new ()) == NULL)
        {
          free (inputs);
          free (outer);
          return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the Loop body");
        }
    }
  lt_capture_get_types (call, s->body_graph, outer);

  status = lt_session_new_for_subgraph (s->body_graph, &options, &s->body, call->err);
  if (status == LT_OK)
    status = size_carried (call, s);
  if (status == LT_OK)
    status = reshape_body (call, s, inputs, outer);
  free (inputs);
  free (outer);
  /* A body that depends on the values it carries or reads may not plan
   * before they are known: it is planned, checked and bound at run. */
  if (status == LT_ERR_UNSUPPORTED && s->replans)
    {
      lt_error_clear (call->err);
      return LT_OK;
    }
  if (status == LT_OK)
    status = check_body_types (call, s);
  if (status == LT_OK)
    status = bind_body_inputs (call, s);
  return status;
}

static lt_status
loop_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  loop_state *s = calloc (1, sizeof *s);
  lt_status   status;

  *scratch_bytes = 0;
  *state = s;
  if (s == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the Loop body");
  status = prepare_body (call, s);
  if (status != LT_OK)
    {
      loop_release (s);
      *state = NULL;
    }
  return status;
}

/* Copies `bytes` from src to dst, which may be the same memory. */
static void
copy_value (void       *dst,
            const void *src,
            size_t      bytes)
{
  if (bytes > 0 && dst != src)
    memmove (dst, src, bytes);
}

/* One iteration: runs the body, takes its condition and carried values,
 * and writes row `iteration` of every scan output. */
static lt_status
run_iteration (const lt_kernel_call *call,
               loop_state           *s,
               int64_t               iteration)
{
  lt_status status = LT_OK;

  s->iteration = iteration;
  if (s->replans)
    {
      status = replan_body (call, s, iteration, true);
      if (status == LT_OK)
        status = check_body_types (call, s);
      if (status == LT_OK)
        status = bind_body_inputs (call, s);
      if (status == LT_OK)
        lt_capture_bind (call, s->body_graph, s->body);
    }
  if (status == LT_OK)
    status = lt_session_run (s->body, call->err);
  if (status != LT_OK)
    return status;
  s->cond = *(const uint8_t *) lt_session_get_output (s->body, 0)->data != 0;
  for (uint32_t j = 0; j < s->n_carried; j++)
    {
      const lt_sequence *out = s->carried_seq[j] != NULL ? lt_session_get_sequence_output (s->body, 1 + j) : NULL;

      if (s->carried_seq[j] == NULL)
        copy_value ((char *) s->carried + s->carried_offset[j], lt_session_get_output (s->body, 1 + j)->data,
                    s->carried_bytes[j]);
      else if (out != &s->carried_seq[j]->view && !lt_seq_value_copy (s->carried_seq[j], out))
        return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory growing loop-carried value %u", j);
    }
  for (uint32_t k = 0; k < s->n_scan; k++)
    {
      lt_kernel_tensor *scan = &call->outputs[s->n_carried + k];
      const lt_tensor  *row = lt_session_get_output (s->body, 1 + s->n_carried + k);

      if (scan->dtype == LT_DTYPE_UNDEFINED)
        continue;
      if (iteration >= scan->dims[0])
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "the loop runs more than the %lld iterations its scan "
                            "output %u was sized for before running", (long long) scan->dims[0], k);
      if (row->nbytes != s->scan_row_bytes[k])
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "the body's '%s' changed shape in iteration %lld",
                            row->name, (long long) iteration);
      if (row->nbytes > 0)
        memcpy ((char *) scan->data + (size_t) iteration * row->nbytes, row->data, row->nbytes);
    }
  return LT_OK;
}

/* Gives each scan output the number of rows the loop wrote. */
static lt_status
finish_scan_outputs (const lt_kernel_call *call,
                     const loop_state     *s,
                     int64_t               rows)
{
  for (uint32_t k = 0; k < s->n_scan; k++)
    {
      lt_kernel_tensor *scan = &call->outputs[s->n_carried + k];
      uint64_t          row_count;

      if (scan->dtype == LT_DTYPE_UNDEFINED || scan->dims[0] == rows)
        continue;
      if (!s->scan_resizable[k])
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "the loop stopped after %lld of the %lld iterations its "
                            "scan output %u was sized for, and other nodes read that output",
                            (long long) rows, (long long) scan->dims[0], k);
      row_count = scan->dims[0] > 0 ? scan->count / (uint64_t) scan->dims[0] : 0;
      scan->dims[0] = rows;
      scan->count = row_count * (uint64_t) rows;
    }
  return LT_OK;
}

static lt_status
loop_run (const lt_kernel_call *call)
{
  loop_state *s = call->state;
  int64_t     trips = has_node_input (call, 0) ? *(const int64_t *) call->inputs[0].data : INT64_MAX;
  int64_t     iteration = 0;
  lt_status   status = LT_OK;

  s->cond = has_node_input (call, 1) ? *(const uint8_t *) call->inputs[1].data != 0 : 1;
  for (uint32_t j = 0; j < s->n_carried; j++)
    if (s->carried_seq[j] == NULL)
      copy_value ((char *) s->carried + s->carried_offset[j], call->inputs[2 + j].data, s->carried_bytes[j]);
    else if (!lt_seq_value_copy (s->carried_seq[j], call->inputs[2 + j].data))
      return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory copying loop-carried value %u", j);
  lt_capture_bind (call, s->body_graph, s->body);

  for (; status == LT_OK && iteration < trips && s->cond; iteration++)
    {
      if (iteration >= s->checked)
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "the loop runs more than the %lld iterations whose body "
                            "shapes were checked at reshape (give the trip count's data to reshape)",
                            (long long) s->checked);
      if (s->abort_fn != NULL && s->abort_fn (s->abort_data))
        return lt_error_set (call->err, LT_ERR_CANCELLED, NULL, "run cancelled");
      status = run_iteration (call, s, iteration);
    }
  if (status != LT_OK)
    return status;
  for (uint32_t j = 0; j < s->n_carried; j++)
    {
      if (call->outputs[j].data == NULL)
        continue;
      if (s->carried_seq[j] == NULL)
        {
          copy_value (call->outputs[j].data, (char *) s->carried + s->carried_offset[j], s->carried_bytes[j]);
          continue;
        }
      if (!s->carried_seq[j]->view.has_value && call->outputs[j].kind == LT_TYPE_SEQUENCE)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "loop-carried value %u is an empty optional, its output '%s' a "
                            "sequence", j, lt_graph_get_value (call->graph, call->node->outputs[j])->name);
      if (!lt_seq_value_copy (call->outputs[j].data, &s->carried_seq[j]->view))
        return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory copying loop-carried value %u", j);
    }
  return finish_scan_outputs (call, s, iteration);
}

const lt_kernel lt_ref_loop_kernel = {
  .name = "lt_ref_loop",
  .supports = loop_supports,
  .prepare = loop_prepare,
  .run = loop_run,
  .release = loop_release,
  .resizes_outputs = true,
  .takes_containers = true,
};
