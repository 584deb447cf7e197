/* ref-sequence.c — reference kernels of the sequence and optional ops
 * (SequenceEmpty, SequenceConstruct, SequenceInsert, SequenceErase,
 * SequenceAt, SequenceLength, SplitToSequence, ConcatFromSequence,
 * Optional, OptionalHasElement, OptionalGetElement) and Identity, which
 * copies a tensor, a sequence or an optional.
 *
 * Sequence and optional inputs arrive as `const lt_sequence *`, outputs as
 * the lt_seq_value to fill (see kernel.h): an output is rebuilt from its
 * inputs on every run, its tensors copied into buffers it keeps, so these
 * kernels allocate only when a sequence holds more or larger tensors than
 * in any run before.  A tensor output (SequenceAt, ConcatFromSequence,
 * OptionalGetElement) has the shape the session planned; a run whose data
 * gives another shape fails naming the node.  Positions outside the range
 * the ONNX operator allows are LT_ERR_RUNTIME naming the node.
 */
#include "ops/ref-common.h"
#include "ops/seq-value.h"

#include <string.h>

static const lt_sequence *
seq_in (const lt_kernel_call *call,
        uint32_t              i)
{
  return call->inputs[i].data;
}

static lt_seq_value *
seq_out (const lt_kernel_call *call)
{
  return call->outputs[0].data;
}

static bool
has_input (const lt_kernel_call *call,
           uint32_t              i)
{
  return i < call->node->n_inputs && call->node->inputs[i] >= 0;
}

/* The tensor view of a kernel tensor input. */
static lt_tensor
tensor_of (const lt_kernel_tensor *t)
{
  lt_tensor view = { .name = "", .dtype = t->dtype, .rank = t->rank, .count = t->count, .data = t->data };

  memcpy (view.dims, t->dims, sizeof view.dims);
  lt_dtype_storage_size (t->dtype, t->count, &view.nbytes);
  return view;
}

static lt_status
fail_no_memory (const lt_kernel_call *call)
{
  return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory growing a sequence");
}

/* Copies `src` into tensor output `index`, whose planned shape it must
 * have. */
static lt_status
copy_to_tensor_output (const lt_kernel_call *call,
                       uint32_t              index,
                       const lt_tensor      *src,
                       const char           *what)
{
  lt_kernel_tensor *out = &call->outputs[index];
  bool              same = src->dtype == out->dtype && src->rank == out->rank;

  for (int32_t d = 0; same && d < out->rank; d++)
    same = src->dims[d] == out->dims[d];
  if (!same)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "%s has another dtype or shape than the %s output planned before "
                        "running; sessions need static shapes", what, lt_dtype_name (out->dtype));
  if (src->nbytes > 0)
    memcpy (out->data, src->data, src->nbytes);
  return LT_OK;
}

/* A scalar input as int64. */
static int64_t
read_scalar (const lt_kernel_call *call,
             uint32_t              i)
{
  return lt_ref_get_i64 (call->inputs[i].dtype, call->inputs[i].data, 0);
}

/* The position input i of a sequence of `count` tensors, or `fallback`
 * when omitted: checked against [-count, count - 1 + extra] (an insert
 * may go one past the end) and made non-negative. */
static lt_status
resolve_position (const lt_kernel_call *call,
                  uint32_t              i,
                  uint32_t              count,
                  int64_t               extra,
                  int64_t               fallback,
                  uint32_t             *position)
{
  int64_t p = has_input (call, i) ? read_scalar (call, i) : fallback;
  int64_t low = -(int64_t) count, high = (int64_t) count - 1 + extra;

  if (p < low || p > high)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "position %lld is out of range [%lld, %lld] for a sequence of %u "
                        "tensors", (long long) p, (long long) low, (long long) high, count);
  *position = (uint32_t) (p < 0 ? p + count : p);
  return LT_OK;
}

/* Position inputs are one int32 or int64. */
static bool
position_ok (const lt_kernel_call *call,
             uint32_t              i)
{
  const lt_kernel_tensor *t = &call->inputs[i];
  return !has_input (call, i) || ((t->dtype == LT_DTYPE_I32 || t->dtype == LT_DTYPE_I64) && t->count == 1);
}

