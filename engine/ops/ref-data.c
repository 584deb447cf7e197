/* ref-data.c — reference kernels that move elements without computing on
 * them: Transpose Concat Split Slice Gather Expand Tile, and the ones that
 * produce data from shapes or attributes: Shape Size Constant
 * ConstantOfShape Cast.
 *
 * Elements are moved as opaque items of their dtype's size (lt_bytes for
 * STRING), so one loop serves every dtype; sub-byte dtypes are not
 * supported.  Output shapes were set by the session from shape inference;
 * the kernels recompute only what they need to address elements.
 */
#include "ops/ref-cast-string.h"
#include "ops/ref-common.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static size_t
item_size (lt_dtype dtype)
{
  return dtype == LT_DTYPE_STRING ? sizeof (lt_bytes) : lt_ref_elem_size (dtype);
}

/* Any dtype with whole-byte items. */
static bool
items_supports (const lt_kernel_call *call)
{
  return call->n_inputs > 0 && item_size (call->inputs[0].dtype) > 0;
}

static int64_t
normalize_axis (int64_t axis,
                int32_t rank)
{
  return axis < 0 ? axis + rank : axis;
}

static uint64_t
product (const int64_t *dims,
         int32_t        from,
         int32_t        to)
{
  uint64_t p = 1;
  for (int32_t d = from; d < to; d++)
    p *= (uint64_t) dims[d];
  return p;
}

/* Copies out[k] = in[offset(k)], where offsets follow `strides` (in
 * elements of the input) over the output's dims. */
static void
gather_strided (const lt_kernel_tensor *in,
                lt_kernel_tensor       *out,
                int64_t                 strides[1][LT_MAX_RANK],
                uint64_t                base)
{
  size_t   size = item_size (out->dtype);
  int64_t  index[LT_MAX_RANK] = { 0 };
  uint64_t offset = base;

  for (uint64_t k = 0; k < out->count; k++)
    {
      memcpy ((char *) out->data + k * size, (const char *) in->data + offset * size, size);
      lt_ref_index_next (out->rank, out->dims, index, 1, strides, &offset);
    }
}

/* ---- Transpose ---------------------------------------------------------- */

static lt_status
transpose_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  lt_kernel_tensor       *out = &call->outputs[0];
  const lt_attr          *perm = lt_node_get_attr (call->node, "perm");
  int64_t                 in_strides[LT_MAX_RANK];
  int64_t                 strides[1][LT_MAX_RANK];

  if (perm != NULL && (perm->type != LT_ATTR_INTS || perm->count != (uint32_t) in->rank))
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "perm must list %d axes", in->rank);
  for (int32_t d = in->rank - 1, s = 1; d >= 0; d--)
    {
      in_strides[d] = s;
      s *= (int32_t) in->dims[d];
    }
  for (int32_t d = 0; d < out->rank; d++)
    {
      int64_t axis = perm != NULL ? perm->v.ints[d] : in->rank - 1 - d;
      if (axis < 0 || axis >= in->rank)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "perm has axis %lld out of range", (long long) axis);
      strides[0][d] = in_strides[axis];
    }
  gather_strided (in, out, strides, 0);
  return LT_OK;
}

/* ---- Concat and Split --------------------------------------------------- */

static lt_status
concat_run (const lt_kernel_call *call)
{
  lt_kernel_tensor *out = &call->outputs[0];
  int64_t           axis = normalize_axis (lt_node_get_attr_int (call->node, "axis", 0), out->rank);
  size_t            size = item_size (out->dtype);
  uint64_t          outer = product (out->dims, 0, (int32_t) axis);
  char             *dst = out->data;

  for (uint64_t o = 0; o < outer; o++)
    for (uint32_t i = 0; i < call->n_inputs; i++)
      {
        const lt_kernel_tensor *in = &call->inputs[i];
        size_t                  block = product (in->dims, (int32_t) axis, in->rank) * size;
        if (block == 0)
          continue;
        memcpy (dst, (const char *) in->data + o * block, block);
        dst += block;
      }
  return LT_OK;
}

