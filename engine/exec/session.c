/* session.c — create, reshape, plan, bind and run a graph on the CPU
 *
 * Every value of the graph has a slot saying where its bytes are: a model
 * constant, a caller's bound buffer, an offset in the arena, or, in the
 * session of a subgraph, the enclosing session's memory for a value read
 * from there (bound by the If or Loop kernel that owns the subgraph).  Reshape
 * builds the steps (one per node that runs, in topological order), picks
 * and prepares a kernel for each, and plans the arena; run only walks the
 * steps, so it allocates nothing.
 *
 * Invariants after a successful reshape:
 *  - every value a step reads or writes has a known dtype and shape;
 *  - arena slots point into `arena`, and two slots whose lifetimes overlap
 *    share bytes only when one is the in-place output of the other;
 *  - graph inputs and outputs never share memory with another value.
 *
 * `replaced` (lt_session_set_constant) outlives plans: it is read at
 * reshape, in place of the model's constants, and kept until free.
 */
#include "lt/session.h"

#include "checked.h"
#include "exec/fold.h"
#include "exec/fuse-activation.h"
#include "exec/planner.h"
#include "exec/session-private.h"
#include "exec/threadpool.h"
#include "ops/kernel.h"
#include "ops/seq-value.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Arena offsets and constant copies are aligned for any vector load. */
#define LT_SESSION_ALIGN 64

typedef enum slot_kind
{
  SLOT_UNUSED,   /* not read or written by any step */
  SLOT_CONSTANT, /* model or session-owned constant data */
  SLOT_INPUT,    /* a graph input: the caller's bound buffer */
  SLOT_OUTER,    /* a subgraph's outer value: bound by the owning kernel */
  SLOT_ARENA,    /* computed: an offset in the arena */
  SLOT_CONTAINER, /* a computed sequence or optional: an lt_seq_value of the session's */
} slot_kind;

typedef struct value_slot
{
  slot_kind kind;
  lt_type_kind type_kind; /* for the other kinds than TENSOR, dtype, rank and dims are
                             their tensors' (rank -1 when unknown), count and nbytes 0,
                             and data points to an lt_sequence */
  lt_dtype  dtype;
  int32_t   rank;
  int64_t   dims[LT_MAX_RANK];
  uint64_t  count;
  size_t    nbytes;
  int32_t   record;   /* SLOT_ARENA: usage record (shared by in-place aliases) */
  void     *data;     /* resolved address; NULL when empty or unbound */
} value_slot;

typedef struct exec_step
{
  int32_t           node_id;
  const lt_kernel  *kernel;
  void             *state;
  uint32_t          n_inputs;
  int32_t          *input_ids;  /* slot ids; -1 for an omitted input */
  lt_kernel_tensor *inputs;
  uint32_t          n_outputs;
  int32_t          *output_ids;
  lt_kernel_tensor *outputs;
  lt_tensor        *constant_views; /* per input; filled for constant inputs */
  const lt_tensor **constants;      /* per input: &constant_views[i] or NULL */
  bool              fuses_activation;
  lt_kernel_clamp   clamp;          /* when fuses_activation */
  bool              observer_clamps; /* fused, and the clamp is left to observer_clamp_fn */
  int32_t           pre_activation_id; /* when fuses_activation: the value the activation reads */
  uint64_t          ns;
} exec_step;

struct lt_session
{
  lt_model           *model;
  const lt_graph     *graph;
  lt_session_options  options;
  lt_threadpool      *pool;
  lt_shape_inference *inference;
  const lt_tensor   **replaced;   /* per value id: &replacements[id] or NULL */
  lt_tensor          *replacements; /* the caller's constants, data borrowed */

  /* Valid after reshape; released by reset_plan. */
  bool           reshaped;
  uint32_t       n_slots;     /* graph values, then folded constants */
  value_slot    *slots;
  uint32_t       n_steps;
  exec_step     *steps;
  int32_t       *step_of_node; /* -1 for a node that does not run */
  lt_fold_plan  *folds;
  lt_activation_plan *activations;
  void          *arena;
  uint64_t       arena_bytes;
  uint64_t       unplanned_bytes;
  void          *scratch;
  size_t         scratch_bytes;
  void         **owned;       /* aligned copies of constants */
  uint32_t       n_owned;
  lt_value_type *input_types;
  bool          *input_bound;
  uint32_t       n_outer;     /* LT_VALUE_OUTER values of a subgraph */
  int32_t       *outer_ids;   /* their value ids, in id order */
  lt_tensor     *outputs;
  lt_seq_value **containers;  /* the data of SLOT_CONTAINER slots */
  uint32_t       n_containers;
};

static lt_status
fail_no_memory (lt_error *err)
{
  return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory preparing a session");
}

/* A session on `graph`, holding a reference to `model` when there is one
 * (a subgraph's session borrows its graph from the enclosing model). */
static lt_status
session_new (lt_model                 *model,
             const lt_graph           *graph,
             const lt_session_options *options,
             lt_session              **out,
             lt_error                 *err)
{
  lt_session *session;
  lt_status   status;

  session = calloc (1, sizeof *session);
  if (session == NULL)
    return fail_no_memory (err);
  if (options != NULL)
    session->options = *options;
  session->model = model != NULL ? lt_model_ref (model) : NULL;
  session->graph = graph;
  session->inference = lt_shape_inference_new (session->graph);
  if (session->inference == NULL)
    {
      lt_session_free (session);
      return fail_no_memory (err);
    }
  status = lt_threadpool_new (session->options.n_threads, &session->pool, err);
  if (status != LT_OK)
    {
      lt_session_free (session);
      return status;
    }
  *out = session;
  return LT_OK;
}

lt_status
lt_session_new (lt_model                 *model,
                const lt_session_options *options,
                lt_session              **out,
                lt_error                 *err)
{
  if (model == NULL || out == NULL)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "lt_session_new needs a model");
  return session_new (model, lt_model_get_graph (model), options, out, err);
}

lt_status
lt_session_new_for_subgraph (const lt_graph           *graph,
                             const lt_session_options *options,
                             lt_session              **out,
                             lt_error                 *err)
{
  return session_new (NULL, graph, options, out, err);
}

