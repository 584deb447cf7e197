/* shape-control.c — shape functions of the ops with subgraphs: If, Loop
 * and SequenceMap.
 *
 * Each subgraph is inferred in an inference of its own, with the types this
 * graph's inference found for the values it reads from here (its outer
 * values) and, for a Loop body, the types of the iteration number, the
 * condition and the initial carried values; a body whose shapes depend
 * on the iteration number, once per iteration (see LT_LOOP_CHECKED_MAX),
 * its output types merged.  What the subgraph cannot say is left unset or
 * taken from what the file declares.
 *
 * A Loop's scan output gets as first dimension the trip count when its
 * contents are known, else the one the file declares: an upper bound of
 * the rows when the condition stops the loop early (sessions then give the
 * scan output the rows it got, see exec/control-loop.c).
 */
#include "shape-private.h"

#include <stdlib.h>

/* Infers `sub` with these input types (may be NULL) and the outer types
 * taken from this graph's inference.  Returns the inference (to free), or
 * NULL with *status LT_ERR_UNSUPPORTED when it failed: a contradiction in
 * a subgraph (maybe a branch never taken with these shapes) leaves the
 * node's outputs as declared; a session running the subgraph reports it. */
static lt_shape_inference *
infer_subgraph (lt_shape_ctx        *ctx,
                const lt_graph      *sub,
                const lt_value_type *inputs,
                lt_status           *status)
{
  uint32_t            n_values = lt_graph_get_n_values (sub);
  lt_value_type      *outer = calloc (n_values + 1, sizeof *outer);
  lt_shape_inference *si = lt_shape_inference_new (sub);
  uint32_t            n_outer = 0;
  lt_error            err;

  *status = LT_ERR_UNSUPPORTED;
  if (outer == NULL || si == NULL)
    {
      free (outer);
      lt_shape_inference_free (si);
      return NULL;
    }
  for (uint32_t v = 0; v < n_values; v++)
    {
      const lt_value *value = lt_graph_get_value (sub, (int32_t) v);
      if (value->kind != LT_VALUE_OUTER)
        continue;
      /* the subgraph resolved the name through this graph */
      outer[n_outer++] = *lt_shape_inference_get (ctx->si, lt_graph_find_value (ctx->graph, value->name));
    }
  *status = lt_shape_inference_run_subgraph (si, inputs, outer, false, &err) == LT_OK ? LT_OK : LT_ERR_UNSUPPORTED;
  free (outer);
  if (*status != LT_OK)
    {
      lt_shape_inference_free (si);
      return NULL;
    }
  return si;
}

/* The type of output `index` of an inferred subgraph. */
static const lt_value_type *
subgraph_output (const lt_shape_inference *si,
                 const lt_graph           *sub,
                 uint32_t                  index)
{
  uint32_t       n;
  const int32_t *outputs = lt_graph_get_outputs (sub, &n);
  return index < n ? lt_shape_inference_get (si, outputs[index]) : NULL;
}

static const lt_graph *
graph_attr (const lt_node *node,
            const char    *name)
{
  const lt_attr *attr = lt_node_get_attr (node, name);
  return attr != NULL && attr->type == LT_ATTR_GRAPH ? attr->v.g : NULL;
}

void
lt_shape_merge_types (const lt_value_type *a,
                      const lt_value_type *b,
                      lt_value_type       *out)
{
  lt_type_kind kind = a->kind;

  if (lt_shape_kind_accepts (a->kind, b->kind))
    kind = a->kind;
  else if (lt_shape_kind_accepts (b->kind, a->kind))
    kind = b->kind;
  out->dtype = a->dtype == b->dtype && lt_shape_kind_accepts (kind, a->kind) && lt_shape_kind_accepts (kind, b->kind)
                 ? a->dtype
                 : LT_DTYPE_UNDEFINED;
  out->kind = kind;
  out->data = NULL;
  if (a->shape.rank < 0 || a->shape.rank != b->shape.rank)
    {
      lt_shape_set_unknown (&out->shape);
      return;
    }
  out->shape = a->shape;
  for (int32_t d = 0; d < a->shape.rank; d++)
    out->shape.dims[d] = lt_dim_conflict (a->shape.dims[d], b->shape.dims[d])
                           ? lt_dim_unknown ()
                           : lt_dim_unify (a->shape.dims[d], b->shape.dims[d]);
}

/* Sets output `index` to `type` when its dtype and rank are known (for a
 * sequence or optional, its dtype), dims the subgraph leaves unknown taken
 * from what the file declares. */
static void
set_output (lt_shape_ctx  *ctx,
            uint32_t       index,
            lt_value_type *type)
{
  const lt_value *declared;

  if (type->dtype == LT_DTYPE_UNDEFINED || ctx->node->outputs[index] < 0)
    return;
  if (type->kind != LT_TYPE_TENSOR)
    {
      if (type->kind == LT_TYPE_SEQUENCE)
        lt_shape_set_output_sequence (ctx, index, type->dtype, &type->shape, -1, NULL);
      else
        lt_shape_set_output_container (ctx, index, type->kind, type->dtype, &type->shape);
      return;
    }
  if (type->shape.rank < 0)
    return;
  declared = lt_graph_get_value (ctx->graph, ctx->node->outputs[index]);
  for (int32_t d = 0; declared->shape.rank == type->shape.rank && d < type->shape.rank; d++)
    if (type->shape.dims[d].size < 0 && type->shape.dims[d].param == NULL)
      type->shape.dims[d] = declared->shape.dims[d];
  lt_shape_set_output (ctx, index, type->dtype, &type->shape);
}

