/* shape-sequence.c — shape functions of the sequence and optional ops
 * (SequenceEmpty, SequenceConstruct, SequenceInsert, SequenceErase,
 * SequenceAt, SequenceLength, SplitToSequence, ConcatFromSequence,
 * Optional, OptionalHasElement, OptionalGetElement) and of Identity, which
 * passes any kind through.
 *
 * A sequence's type is the dtype and shape its tensors share (dims that
 * differ unknown, rank -1 when ranks differ) and, when inference can
 * count them, its length: SequenceEmpty has 0 tensors, each Insert adds
 * one, each Erase removes one, so SequenceLength, SequenceAt and
 * ConcatFromSequence over such chains get exact types.  A position that
 * is known and out of range is an error naming the node.
 */
#include "shape-private.h"

#include <string.h>

bool
lt_shape_op_takes_containers (lt_op op)
{
  switch (op)
    {
    case LT_OP_Identity:
    case LT_OP_Loop:
    case LT_OP_SequenceInsert:
    case LT_OP_SequenceErase:
    case LT_OP_SequenceAt:
    case LT_OP_SequenceLength:
    case LT_OP_SequenceMap:
    case LT_OP_ConcatFromSequence:
    case LT_OP_Optional:
    case LT_OP_OptionalHasElement:
    case LT_OP_OptionalGetElement:
      return true;
    default:
      return false;
    }
}

bool
lt_shape_kind_accepts (lt_type_kind declared,
                       lt_type_kind given)
{
  return declared == given || (declared == LT_TYPE_OPTIONAL_TENSOR && given == LT_TYPE_TENSOR)
         || (declared == LT_TYPE_OPTIONAL_SEQUENCE && given == LT_TYPE_SEQUENCE);
}

void
lt_shape_common (const lt_shape *a,
                 const lt_shape *b,
                 lt_shape       *out)
{
  lt_shape shared;

  lt_shape_set_unknown (&shared);
  if (a->rank >= 0 && a->rank == b->rank)
    {
      shared = *a;
      for (int32_t d = 0; d < a->rank; d++)
        {
          lt_dim x = a->dims[d], y = b->dims[d];
          bool   same = x.size >= 0 ? x.size == y.size
                                    : x.param != NULL && y.param != NULL && y.size < 0 && strcmp (x.param, y.param) == 0;
          if (!same)
            shared.dims[d] = lt_dim_unknown ();
        }
    }
  *out = shared;
}

/* Input i, which must be a sequence (or, with `optional_ok`, an optional
 * sequence); NULL when not known to be one. */
static const lt_value_type *
sequence_input (lt_shape_ctx *ctx,
                uint32_t      i)
{
  const lt_value_type *t = lt_shape_input (ctx, i);
  return t != NULL && t->kind == LT_TYPE_SEQUENCE ? t : NULL;
}

static lt_status
fail_not_sequence (lt_shape_ctx *ctx,
                   uint32_t      i)
{
  const lt_value_type *t = lt_shape_input (ctx, i);
  if (t == NULL)
    return lt_shape_fail_attr (ctx, "needs input %u", i);
  return lt_shape_fail_attr (ctx, "input %u ('%s') is %s, not a sequence", i,
                             lt_graph_get_value (ctx->graph, ctx->node->inputs[i])->name, lt_type_kind_name (t->kind));
}

/* A tensor input whose dtype must be the sequence's. */
static lt_status
check_tensor_input (lt_shape_ctx *ctx,
                    uint32_t      i,
                    lt_dtype      dtype)
{
  const lt_value_type *t = lt_shape_input (ctx, i);

  if (t == NULL || t->kind != LT_TYPE_TENSOR)
    return LT_OK; /* the driver refuses containers where tensors go */
  if (dtype != LT_DTYPE_UNDEFINED && t->dtype != LT_DTYPE_UNDEFINED && t->dtype != dtype)
    return lt_shape_fail (ctx, "input %u ('%s') is %s, the sequence holds %s", i,
                          lt_graph_get_value (ctx->graph, ctx->node->inputs[i])->name, lt_dtype_name (t->dtype),
                          lt_dtype_name (dtype));
  return LT_OK;
}

/* A position input (input i): its value when known (*known), checked
 * against [-length, length - 1 + extra] when the length is known too. */