static void
reset_plan (lt_session *session)
{
  for (uint32_t i = 0; i < session->n_steps; i++)
    {
      exec_step *step = &session->steps[i];
      if (step->state != NULL && step->kernel->release != NULL)
        step->kernel->release (step->state);
      free (step->input_ids);
      free (step->inputs);
      free (step->output_ids);
      free (step->outputs);
      free (step->constant_views);
      free (step->constants);
    }
  free (session->steps);
  session->steps = NULL;
  session->n_steps = 0;
  for (uint32_t i = 0; i < session->n_owned; i++)
    free (session->owned[i]);
  free (session->owned);
  session->owned = NULL;
  session->n_owned = 0;
  lt_fold_plan_free (session->folds);
  session->folds = NULL;
  lt_activation_plan_free (session->activations);
  session->activations = NULL;
  free (session->slots);
  session->slots = NULL;
  free (session->step_of_node);
  session->step_of_node = NULL;
  free (session->arena);
  session->arena = NULL;
  free (session->scratch);
  session->scratch = NULL;
  free (session->input_types);
  session->input_types = NULL;
  free (session->input_bound);
  session->input_bound = NULL;
  free (session->outer_ids);
  session->outer_ids = NULL;
  session->n_outer = 0;
  free (session->outputs);
  session->outputs = NULL;
  for (uint32_t i = 0; i < session->n_containers; i++)
    lt_seq_value_free (session->containers[i]);
  free (session->containers);
  session->containers = NULL;
  session->n_containers = 0;
  session->arena_bytes = session->unplanned_bytes = 0;
  session->scratch_bytes = 0;
  session->reshaped = false;
}

void
lt_session_free (lt_session *session)
{
  if (session == NULL)
    return;
  reset_plan (session);
  free (session->replaced);
  free (session->replacements);
  lt_threadpool_free (session->pool);
  lt_shape_inference_free (session->inference);
  lt_model_unref (session->model);
  free (session);
}

/* Keeps a session-owned block until the next reshape. */
static bool
own_block (lt_session *session,
           void       *block)
{
  void **grown = realloc (session->owned, (session->n_owned + 1) * sizeof *grown);
  if (grown == NULL)
    {
      free (block);
      return false;
    }
  session->owned = grown;
  session->owned[session->n_owned++] = block;
  return true;
}

/* The tensor's data, or an aligned copy of it owned by the session when
 * it sits unaligned in a model file (kernels read with typed loads). */
static lt_status
aligned_data (lt_session      *session,
              const lt_tensor *tensor,
              void           **out,
              lt_error        *err)
{
  *out = (void *) tensor->data;
  if (tensor->data == NULL || ((uintptr_t) tensor->data % 16) == 0)
    return LT_OK;
  void *copy = aligned_alloc (LT_SESSION_ALIGN, (tensor->nbytes + LT_SESSION_ALIGN - 1) / LT_SESSION_ALIGN * LT_SESSION_ALIGN);
  if (copy == NULL || !own_block (session, copy))
    return fail_no_memory (err);
  memcpy (copy, tensor->data, tensor->nbytes);
  *out = copy;
  return LT_OK;
}

/* A constant slot for a tensor. */
static lt_status
place_constant (lt_session      *session,
                value_slot      *slot,
                const lt_tensor *tensor,
                lt_error        *err)
{
  slot->kind = SLOT_CONSTANT;
  slot->dtype = tensor->dtype;
  slot->rank = tensor->rank;
  memcpy (slot->dims, tensor->dims, sizeof slot->dims);
  slot->count = tensor->count;
  slot->nbytes = tensor->nbytes;
  return aligned_data (session, tensor, &slot->data, err);
}

/* Fills a slot's type from shape inference; fails naming the value when its
 * type is not fully known. */
static lt_status
type_slot (lt_session *session,
           int32_t     value_id,
           lt_error   *err)
{
  const lt_value      *value = lt_graph_get_value (session->graph, value_id);
  const lt_value_type *type = lt_shape_inference_get (session->inference, value_id);
  value_slot          *slot = &session->slots[value_id];
  char                 shape_text[128];

  if (type != NULL && type->kind == LT_TYPE_MAP)
    return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name, "value '%s' is a map (or holds maps); sessions do "
                         "not run maps", value->name);
  if (type != NULL && type->kind != LT_TYPE_TENSOR)
    {
      /* Its tensors' types are checked as they are made, at run. */
      slot->type_kind = type->kind;
      slot->dtype = type->dtype;
      slot->rank = type->shape.rank;
      for (int32_t d = 0; d < slot->rank; d++)
        slot->dims[d] = type->shape.dims[d].size;
      slot->count = 0;
      slot->nbytes = 0;
      return LT_OK;
    }
  slot->type_kind = LT_TYPE_TENSOR;
  if (type == NULL || type->dtype == LT_DTYPE_UNDEFINED || !lt_shape_count (&type->shape, &slot->count))
    {
      lt_shape_format (type != NULL ? &type->shape : &value->shape, shape_text, sizeof shape_text);
      return lt_error_set (err, LT_ERR_UNSUPPORTED, value->name,
                           "the type of value '%s' (shape %s) is not known before running; "
                           "sessions need static shapes (give the inputs' data to reshape when they decide shapes)",
                           value->name, shape_text);
    }
  slot->dtype = type->dtype;
  slot->rank = type->shape.rank;
  for (int32_t d = 0; d < slot->rank; d++)
    slot->dims[d] = type->shape.dims[d].size;
  if (slot->dtype == LT_DTYPE_STRING)
    {
      if (!lt_checked_mul_size ((size_t) slot->count, sizeof (lt_bytes), &slot->nbytes))
        return lt_error_set (err, LT_ERR_LIMIT, value->name, "value '%s' is too large", value->name);
    }
  else if (!lt_dtype_storage_size (slot->dtype, slot->count, &slot->nbytes))
    return lt_error_set (err, LT_ERR_LIMIT, value->name, "value '%s' is too large", value->name);
  return LT_OK;
}

/* What a kernel gets as a slot's data: NULL for an empty tensor. */
static void *
kernel_data (const value_slot *slot)
{
  return slot->count > 0 || slot->type_kind != LT_TYPE_TENSOR ? slot->data : NULL;
}