static lt_status
split_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  int64_t                 axis = normalize_axis (lt_node_get_attr_int (call->node, "axis", 0), in->rank);
  size_t                  size = item_size (in->dtype);
  uint64_t                outer = product (in->dims, 0, (int32_t) axis);
  const char             *src = in->data;

  for (uint64_t o = 0; o < outer; o++)
    for (uint32_t i = 0; i < call->n_outputs; i++)
      {
        lt_kernel_tensor *out = &call->outputs[i];
        if (out->dtype == LT_DTYPE_UNDEFINED)
          continue;
        size_t block = product (out->dims, (int32_t) axis, out->rank) * size;
        if (block == 0)
          continue;
        memcpy ((char *) out->data + o * block, src, block);
        src += block;
      }
  return LT_OK;
}

/* ---- Slice -------------------------------------------------------------- */

/* Reads starts/ends/axes/steps entry i from an input (opset >= 10) or an
 * attribute (before). */
static bool
slice_param (const lt_kernel_call *call,
             uint32_t              input,
             const char           *attr_name,
             uint32_t              i,
             int64_t              *value)
{
  if (call->node->opset >= 10)
    {
      if (!lt_ref_has_input (call, input) || call->inputs[input].data == NULL)
        return false;
      *value = lt_ref_index_input (&call->inputs[input], i);
      return true;
    }
  const lt_attr *attr = lt_node_get_attr (call->node, attr_name);
  if (attr == NULL || attr->type != LT_ATTR_INTS || i >= attr->count)
    return false;
  *value = attr->v.ints[i];
  return true;
}

static lt_status
slice_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  lt_kernel_tensor       *out = &call->outputs[0];
  int64_t                 start[LT_MAX_RANK] = { 0 };
  int64_t                 step[LT_MAX_RANK];
  int64_t                 strides[1][LT_MAX_RANK];
  uint64_t                n_axes;
  uint64_t                base = 0;

  if (call->node->opset >= 10)
    n_axes = call->inputs[1].count;
  else
    {
      const lt_attr *starts = lt_node_get_attr (call->node, "starts");
      n_axes = starts != NULL ? starts->count : 0;
    }
  for (int32_t d = 0; d < in->rank; d++)
    step[d] = 1;
  for (uint32_t i = 0; i < n_axes; i++)
    {
      int64_t axis = i, s = 0, st = 1;
      slice_param (call, 3, "axes", i, &axis);
      slice_param (call, 1, "starts", i, &s);
      slice_param (call, 4, "steps", i, &st);
      axis = normalize_axis (axis, in->rank);
      if (axis < 0 || axis >= in->rank || st == 0)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "bad axis or step at position %u", i);
      int64_t dim = in->dims[axis];
      if (s < 0)
        s += dim;
      /* Clamp like numpy: [0, dim] going forward, [0, dim-1] going back. */
      if (st > 0)
        s = s < 0 ? 0 : s > dim ? dim : s;
      else
        s = s < 0 ? -1 : s > dim - 1 ? dim - 1 : s;
      start[axis] = s;
      step[axis] = st;
    }
  for (int32_t d = in->rank - 1, stride = 1; d >= 0; d--)
    {
      strides[0][d] = stride * step[d];
      base += (uint64_t) (start[d] * stride);
      stride *= (int32_t) in->dims[d];
    }
  if (out->count > 0)
    gather_strided (in, out, strides, base);
  return LT_OK;
}

/* ---- Gather -------------------------------------------------------------- */

static lt_status
gather_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *data = &call->inputs[0];
  const lt_kernel_tensor *indices = &call->inputs[1];
  lt_kernel_tensor       *out = &call->outputs[0];
  int64_t                 axis = normalize_axis (lt_node_get_attr_int (call->node, "axis", 0), data->rank);
  size_t                  size = item_size (data->dtype);
  uint64_t                outer = product (data->dims, 0, (int32_t) axis);
  uint64_t                inner = product (data->dims, (int32_t) axis + 1, data->rank) * size;
  int64_t                 dim = data->dims[axis];
  char                   *dst = out->data;

  for (uint64_t o = 0; o < outer; o++)
    for (uint64_t k = 0; k < indices->count; k++)
      {
        int64_t index = lt_ref_index_input (indices, k);
        if (index < -dim || index >= dim)
          return lt_ref_fail (call, LT_ERR_RUNTIME, "index %lld out of range [%lld, %lld)",
                              (long long) index, (long long) -dim, (long long) dim);
        if (index < 0)
          index += dim;
        memcpy (dst, (const char *) data->data + (o * (uint64_t) dim + (uint64_t) index) * inner, inner);
        dst += inner;
      }
  return LT_OK;
}