/* Element dtypes the owned buffers hold (not STRING or sub-byte). */
static bool
plain_dtype (lt_dtype dtype)
{
  return dtype != LT_DTYPE_STRING && lt_dtype_bits (dtype) >= 8;
}

/* ---- Identity ---------------------------------------------------------- */

static bool
identity_supports (const lt_kernel_call *call)
{
  return call->inputs[0].kind == call->outputs[0].kind || call->outputs[0].kind != LT_TYPE_TENSOR;
}

static lt_status
identity_run (const lt_kernel_call *call)
{
  if (call->inputs[0].kind == LT_TYPE_TENSOR && call->outputs[0].kind == LT_TYPE_TENSOR)
    return lt_ref_copy_run (call);
  if (call->inputs[0].kind == LT_TYPE_TENSOR)
    {
      lt_tensor view = tensor_of (&call->inputs[0]);
      lt_seq_value_clear (seq_out (call), true);
      return lt_seq_value_push_copy (seq_out (call), &view) ? LT_OK : fail_no_memory (call);
    }
  return lt_seq_value_copy (seq_out (call), seq_in (call, 0)) ? LT_OK : fail_no_memory (call);
}

const lt_kernel lt_ref_identity_kernel = {
  .name = "lt_ref_identity",
  .supports = identity_supports,
  .run = identity_run,
  .in_place = true,
  .takes_containers = true,
};

/* ---- building sequences ------------------------------------------------ */

static bool
sequence_empty_supports (const lt_kernel_call *call)
{
  return plain_dtype (call->outputs[0].dtype);
}

static lt_status
sequence_empty_run (const lt_kernel_call *call)
{
  lt_seq_value_clear (seq_out (call), true);
  return LT_OK;
}

const lt_kernel lt_ref_sequence_empty_kernel = {
  .name = "lt_ref_sequence_empty",
  .supports = sequence_empty_supports,
  .run = sequence_empty_run,
  .takes_containers = true,
};

static bool
sequence_construct_supports (const lt_kernel_call *call)
{
  for (uint32_t i = 0; i < call->node->n_inputs; i++)
    if (call->inputs[i].kind != LT_TYPE_TENSOR || !plain_dtype (call->inputs[i].dtype))
      return false;
  return true;
}

static lt_status
sequence_construct_run (const lt_kernel_call *call)
{
  lt_seq_value_clear (seq_out (call), true);
  for (uint32_t i = 0; i < call->node->n_inputs; i++)
    {
      lt_tensor view = tensor_of (&call->inputs[i]);
      if (!lt_seq_value_push_copy (seq_out (call), &view))
        return fail_no_memory (call);
    }
  return LT_OK;
}

const lt_kernel lt_ref_sequence_construct_kernel = {
  .name = "lt_ref_sequence_construct",
  .supports = sequence_construct_supports,
  .run = sequence_construct_run,
  .takes_containers = true,
};

static bool
sequence_insert_supports (const lt_kernel_call *call)
{
  return call->inputs[0].kind == LT_TYPE_SEQUENCE && call->inputs[1].kind == LT_TYPE_TENSOR
         && plain_dtype (call->inputs[1].dtype) && position_ok (call, 2);
}

static lt_status
sequence_insert_run (const lt_kernel_call *call)
{
  const lt_sequence *in = seq_in (call, 0);
  lt_seq_value      *out = seq_out (call);
  lt_tensor          view = tensor_of (&call->inputs[1]);
  uint32_t           position;
  lt_status          status;

  if (in->count > 0 && in->tensors[0].dtype != view.dtype)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "inserts a %s tensor into a sequence of %s", lt_dtype_name (view.dtype),
                        lt_dtype_name (in->tensors[0].dtype));
  status = resolve_position (call, 2, in->count, 1, in->count, &position);
  if (status != LT_OK)
    return status;
  if (!lt_seq_value_copy (out, in) || !lt_seq_value_push_copy (out, &view))
    return fail_no_memory (call);
  lt_seq_value_move_last (out, position);
  return LT_OK;
}

const lt_kernel lt_ref_sequence_insert_kernel = {
  .name = "lt_ref_sequence_insert",
  .supports = sequence_insert_supports,
  .run = sequence_insert_run,
  .takes_containers = true,
};