static void
slot_to_kernel_tensor (const value_slot *slot,
                       lt_kernel_tensor *t)
{
  memset (t, 0, sizeof *t);
  if (slot == NULL)
    return;
  t->kind = slot->type_kind;
  t->dtype = slot->dtype;
  t->rank = slot->rank;
  memcpy (t->dims, slot->dims, sizeof t->dims);
  t->count = slot->count;
  t->data = kernel_data (slot);
}

/* Whether a step reads or writes a sequence or optional. */
static bool
step_has_containers (const exec_step *step)
{
  for (uint32_t i = 0; i < step->n_inputs; i++)
    if (step->inputs[i].kind != LT_TYPE_TENSOR)
      return true;
  for (uint32_t o = 0; o < step->n_outputs; o++)
    if (step->outputs[o].kind != LT_TYPE_TENSOR)
      return true;
  return false;
}

/* A view of a slot as a tensor named like its value ("" for a session
 * constant). */
static void
slot_to_tensor (const lt_session *session,
                int32_t           id,
                lt_tensor        *t)
{
  const value_slot *slot = &session->slots[id];
  t->name = id < (int32_t) lt_graph_get_n_values (session->graph) ? lt_graph_get_value (session->graph, id)->name : "";
  t->dtype = slot->dtype;
  t->rank = slot->rank;
  memcpy (t->dims, slot->dims, sizeof t->dims);
  t->count = slot->count;
  t->data = slot->count > 0 ? slot->data : NULL;
  t->nbytes = slot->nbytes;
}

/* Builds a step's slot id lists from its node, with folded constants
 * substituted. */
static lt_status
build_step (lt_session *session,
            exec_step  *step,
            int32_t     node_id,
            lt_error   *err)
{
  const lt_node  *node = lt_graph_get_node (session->graph, node_id);
  uint32_t        n_captures = lt_node_count_captures (node);
  const lt_graph *sub;

  step->node_id = node_id;
  step->n_inputs = node->n_inputs;
  step->n_outputs = node->n_outputs;
  lt_fold_apply (session->folds, node_id, &step->n_inputs, NULL, NULL);
  step->n_inputs += n_captures;
  step->input_ids = calloc (step->n_inputs + 1, sizeof *step->input_ids);
  step->inputs = calloc (step->n_inputs + 1, sizeof *step->inputs);
  step->output_ids = calloc (step->n_outputs + 1, sizeof *step->output_ids);
  step->outputs = calloc (step->n_outputs + 1, sizeof *step->outputs);
  step->constant_views = calloc (step->n_inputs + 1, sizeof *step->constant_views);
  step->constants = calloc (step->n_inputs + 1, sizeof *step->constants);
  if (step->input_ids == NULL || step->inputs == NULL || step->output_ids == NULL || step->outputs == NULL
      || step->constant_views == NULL || step->constants == NULL)
    return fail_no_memory (err);
  for (uint32_t i = 0; i < step->n_inputs; i++)
    step->input_ids[i] = i < node->n_inputs ? node->inputs[i] : -1;
  memcpy (step->output_ids, node->outputs, node->n_outputs * sizeof *step->output_ids);
  lt_fold_apply (session->folds, node_id, &step->n_inputs, step->input_ids, step->output_ids);
  /* A subgraph's outer value is resolved through this graph, so a value
   * of that name exists here. */
  for (uint32_t k = 0, c = node->n_inputs; (sub = lt_node_get_subgraph (node, k)) != NULL; k++)
    for (uint32_t v = 0; v < lt_graph_get_n_values (sub); v++)
      if (lt_graph_get_value (sub, (int32_t) v)->kind == LT_VALUE_OUTER)
        step->input_ids[c++] = lt_graph_find_value (session->graph, lt_graph_get_value (sub, (int32_t) v)->name);
  step->pre_activation_id = step->output_ids[0];
  step->fuses_activation = lt_activation_apply (session->activations, node_id, step->output_ids, &step->clamp);
  step->observer_clamps = step->fuses_activation && session->options.observer_fn != NULL
                          && session->options.observer_clamp_fn != NULL;
  return LT_OK;
}

/* Refuses an op no kernel exists for before its output types are looked
 * at, so the error names the missing op rather than an unknown shape. */
static lt_status
check_op_has_kernels (lt_session *session,
                      int32_t     node_id,
                      lt_error   *err)
{
  const lt_node *node = lt_graph_get_node (session->graph, node_id);
  char           name[LT_ERROR_NAME_MAX];

  if (node->op != LT_OP_UNKNOWN && lt_cpu_kernels_for ((lt_op) node->op)[0] != NULL)
    return LT_OK;
  lt_node_describe (session->graph, node_id, name, sizeof name);
  return lt_error_set (err, LT_ERR_UNSUPPORTED, name, "op %s%s%s is not implemented",
                       node->domain[0] != '\0' ? node->domain : "", node->domain[0] != '\0' ? "." : "",
                       node->op_type);
}

/* Picks and prepares the step's kernel; `known` (one entry per input) is
 * filled with what reshape knows of the inputs' contents. */