/* ---- Expand and Tile ------------------------------------------------------ */

static lt_status
expand_run (const lt_kernel_call *call)
{
  int64_t strides[1][LT_MAX_RANK];

  if (!lt_ref_broadcast_strides (&call->inputs[0], &call->outputs[0], strides[0]))
    return lt_ref_fail (call, LT_ERR_RUNTIME, "input does not broadcast to the output shape");
  gather_strided (&call->inputs[0], &call->outputs[0], strides, 0);
  return LT_OK;
}

static lt_status
tile_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  lt_kernel_tensor       *out = &call->outputs[0];
  size_t                  size = item_size (in->dtype);
  int64_t                 index[LT_MAX_RANK] = { 0 };

  for (uint64_t k = 0; k < out->count; k++)
    {
      uint64_t offset = 0;
      for (int32_t d = 0; d < in->rank; d++)
        offset = offset * (uint64_t) in->dims[d] + (uint64_t) (index[d] % in->dims[d]);
      memcpy ((char *) out->data + k * size, (const char *) in->data + offset * size, size);
      lt_ref_index_next (out->rank, out->dims, index, 0, NULL, NULL);
    }
  return LT_OK;
}

/* ---- Shape, Size, Constant, ConstantOfShape, Cast ----------------------------- */

static lt_status
shape_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  int64_t                 start = lt_node_get_attr_int (call->node, "start", 0);

  if (start < 0)
    start += in->rank;
  if (start < 0)
    start = 0;
  for (uint64_t k = 0; k < call->outputs[0].count; k++)
    ((int64_t *) call->outputs[0].data)[k] = in->dims[start + (int64_t) k];
  return LT_OK;
}

static lt_status
size_run (const lt_kernel_call *call)
{
  *(int64_t *) call->outputs[0].data = (int64_t) call->inputs[0].count;
  return LT_OK;
}

static lt_status
constant_run (const lt_kernel_call *call)
{
  lt_kernel_tensor *out = &call->outputs[0];
  const lt_attr    *attr = NULL;
  const char *const names[] = { "value", "value_float", "value_floats", "value_int", "value_ints" };

  for (size_t i = 0; attr == NULL && i < sizeof names / sizeof names[0]; i++)
    attr = lt_node_get_attr (call->node, names[i]);
  if (attr == NULL)
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "Constant without a numeric value attribute");
  for (uint64_t k = 0; k < out->count; k++)
    switch (attr->type)
      {
      case LT_ATTR_TENSOR:
        memcpy ((char *) out->data + k * item_size (out->dtype),
                (const char *) attr->v.t->data + k * item_size (out->dtype), item_size (out->dtype));
        break;
      case LT_ATTR_FLOAT:
        ((float *) out->data)[k] = attr->v.f;
        break;
      case LT_ATTR_FLOATS:
        ((float *) out->data)[k] = attr->v.floats[k];
        break;
      case LT_ATTR_INT:
        ((int64_t *) out->data)[k] = attr->v.i;
        break;
      case LT_ATTR_INTS:
        ((int64_t *) out->data)[k] = attr->v.ints[k];
        break;
      default:
        return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "Constant of attribute type %d", attr->type);
      }
  return LT_OK;
}