static lt_status
read_position (lt_shape_ctx *ctx,
               uint32_t      i,
               int64_t       length,
               int64_t       extra,
               int64_t      *position,
               bool         *known)
{
  uint32_t n;

  *known = lt_shape_input_ints (ctx, i, position, 1, &n) && n == 1;
  if (!*known || length < 0)
    return LT_OK;
  if (*position < -length || *position > length - 1 + extra)
    return lt_shape_fail (ctx, "position %lld is out of range for a sequence of %lld tensors", (long long) *position,
                          (long long) length);
  if (*position < 0)
    *position += length;
  return LT_OK;
}

void
lt_sequence_get_type (const lt_sequence *value,
                      lt_type_kind       kind,
                      lt_dtype           dtype,
                      lt_value_type     *type)
{
  type->kind = kind;
  type->dtype = value->count > 0 ? value->tensors[0].dtype : dtype;
  type->data = NULL;
  lt_shape_set_unknown (&type->shape);
  for (uint32_t k = 0; k < value->count; k++)
    {
      lt_shape shape;
      lt_shape_set (&shape, value->tensors[k].rank, value->tensors[k].dims);
      if (k == 0)
        type->shape = shape;
      else
        lt_shape_common (&type->shape, &shape, &type->shape);
    }
}

lt_status
lt_shape_identity (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);

  if (x == NULL || x->kind == LT_TYPE_TENSOR)
    return lt_shape_same_as_input (ctx);
  if (x->kind == LT_TYPE_SEQUENCE)
    lt_shape_set_output_sequence (ctx, 0, x->dtype, &x->shape, lt_shape_input_length (ctx, 0),
                                  lt_shape_input_elements (ctx, 0));
  else
    lt_shape_set_output_container (ctx, 0, x->kind, x->dtype, &x->shape);
  return LT_OK;
}

lt_status
lt_shape_sequence_empty (lt_shape_ctx *ctx)
{
  int64_t dtype = lt_node_get_attr_int (ctx->node, "dtype", LT_DTYPE_F32);

  if (!lt_dtype_is_valid ((int) dtype))
    return lt_shape_fail_attr (ctx, "dtype %lld is not a tensor type", (long long) dtype);
  lt_shape_set_output_sequence (ctx, 0, (lt_dtype) dtype, NULL, 0, &(lt_shape) { .rank = -1 });
  return LT_OK;
}

lt_status
lt_shape_sequence_construct (lt_shape_ctx *ctx)
{
  const lt_value_type *first = lt_shape_input (ctx, 0);
  lt_shape             elems[LT_SHAPE_DATA_MAX];
  uint32_t             n = ctx->node->n_inputs;
  lt_status            st;

  if (first == NULL)
    return lt_shape_fail_attr (ctx, "needs at least one tensor");
  for (uint32_t i = 0; i < n; i++)
    {
      const lt_value_type *t = lt_shape_input (ctx, i);
      if (t == NULL)
        return lt_shape_fail_attr (ctx, "input %u is omitted", i);
      if ((st = check_tensor_input (ctx, i, first->dtype)) != LT_OK)
        return st;
      if (i < LT_SHAPE_DATA_MAX)
        elems[i] = t->shape;
    }
  if (n > LT_SHAPE_DATA_MAX)
    {
      lt_shape shared = first->shape;
      for (uint32_t i = 1; i < n; i++)
        lt_shape_common (&shared, &lt_shape_input (ctx, i)->shape, &shared);
      lt_shape_set_output_sequence (ctx, 0, first->dtype, &shared, n, NULL);
    }
  else
    lt_shape_set_output_sequence (ctx, 0, first->dtype, NULL, n, elems);
  return LT_OK;
}

/* Copies a sequence input's tensor shapes to `out` (length of them) when
 * known; false otherwise. */
static bool
copy_elements (lt_shape_ctx *ctx,
               uint32_t      i,
               int64_t       length,
               lt_shape     *out)
{
  const lt_shape *elems = lt_shape_input_elements (ctx, i);

  if (elems == NULL || length < 0 || length > LT_SHAPE_DATA_MAX)
    return false;
  for (int64_t k = 0; k < length; k++)
    out[k] = elems[k];
  return true;
}