static lt_status
select_kernel_knowing (lt_session       *session,
                       exec_step        *step,
                       const lt_tensor **known,
                       lt_error         *err)
{
  const lt_node *node = lt_graph_get_node (session->graph, step->node_id);
  lt_kernel_list candidates = node->op == LT_OP_UNKNOWN ? NULL : lt_cpu_kernels_for ((lt_op) node->op);
  char           name[LT_ERROR_NAME_MAX];
  lt_kernel_call call = {
    .graph = session->graph,
    .node = node,
    .node_id = step->node_id,
    .n_inputs = step->n_inputs,
    .inputs = step->inputs,
    .n_outputs = step->n_outputs,
    .outputs = step->outputs,
    .pool = session->pool,
    .err = err,
    .constants = step->constants,
    .clamp = step->fuses_activation && !step->observer_clamps ? &step->clamp : NULL,
    .known = known,
    .abort_fn = session->options.abort_fn,
    .abort_data = session->options.abort_data,
  };

  for (uint32_t i = 0; i < step->n_inputs; i++)
    slot_to_kernel_tensor (step->input_ids[i] >= 0 ? &session->slots[step->input_ids[i]] : NULL, &step->inputs[i]);
  for (uint32_t i = 0; i < step->n_outputs; i++)
    {
      slot_to_kernel_tensor (step->output_ids[i] >= 0 ? &session->slots[step->output_ids[i]] : NULL, &step->outputs[i]);
      step->outputs[i].data = NULL;
    }
  /* Only constants have data at reshape: kernels pack them in prepare. */
  for (uint32_t i = 0; i < step->n_inputs; i++)
    {
      int32_t id = step->input_ids[i];
      if (id < 0)
        continue;
      if (session->slots[id].kind != SLOT_CONSTANT)
        {
          step->inputs[i].data = NULL;
          if (id < (int32_t) lt_graph_get_n_values (session->graph))
            known[i] = lt_shape_inference_get (session->inference, id)->data;
          continue;
        }
      slot_to_tensor (session, id, &step->constant_views[i]);
      step->constants[i] = &step->constant_views[i];
      known[i] = step->constants[i];
    }

  for (uint32_t k = 0; candidates != NULL && candidates[k] != NULL; k++)
    if ((candidates[k]->takes_containers || !step_has_containers (step))
        && (candidates[k]->supports == NULL || candidates[k]->supports (&call)))
      {
        step->kernel = candidates[k];
        break;
      }
  lt_node_describe (session->graph, step->node_id, name, sizeof name);
  if (step->kernel == NULL)
    {
      char dtypes[128] = "";
      for (uint32_t i = 0; i < step->n_inputs && strlen (dtypes) + 24 < sizeof dtypes; i++)
        {
          strcat (dtypes, i > 0 ? ", " : "");
          strcat (dtypes, step->inputs[i].kind != LT_TYPE_TENSOR ? lt_type_kind_name (step->inputs[i].kind)
                          : step->inputs[i].dtype == LT_DTYPE_UNDEFINED ? "-" : lt_dtype_name (step->inputs[i].dtype));
        }
      return lt_error_set (err, LT_ERR_UNSUPPORTED, name, "no CPU kernel runs %s%s%s with inputs (%s)",
                           node->domain[0] != '\0' ? node->domain : "", node->domain[0] != '\0' ? "." : "",
                           node->op_type, dtypes);
    }
  if (step->kernel->prepare != NULL)
    {
      size_t    scratch = 0;
      lt_status status = step->kernel->prepare (&call, &step->state, &scratch);
      if (status != LT_OK)
        {
          if (err != NULL && err->subject[0] == '\0')
            {
              /* Name the node; the message is copied first, as the
               * error is rewritten in place. */
              char message[LT_ERROR_MESSAGE_MAX];
              memcpy (message, err->message, sizeof message);
              lt_error_set (err, status, name, "%s", message);
            }
          return status;
        }
      if (scratch > session->scratch_bytes)
        session->scratch_bytes = scratch;
    }
  return LT_OK;
}

static lt_status
select_kernel (lt_session *session,
               exec_step  *step,
               lt_error   *err)
{
  const lt_tensor **known = calloc (step->n_inputs + 1, sizeof *known);
  lt_status         status;

  if (known == NULL)
    return fail_no_memory (err);
  status = select_kernel_knowing (session, step, known, err);
  free (known);
  return status;
}

/* Usage records from the steps: a computed value lives from the step that
 * writes it to the last step that reads it (graph outputs to the end).  A
 * kernel marked in_place writes output 0 over input 0 when that input is
 * computed, dies at this step, is not a graph output and has the same size:
 * the two values then share one record. */
static lt_status
plan_memory (lt_session *session,
             lt_error   *err)
{
  uint32_t         n_outputs;
  const int32_t   *outputs = lt_graph_get_outputs (session->graph, &n_outputs);
  lt_usage_record *records = calloc (session->n_slots + 1, sizeof *records);
  int32_t         *last_use = calloc (session->n_slots + 1, sizeof *last_use);
  uint32_t         n_records = 0;
  lt_status        status;

  if (records == NULL || last_use == NULL)
    {
      free (records);
      free (last_use);
      return fail_no_memory (err);
    }
  for (uint32_t s = 0; s < session->n_steps; s++)
    for (uint32_t i = 0; i < session->steps[s].n_inputs; i++)
      if (session->steps[s].input_ids[i] >= 0)
        last_use[session->steps[s].input_ids[i]] = (int32_t) s;
  for (uint32_t i = 0; i < n_outputs; i++)
    last_use[outputs[i]] = (int32_t) session->n_steps;

  for (uint32_t s = 0; s < session->n_steps; s++)
    {
      exec_step *step = &session->steps[s];
      int32_t    in0 = step->n_inputs > 0 ? step->input_ids[0] : -1;
      for (uint32_t o = 0; o < step->n_outputs; o++)
        {
          int32_t id = step->output_ids[o];
          if (id < 0)
            continue;
          value_slot *slot = &session->slots[id];
          int32_t     last = last_use[id] > (int32_t) s ? last_use[id] : (int32_t) s;
          if (slot->type_kind != LT_TYPE_TENSOR)
            {
              slot->kind = SLOT_CONTAINER;
              continue;
            }
          slot->kind = SLOT_ARENA;
          if (o == 0 && step->kernel->in_place && in0 >= 0
              && session->slots[in0].kind == SLOT_ARENA
              && last_use[in0] == (int32_t) s
              && !lt_graph_get_value (session->graph, in0)->is_output
              && session->slots[in0].nbytes == slot->nbytes
              && session->slots[in0].count == slot->count)
            {
              slot->record = session->slots[in0].record;
              records[slot->record].last = last;
              continue;
            }
          slot->record = (int32_t) n_records;
          records[n_records].size = slot->nbytes;
          records[n_records].first = (int32_t) s;
          records[n_records].last = last;
          n_records++;
        }
    }
  free (last_use);

  for (uint32_t v = 0; v < session->n_slots; v++)
    if (session->slots[v].kind == SLOT_ARENA)
      session->unplanned_bytes += session->slots[v].nbytes;
  status = lt_memory_plan (records, n_records, LT_SESSION_ALIGN, &session->arena_bytes, err);
  if (status == LT_OK && session->arena_bytes > 0)
    {
      session->arena = aligned_alloc (LT_SESSION_ALIGN, session->arena_bytes);
      if (session->arena == NULL)
        status = fail_no_memory (err);
      else /* touch every page now, so the first run does not fault them in */
        memset (session->arena, 0, session->arena_bytes);
    }
  if (status == LT_OK)
    for (uint32_t v = 0; v < session->n_slots; v++)
      if (session->slots[v].kind == SLOT_ARENA)
        session->slots[v].data = session->slots[v].count > 0
                                   ? (char *) session->arena + records[session->slots[v].record].offset
                                   : NULL;
  free (records);
  return status;
}