static lt_status
constant_of_shape_run (const lt_kernel_call *call)
{
  lt_kernel_tensor *out = &call->outputs[0];
  const lt_attr    *value = lt_node_get_attr (call->node, "value");
  size_t            size = item_size (out->dtype);
  char              fill[16] = { 0 };

  if (value != NULL && value->type == LT_ATTR_TENSOR && value->v.t->data != NULL)
    memcpy (fill, value->v.t->data, size <= sizeof fill ? size : sizeof fill);
  for (uint64_t k = 0; k < out->count; k++)
    memcpy ((char *) out->data + k * size, fill, size);
  return LT_OK;
}

static lt_status
cast_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  lt_kernel_tensor       *out = &call->outputs[0];
  bool                    exact_int = !lt_dtype_is_float (in->dtype) && !lt_dtype_is_float (out->dtype);

  if (out->dtype == LT_DTYPE_STRING)
    {
      lt_ref_cast_to_string (in, out, call->state);
      return LT_OK;
    }
  if (in->dtype == LT_DTYPE_STRING)
    return lt_ref_cast_from_string (call, in, out);
  for (uint64_t k = 0; k < out->count; k++)
    if (exact_int)
      lt_ref_set_i64 (out->dtype, out->data, k, lt_ref_get_i64 (in->dtype, in->data, k));
    else
      lt_ref_set_f64 (out->dtype, out->data, k, lt_ref_get_f64 (in->dtype, in->data, k));
  return LT_OK;
}

/* A Cast to STRING keeps its text in a buffer allocated here. */
static lt_status
cast_prepare (const lt_kernel_call *call,
              void                **state,
              size_t               *scratch_bytes)
{
  size_t bytes;

  *state = NULL;
  *scratch_bytes = 0;
  if (call->outputs[0].dtype != LT_DTYPE_STRING)
    return LT_OK;
  if (!lt_ref_cast_string_buffer_size (call->outputs[0].count, &bytes))
    return lt_ref_fail (call, LT_ERR_LIMIT, "too many strings (%" PRIu64 ")", call->outputs[0].count);
  *state = malloc (bytes > 0 ? bytes : 1);
  if (*state == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "no memory for %zu bytes of strings", bytes);
  return LT_OK;
}

/* Cast between numeric and bool dtypes, and between STRING and numbers;
 * 8-bit floats are not supported. */
static bool
cast_supports (const lt_kernel_call *call)
{
  lt_dtype from = call->inputs[0].dtype, to = call->outputs[0].dtype;
  bool     from_ok = from == LT_DTYPE_BOOL || from == LT_DTYPE_F16 || from == LT_DTYPE_BF16 || from == LT_DTYPE_F32 || from == LT_DTYPE_F64 || (lt_dtype_is_integer (from) && lt_ref_elem_size (from) > 0);
  bool     to_ok = to == LT_DTYPE_BOOL || to == LT_DTYPE_F16 || to == LT_DTYPE_BF16 || to == LT_DTYPE_F32 || to == LT_DTYPE_F64 || (lt_dtype_is_integer (to) && lt_ref_elem_size (to) > 0);

  if (from == LT_DTYPE_STRING)
    return lt_ref_cast_string_dtype_ok (to);
  if (to == LT_DTYPE_STRING)
    return lt_ref_cast_string_dtype_ok (from);
  return from_ok && to_ok;
}

#define DATA_KERNEL(base, supports_fn)              \
  const lt_kernel lt_ref_##base##_kernel = {        \
    .name = "lt_ref_" #base,                        \
    .supports = supports_fn,                        \
    .run = base##_run,                              \
  };

/* clang-format off */
DATA_KERNEL (transpose, items_supports)
DATA_KERNEL (concat, items_supports)
DATA_KERNEL (split, items_supports)
DATA_KERNEL (slice, items_supports)
DATA_KERNEL (gather, items_supports)
DATA_KERNEL (expand, items_supports)
DATA_KERNEL (tile, items_supports)
DATA_KERNEL (shape, NULL)
DATA_KERNEL (size, NULL)
DATA_KERNEL (constant, NULL)
DATA_KERNEL (constant_of_shape, NULL)
/* clang-format on */

const lt_kernel lt_ref_cast_kernel = {
  .name = "lt_ref_cast",
  .supports = cast_supports,
  .prepare = cast_prepare,
  .run = cast_run,
  .release = free,
};