lt_status
lt_shape_if (lt_shape_ctx *ctx)
{
  const lt_graph     *branches[2] = { graph_attr (ctx->node, "else_branch"), graph_attr (ctx->node, "then_branch") };
  lt_shape_inference *si[2] = { NULL, NULL };
  int64_t             cond;
  uint32_t            n;
  int                 only = -1; /* the branch taken, when the condition is known */
  lt_status           status = LT_OK;

  if (branches[0] == NULL || branches[1] == NULL)
    return lt_shape_fail_attr (ctx, "needs graph attributes then_branch and else_branch");
  if (lt_shape_input_ints (ctx, 0, &cond, 1, &n) && n == 1)
    only = cond != 0;
  for (int b = 0; b < 2 && status == LT_OK; b++)
    if (only < 0 || only == b)
      si[b] = infer_subgraph (ctx, branches[b], NULL, &status);
  for (uint32_t o = 0; status == LT_OK && o < ctx->node->n_outputs; o++)
    {
      const lt_value_type *a = subgraph_output (si[only < 0 ? 0 : only], branches[only < 0 ? 0 : only], o);
      const lt_value_type *b = subgraph_output (si[only < 0 ? 1 : only], branches[only < 0 ? 1 : only], o);
      lt_value_type        merged;

      if (a == NULL || b == NULL)
        {
          status = lt_shape_fail_attr (ctx, "has more outputs than its branches");
          break;
        }
      lt_shape_merge_types (a, b, &merged);
      set_output (ctx, o, &merged);
    }
  lt_shape_inference_free (si[0]);
  lt_shape_inference_free (si[1]);
  return status;
}

/* The first dimension of a scan output: the trip count when known. */
static lt_dim
scan_rows (lt_shape_ctx *ctx)
{
  int64_t  trips;
  uint32_t n;

  if (ctx->node->n_inputs > 0 && ctx->node->inputs[0] >= 0 && lt_shape_input_ints (ctx, 0, &trips, 1, &n) && n == 1
      && trips >= 0)
    return lt_dim_known (trips);
  return lt_dim_unknown ();
}

bool
lt_loop_body_checks_iterations (const lt_graph *body,
                                int64_t         trips)
{
  if (trips < 1 || trips > LT_LOOP_CHECKED_MAX)
    return false;
  for (uint32_t n = 0; n < lt_graph_get_n_nodes (body); n++)
    {
      const lt_node *node = lt_graph_get_node (body, (int32_t) n);
      for (uint32_t a = 0; a < node->n_attrs; a++)
        if (node->attrs[a].type == LT_ATTR_GRAPH || node->attrs[a].type == LT_ATTR_GRAPHS)
          return false;
    }
  return true;
}

/* Whether a type is fully known. */
static bool
is_complete (const lt_value_type *type)
{
  uint64_t count;
  return type->dtype != LT_DTYPE_UNDEFINED && (type->kind != LT_TYPE_TENSOR || lt_shape_count (&type->shape, &count));
}

/* The types of the body's outputs (n of them, after the condition) into
 * `out`: from one inference with the iteration number unknown, or, when
 * that leaves some unknown and the trip count is known (see
 * lt_loop_body_checks_iterations), merged over an inference per iteration
 * number. */
static lt_status
infer_body_outputs (lt_shape_ctx   *ctx,
                    const lt_graph *body,
                    lt_value_type  *inputs,
                    uint32_t        n,
                    lt_value_type  *out)
{
  int64_t             iteration = 0;
  lt_tensor           iteration_data = { .name = "", .dtype = LT_DTYPE_I64, .count = 1, .data = &iteration,
                                         .nbytes = sizeof iteration };
  lt_dim              trips = scan_rows (ctx);
  bool                complete = true;
  lt_status           status;
  lt_shape_inference *si = infer_subgraph (ctx, body, inputs, &status);

  for (uint32_t o = 0; si != NULL && o < n; o++)
    {
      const lt_value_type *t = subgraph_output (si, body, 1 + o);
      lt_shape_set_unknown (&out[o].shape);
      out[o].dtype = LT_DTYPE_UNDEFINED;
      if (t != NULL)
        out[o] = (lt_value_type) { .dtype = t->dtype, .shape = t->shape, .kind = t->kind };
      complete = complete && is_complete (&out[o]);
    }
  lt_shape_inference_free (si);
  if (status != LT_OK || complete || !lt_loop_body_checks_iterations (body, trips.size))
    return status;
  inputs[0].data = &iteration_data;
  for (iteration = 0; status == LT_OK && iteration < trips.size; iteration++)
    {
      si = infer_subgraph (ctx, body, inputs, &status);
      for (uint32_t o = 0; si != NULL && o < n; o++)
        {
          const lt_value_type *t = subgraph_output (si, body, 1 + o);
          if (t == NULL)
            lt_shape_set_unknown (&out[o].shape);
          else if (iteration == 0)
            out[o] = (lt_value_type) { .dtype = t->dtype, .shape = t->shape, .kind = t->kind };
          else
            lt_shape_merge_types (&out[o], t, &out[o]);
        }
      lt_shape_inference_free (si);
    }
  inputs[0].data = NULL;
  return status;
}