/* Gives each computed sequence or optional its value. */
static lt_status
place_containers (lt_session *session,
                  lt_error   *err)
{
  uint32_t n = 0;

  for (uint32_t v = 0; v < session->n_slots; v++)
    n += session->slots[v].kind == SLOT_CONTAINER;
  session->containers = calloc (n + 1, sizeof *session->containers);
  if (session->containers == NULL)
    return fail_no_memory (err);
  for (uint32_t v = 0; v < session->n_slots; v++)
    if (session->slots[v].kind == SLOT_CONTAINER)
      {
        lt_seq_value *value = lt_seq_value_new ();
        if (value == NULL)
          return fail_no_memory (err);
        session->containers[session->n_containers++] = value;
        session->slots[v].data = value;
      }
  return LT_OK;
}

static lt_status
prepare_slots (lt_session *session,
               lt_error   *err)
{
  uint32_t       n_inputs;
  const int32_t *inputs = lt_graph_get_inputs (session->graph, &n_inputs);
  uint32_t       n_values = lt_graph_get_n_values (session->graph);
  lt_status      status;

  session->n_slots = n_values + lt_fold_plan_get_n_extra (session->folds);
  session->slots = calloc (session->n_slots + 1, sizeof *session->slots);
  session->outer_ids = calloc (lt_subgraph_count_outer (session->graph) + 1, sizeof *session->outer_ids);
  if (session->slots == NULL || session->outer_ids == NULL)
    return fail_no_memory (err);
  for (uint32_t v = 0; v < n_values; v++)
    {
      const lt_value *value = lt_graph_get_value (session->graph, (int32_t) v);
      status = LT_OK;
      if (value->kind == LT_VALUE_CONSTANT)
        {
          const lt_tensor *constant = session->replaced != NULL && session->replaced[v] != NULL
                                        ? session->replaced[v]
                                        : value->constant;
          status = place_constant (session, &session->slots[v], constant, err);
        }
      else if (value->kind == LT_VALUE_OUTER)
        {
          session->outer_ids[session->n_outer++] = (int32_t) v;
          status = type_slot (session, (int32_t) v, err);
          session->slots[v].kind = SLOT_OUTER;
        }
      if (status != LT_OK)
        return status;
    }
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      value_slot *slot = &session->slots[inputs[i]];
      status = type_slot (session, inputs[i], err);
      if (status != LT_OK)
        return status;
      slot->kind = SLOT_INPUT;
    }
  for (uint32_t k = 0; k < lt_fold_plan_get_n_extra (session->folds); k++)
    {
      status = place_constant (session, &session->slots[n_values + k], lt_fold_plan_get_extra (session->folds, k), err);
      if (status != LT_OK)
        return status;
    }
  return LT_OK;
}

static lt_status
session_reshape (lt_session          *session,
                 const lt_value_type *inputs,
                 const lt_value_type *outer,
                 lt_error            *err)
{
  const lt_graph *graph = session->graph;
  uint32_t        n_nodes = lt_graph_get_n_nodes (graph);
  const int32_t  *order = lt_graph_get_order (graph);
  uint32_t        n_inputs, n_outputs;
  const int32_t  *input_ids = lt_graph_get_inputs (graph, &n_inputs);
  const int32_t  *output_ids = lt_graph_get_outputs (graph, &n_outputs);
  lt_status       status;

  reset_plan (session);
  status = lt_shape_inference_run_subgraph (session->inference, inputs, outer, false, err);
  if (status != LT_OK)
    return status;
  status = lt_fold_plan_new (graph, session->replaced, lt_graph_get_n_values (graph),
                             &session->folds, err);
  /* An observer or a transform is shown every value a kernel makes, so
   * with one the pre-activation values stay, unless the observer takes
   * them and clamps them itself. */
  if (status == LT_OK && session->options.transform_fn == NULL
      && (session->options.observer_fn == NULL || session->options.observer_clamp_fn != NULL))
    status = lt_activation_plan_new (graph, session->inference, session->folds, &session->activations, err);
  if (status == LT_OK)
    status = prepare_slots (session, err);
  if (status != LT_OK)
    goto fail;

  session->steps = calloc (n_nodes + 1, sizeof *session->steps);
  session->step_of_node = malloc ((n_nodes + 1) * sizeof *session->step_of_node);
  session->input_types = calloc (n_inputs + 1, sizeof *session->input_types);
  session->input_bound = calloc (n_inputs + 1, sizeof *session->input_bound);
  session->outputs = calloc (n_outputs + 1, sizeof *session->outputs);
  if (session->steps == NULL || session->step_of_node == NULL || session->input_types == NULL
      || session->input_bound == NULL || session->outputs == NULL)
    {
      status = fail_no_memory (err);
      goto fail;
    }
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      session->input_types[i] = *lt_shape_inference_get (session->inference, input_ids[i]);
      session->input_types[i].data = NULL;
      session->input_types[i].sequence = NULL;
    }

  for (uint32_t n = 0; n < n_nodes; n++)
    {
      int32_t    node_id = order[n];
      exec_step *step;

      session->step_of_node[node_id] = -1;
      if (lt_fold_is_removed (session->folds, node_id) || lt_activation_is_removed (session->activations, node_id))
        continue;
      step = &session->steps[session->n_steps++];
      status = build_step (session, step, node_id, err);
      if (status == LT_OK)
        status = check_op_has_kernels (session, node_id, err);
      for (uint32_t o = 0; status == LT_OK && o < step->n_outputs; o++)
        if (step->output_ids[o] >= 0)
          status = type_slot (session, step->output_ids[o], err);
      if (status == LT_OK)
        status = select_kernel (session, step, err);
      if (status != LT_OK)
        goto fail;
      session->step_of_node[node_id] = (int32_t) session->n_steps - 1;
    }

  for (uint32_t i = 0; i < n_outputs; i++)
    if (session->slots[output_ids[i]].kind == SLOT_UNUSED)
      {
        /* An output no node produces here (a folded-away value cannot be an
         * output, so this is a value shape inference left untyped). */
        status = type_slot (session, output_ids[i], err);
        if (status != LT_OK)
          goto fail;
      }
  status = plan_memory (session, err);
  if (status == LT_OK)
    status = place_containers (session, err);
  if (status != LT_OK)
    goto fail;
  if (session->scratch_bytes > 0)
    {
      session->scratch = aligned_alloc (LT_SESSION_ALIGN, (session->scratch_bytes + LT_SESSION_ALIGN - 1) / LT_SESSION_ALIGN * LT_SESSION_ALIGN);
      if (session->scratch == NULL)
        {
          status = fail_no_memory (err);
          goto fail;
        }
      memset (session->scratch, 0, session->scratch_bytes);
    }
  /* Inputs with a default initializer run with it until bound. */
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      const lt_value *value = lt_graph_get_value (graph, input_ids[i]);
      if (value->constant != NULL && value->constant->count == session->slots[input_ids[i]].count)
        {
          status = aligned_data (session, value->constant, &session->slots[input_ids[i]].data, err);
          if (status != LT_OK)
            goto fail;
          session->input_bound[i] = true;
        }
    }
  /* Until a run, outputs show their planned types. */
  for (uint32_t i = 0; i < n_outputs; i++)
    slot_to_tensor (session, output_ids[i], &session->outputs[i]);
  session->reshaped = true;
  return LT_OK;

