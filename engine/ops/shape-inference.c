/* shape-inference.c — the driver of type and shape inference, and the
 * helpers the per-op shape functions share.
 *
 * One slot per value of the graph holds what is known about it: its type,
 * the propagated contents of small tensors (lt_sym elements) and, when
 * every element is known, those contents as an lt_tensor for callers.  A
 * run starts from the declared types (or the caller's), walks the nodes in
 * topological order and asks each op's shape function for its outputs.
 * Memory owned by a slot is freed at the next run or at free; the graph is
 * never written.
 */
#include "shape-private.h"

#include "checked.h"
#include "op-schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct value_slot
{
  lt_value_type type;
  bool          inferred; /* type computed by a shape function, not as declared */
  lt_sym       *sym;      /* n_sym elements, or NULL; owned */
  uint32_t      n_sym;
  lt_tensor     tensor; /* data exposed through type.data when owned_data */
  void         *owned_data;
  int64_t       seq_length; /* a sequence's number of tensors when known, else -1 */
  lt_shape     *elems;      /* a sequence's seq_length tensor shapes when known, or NULL; owned */
} value_slot;

struct lt_shape_inference
{
  const lt_graph *graph;
  value_slot     *slots; /* one per value */
  uint32_t        n_slots;
};

lt_shape_inference *
lt_shape_inference_new (const lt_graph *graph)
{
  lt_shape_inference *si = calloc (1, sizeof *si);

  if (si == NULL)
    return NULL;
  si->graph = graph;
  si->n_slots = lt_graph_get_n_values (graph);
  si->slots = si->n_slots ? calloc (si->n_slots, sizeof *si->slots) : NULL;
  if (si->n_slots && si->slots == NULL)
    {
      free (si);
      return NULL;
    }
  return si;
}

static void
release_slots (lt_shape_inference *si)
{
  for (uint32_t i = 0; i < si->n_slots; i++)
    {
      free (si->slots[i].sym);
      free (si->slots[i].owned_data);
      free (si->slots[i].elems);
    }
  if (si->n_slots)
    memset (si->slots, 0, si->n_slots * sizeof *si->slots);
}

void
lt_shape_inference_free (lt_shape_inference *si)
{
  if (si == NULL)
    return;
  release_slots (si);
  free (si->slots);
  free (si);
}

const lt_value_type *
lt_shape_inference_get (const lt_shape_inference *si,
                        int32_t                   value_id)
{
  if (value_id < 0 || (uint32_t) value_id >= si->n_slots)
    return NULL;
  return &si->slots[value_id].type;
}

bool
lt_shape_inference_is_inferred (const lt_shape_inference *si,
                                int32_t                   value_id)
{
  if (value_id < 0 || (uint32_t) value_id >= si->n_slots)
    return false;
  return si->slots[value_id].inferred;
}

/* ---- tensors <-> propagated elements ----------------------------------- */

static bool
dtype_is_exact_integer (lt_dtype dtype)
{
  switch (dtype)
    {
    case LT_DTYPE_I64:
    case LT_DTYPE_I32:
    case LT_DTYPE_I16:
    case LT_DTYPE_I8:
    case LT_DTYPE_U64:
    case LT_DTYPE_U32:
    case LT_DTYPE_U16:
    case LT_DTYPE_U8:
    case LT_DTYPE_BOOL:
      return true;
    default:
      return false;
    }
}

static bool
dtype_is_propagated_float (lt_dtype dtype)
{
  return dtype == LT_DTYPE_F32 || dtype == LT_DTYPE_F64 || dtype == LT_DTYPE_F16 || dtype == LT_DTYPE_BF16;
}

static int64_t
tensor_get_i64 (const lt_tensor *t,
                uint64_t         i)
{
  const unsigned char *p = t->data;
  union
  {
    int64_t  i64;
    int32_t  i32;
    int16_t  i16;
    int8_t   i8;
    uint64_t u64;
    uint32_t u32;
    uint16_t u16;
    uint8_t  u8;
  } u;
  size_t size = lt_dtype_bits (t->dtype) / 8;

  memcpy (&u, p + i * size, size);
  switch (t->dtype)
    {
    case LT_DTYPE_I64:
      return u.i64;
    case LT_DTYPE_I32:
      return u.i32;
    case LT_DTYPE_I16:
      return u.i16;
    case LT_DTYPE_I8:
      return u.i8;
    case LT_DTYPE_U64:
      return u.u64 > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) u.u64;
    case LT_DTYPE_U32:
      return u.u32;
    case LT_DTYPE_U16:
      return u.u16;
    default:
      return u.u8; /* U8, BOOL */
    }
}