lt_status
lt_shape_sequence_insert (lt_shape_ctx *ctx)
{
  const lt_value_type *seq = sequence_input (ctx, 0);
  const lt_value_type *t = lt_shape_input (ctx, 1);
  int64_t              length = lt_shape_input_length (ctx, 0);
  int64_t              position = length;
  bool                 known = true;
  lt_shape             elems[LT_SHAPE_DATA_MAX + 1], shape;
  lt_dtype             dtype;
  lt_status            st;

  if (seq == NULL)
    return fail_not_sequence (ctx, 0);
  if (t == NULL)
    return lt_shape_fail_attr (ctx, "needs a tensor to insert");
  if ((st = check_tensor_input (ctx, 1, seq->dtype)) != LT_OK)
    return st;
  if (ctx->node->n_inputs > 2 && ctx->node->inputs[2] >= 0
      && (st = read_position (ctx, 2, length, 1, &position, &known)) != LT_OK)
    return st;
  dtype = seq->dtype != LT_DTYPE_UNDEFINED ? seq->dtype : t->dtype;
  if (known && copy_elements (ctx, 0, length, elems))
    {
      for (int64_t k = length; k > position; k--)
        elems[k] = elems[k - 1];
      elems[position] = t->shape;
      lt_shape_set_output_sequence (ctx, 0, dtype, NULL, length + 1,
                                    length + 1 <= LT_SHAPE_DATA_MAX ? elems : NULL);
      return LT_OK;
    }
  if (length == 0)
    shape = t->shape;
  else
    lt_shape_common (&seq->shape, &t->shape, &shape);
  lt_shape_set_output_sequence (ctx, 0, dtype, &shape, length >= 0 ? length + 1 : -1, NULL);
  return LT_OK;
}

lt_status
lt_shape_sequence_erase (lt_shape_ctx *ctx)
{
  const lt_value_type *seq = sequence_input (ctx, 0);
  int64_t              length = lt_shape_input_length (ctx, 0);
  int64_t              position = length - 1;
  bool                 known = true;
  lt_shape             elems[LT_SHAPE_DATA_MAX];
  lt_status            st;

  if (seq == NULL)
    return fail_not_sequence (ctx, 0);
  if (length == 0)
    return lt_shape_fail (ctx, "erases from an empty sequence");
  if (ctx->node->n_inputs > 1 && ctx->node->inputs[1] >= 0
      && (st = read_position (ctx, 1, length, 0, &position, &known)) != LT_OK)
    return st;
  if (known && copy_elements (ctx, 0, length, elems))
    {
      for (int64_t k = position; k + 1 < length; k++)
        elems[k] = elems[k + 1];
      lt_shape_set_output_sequence (ctx, 0, seq->dtype, NULL, length - 1, elems);
      return LT_OK;
    }
  lt_shape_set_output_sequence (ctx, 0, seq->dtype, &seq->shape, length > 0 ? length - 1 : -1, NULL);
  return LT_OK;
}

lt_status
lt_shape_sequence_at (lt_shape_ctx *ctx)
{
  const lt_value_type *seq = sequence_input (ctx, 0);
  const lt_shape      *elems = lt_shape_input_elements (ctx, 0);
  int64_t              length = lt_shape_input_length (ctx, 0);
  const lt_shape      *shape;
  int64_t              position;
  bool                 known;
  lt_status            st;

  if (seq == NULL)
    return fail_not_sequence (ctx, 0);
  if (length == 0)
    return lt_shape_fail (ctx, "reads from an empty sequence");
  if ((st = read_position (ctx, 1, length, 0, &position, &known)) != LT_OK)
    return st;
  shape = known && elems != NULL ? &elems[position] : &seq->shape;
  lt_shape_set_output (ctx, 0, seq->dtype, shape);
  return shape->rank >= 0 && seq->dtype != LT_DTYPE_UNDEFINED ? LT_OK : LT_ERR_UNSUPPORTED;
}

lt_status
lt_shape_sequence_length (lt_shape_ctx *ctx)
{
  int64_t  length = lt_shape_input_length (ctx, 0);
  lt_shape scalar = { .rank = 0 };
  lt_sym  *data;

  if (sequence_input (ctx, 0) == NULL)
    return fail_not_sequence (ctx, 0);
  lt_shape_set_output (ctx, 0, LT_DTYPE_I64, &scalar);
  if (length >= 0 && (data = lt_shape_output_data (ctx, 0, 1)) != NULL)
    data[0] = (lt_sym) { .known = true, .i = length, .f = (double) length };
  return LT_OK;
}

/* The lengths SplitToSequence cuts along an axis of `dim` elements: from
 * the `split` input (a scalar chunk size or a list) or 1 each.  Returns
 * the number of pieces (at most `max`), -1 when the split or dim is not
 * known, or fails on a split that does not fit. */
