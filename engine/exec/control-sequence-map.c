/* control-sequence-map.c — the SequenceMap kernel: the body runs once per
 * tensor of the input sequence, in a session of its subgraph.
 *
 * Inputs: the sequence to map, then additional inputs (each a sequence of
 * the same length, read tensor by tensor, or a tensor given whole to every
 * run), then the values the body reads from enclosing graphs (captures,
 * see session-private.h).  Outputs: one sequence per body output, the
 * body's tensors in order.
 *
 * The tensors of a sequence may each have their own shape, so the body is
 * planned again for every tensor (a reshape of its session with that
 * tensor's type and contents): SequenceMap allocates in run, like the
 * sequences it builds (see lt/session.h).
 */
#include "exec/session-private.h"
#include "ops/ref-common.h"
#include "ops/seq-value.h"

#include <stdlib.h>
#include <string.h>

typedef struct sequence_map_state
{
  const lt_graph *body_graph;
  lt_session     *body;
  lt_value_type  *inputs;  /* per body input, filled for each tensor */
  lt_tensor      *views;   /* per body input, the tensor it gets */
  lt_value_type  *outer;   /* the captures' types */
  bool          (*abort_fn) (void *user_data); /* the session's, polled for each tensor */
  void           *abort_data;
} sequence_map_state;

static void
sequence_map_release (void *state)
{
  sequence_map_state *s = state;

  if (s == NULL)
    return;
  lt_session_free (s->body);
  free (s->inputs);
  free (s->views);
  free (s->outer);
  free (s);
}

static bool
sequence_map_supports (const lt_kernel_call *call)
{
  for (uint32_t o = 0; o < call->n_outputs; o++)
    if (call->outputs[o].kind != LT_TYPE_SEQUENCE)
      return false;
  for (uint32_t i = 0; i < call->node->n_inputs; i++)
    if (call->inputs[i].kind != LT_TYPE_TENSOR && call->inputs[i].kind != LT_TYPE_SEQUENCE)
      return false;
  return call->inputs[0].kind == LT_TYPE_SEQUENCE;
}

static lt_status
sequence_map_prepare (const lt_kernel_call *call,
                      void                **state,
                      size_t               *scratch_bytes)
{
  const lt_attr      *attr = lt_node_get_attr (call->node, "body");
  lt_session_options  options = { .n_threads = 1, .abort_fn = call->abort_fn, .abort_data = call->abort_data };
  sequence_map_state *s;
  uint32_t            n_body_inputs, n_body_outputs;
  lt_status           status;

  *scratch_bytes = 0;
  *state = NULL;
  if (attr == NULL || attr->type != LT_ATTR_GRAPH)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "SequenceMap without a graph attribute 'body'");
  lt_graph_get_inputs (attr->v.g, &n_body_inputs);
  lt_graph_get_outputs (attr->v.g, &n_body_outputs);
  if (n_body_inputs != call->node->n_inputs || n_body_outputs != call->n_outputs)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "the body has %u inputs and %u outputs; the node has %u and %u",
                        n_body_inputs, n_body_outputs, call->node->n_inputs, call->n_outputs);
  s = calloc (1, sizeof *s);
  if (s != NULL)
    {
      s->body_graph = attr->v.g;
      s->abort_fn = call->abort_fn;
      s->abort_data = call->abort_data;
      s->inputs = calloc (n_body_inputs + 1, sizeof *s->inputs);
      s->views = calloc (n_body_inputs + 1, sizeof *s->views);
      s->outer = calloc (lt_subgraph_count_outer (attr->v.g) + 1, sizeof *s->outer);
    }
  if (s == NULL || s->inputs == NULL || s->views == NULL || s->outer == NULL)
    {
      sequence_map_release (s);
      return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the SequenceMap body");
    }
  lt_capture_get_types (call, s->body_graph, s->outer);
  status = lt_session_new_for_subgraph (s->body_graph, &options, &s->body, call->err);
  if (status != LT_OK)
    {
      sequence_map_release (s);
      return status;
    }
  *state = s;
  return LT_OK;
}