fail:
  reset_plan (session);
  return status;
}

lt_status
lt_session_reshape (lt_session          *session,
                    const lt_value_type *inputs,
                    lt_error            *err)
{
  return session_reshape (session, inputs, NULL, err);
}

lt_status
lt_session_reshape_subgraph (lt_session          *session,
                             const lt_value_type *inputs,
                             const lt_value_type *outer,
                             lt_error            *err)
{
  return session_reshape (session, inputs, outer, err);
}

lt_status
lt_session_check_types (lt_session          *session,
                        const lt_value_type *inputs,
                        const lt_value_type *outer,
                        lt_error            *err)
{
  uint32_t  n_values = lt_graph_get_n_values (session->graph);
  lt_status status = lt_shape_inference_run_subgraph (session->inference, inputs, outer, false, err);

  for (uint32_t v = 0; status == LT_OK && v < n_values; v++)
    {
      const value_slot     *slot = &session->slots[v];
      const lt_value_type  *type = lt_shape_inference_get (session->inference, (int32_t) v);
      const char           *name = lt_graph_get_value (session->graph, (int32_t) v)->name;
      bool                  same = type->dtype == slot->dtype && type->shape.rank == slot->rank;

      if (slot->kind != SLOT_ARENA)
        continue;
      for (int32_t d = 0; same && d < slot->rank; d++)
        same = type->shape.dims[d].size == slot->dims[d];
      if (!same)
        status = lt_error_set (err, LT_ERR_UNSUPPORTED, name,
                               "the shape of value '%s' changes from one run of the subgraph to the next", name);
    }
  return status;
}

void
lt_session_bind_outer (lt_session *session,
                       uint32_t    index,
                       const void *data)
{
  if (index < session->n_outer)
    session->slots[session->outer_ids[index]].data = (void *) data;
}

lt_status
lt_session_set_constant (lt_session *session,
                         int32_t     value_id,
                         const void *data,
                         size_t      nbytes,
                         lt_error   *err)
{
  uint32_t        n_values = lt_graph_get_n_values (session->graph);
  const lt_value *value;

  if (value_id < 0 || (uint32_t) value_id >= n_values)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "value %d out of range (the graph has %u)", value_id, n_values);
  value = lt_graph_get_value (session->graph, value_id);
  if (value->kind != LT_VALUE_CONSTANT || value->constant == NULL || !lt_dtype_is_float (value->constant->dtype))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "value '%s' is not a floating-point constant",
                         value->name);
  if (data != NULL && nbytes != value->constant->nbytes)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "constant '%s' has %zu bytes, %zu given",
                         value->name, value->constant->nbytes, nbytes);
  if (session->replaced == NULL)
    {
      session->replaced = calloc (n_values + 1, sizeof *session->replaced);
      session->replacements = calloc (n_values + 1, sizeof *session->replacements);
      if (session->replaced == NULL || session->replacements == NULL)
        {
          free (session->replaced);
          free (session->replacements);
          session->replaced = NULL;
          session->replacements = NULL;
          return fail_no_memory (err);
        }
    }
  session->replacements[value_id] = *value->constant;
  session->replacements[value_id].data = data;
  session->replaced[value_id] = data != NULL ? &session->replacements[value_id] : NULL;
  reset_plan (session);
  return LT_OK;
}

const lt_value_type *
lt_session_get_input_type (const lt_session *session,
                           uint32_t          index)
{
  uint32_t n_inputs;
  lt_graph_get_inputs (session->graph, &n_inputs);
  if (!session->reshaped || index >= n_inputs)
    return NULL;
  return &session->input_types[index];
}