static lt_status
split_lengths (lt_shape_ctx *ctx,
               int64_t       dim,
               int64_t      *lengths,
               uint32_t      max,
               int64_t      *n_pieces)
{
  const lt_shape *split_shape = ctx->node->n_inputs > 1 ? lt_shape_input_shape (ctx, 1) : NULL;
  int64_t         split[LT_SHAPE_DATA_MAX];
  uint32_t        n = 0;
  int64_t         chunk = 1, sum = 0;

  *n_pieces = -1;
  if (ctx->node->n_inputs > 1 && ctx->node->inputs[1] >= 0)
    {
      if (split_shape == NULL || !lt_shape_input_ints (ctx, 1, split, LT_SHAPE_DATA_MAX, &n))
        return LT_OK;
      if (split_shape->rank == 0)
        chunk = split[0];
      else
        {
          for (uint32_t k = 0; k < n; k++)
            {
              if (split[k] < 0)
                return lt_shape_fail (ctx, "split length %lld is negative", (long long) split[k]);
              sum += split[k];
            }
          if (dim >= 0 && sum != dim)
            return lt_shape_fail (ctx, "split lengths add up to %lld, the axis has %lld", (long long) sum,
                                  (long long) dim);
          for (uint32_t k = 0; k < n && k < max; k++)
            lengths[k] = split[k];
          *n_pieces = n <= max ? (int64_t) n : -1;
          return LT_OK;
        }
    }
  if (chunk <= 0)
    return lt_shape_fail (ctx, "split %lld is not positive", (long long) chunk);
  if (dim < 0)
    return LT_OK;
  n = (uint32_t) ((dim + chunk - 1) / chunk);
  if (n > max)
    return LT_OK;
  for (uint32_t k = 0; k < n; k++)
    lengths[k] = k + 1 < n ? chunk : dim - chunk * (int64_t) k;
  *n_pieces = n;
  return LT_OK;
}