bool
lt_shape_tensor_to_syms (const lt_tensor *t,
                         lt_sym          *out)
{
  bool is_int = dtype_is_exact_integer (t->dtype);

  if (t->count > LT_SHAPE_DATA_MAX || (!is_int && !dtype_is_propagated_float (t->dtype)))
    return false;
  if (t->count > 0 && t->data == NULL)
    return false;
  for (uint64_t i = 0; i < t->count; i++)
    {
      out[i].known = true;
      out[i].param = NULL;
      if (is_int)
        {
          out[i].i = tensor_get_i64 (t, i);
          out[i].f = (double) out[i].i;
        }
      else
        {
          out[i].f = lt_tensor_get_as_double (t, i);
          out[i].i = lt_double_to_i64 (out[i].f);
        }
    }
  return true;
}

/* Fills the slot's elements from a tensor of at most LT_SHAPE_DATA_MAX
 * elements; leaves them unset for other tensors. */
static void
slot_sym_from_tensor (value_slot      *slot,
                      const lt_tensor *t)
{
  lt_sym syms[LT_SHAPE_DATA_MAX];

  if (!lt_shape_tensor_to_syms (t, syms))
    return;
  slot->sym = malloc ((t->count ? t->count : 1) * sizeof *slot->sym);
  if (slot->sym == NULL)
    return;
  memcpy (slot->sym, syms, t->count * sizeof *slot->sym);
  slot->n_sym = (uint32_t) t->count;
}

