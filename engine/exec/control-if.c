/* control-if.c — the If kernel: each branch runs in a session of its
 * subgraph.
 *
 * Both branch sessions are created and reshaped in prepare, so run only
 * runs the chosen one and copies its outputs into the If's: run allocates
 * nothing.  A branch must produce outputs of exactly the dtypes and shapes
 * the If's outputs have (known at the parent's reshape).  A sequence or
 * optional output is copied into the If's own value (a copy that
 * allocates when it holds more than in any run before, see
 * ops/seq-value.h); it must be of the If output's kind, or of the kind an
 * optional output holds.  Values a branch
 * reads from the enclosing graph come as the kernel's extra inputs
 * (session-private.h): their types go to the branch's reshape, their
 * data is bound before the branch runs.
 */
#include "exec/session-private.h"
#include "ops/ref-common.h"
#include "ops/seq-value.h"

#include <stdlib.h>
#include <string.h>

static const char *const branch_attrs[2] = { "else_branch", "then_branch" };

typedef struct if_state
{
  lt_session *branches[2]; /* indexed by the condition: else, then */
} if_state;

static void
if_release (void *state)
{
  if_state *s = state;

  if (s == NULL)
    return;
  lt_session_free (s->branches[0]);
  lt_session_free (s->branches[1]);
  free (s);
}

static bool
if_supports (const lt_kernel_call *call)
{
  return call->node->n_inputs == 1 && call->inputs[0].dtype == LT_DTYPE_BOOL && call->inputs[0].count == 1;
}

/* Whether the branch output matches the If output it is copied to. */
static bool
same_type (const lt_tensor        *branch_out,
           const lt_kernel_tensor *out)
{
  if (branch_out->dtype != out->dtype || branch_out->rank != out->rank)
    return false;
  for (int32_t d = 0; d < out->rank; d++)
    if (branch_out->dims[d] != out->dims[d])
      return false;
  return true;
}

static lt_status
prepare_branch (const lt_kernel_call *call,
                const char           *attr_name,
                lt_session          **branch)
{
  const lt_attr     *attr = lt_node_get_attr (call->node, attr_name);
  lt_session_options options = { .n_threads = 1, .abort_fn = call->abort_fn, .abort_data = call->abort_data };
  uint32_t           n_outputs;
  lt_value_type     *outer;
  lt_status          status;

  if (attr == NULL || attr->type != LT_ATTR_GRAPH)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "If without a graph attribute '%s'", attr_name);
  lt_graph_get_outputs (attr->v.g, &n_outputs);
  if (n_outputs != call->n_outputs)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "%s has %u outputs, the If has %u", attr_name, n_outputs,
                        call->n_outputs);
  outer = calloc (lt_subgraph_count_outer (attr->v.g) + 1, sizeof *outer);
  if (outer == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the If branches");
  lt_capture_get_types (call, attr->v.g, outer);
  status = lt_session_new_for_subgraph (attr->v.g, &options, branch, call->err);
  if (status == LT_OK)
    status = lt_session_reshape_subgraph (*branch, NULL, outer, call->err);
  free (outer);
  return status;
}

static lt_status
if_prepare (const lt_kernel_call *call,
            void                **state,
            size_t               *scratch_bytes)
{
  if_state *s = calloc (1, sizeof *s);

  *scratch_bytes = 0;
  *state = s;
  if (s == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for the If branches");
  for (int b = 0; b < 2; b++)
    {
      lt_status status = prepare_branch (call, branch_attrs[b], &s->branches[b]);
      if (status != LT_OK)
        {
          if_release (s);
          *state = NULL;
          return status;
        }
    }
  return LT_OK;
}

/* Copies branch output `o`, a sequence or optional, into the If's. */
static lt_status
copy_container_output (const lt_kernel_call *call,
                       lt_session           *branch,
                       const char           *branch_name,
                       uint32_t              o)
{
  const lt_sequence *branch_out = lt_session_get_sequence_output (branch, o);
  lt_type_kind       kind = lt_session_get_output_kind (branch, o);
  lt_type_kind       want = call->outputs[o].kind;
  bool               fits = kind == want || (want == LT_TYPE_OPTIONAL_TENSOR && kind == LT_TYPE_TENSOR)
                            || (want == LT_TYPE_OPTIONAL_SEQUENCE && kind == LT_TYPE_SEQUENCE)
                            || (want == LT_TYPE_SEQUENCE && kind == LT_TYPE_OPTIONAL_SEQUENCE
                                && branch_out != NULL && branch_out->has_value);

  if (branch_out == NULL || !fits)
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "%s output %u is %s, the If's output %u %s", branch_name, o,
                        lt_type_kind_name (kind), o, lt_type_kind_name (want));
  if (!lt_seq_value_copy (call->outputs[o].data, branch_out))
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory copying %s output %u", branch_name, o);
  return LT_OK;
}

static lt_status
if_run (const lt_kernel_call *call)
{
  const if_state *s = call->state;
  int             taken = *(const uint8_t *) call->inputs[0].data != 0;
  lt_session     *branch = s->branches[taken];
  lt_status       status;

  lt_capture_bind (call, lt_node_get_attr (call->node, branch_attrs[taken])->v.g, branch);
  status = lt_session_run (branch, call->err);
  if (status != LT_OK)
    return status;
  for (uint32_t o = 0; o < call->n_outputs; o++)
    {
      const lt_tensor *branch_out = lt_session_get_output (branch, o);
      if (call->outputs[o].kind != LT_TYPE_TENSOR)
        {
          status = copy_container_output (call, branch, branch_attrs[taken], o);
          if (status != LT_OK)
            return status;
          continue;
        }
      if (branch_out == NULL)
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "%s output %u is %s, the If's output %u a tensor",
                            branch_attrs[taken], o, lt_type_kind_name (lt_session_get_output_kind (branch, o)), o);
      if (!same_type (branch_out, &call->outputs[o]))
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "%s output %u ('%s') differs in dtype or shape from the "
                            "If's output %u", branch_attrs[taken], o, branch_out->name, o);
      if (branch_out->nbytes > 0)
        memcpy (call->outputs[o].data, branch_out->data, branch_out->nbytes);
    }
  return LT_OK;
}

const lt_kernel lt_ref_if_kernel = {
  .name = "lt_ref_if",
  .supports = if_supports,
  .prepare = if_prepare,
  .run = if_run,
  .release = if_release,
  .takes_containers = true,
};