lt_status
lt_shape_split_to_sequence (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  bool                 has_split = ctx->node->n_inputs > 1 && ctx->node->inputs[1] >= 0;
  bool                 keepdims = lt_node_get_attr_int (ctx->node, "keepdims", 1) != 0 || has_split;
  int64_t              lengths[LT_SHAPE_DATA_MAX];
  lt_shape             elems[LT_SHAPE_DATA_MAX];
  int64_t              n_pieces;
  int32_t              axis;
  lt_shape             shape;
  lt_status            st;

  if (x == NULL || x->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  if (x->shape.rank == 0)
    return lt_shape_fail (ctx, "cannot split a scalar");
  if ((st = lt_shape_axis_checked (ctx, "axis", lt_node_get_attr_int (ctx->node, "axis", 0), x->shape.rank, &axis))
      != LT_OK)
    return st;
  if ((st = split_lengths (ctx, x->shape.dims[axis].size, lengths, LT_SHAPE_DATA_MAX, &n_pieces)) != LT_OK)
    return st;
  shape = x->shape;
  shape.dims[axis] = has_split ? lt_dim_unknown () : lt_dim_known (1);
  if (!keepdims)
    {
      for (int32_t d = axis; d + 1 < shape.rank; d++)
        shape.dims[d] = shape.dims[d + 1];
      shape.rank--;
    }
  if (n_pieces < 0)
    {
      lt_shape_set_output_sequence (ctx, 0, x->dtype, &shape, -1, NULL);
      return LT_OK;
    }
  for (int64_t k = 0; k < n_pieces; k++)
    {
      elems[k] = shape;
      if (keepdims)
        elems[k].dims[axis] = lt_dim_known (lengths[k]);
    }
  lt_shape_set_output_sequence (ctx, 0, x->dtype, NULL, n_pieces, elems);
  return LT_OK;
}

/* The length along `axis` of a sequence's tensors put end to end: known
 * when every tensor's is. */
static lt_dim
concat_length (lt_shape_ctx *ctx,
               int32_t       axis,
               int64_t       length)
{
  const lt_shape      *elems = lt_shape_input_elements (ctx, 0);
  const lt_value_type *seq = lt_shape_input (ctx, 0);
  int64_t              sum = 0;

  if (length < 0)
    return lt_dim_unknown ();
  for (int64_t k = 0; k < length; k++)
    {
      int64_t size = elems != NULL ? (elems[k].rank > axis ? elems[k].dims[axis].size : -1)
                                   : seq->shape.dims[axis].size;
      if (size < 0)
        return lt_dim_unknown ();
      sum += size;
    }
  return lt_dim_known (sum);
}

lt_status
lt_shape_concat_from_sequence (lt_shape_ctx *ctx)
{
  const lt_value_type *seq = sequence_input (ctx, 0);
  int64_t              length = lt_shape_input_length (ctx, 0);
  bool                 new_axis = lt_node_get_attr_int (ctx->node, "new_axis", 0) != 0;
  const lt_attr       *axis_attr = lt_node_get_attr (ctx->node, "axis");
  int32_t              rank, axis;
  lt_shape             shape;
  lt_status            st;

  if (seq == NULL)
    return fail_not_sequence (ctx, 0);
  if (axis_attr == NULL || axis_attr->type != LT_ATTR_INT)
    return lt_shape_fail_attr (ctx, "needs an integer attribute axis");
  if (length == 0)
    return lt_shape_fail (ctx, "concatenates an empty sequence");
  if (seq->shape.rank < 0)
    return LT_ERR_UNSUPPORTED;
  rank = seq->shape.rank + (new_axis ? 1 : 0);
  if ((st = lt_shape_axis_checked (ctx, "axis", axis_attr->v.i, rank, &axis)) != LT_OK)
    return st;
  if (rank > LT_MAX_RANK)
    return lt_shape_fail_attr (ctx, "the result would have rank %d, above %d", rank, LT_MAX_RANK);
  shape = seq->shape;
  if (new_axis)
    {
      for (int32_t d = shape.rank; d > axis; d--)
        shape.dims[d] = shape.dims[d - 1];
      shape.rank++;
      shape.dims[axis] = length >= 0 ? lt_dim_known (length) : lt_dim_unknown ();
    }
  else
    shape.dims[axis] = concat_length (ctx, axis, length);
  lt_shape_set_output (ctx, 0, seq->dtype, &shape);
  return LT_OK;
}

lt_status
lt_shape_optional (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);
  const lt_attr       *type = lt_node_get_attr (ctx->node, "type");

  if (x != NULL)
    {
      if (x->kind != LT_TYPE_TENSOR && x->kind != LT_TYPE_SEQUENCE)
        return lt_shape_fail_attr (ctx, "input 0 is %s; an optional holds a tensor or a sequence",
                                   lt_type_kind_name (x->kind));
      lt_shape_set_output_container (ctx, 0, x->kind == LT_TYPE_TENSOR ? LT_TYPE_OPTIONAL_TENSOR
                                                                        : LT_TYPE_OPTIONAL_SEQUENCE,
                                     x->dtype, &x->shape);
      return LT_OK;
    }
  if (type == NULL || type->type != LT_ATTR_TYPE_PROTO || type->v.tp == NULL)
    return lt_shape_fail_attr (ctx, "without an input needs a type attribute");
  if (type->v.tp->kind != LT_TYPE_TENSOR && type->v.tp->kind != LT_TYPE_SEQUENCE)
    return lt_shape_fail_attr (ctx, "the type attribute is %s; an optional holds a tensor or a sequence",
                               lt_type_kind_name (type->v.tp->kind));
  lt_shape_set_output_container (ctx, 0, type->v.tp->kind == LT_TYPE_TENSOR ? LT_TYPE_OPTIONAL_TENSOR
                                                                           : LT_TYPE_OPTIONAL_SEQUENCE,
                                 type->v.tp->dtype, &type->v.tp->shape);
  return LT_OK;
}

lt_status
lt_shape_optional_has_element (lt_shape_ctx *ctx)
{
  lt_shape scalar = { .rank = 0 };

  lt_shape_set_output (ctx, 0, LT_DTYPE_BOOL, &scalar);
  return LT_OK;
}

lt_status
lt_shape_optional_get_element (lt_shape_ctx *ctx)
{
  const lt_value_type *x = lt_shape_input (ctx, 0);

  if (x == NULL)
    return lt_shape_fail_attr (ctx, "needs an input");
  if (x->kind == LT_TYPE_OPTIONAL_TENSOR || x->kind == LT_TYPE_TENSOR)
    {
      lt_shape_set_output (ctx, 0, x->dtype, &x->shape);
      return x->shape.rank >= 0 && x->dtype != LT_DTYPE_UNDEFINED ? LT_OK : LT_ERR_UNSUPPORTED;
    }
  lt_shape_set_output_sequence (ctx, 0, x->dtype, &x->shape, lt_shape_input_length (ctx, 0),
                                lt_shape_input_elements (ctx, 0));
  return LT_OK;
}