static void
store_element (void         *dst,
               lt_dtype      dtype,
               const lt_sym *s)
{
  switch (dtype)
    {
    case LT_DTYPE_I64:
      {
        int64_t v = s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_I32:
      {
        int32_t v = (int32_t) s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_I16:
      {
        int16_t v = (int16_t) s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_U16:
      {
        uint16_t v = (uint16_t) s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_U32:
      {
        uint32_t v = (uint32_t) s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_U64:
      {
        uint64_t v = (uint64_t) s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_I8:
    case LT_DTYPE_U8:
    case LT_DTYPE_BOOL:
      {
        uint8_t v = (uint8_t) s->i;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_F32:
      {
        float v = (float) s->f;
        memcpy (dst, &v, sizeof v);
        break;
      }
    case LT_DTYPE_F64:
      {
        double v = s->f;
        memcpy (dst, &v, sizeof v);
        break;
      }
    default:
      break;
    }
}

/* Exposes a computed slot's elements as an lt_tensor when all are known
 * and its dtype is one we can encode. */
static void
slot_publish_data (value_slot *slot)
{
  lt_dtype dtype = slot->type.dtype;
  unsigned size;
  uint64_t count;

  if (slot->sym == NULL || slot->type.data != NULL)
    return;
  if (!lt_shape_count (&slot->type.shape, &count) || count != slot->n_sym)
    return;
  if (!dtype_is_exact_integer (dtype) && dtype != LT_DTYPE_F32 && dtype != LT_DTYPE_F64)
    return;
  for (uint32_t i = 0; i < slot->n_sym; i++)
    if (!slot->sym[i].known)
      return;
  size = lt_dtype_bits (dtype) / 8;
  slot->owned_data = malloc (count ? count * size : 1);
  if (slot->owned_data == NULL)
    return;
  for (uint32_t i = 0; i < slot->n_sym; i++)
    store_element ((unsigned char *) slot->owned_data + (size_t) i * size, dtype, &slot->sym[i]);
  memset (&slot->tensor, 0, sizeof slot->tensor);
  slot->tensor.name = "";
  slot->tensor.dtype = dtype;
  slot->tensor.rank = slot->type.shape.rank;
  for (int32_t d = 0; d < slot->type.shape.rank; d++)
    slot->tensor.dims[d] = slot->type.shape.dims[d].size;
  slot->tensor.count = count;
  slot->tensor.data = count ? slot->owned_data : NULL;
  slot->tensor.nbytes = (size_t) count * size;
  slot->type.data = &slot->tensor;
}

/* ---- the run ----------------------------------------------------------- */

static void
slot_set_from_tensor (value_slot      *slot,
                      const lt_tensor *t)
{
  slot->type.kind = LT_TYPE_TENSOR;
  slot->type.dtype = t->dtype;
  lt_shape_set (&slot->type.shape, t->rank, t->dims);
  slot->type.data = t;
  slot_sym_from_tensor (slot, t);
}

/* Sets a sequence slot's tensor count and shapes (elems NULL: unknown
 * one by one); false when out of memory. */
static bool
slot_set_elements (value_slot     *slot,
                   int64_t         length,
                   const lt_shape *elems)
{
  free (slot->elems);
  slot->elems = NULL;
  slot->seq_length = length;
  if (elems == NULL || length < 0 || length > LT_SHAPE_DATA_MAX)
    return true;
  slot->elems = malloc ((size_t) (length > 0 ? length : 1) * sizeof *slot->elems);
  if (slot->elems == NULL)
    return false;
  if (length > 0)
    memcpy (slot->elems, elems, (size_t) length * sizeof *elems);
  return true;
}

static void
slot_set_declared (value_slot     *slot,
                   const lt_value *v)
{
  slot->type.kind = v->type_kind;
  slot->type.dtype = v->dtype;
  slot->type.shape = v->shape;
  slot->type.data = NULL;
  slot->inferred = false;
  slot_set_elements (slot, -1, NULL);
}

/* A type from the caller or the enclosing graph; a sequence's value
 * gives its tensors' count and shapes. */
static void
slot_set_given (value_slot          *slot,
                const lt_value_type *type)
{
  lt_shape elems[LT_SHAPE_DATA_MAX];

  slot->type.kind = type->kind;
  slot->type.dtype = type->dtype;
  slot->type.shape = type->shape;
  slot->type.sequence = NULL;
  if (type->kind == LT_TYPE_TENSOR && type->data)
    slot_set_from_tensor (slot, type->data);
  if (type->kind != LT_TYPE_SEQUENCE || type->sequence == NULL || type->sequence->count > LT_SHAPE_DATA_MAX)
    return;
  for (uint32_t k = 0; k < type->sequence->count; k++)
    lt_shape_set (&elems[k], type->sequence->tensors[k].rank, type->sequence->tensors[k].dims);
  slot_set_elements (slot, type->sequence->count, elems);
}

static void
init_slots (lt_shape_inference  *si,
            const lt_value_type *inputs,
            const lt_value_type *outer)
{
  const int32_t *in_ids;
  uint32_t       n_in;
  uint32_t       n_outer = 0;

  for (uint32_t id = 0; id < si->n_slots; id++)
    {
      const lt_value *v = lt_graph_get_value (si->graph, (int32_t) id);
      value_slot     *slot = &si->slots[id];

      if (v->kind == LT_VALUE_CONSTANT && v->constant)
        slot_set_from_tensor (slot, v->constant);
      else
        slot_set_declared (slot, v);
      if (v->kind != LT_VALUE_OUTER || outer == NULL)
        continue;
      if (outer[n_outer].dtype != LT_DTYPE_UNDEFINED || outer[n_outer].kind != LT_TYPE_TENSOR)
        slot_set_given (slot, &outer[n_outer]);
      n_outer++;
    }

  in_ids = lt_graph_get_inputs (si->graph, &n_in);
  for (uint32_t k = 0; k < n_in; k++)
    {
      value_slot     *slot = &si->slots[in_ids[k]];
      const lt_value *v = lt_graph_get_value (si->graph, in_ids[k]);

      if (inputs && (inputs[k].dtype != LT_DTYPE_UNDEFINED || inputs[k].kind != LT_TYPE_TENSOR))
        slot_set_given (slot, &inputs[k]);
      else if (v->constant)
        /* An input with a default and no value from the caller: the
         * default is what runs (models of IR < 4 list every weight so). */
        slot_set_from_tensor (slot, v->constant);
    }
}

static lt_status
fail_count (lt_shape_ctx *ctx,
            const char   *what,
            uint32_t      n,
            uint32_t      min,
            uint32_t      max)
{
  if (max == LT_SCHEMA_VARIADIC)
    return lt_shape_fail_attr (ctx, "has %u %s, expected at least %u", n, what, min);
  if (min == max)
    return lt_shape_fail_attr (ctx, "has %u %s, expected %u", n, what, min);
  return lt_shape_fail_attr (ctx, "has %u %s, expected %u to %u", n, what, min, max);
}

/* A node with fewer or more inputs or outputs than its op takes. */
static lt_status
check_arity (lt_shape_ctx *ctx)
{
  const lt_op_schema *schema = lt_op_get_schema ((lt_op) ctx->node->op);

  if (schema == NULL)
    return LT_OK;
  if (ctx->node->n_inputs < schema->min_inputs || ctx->node->n_inputs > schema->max_inputs)
    return fail_count (ctx, "inputs", ctx->node->n_inputs, schema->min_inputs, schema->max_inputs);
  if (ctx->node->n_outputs < schema->min_outputs || ctx->node->n_outputs > schema->max_outputs)
    return fail_count (ctx, "outputs", ctx->node->n_outputs, schema->min_outputs, schema->max_outputs);
  return LT_OK;
}

/* Only the ops that take sequences or optionals may read one. */
static lt_status
check_input_kinds (lt_shape_ctx *ctx)
{
  if (lt_shape_op_takes_containers ((lt_op) ctx->node->op))
    return LT_OK;
  for (uint32_t i = 0; i < ctx->node->n_inputs; i++)
    {
      const lt_value_type *t = lt_shape_input (ctx, i);
      if (t != NULL && t->kind != LT_TYPE_TENSOR)
        return lt_shape_fail_attr (ctx, "input %u ('%s') is %s; %s takes tensors", i,
                                   lt_graph_get_value (ctx->graph, ctx->node->inputs[i])->name,
                                   lt_type_kind_name (t->kind), ctx->node->op_type);
    }
  return LT_OK;
}

static lt_status
run_node (lt_shape_inference *si,
          int32_t             node_id,
          bool                strict,
          lt_error           *err)
{
  const lt_node *node = lt_graph_get_node (si->graph, node_id);
  lt_shape_fn    fn = lt_shape_fn_for_op ((lt_op) node->op);
  lt_shape_ctx   ctx = { .si = si, .graph = si->graph, .node = node, .node_id = node_id, .err = err };
  lt_status      st;
  char           label[LT_ERROR_NAME_MAX];

  if (fn == NULL)
    {
      if (!strict)
        return LT_OK;
      lt_node_describe (si->graph, node_id, label, sizeof label);
      return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "cannot infer the output shapes of op %s%s%s",
                           node->domain[0] ? node->domain : "", node->domain[0] ? "." : "", node->op_type);
    }
  if ((st = check_arity (&ctx)) != LT_OK || (st = check_input_kinds (&ctx)) != LT_OK)
    return st;
  for (uint32_t o = 0; o < node->n_outputs; o++)
    if (node->outputs[o] >= 0)
      {
        value_slot *slot = &si->slots[node->outputs[o]];
        slot->type.kind = LT_TYPE_TENSOR;
        slot_set_elements (slot, -1, NULL);
        slot->type.dtype = LT_DTYPE_UNDEFINED;
        lt_shape_set_unknown (&slot->type.shape);
        slot->type.data = NULL;
      }

  st = fn (&ctx);
  if (st != LT_OK && st != LT_ERR_UNSUPPORTED)
    return st;

  for (uint32_t o = 0; o < node->n_outputs; o++)
    {
      value_slot     *slot;
      const lt_value *v;

      if (node->outputs[o] < 0)
        continue;
      slot = &si->slots[node->outputs[o]];
      v = lt_graph_get_value (si->graph, node->outputs[o]);
      if (st == LT_OK && slot->type.kind != LT_TYPE_TENSOR)
        {
          slot->inferred = true;
          continue;
        }
      if (st == LT_OK && slot->type.shape.rank >= 0 && slot->type.dtype != LT_DTYPE_UNDEFINED)
        {
          uint64_t count;
          /* contents are kept only for a fully known shape of that many
           * elements, so shape functions can index them by shape */
          if (slot->sym && (!lt_shape_count (&slot->type.shape, &count) || count != slot->n_sym))
            {
              free (slot->sym);
              slot->sym = NULL;
              slot->n_sym = 0;
            }
          slot->inferred = true;
          slot_publish_data (slot);
          continue;
        }
      /* Not inferred: keep what the file declares, and the dtype we found
       * when the file declares none. */
      {
        lt_dtype found = slot->type.dtype;
        free (slot->sym);
        slot->sym = NULL;
        slot->n_sym = 0;
        slot_set_declared (slot, v);
        if (slot->type.dtype == LT_DTYPE_UNDEFINED)
          slot->type.dtype = found;
      }
    }
  if (st == LT_ERR_UNSUPPORTED && strict)
    {
      lt_node_describe (si->graph, node_id, label, sizeof label);
      return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                           "cannot infer the output shapes of %s node '%s' (an input shape or value is not known)",
                           node->op_type, label);
    }
  return LT_OK;
}

/* The caller's input types: a rank in range, and contents that match. */
static lt_status
check_inputs (const lt_shape_inference *si,
              const lt_value_type      *inputs,
              lt_error                 *err)
{
  uint32_t       n_in;
  const int32_t *in_ids = lt_graph_get_inputs (si->graph, &n_in);

  for (uint32_t k = 0; k < n_in; k++)
    {
      const lt_value_type *t = &inputs[k];
      const char          *name = lt_graph_get_value (si->graph, in_ids[k])->name;
      bool                 same = true;

      if (t->dtype == LT_DTYPE_UNDEFINED && t->kind == LT_TYPE_TENSOR)
        continue;
      if (!lt_shape_kind_accepts (lt_graph_get_value (si->graph, in_ids[k])->type_kind, t->kind))
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' is %s, %s was given", name,
                             lt_type_kind_name (lt_graph_get_value (si->graph, in_ids[k])->type_kind),
                             lt_type_kind_name (t->kind));
      if (t->kind != LT_TYPE_TENSOR && t->data != NULL)
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' is %s: it has no tensor data", name,
                             lt_type_kind_name (t->kind));
      if ((t->dtype != LT_DTYPE_UNDEFINED && !lt_dtype_is_valid (t->dtype)) || t->shape.rank < -1 || t->shape.rank > LT_MAX_RANK)
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name, "input '%s' has an invalid type or rank", name);
      if (t->data == NULL)
        continue;
      same = t->data->dtype == t->dtype && (t->shape.rank < 0 || t->data->rank == t->shape.rank);
      for (int32_t d = 0; same && d < t->shape.rank; d++)
        same = t->shape.dims[d].size < 0 || t->shape.dims[d].size == t->data->dims[d];
      if (!same)
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, name,
                             "the data given for input '%s' does not have its type and shape", name);
    }
  return LT_OK;
}

lt_status
lt_shape_inference_run (lt_shape_inference  *si,
                        const lt_value_type *inputs,
                        bool                 strict,
                        lt_error            *err)
{
  return lt_shape_inference_run_subgraph (si, inputs, NULL, strict, err);
}

lt_status
lt_shape_inference_run_subgraph (lt_shape_inference  *si,
                                 const lt_value_type *inputs,
                                 const lt_value_type *outer,
                                 bool                 strict,
                                 lt_error            *err)
{
  const int32_t *order = lt_graph_get_order (si->graph);
  uint32_t       n_nodes = lt_graph_get_n_nodes (si->graph);
  lt_status      st;

  if (inputs && (st = check_inputs (si, inputs, err)) != LT_OK)
    return st;
  release_slots (si);
  init_slots (si, inputs, outer);
  for (uint32_t k = 0; k < n_nodes; k++)
    if ((st = run_node (si, order[k], strict, err)) != LT_OK)
      return st;
  return LT_OK;
}

/* ---- helpers for shape functions --------------------------------------- */

static value_slot *
input_slot (const lt_shape_ctx *ctx,
            uint32_t            i)
{
  if (i >= ctx->node->n_inputs || ctx->node->inputs[i] < 0)
    return NULL;
  return &ctx->si->slots[ctx->node->inputs[i]];
}

const lt_value_type *
lt_shape_input (const lt_shape_ctx *ctx,
                uint32_t            i)
{
  value_slot *slot = input_slot (ctx, i);
  return slot ? &slot->type : NULL;
}

const lt_shape *
lt_shape_input_shape (const lt_shape_ctx *ctx,
                      uint32_t            i)
{
  value_slot *slot = input_slot (ctx, i);
  return slot && slot->type.shape.rank >= 0 ? &slot->type.shape : NULL;
}

const lt_sym *
lt_shape_input_data (const lt_shape_ctx *ctx,
                     uint32_t            i,
                     uint32_t           *count)
{
  value_slot *slot = input_slot (ctx, i);

  if (slot == NULL || slot->sym == NULL)
    return NULL;
  *count = slot->n_sym;
  return slot->sym;
}

bool
lt_shape_input_ints (const lt_shape_ctx *ctx,
                     uint32_t            i,
                     int64_t            *out,
                     uint32_t            max,
                     uint32_t           *n)
{
  uint32_t      count;
  const lt_sym *s = lt_shape_input_data (ctx, i, &count);

  if (s == NULL || count > max)
    return false;
  for (uint32_t k = 0; k < count; k++)
    {
      if (!s[k].known)
        return false;
      out[k] = s[k].i;
    }
  *n = count;
  return true;
}

bool
lt_shape_from_input_data (const lt_shape_ctx *ctx,
                          uint32_t            i,
                          lt_shape           *out)
{
  const lt_shape *s = lt_shape_input_shape (ctx, i);
  const lt_sym   *data;
  uint32_t        count;

  if (s == NULL || s->rank != 1 || s->dims[0].size < 0 || s->dims[0].size > LT_MAX_RANK)
    return false;
  lt_shape_set_unknown (out);
  out->rank = (int32_t) s->dims[0].size;
  for (int32_t k = 0; k < out->rank; k++)
    out->dims[k] = lt_dim_unknown ();
  data = lt_shape_input_data (ctx, i, &count);
  if (data && count == (uint32_t) out->rank)
    for (int32_t k = 0; k < out->rank; k++)
      out->dims[k] = lt_dim_from_sym (&data[k]);
  return true;
}

lt_status
lt_shape_ints_attr_or_input (lt_shape_ctx *ctx,
                             const char   *attr,
                             uint32_t      input,
                             int64_t       opset_as_input,
                             int64_t      *out,
                             uint32_t      max,
                             uint32_t     *n,
                             bool         *present)
{
  *present = false;
  *n = 0;
  if (ctx->node->opset >= opset_as_input)
    {
      uint32_t count;
      if (lt_shape_input (ctx, input) == NULL)
        return LT_OK;
      if (lt_shape_input_data (ctx, input, &count) && count > max)
        return lt_shape_fail_attr (ctx, "input %u has %u elements, more than the %u this op can take",
                                   input, count, max);
      if (!lt_shape_input_ints (ctx, input, out, max, n))
        return LT_ERR_UNSUPPORTED;
      *present = true;
      return LT_OK;
    }
  {
    const lt_attr *a = lt_node_get_attr (ctx->node, attr);
    if (a == NULL)
      return LT_OK;
    if (a->type != LT_ATTR_INTS && a->type != LT_ATTR_INT)
      return lt_shape_fail_attr (ctx, "attribute '%s' must be a list of integers", attr);
    if (a->count > max)
      return lt_shape_fail_attr (ctx, "attribute '%s' has %u elements, more than %u", attr, a->count, max);
    if (a->type == LT_ATTR_INT)
      out[0] = a->v.i;
    else if (a->count)
      memcpy (out, a->v.ints, a->count * sizeof *out);
    *n = a->count;
    *present = true;
    return LT_OK;
  }
}

void
lt_shape_set_output (lt_shape_ctx   *ctx,
                     uint32_t        i,
                     lt_dtype        dtype,
                     const lt_shape *shape)
{
  value_slot *slot;

  if (i >= ctx->node->n_outputs || ctx->node->outputs[i] < 0)
    return;
  slot = &ctx->si->slots[ctx->node->outputs[i]];
  slot->type.kind = LT_TYPE_TENSOR;
  slot->type.dtype = dtype;
  if (shape)
    slot->type.shape = *shape;
  else
    lt_shape_set_unknown (&slot->type.shape);
}

void
lt_shape_set_output_container (lt_shape_ctx   *ctx,
                               uint32_t        i,
                               lt_type_kind    kind,
                               lt_dtype        dtype,
                               const lt_shape *shape)
{
  if (i >= ctx->node->n_outputs || ctx->node->outputs[i] < 0)
    return;
  lt_shape_set_output (ctx, i, dtype, shape);
  ctx->si->slots[ctx->node->outputs[i]].type.kind = kind;
}

void
lt_shape_set_output_sequence (lt_shape_ctx   *ctx,
                              uint32_t        i,
                              lt_dtype        dtype,
                              const lt_shape *shape,
                              int64_t         length,
                              const lt_shape *elems)
{
  value_slot *slot;
  lt_shape    shared;

  if (i >= ctx->node->n_outputs || ctx->node->outputs[i] < 0)
    return;
  lt_shape_set_unknown (&shared);
  for (int64_t k = 0; elems != NULL && k < length; k++)
    if (k == 0)
      shared = elems[0];
    else
      lt_shape_common (&shared, &elems[k], &shared);
  lt_shape_set_output_container (ctx, i, LT_TYPE_SEQUENCE, dtype, elems != NULL ? &shared : shape);
  slot = &ctx->si->slots[ctx->node->outputs[i]];
  slot_set_elements (slot, length, elems);
}

const lt_shape *
lt_shape_input_elements (const lt_shape_ctx *ctx,
                         uint32_t            i)
{
  value_slot *slot = input_slot (ctx, i);
  return slot != NULL && slot->type.kind == LT_TYPE_SEQUENCE ? slot->elems : NULL;
}

int64_t
lt_shape_input_length (const lt_shape_ctx *ctx,
                       uint32_t            i)
{
  value_slot *slot = input_slot (ctx, i);
  return slot != NULL && slot->type.kind == LT_TYPE_SEQUENCE ? slot->seq_length : -1;
}

lt_sym *
lt_shape_output_data (lt_shape_ctx *ctx,
                      uint32_t      i,
                      uint32_t      count)
{
  value_slot *slot;

  if (i >= ctx->node->n_outputs || ctx->node->outputs[i] < 0 || count > LT_SHAPE_DATA_MAX)
    return NULL;
  slot = &ctx->si->slots[ctx->node->outputs[i]];
  free (slot->sym);
  slot->sym = calloc (count ? count : 1, sizeof *slot->sym);
  slot->n_sym = slot->sym ? count : 0;
  return slot->sym;
}

static lt_status
fail_v (lt_shape_ctx *ctx,
        lt_status     code,
        const char   *format,
        va_list       args)
{
  char label[LT_ERROR_NAME_MAX];
  char message[LT_ERROR_MESSAGE_MAX];

  lt_node_describe (ctx->graph, ctx->node_id, label, sizeof label);
  vsnprintf (message, sizeof message, format, args);
  return lt_error_set (ctx->err, code, label, "%s node '%s': %s", ctx->node->op_type, label, message);
}

lt_status
lt_shape_fail (lt_shape_ctx *ctx,
               const char   *format,
               ...)
{
  va_list   args;
  lt_status st;

  va_start (args, format);
  st = fail_v (ctx, LT_ERR_SHAPE, format, args);
  va_end (args);
  return st;
}

lt_status
lt_shape_fail_attr (lt_shape_ctx *ctx,
                    const char   *format,
                    ...)
{
  va_list   args;
  lt_status st;

  va_start (args, format);
  st = fail_v (ctx, LT_ERR_INVALID_MODEL, format, args);
  va_end (args);
  return st;
}

bool
lt_shape_axis (int64_t  axis,
               int32_t  rank,
               int32_t *out)
{
  if (axis < -(int64_t) rank || axis >= rank)
    return false;
  *out = (int32_t) (axis < 0 ? axis + rank : axis);
  return true;
}

lt_status
lt_shape_axis_checked (lt_shape_ctx *ctx,
                       const char   *what,
                       int64_t       axis,
                       int32_t       rank,
                       int32_t      *out)
{
  if (!lt_shape_axis (axis, rank, out))
    return lt_shape_fail_attr (ctx, "%s %lld is out of range for rank %d", what, (long long) axis, rank);
  return LT_OK;
}

int64_t
lt_double_to_i64 (double f)
{
  if (f != f)
    return 0;
  if (f >= 9.2233720368547758e18)
    return INT64_MAX;
  if (f <= -9.2233720368547758e18)
    return INT64_MIN;
  return (int64_t) f;
}

const char *
lt_shape_str (const lt_shape *shape,
              char           *buf)
{
  lt_shape_format (shape, buf, LT_SHAPE_STR_MAX);
  return buf;
}

lt_dim
lt_dim_known (int64_t size)
{
  return (lt_dim){ .size = size, .param = NULL };
}

lt_dim
lt_dim_unknown (void)
{
  return (lt_dim){ .size = -1, .param = NULL };
}

lt_dim
lt_dim_unify (lt_dim a,
              lt_dim b)
{
  if (a.size >= 0)
    return a;
  if (b.size >= 0)
    return b;
  return a.param ? a : b;
}

bool
lt_dim_conflict (lt_dim a,
                 lt_dim b)
{
  return a.size >= 0 && b.size >= 0 && a.size != b.size;
}

lt_dim
lt_dim_from_sym (const lt_sym *s)
{
  if (s->known)
    return s->i >= 0 ? lt_dim_known (s->i) : lt_dim_unknown ();
  return (lt_dim){ .size = -1, .param = s->param };
}

lt_sym
lt_sym_from_dim (lt_dim d)
{
  if (d.size >= 0)
    return (lt_sym){ .known = true, .i = d.size, .f = (double) d.size };
  return (lt_sym){ .known = false, .param = d.param };
}

static bool
dim_is_one (lt_dim d)
{
  return d.size == 1;
}

static bool
dims_same_symbol (lt_dim a,
                  lt_dim b)
{
  return a.size < 0 && b.size < 0 && a.param && b.param && strcmp (a.param, b.param) == 0;
}

lt_status
lt_shape_broadcast (lt_shape_ctx   *ctx,
                    const lt_shape *a,
                    const lt_shape *b,
                    lt_shape       *result)
{
  int32_t  rank = a->rank > b->rank ? a->rank : b->rank;
  lt_shape out_storage, *out = &out_storage; /* result may alias a or b */

  lt_shape_set_unknown (out);
  out->rank = rank;
  for (int32_t k = 0; k < rank; k++)
    {
      int32_t ia = k - (rank - a->rank), ib = k - (rank - b->rank);
      lt_dim  da = ia >= 0 ? a->dims[ia] : lt_dim_known (1);
      lt_dim  db = ib >= 0 ? b->dims[ib] : lt_dim_known (1);
      lt_dim *o = &out->dims[k];

      if (dim_is_one (da))
        *o = db;
      else if (dim_is_one (db))
        *o = da;
      else if (da.size >= 0 && db.size >= 0)
        {
          if (da.size != db.size)
            {
              char sa[128], sb[128];
              lt_shape_format (a, sa, sizeof sa);
              lt_shape_format (b, sb, sizeof sb);
              return lt_shape_fail (ctx, "cannot broadcast %s with %s", sa, sb);
            }
          *o = da;
        }
      else if (da.size >= 0)
        *o = da; /* the unknown one is 1 or equal */
      else if (db.size >= 0)
        *o = db;
      else if (dims_same_symbol (da, db))
        *o = da;
      else
        *o = lt_dim_unknown ();
    }
  *result = *out;
  return LT_OK;
}