lt_status
lt_session_bind_input (lt_session *session,
                       uint32_t    index,
                       const void *data,
                       size_t      nbytes,
                       lt_error   *err)
{
  uint32_t       n_inputs;
  const int32_t *input_ids = lt_graph_get_inputs (session->graph, &n_inputs);

  if (!session->reshaped)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "bind_input before reshape");
  if (index >= n_inputs)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "input %u out of range (the graph has %u)", index, n_inputs);
  value_slot     *slot = &session->slots[input_ids[index]];
  const lt_value *value = lt_graph_get_value (session->graph, input_ids[index]);
  if (slot->type_kind != LT_TYPE_TENSOR)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "input '%s' is %s; bind it with "
                         "lt_session_bind_sequence", value->name, lt_type_kind_name (slot->type_kind));
  if (nbytes != slot->nbytes)
    return lt_error_set (err, LT_ERR_SHAPE, value->name, "input '%s' needs %zu bytes, %zu given",
                         value->name, slot->nbytes, nbytes);
  if (data == NULL && nbytes > 0)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "input '%s' bound to NULL", value->name);
  size_t align = slot->dtype == LT_DTYPE_STRING ? sizeof (lt_bytes) : (lt_dtype_bits (slot->dtype) + 7) / 8;
  if (align > 1 && (uintptr_t) data % align != 0)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, value->name, "input '%s' bound to memory not aligned for %s",
                         value->name, lt_dtype_name (slot->dtype));
  slot->data = (void *) data;
  session->input_bound[index] = true;
  return LT_OK;
}

/* A view of a value a step wrote, with the shape the last run gave it
 * (which may be smaller than planned, see lt_kernel.resizes_outputs). */
static void
step_output_view (const lt_session *session,
                  const exec_step  *step,
                  uint32_t          index,
                  lt_tensor        *view)
{
  const lt_kernel_tensor *out = &step->outputs[index];

  slot_to_tensor (session, step->output_ids[index], view);
  if (!step->kernel->resizes_outputs || out->count == view->count)
    return;
  memcpy (view->dims, out->dims, sizeof view->dims);
  view->count = out->count;
  lt_dtype_storage_size (view->dtype, view->count, &view->nbytes);
  if (view->count == 0)
    view->data = NULL;
}

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* A step that absorbed an activation wrote the pre-activation values into
 * the activation's output: shows them to observer_clamp_fn, then clamps
 * them unless it did. */
static void
show_pre_activation (lt_session      *session,
                     const exec_step *step)
{
  const lt_session_options *options = &session->options;
  float                    *data = step->outputs[0].data;
  lt_tensor                 view;

  step_output_view (session, step, 0, &view);
  view.name = lt_graph_get_value (session->graph, step->pre_activation_id)->name;
  if (!options->observer_clamp_fn (options->observer_data, session->graph, step->pre_activation_id, &view, data,
                                   step->clamp.min, step->clamp.max))
    lt_f32_clamp (data, data, step->outputs[0].count, step->clamp.min, step->clamp.max);
}

lt_status
lt_session_run (lt_session *session,
                lt_error   *err)
{
  uint32_t       n_inputs, n_outputs;
  const int32_t *input_ids = lt_graph_get_inputs (session->graph, &n_inputs);
  const int32_t *output_ids = lt_graph_get_outputs (session->graph, &n_outputs);
  const lt_session_options *options = &session->options;

  if (!session->reshaped)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "run before reshape");
  for (uint32_t i = 0; i < n_inputs; i++)
    if (!session->input_bound[i])
      {
        const char *name = lt_graph_get_value (session->graph, input_ids[i])->name;
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' is not bound", name);
      }

  for (uint32_t s = 0; s < session->n_steps; s++)
    {
      exec_step     *step = &session->steps[s];
      uint64_t       start = 0;
      lt_status      status;
      lt_kernel_call call = {
        .graph = session->graph,
        .node = lt_graph_get_node (session->graph, step->node_id),
        .node_id = step->node_id,
        .n_inputs = step->n_inputs,
        .inputs = step->inputs,
        .n_outputs = step->n_outputs,
        .outputs = step->outputs,
        .state = step->state,
        .scratch = session->scratch,
        .pool = session->pool,
        .err = err,
        .constants = step->constants,
        .clamp = step->fuses_activation && !step->observer_clamps ? &step->clamp : NULL,
      };

      if (options->abort_fn != NULL && options->abort_fn (options->abort_data))
        return lt_error_set (err, LT_ERR_CANCELLED, NULL, "run cancelled");
      for (uint32_t i = 0; i < step->n_inputs; i++)
        if (step->input_ids[i] >= 0)
          step->inputs[i].data = kernel_data (&session->slots[step->input_ids[i]]);
      for (uint32_t o = 0; o < step->n_outputs; o++)
        if (step->output_ids[o] >= 0)
          {
            if (step->kernel->resizes_outputs)
              slot_to_kernel_tensor (&session->slots[step->output_ids[o]], &step->outputs[o]);
            step->outputs[o].data = kernel_data (&session->slots[step->output_ids[o]]);
          }

      if (options->profiling)
        start = now_ns ();
      status = step->kernel->run (&call);
      if (status == LT_OK && step->observer_clamps)
        show_pre_activation (session, step);
      else if (status == LT_OK && step->fuses_activation && !step->kernel->applies_clamp)
        lt_f32_clamp (step->outputs[0].data, step->outputs[0].data, step->outputs[0].count, step->clamp.min,
                      step->clamp.max);
      if (options->profiling)
        step->ns = now_ns () - start;
      if (status != LT_OK)
        return status;

      if (options->observer_fn != NULL || options->transform_fn != NULL)
        for (uint32_t o = 0; o < step->n_outputs; o++)
          if (step->output_ids[o] >= 0 && step->outputs[o].kind == LT_TYPE_TENSOR)
            {
              lt_tensor view;
              step_output_view (session, step, o, &view);
              if (options->transform_fn != NULL)
                options->transform_fn (options->transform_data, session->graph, step->output_ids[o], &view,
                                       session->slots[step->output_ids[o]].data);
              if (options->observer_fn != NULL)
                options->observer_fn (options->observer_data, session->graph, step->output_ids[o], &view);
            }
    }
  for (uint32_t i = 0; i < n_outputs; i++)
    {
      int32_t producer = lt_graph_get_value (session->graph, output_ids[i])->producer;
      int32_t s = producer >= 0 ? session->step_of_node[producer] : -1;
      slot_to_tensor (session, output_ids[i], &session->outputs[i]);
      for (uint32_t o = 0; s >= 0 && o < session->steps[s].n_outputs; o++)
        if (session->steps[s].output_ids[o] == output_ids[i])
          step_output_view (session, &session->steps[s], o, &session->outputs[i]);
    }
  return LT_OK;
}