/* The tensor body input i gets in run `k`: tensor k of a sequence input,
 * or the whole tensor input. */
static const lt_tensor *
body_input (const lt_kernel_call *call,
            sequence_map_state   *s,
            uint32_t              i,
            uint32_t              k)
{
  const lt_kernel_tensor *in = &call->inputs[i];

  if (in->kind == LT_TYPE_SEQUENCE)
    return &((const lt_sequence *) in->data)->tensors[k];
  s->views[i] = (lt_tensor) { .name = "", .dtype = in->dtype, .rank = in->rank, .count = in->count, .data = in->data };
  memcpy (s->views[i].dims, in->dims, sizeof in->dims);
  lt_dtype_storage_size (in->dtype, in->count, &s->views[i].nbytes);
  return &s->views[i];
}

/* Plans and runs the body on tensor k, and appends its outputs. */
static lt_status
run_on_tensor (const lt_kernel_call *call,
               sequence_map_state   *s,
               uint32_t              k)
{
  uint32_t  offset = lt_node_capture_offset (call->node, s->body_graph);
  lt_status status;

  for (uint32_t i = 0; i < call->node->n_inputs; i++)
    {
      const lt_tensor *t = body_input (call, s, i, k);
      s->inputs[i] = (lt_value_type) { .dtype = t->dtype, .data = t };
      lt_shape_set (&s->inputs[i].shape, t->rank, t->dims);
    }
  for (uint32_t c = 0; c < lt_subgraph_count_outer (s->body_graph); c++)
    if (call->inputs[offset + c].kind == LT_TYPE_SEQUENCE)
      {
        lt_sequence_get_type (call->inputs[offset + c].data, LT_TYPE_SEQUENCE, s->outer[c].dtype, &s->outer[c]);
        s->outer[c].sequence = call->inputs[offset + c].data;
      }
  status = lt_session_reshape_subgraph (s->body, s->inputs, s->outer, call->err);
  for (uint32_t i = 0; status == LT_OK && i < call->node->n_inputs; i++)
    {
      const lt_tensor *t = body_input (call, s, i, k);
      status = lt_session_bind_input (s->body, i, t->data, t->nbytes, call->err);
    }
  if (status != LT_OK)
    return status;
  lt_capture_bind (call, s->body_graph, s->body);
  status = lt_session_run (s->body, call->err);
  for (uint32_t o = 0; status == LT_OK && o < call->n_outputs; o++)
    {
      const lt_tensor *out = lt_session_get_output (s->body, o);
      if (out == NULL)
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "body output %u is not a tensor", o);
      if (!lt_seq_value_push_copy (call->outputs[o].data, out))
        return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory growing output %u", o);
    }
  return status;
}

static lt_status
sequence_map_run (const lt_kernel_call *call)
{
  sequence_map_state *s = call->state;
  uint32_t            n = ((const lt_sequence *) call->inputs[0].data)->count;
  lt_status           status = LT_OK;

  for (uint32_t i = 1; i < call->node->n_inputs; i++)
    if (call->inputs[i].kind == LT_TYPE_SEQUENCE && ((const lt_sequence *) call->inputs[i].data)->count != n)
      return lt_ref_fail (call, LT_ERR_RUNTIME, "input %u holds %u tensors, the input sequence %u", i,
                          ((const lt_sequence *) call->inputs[i].data)->count, n);
  for (uint32_t o = 0; o < call->n_outputs; o++)
    lt_seq_value_clear (call->outputs[o].data, true);
  for (uint32_t k = 0; status == LT_OK && k < n; k++)
    {
      if (s->abort_fn != NULL && s->abort_fn (s->abort_data))
        return lt_error_set (call->err, LT_ERR_CANCELLED, NULL, "run cancelled");
      status = run_on_tensor (call, s, k);
    }
  return status;
}

const lt_kernel lt_ref_sequence_map_kernel = {
  .name = "lt_ref_sequence_map",
  .supports = sequence_map_supports,
  .prepare = sequence_map_prepare,
  .run = sequence_map_run,
  .release = sequence_map_release,
  .takes_containers = true,
};