static bool
sequence_erase_supports (const lt_kernel_call *call)
{
  return call->inputs[0].kind == LT_TYPE_SEQUENCE && position_ok (call, 1);
}

static lt_status
sequence_erase_run (const lt_kernel_call *call)
{
  const lt_sequence *in = seq_in (call, 0);
  lt_seq_value      *out = seq_out (call);
  uint32_t           position;
  lt_status          status = resolve_position (call, 1, in->count, 0, -1, &position);

  if (status != LT_OK)
    return status;
  if (!lt_seq_value_copy (out, in))
    return fail_no_memory (call);
  lt_seq_value_remove (out, position);
  return LT_OK;
}

const lt_kernel lt_ref_sequence_erase_kernel = {
  .name = "lt_ref_sequence_erase",
  .supports = sequence_erase_supports,
  .run = sequence_erase_run,
  .takes_containers = true,
};

/* ---- reading sequences ------------------------------------------------- */

static bool
sequence_at_supports (const lt_kernel_call *call)
{
  return call->inputs[0].kind == LT_TYPE_SEQUENCE && position_ok (call, 1);
}

static lt_status
sequence_at_run (const lt_kernel_call *call)
{
  const lt_sequence *in = seq_in (call, 0);
  uint32_t           position;
  lt_status          status = resolve_position (call, 1, in->count, 0, 0, &position);

  if (status != LT_OK)
    return status;
  return copy_to_tensor_output (call, 0, &in->tensors[position], "the tensor at that position");
}

const lt_kernel lt_ref_sequence_at_kernel = {
  .name = "lt_ref_sequence_at",
  .supports = sequence_at_supports,
  .run = sequence_at_run,
  .takes_containers = true,
};

static bool
sequence_length_supports (const lt_kernel_call *call)
{
  return call->inputs[0].kind == LT_TYPE_SEQUENCE && call->outputs[0].dtype == LT_DTYPE_I64;
}

static lt_status
sequence_length_run (const lt_kernel_call *call)
{
  *(int64_t *) call->outputs[0].data = seq_in (call, 0)->count;
  return LT_OK;
}

const lt_kernel lt_ref_sequence_length_kernel = {
  .name = "lt_ref_sequence_length",
  .supports = sequence_length_supports,
  .run = sequence_length_run,
  .takes_containers = true,
};

/* ---- SplitToSequence and ConcatFromSequence ---------------------------- */

/* Bytes of one step along `axis` of a row-major tensor with these dims
 * (the product of the dims after it, times the element size), and the
 * number of slabs before it. */
static void
axis_layout (const int64_t *dims,
             int32_t        rank,
             int32_t        axis,
             size_t         elem_size,
             size_t        *inner_bytes,
             uint64_t      *outer)
{
  *inner_bytes = elem_size;
  *outer = 1;
  for (int32_t d = axis + 1; d < rank; d++)
    *inner_bytes *= (size_t) dims[d];
  for (int32_t d = 0; d < axis; d++)
    *outer *= (uint64_t) dims[d];
}

static bool
split_to_sequence_supports (const lt_kernel_call *call)
{
  const lt_kernel_tensor *split = &call->inputs[1];

  return call->inputs[0].kind == LT_TYPE_TENSOR && plain_dtype (call->inputs[0].dtype) && call->inputs[0].rank > 0
         && (!has_input (call, 1)
             || ((split->dtype == LT_DTYPE_I32 || split->dtype == LT_DTYPE_I64) && split->rank <= 1));
}

/* Appends piece [start, start + length) along `axis` of x. */
static lt_status
push_piece (const lt_kernel_call   *call,
            const lt_kernel_tensor *x,
            int32_t                 axis,
            int64_t                 start,
            int64_t                 length,
            bool                    keepdims)
{
  size_t   elem_size = lt_ref_elem_size (x->dtype), inner;
  uint64_t outer;
  int64_t  dims[LT_MAX_RANK];
  int32_t  rank = 0;
  void    *data;

  for (int32_t d = 0; d < x->rank; d++)
    if (d != axis)
      dims[rank++] = x->dims[d];
    else if (keepdims)
      dims[rank++] = length;
  if (!lt_seq_value_push (seq_out (call), x->dtype, rank, dims, &data))
    return fail_no_memory (call);
  axis_layout (x->dims, x->rank, axis, elem_size, &inner, &outer);
  for (uint64_t o = 0; data != NULL && o < outer; o++)
    memcpy ((char *) data + o * (size_t) length * inner,
            (const char *) x->data + (o * (uint64_t) x->dims[axis] + (uint64_t) start) * inner, (size_t) length * inner);
  return LT_OK;
}