const lt_tensor *
lt_session_get_output (const lt_session *session,
                       uint32_t          index)
{
  uint32_t       n_outputs;
  const int32_t *output_ids = lt_graph_get_outputs (session->graph, &n_outputs);
  if (!session->reshaped || index >= n_outputs || session->slots[output_ids[index]].type_kind != LT_TYPE_TENSOR)
    return NULL;
  return &session->outputs[index];
}

lt_type_kind
lt_session_get_output_kind (const lt_session *session,
                            uint32_t          index)
{
  uint32_t       n_outputs;
  const int32_t *output_ids = lt_graph_get_outputs (session->graph, &n_outputs);
  if (!session->reshaped || index >= n_outputs)
    return LT_TYPE_TENSOR;
  return session->slots[output_ids[index]].type_kind;
}

const lt_sequence *
lt_session_get_sequence_output (const lt_session *session,
                                uint32_t          index)
{
  uint32_t       n_outputs;
  const int32_t *output_ids = lt_graph_get_outputs (session->graph, &n_outputs);
  if (!session->reshaped || index >= n_outputs || session->slots[output_ids[index]].type_kind == LT_TYPE_TENSOR)
    return NULL;
  return session->slots[output_ids[index]].data;
}

/* Whether tensor `t` may be an element of a container slot: its dtype,
 * dims where the slot knows them, data that matches and is aligned. */
static bool
element_fits (const value_slot *slot,
              const lt_tensor  *t)
{
  uint64_t count = 1;
  size_t   nbytes;
  size_t   align = (lt_dtype_bits (t->dtype) + 7) / 8;

  if ((slot->dtype != LT_DTYPE_UNDEFINED && t->dtype != slot->dtype) || t->dtype == LT_DTYPE_STRING
      || t->rank < 0 || t->rank > LT_MAX_RANK || (slot->rank >= 0 && t->rank != slot->rank))
    return false;
  for (int32_t d = 0; d < t->rank; d++)
    {
      if (t->dims[d] < 0 || (slot->rank >= 0 && slot->dims[d] >= 0 && t->dims[d] != slot->dims[d]))
        return false;
      count *= (uint64_t) t->dims[d];
    }
  return count == t->count && lt_dtype_storage_size (t->dtype, count, &nbytes) && nbytes == t->nbytes
         && (count == 0 || t->data != NULL) && (align <= 1 || (uintptr_t) t->data % align == 0);
}

lt_status
lt_session_bind_sequence (lt_session        *session,
                          uint32_t           index,
                          const lt_sequence *value,
                          lt_error          *err)
{
  uint32_t          n_inputs;
  const int32_t    *input_ids = lt_graph_get_inputs (session->graph, &n_inputs);
  value_slot       *slot;
  const char       *name;

  if (!session->reshaped)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "bind_sequence before reshape");
  if (index >= n_inputs)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "input %u out of range (the graph has %u)", index, n_inputs);
  slot = &session->slots[input_ids[index]];
  name = lt_graph_get_value (session->graph, input_ids[index])->name;
  if (slot->type_kind == LT_TYPE_TENSOR)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' is a tensor; bind it with "
                         "lt_session_bind_input", name);
  if (value == NULL || (value->count > 0 && value->tensors == NULL))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' bound to NULL", name);
  if (!value->has_value && (slot->type_kind == LT_TYPE_SEQUENCE || value->count > 0))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' is %s: it cannot be an empty optional "
                         "or one with tensors", name, lt_type_kind_name (slot->type_kind));
  if (value->has_value && slot->type_kind == LT_TYPE_OPTIONAL_TENSOR && value->count != 1)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' is an optional tensor: it holds one "
                         "tensor, %u given", name, value->count);
  for (uint32_t k = 0; k < value->count; k++)
    if (!element_fits (slot, &value->tensors[k]))
      return lt_error_set (err, LT_ERR_SHAPE, name, "tensor %u of input '%s' does not have the dtype and shape "
                           "the input was reshaped to, or its data does not match its dims (or is not aligned)",
                           k, name);
  slot->data = (void *) value;
  session->input_bound[index] = true;
  return LT_OK;
}

uint64_t
lt_session_get_arena_bytes (const lt_session *session)
{
  return session->arena_bytes;
}

uint64_t
lt_session_get_unplanned_bytes (const lt_session *session)
{
  return session->unplanned_bytes;
}

/* The step that runs a node, or NULL (out of range, not reshaped,
 * folded away). */
static const exec_step *
step_of (const lt_session *session,
         int32_t           node_id)
{
  if (!session->reshaped || node_id < 0 || (uint32_t) node_id >= lt_graph_get_n_nodes (session->graph)
      || session->step_of_node[node_id] < 0)
    return NULL;
  return &session->steps[session->step_of_node[node_id]];
}

const char *
lt_session_get_kernel_name (const lt_session *session,
                            int32_t           node_id)
{
  const exec_step *step = step_of (session, node_id);
  return step != NULL ? step->kernel->name : NULL;
}

bool
lt_session_value_is_computed (const lt_session *session,
                              int32_t           value_id)
{
  if (!session->reshaped || value_id < 0 || (uint32_t) value_id >= lt_graph_get_n_values (session->graph)
      || lt_graph_get_value (session->graph, value_id)->producer < 0)
    return false;
  /* A folded Conv's step writes its BatchNormalization's output, so the
   * producer's step alone does not tell: look at what every step writes.
   * A step whose activation stays fused while observed shows its
   * pre-activation value to the observer: that value is computed too. */
  for (uint32_t s = 0; s < session->n_steps; s++)
    {
      const exec_step *step = &session->steps[s];
      if (step->observer_clamps && step->pre_activation_id == value_id)
        return true;
      for (uint32_t o = 0; o < step->n_outputs; o++)
        if (step->output_ids[o] == value_id)
          return true;
    }
  return false;
}

uint64_t
lt_session_get_node_ns (const lt_session *session,
                        int32_t           node_id)
{
  const exec_step *step = step_of (session, node_id);
  return step != NULL ? step->ns : 0;
}