lt_status
lt_shape_loop (lt_shape_ctx *ctx)
{
  const lt_graph *body = graph_attr (ctx->node, "body");
  uint32_t        n_carried = ctx->node->n_inputs >= 2 ? ctx->node->n_inputs - 2 : 0;
  uint32_t        n_outputs = ctx->node->n_outputs;
  lt_value_type  *inputs, *body_out;
  lt_status       status;

  if (body == NULL)
    return lt_shape_fail_attr (ctx, "needs a graph attribute body");
  inputs = calloc (n_carried + 3, sizeof *inputs);
  body_out = calloc (n_outputs + 1, sizeof *body_out);
  if (inputs == NULL || body_out == NULL)
    {
      free (inputs);
      free (body_out);
      return LT_ERR_UNSUPPORTED;
    }
  inputs[0] = (lt_value_type) { .dtype = LT_DTYPE_I64, .shape = { .rank = 0 } };
  inputs[1] = (lt_value_type) { .dtype = LT_DTYPE_BOOL, .shape = { .rank = 0 } };
  for (uint32_t j = 0; j < n_carried; j++)
    {
      const lt_value_type *initial = lt_shape_input (ctx, 2 + j);
      if (initial != NULL)
        inputs[2 + j] = (lt_value_type) { .dtype = initial->dtype, .shape = initial->shape, .kind = initial->kind };
      else
        lt_shape_set_unknown (&inputs[2 + j].shape);
    }
  status = infer_body_outputs (ctx, body, inputs, n_outputs, body_out);
  for (uint32_t o = 0; status == LT_OK && o < n_outputs; o++)
    {
      const lt_value_type *t = &body_out[o];
      lt_value_type        out = { .kind = LT_TYPE_TENSOR };

      if (o < n_carried)
        lt_shape_merge_types (&inputs[2 + o], t, &out);
      else if (t->kind == LT_TYPE_TENSOR && t->shape.rank >= 0 && t->shape.rank < LT_MAX_RANK
               && t->dtype != LT_DTYPE_UNDEFINED)
        {
          out.dtype = t->dtype;
          out.shape.rank = t->shape.rank + 1;
          out.shape.dims[0] = scan_rows (ctx);
          for (int32_t d = 0; d < t->shape.rank; d++)
            out.shape.dims[1 + d] = t->shape.dims[d];
        }
      else
        continue;
      set_output (ctx, o, &out);
    }
  free (inputs);
  free (body_out);
  return status;
}

/* SequenceMap: the body inferred with the tensors' shared type for each
 * sequence input (the tensor itself for the others); each output a
 * sequence as long as the input of the body's output type, or of the
 * dtype the body declares when inference cannot tell. */
lt_status
lt_shape_sequence_map (lt_shape_ctx *ctx)
{
  const lt_graph     *body = graph_attr (ctx->node, "body");
  uint32_t            n_inputs = ctx->node->n_inputs, n_body_outputs;
  const int32_t      *body_outputs;
  lt_value_type      *inputs;
  lt_shape_inference *si;
  lt_status           status;

  if (body == NULL)
    return lt_shape_fail_attr (ctx, "needs a graph attribute body");
  body_outputs = lt_graph_get_outputs (body, &n_body_outputs);
  if (n_body_outputs != ctx->node->n_outputs)
    return lt_shape_fail_attr (ctx, "has %u outputs, its body %u", ctx->node->n_outputs, n_body_outputs);
  inputs = calloc (n_inputs + 1, sizeof *inputs);
  if (inputs == NULL)
    return LT_ERR_UNSUPPORTED;
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      const lt_value_type *t = lt_shape_input (ctx, i);
      lt_shape_set_unknown (&inputs[i].shape);
      if (t != NULL)
        {
          inputs[i].dtype = t->dtype;
          inputs[i].shape = t->shape;
        }
    }
  si = infer_subgraph (ctx, body, inputs, &status);
  for (uint32_t o = 0; o < n_body_outputs; o++)
    {
      const lt_value_type *t = si != NULL ? subgraph_output (si, body, o) : NULL;
      const lt_value      *declared = lt_graph_get_value (body, body_outputs[o]);
      if (t != NULL && t->dtype != LT_DTYPE_UNDEFINED)
        lt_shape_set_output_sequence (ctx, o, t->dtype, &t->shape, lt_shape_input_length (ctx, 0), NULL);
      else
        lt_shape_set_output_sequence (ctx, o, declared->dtype, NULL, lt_shape_input_length (ctx, 0), NULL);
    }
  lt_shape_inference_free (si);
  free (inputs);
  return LT_OK;
}