static lt_status
split_to_sequence_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const lt_kernel_tensor *split = &call->inputs[1];
  int64_t                 axis = lt_node_get_attr_int (call->node, "axis", 0);
  bool                    keepdims = lt_node_get_attr_int (call->node, "keepdims", 1) != 0;
  int64_t                 dim, chunk = 1, start = 0, sum = 0;
  lt_status               status = LT_OK;

  if (axis < -x->rank || axis >= x->rank)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "axis %lld is out of range for rank %d", (long long) axis, x->rank);
  axis = axis < 0 ? axis + x->rank : axis;
  dim = x->dims[axis];
  lt_seq_value_clear (seq_out (call), true);
  if (has_input (call, 1) && split->rank == 1)
    {
      for (uint64_t k = 0; k < split->count; k++)
        {
          int64_t length = lt_ref_get_i64 (split->dtype, split->data, k);
          if (length < 0 || length > dim - sum)
            return lt_ref_fail (call, LT_ERR_RUNTIME, "split lengths do not add up to the axis's %lld elements",
                                (long long) dim);
          sum += length;
        }
      if (sum != dim)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "split lengths add up to %lld, the axis has %lld", (long long) sum,
                            (long long) dim);
      for (uint64_t k = 0; status == LT_OK && k < split->count; k++)
        {
          int64_t length = lt_ref_get_i64 (split->dtype, split->data, k);
          status = push_piece (call, x, (int32_t) axis, start, length, true);
          start += length;
        }
      return status;
    }
  if (has_input (call, 1))
    {
      chunk = read_scalar (call, 1);
      keepdims = true;
      if (chunk <= 0)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "split %lld is not positive", (long long) chunk);
    }
  for (start = 0; status == LT_OK && start < dim; start += chunk)
    status = push_piece (call, x, (int32_t) axis, start, chunk < dim - start ? chunk : dim - start, keepdims);
  return status;
}

const lt_kernel lt_ref_split_to_sequence_kernel = {
  .name = "lt_ref_split_to_sequence",
  .supports = split_to_sequence_supports,
  .run = split_to_sequence_run,
  .takes_containers = true,
};

static bool
concat_from_sequence_supports (const lt_kernel_call *call)
{
  return call->inputs[0].kind == LT_TYPE_SEQUENCE && plain_dtype (call->outputs[0].dtype)
         && call->outputs[0].rank > 0;
}

/* Whether tensor t fits the output `out` but along `axis` (where, with
 * new_axis, t has no dim). */
static bool
fits_output (const lt_tensor        *t,
             const lt_kernel_tensor *out,
             int32_t                 axis,
             bool                    new_axis)
{
  if (t->dtype != out->dtype || t->rank != out->rank - (new_axis ? 1 : 0))
    return false;
  for (int32_t d = 0, e = 0; d < out->rank; d++)
    {
      if (d == axis)
        {
          e += new_axis ? 0 : 1;
          continue;
        }
      if (t->dims[e++] != out->dims[d])
        return false;
    }
  return true;
}

static lt_status
concat_from_sequence_run (const lt_kernel_call *call)
{
  const lt_sequence *in = seq_in (call, 0);
  lt_kernel_tensor  *out = &call->outputs[0];
  bool               new_axis = lt_node_get_attr_int (call->node, "new_axis", 0) != 0;
  int64_t            axis = lt_node_get_attr_int (call->node, "axis", 0);
  size_t             inner;
  uint64_t           outer;
  int64_t            offset = 0;

  axis = axis < 0 ? axis + out->rank : axis;
  if (axis < 0 || axis >= out->rank)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "axis is out of range for rank %d", out->rank);
  for (uint32_t k = 0; k < in->count; k++)
    {
      const lt_tensor *t = &in->tensors[k];
      if (!fits_output (t, out, (int32_t) axis, new_axis))
        return lt_ref_fail (call, LT_ERR_RUNTIME, "tensor %u of the sequence does not fit the %s output planned "
                            "before running", k, lt_dtype_name (out->dtype));
      offset += new_axis ? 1 : t->dims[axis];
    }
  if (offset != out->dims[axis])
    return lt_ref_fail (call, LT_ERR_RUNTIME, "the sequence gives %lld along axis %lld, the output was planned with "
                        "%lld", (long long) offset, (long long) axis, (long long) out->dims[axis]);
  axis_layout (out->dims, out->rank, (int32_t) axis, lt_ref_elem_size (out->dtype), &inner, &outer);
  offset = 0;
  for (uint32_t k = 0; k < in->count; k++)
    {
      const lt_tensor *t = &in->tensors[k];
      int64_t          length = new_axis ? 1 : t->dims[axis];

      for (uint64_t o = 0; t->count > 0 && o < outer; o++)
        memcpy ((char *) out->data + (o * (uint64_t) out->dims[axis] + (uint64_t) offset) * inner,
                (const char *) t->data + o * (size_t) length * inner, (size_t) length * inner);
      offset += length;
    }
  return LT_OK;
}

const lt_kernel lt_ref_concat_from_sequence_kernel = {
  .name = "lt_ref_concat_from_sequence",
  .supports = concat_from_sequence_supports,
  .run = concat_from_sequence_run,
  .takes_containers = true,
};

/* ---- optionals --------------------------------------------------------- */

static bool
optional_supports (const lt_kernel_call *call)
{
  return !has_input (call, 0) || call->inputs[0].kind == LT_TYPE_SEQUENCE
         || (call->inputs[0].kind == LT_TYPE_TENSOR && plain_dtype (call->inputs[0].dtype));
}

static lt_status
optional_run (const lt_kernel_call *call)
{
  lt_seq_value *out = seq_out (call);

  if (!has_input (call, 0))
    {
      lt_seq_value_clear (out, false);
      return LT_OK;
    }
  if (call->inputs[0].kind == LT_TYPE_SEQUENCE)
    return lt_seq_value_copy (out, seq_in (call, 0)) ? LT_OK : fail_no_memory (call);
  {
    lt_tensor view = tensor_of (&call->inputs[0]);
    lt_seq_value_clear (out, true);
    return lt_seq_value_push_copy (out, &view) ? LT_OK : fail_no_memory (call);
  }
}

const lt_kernel lt_ref_optional_kernel = {
  .name = "lt_ref_optional",
  .supports = optional_supports,
  .run = optional_run,
  .takes_containers = true,
};

static lt_status
optional_has_element_run (const lt_kernel_call *call)
{
  bool has = has_input (call, 0)
             && (call->inputs[0].kind == LT_TYPE_TENSOR || call->inputs[0].kind == LT_TYPE_SEQUENCE
                 || seq_in (call, 0)->has_value);

  *(uint8_t *) call->outputs[0].data = has;
  return LT_OK;
}

const lt_kernel lt_ref_optional_has_element_kernel = {
  .name = "lt_ref_optional_has_element",
  .run = optional_has_element_run,
  .takes_containers = true,
};

static lt_status
optional_get_element_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  const lt_sequence      *value;

  if (in->kind == LT_TYPE_TENSOR)
    {
      lt_tensor view = tensor_of (in);
      return copy_to_tensor_output (call, 0, &view, "the input");
    }
  value = seq_in (call, 0);
  if (!value->has_value)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "the optional input '%s' is empty",
                        lt_graph_get_value (call->graph, call->node->inputs[0])->name);
  if (in->kind == LT_TYPE_OPTIONAL_TENSOR)
    return copy_to_tensor_output (call, 0, &value->tensors[0], "the optional's tensor");
  return lt_seq_value_copy (seq_out (call), value) ? LT_OK : fail_no_memory (call);
}

const lt_kernel lt_ref_optional_get_element_kernel = {
  .name = "lt_ref_optional_get_element",
  .run = optional_get_element_run,
  .takes_containers = true,
};
