/* ref-layout.c — reference DepthToSpace, SpaceToDepth, Pad and Trilu: ops
 * that rearrange, extend or mask elements without arithmetic on them.
 *
 * Elements move as opaque items of their dtype's size.  Each output
 * element is computed from its own coordinates (where it comes from, or
 * whether it is padding / masked), so no op writes an element twice.
 */
#include "ops/ref-helpers.h"

#include <stdlib.h>
#include <string.h>

static bool
items_supports (const lt_kernel_call *call)
{
  return call->n_inputs > 0 && lt_ref_elem_size (call->inputs[0].dtype) > 0;
}

static void
copy_item (lt_kernel_tensor       *out,
           uint64_t                o,
           const lt_kernel_tensor *in,
           uint64_t                i)
{
  size_t size = lt_ref_elem_size (in->dtype);

  memcpy ((char *) out->data + o * size, (const char *) in->data + i * size, size);
}

/* ---- DepthToSpace / SpaceToDepth -------------------------------------------- */

static lt_status
depth_space_prepare (const lt_kernel_call *call,
                     void                **state,
                     size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0], *y = &call->outputs[0];
  int64_t                 b = lt_node_get_attr_int (call->node, "blocksize", 0);
  const char             *mode = lt_node_get_attr_string (call->node, "mode", "DCR");
  bool                    to_space = call->node->op == LT_OP_DepthToSpace;

  (void) state;
  *scratch_bytes = 0;
  if (b < 1)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'blocksize' is required and must be >= 1");
  if (to_space && strcmp (mode, "DCR") != 0 && strcmp (mode, "CRD") != 0)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'mode' must be DCR or CRD (got '%s')", mode);
  if (x->rank != 4 || y->rank != 4 || y->dtype != x->dtype)
    return lt_ref_fail (call, LT_ERR_SHAPE, "input and output must be 4-D [N, C, H, W] of one type");
  if (to_space ? (x->dims[1] % (b * b) != 0 || y->dims[1] * b * b != x->dims[1] || y->dims[2] != x->dims[2] * b || y->dims[3] != x->dims[3] * b)
               : (x->dims[2] % b != 0 || x->dims[3] % b != 0 || y->dims[1] != x->dims[1] * b * b || y->dims[2] * b != x->dims[2] || y->dims[3] * b != x->dims[3]))
    return lt_ref_fail (call, LT_ERR_SHAPE, "shapes do not fit blocksize %lld", (long long) b);
  return LT_OK;
}

static lt_status
depth_space_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  int64_t                 b = lt_node_get_attr_int (call->node, "blocksize", 1);
  bool                    crd = strcmp (lt_node_get_attr_string (call->node, "mode", "DCR"), "CRD") == 0;
  bool                    to_space = call->node->op == LT_OP_DepthToSpace;
  /* The deep tensor [N, C*b*b, H, W] and the wide one [N, C, H*b, W*b]. */
  const lt_kernel_tensor *deep = to_space ? x : y, *wide = to_space ? y : x;
  int64_t                 c_wide = wide->dims[1];

  for (uint64_t wi = 0; wi < wide->count; wi++)
    {
      int64_t  co[4], block, dc;
      uint64_t di;

      lt_ref_unravel (wi, 4, wide->dims, co);
      block = (co[2] % b) * b + co[3] % b;
      /* DCR: depth = block * C + c; CRD: depth = c * b*b + block */
      dc = crd && to_space ? co[1] * b * b + block : block * c_wide + co[1];
      di = (uint64_t) (((co[0] * deep->dims[1] + dc) * deep->dims[2] + co[2] / b) * deep->dims[3] + co[3] / b);
      if (to_space)
        copy_item (y, wi, x, di);
      else
        copy_item (y, di, x, wi);
    }
  return LT_OK;
}

/* ---- Pad -------------------------------------------------------------------- */

typedef enum pad_mode
{
  PAD_CONSTANT,
  PAD_REFLECT,
  PAD_EDGE,
  PAD_WRAP,
} pad_mode;

static lt_status
parse_pad_mode (const lt_kernel_call *call,
                pad_mode             *out)
{
  const char *s = lt_node_get_attr_string (call->node, "mode", "constant");

  if (strcmp (s, "constant") == 0)
    *out = PAD_CONSTANT;
  else if (strcmp (s, "reflect") == 0)
    *out = PAD_REFLECT;
  else if (strcmp (s, "edge") == 0)
    *out = PAD_EDGE;
  else if (strcmp (s, "wrap") == 0)
    *out = PAD_WRAP;
  else
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'mode' has unknown value '%s'", s);
  return LT_OK;
}

static lt_status
pad_prepare (const lt_kernel_call *call,
             void                **state,
             size_t               *scratch_bytes)
{
  pad_mode mode;

  (void) state;
  *scratch_bytes = 0;
  if (call->outputs[0].dtype != call->inputs[0].dtype || call->outputs[0].rank != call->inputs[0].rank)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have the type and rank of data");
  if (call->node->opset < 11 && lt_node_get_attr (call->node, "pads") == NULL)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'pads' is required before opset 11");
  if (call->node->opset >= 11
      && (call->inputs[1].dtype != LT_DTYPE_I64
          || (lt_ref_has_input (call, 3) && call->inputs[3].dtype != LT_DTYPE_I64 && call->inputs[3].dtype != LT_DTYPE_I32)))
    return lt_ref_fail (call, LT_ERR_SHAPE, "pads must be int64 and axes int32 or int64");
  return parse_pad_mode (call, &mode);
}

/* Begin pads per axis, from the attribute (opset < 11) or the pads input
 * restricted to the optional axes input; checked against the output. */
static lt_status
pad_begins (const lt_kernel_call *call,
            int64_t              *begin)
{
  const lt_kernel_tensor *x = &call->inputs[0], *y = &call->outputs[0];
  int64_t                 axes[LT_MAX_RANK], pads[2 * LT_MAX_RANK];
  uint64_t                n_axes = (uint64_t) x->rank;

  if (call->node->opset < 11)
    {
      const lt_attr *attr = lt_node_get_attr (call->node, "pads");
      if (attr->type != LT_ATTR_INTS || attr->count != 2u * (uint32_t) x->rank)
        return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'pads' must list 2 x %d integers", x->rank);
      memcpy (pads, attr->v.ints, attr->count * sizeof pads[0]);
    }
  else
    {
      if (lt_ref_has_input (call, 3))
        n_axes = call->inputs[3].count;
      if (!lt_ref_has_input (call, 1) || n_axes > (uint64_t) x->rank || call->inputs[1].count != 2 * n_axes)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "pads must hold 2 values per padded axis");
      for (uint64_t i = 0; i < 2 * n_axes; i++)
        pads[i] = lt_ref_index_input (&call->inputs[1], i);
    }
  for (uint64_t i = 0; i < n_axes; i++)
    axes[i] = lt_ref_has_input (call, 3) ? lt_ref_index_input (&call->inputs[3], i) : (int64_t) i;
  for (int32_t d = 0; d < x->rank; d++)
    begin[d] = 0;
  for (uint64_t i = 0; i < n_axes; i++)
    {
      int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];
      if (a < 0 || a >= x->rank)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "axis %lld is out of range", (long long) axes[i]);
      begin[a] = pads[i];
      /* each pad is bounded by the extents it removes or adds, which also
       * keeps the sums below from overflowing */
      for (int k = 0; k < 2; k++)
        if (pads[i + (uint64_t) k * n_axes] < -x->dims[a] || pads[i + (uint64_t) k * n_axes] > y->dims[a])
          return lt_ref_fail (call, LT_ERR_RUNTIME, "pad %lld on axis %lld is out of range",
                              (long long) pads[i + (uint64_t) k * n_axes], (long long) a);
      if (x->dims[a] + pads[i] + pads[i + n_axes] != y->dims[a])
        return lt_ref_fail (call, LT_ERR_RUNTIME, "pads do not give the output extent on axis %lld", (long long) a);
    }
  return LT_OK;
}

/* Source coordinate for output coordinate `o` on an axis of input extent
 * n (begin padding `begin`), or -1 for the constant value. */
static int64_t
pad_source (pad_mode mode,
            int64_t  o,
            int64_t  begin,
            int64_t  n)
{
  int64_t i = o - begin;

  if (i >= 0 && i < n)
    return i;
  if (mode == PAD_CONSTANT || n == 0)
    return -1;
  if (mode == PAD_EDGE)
    return i < 0 ? 0 : n - 1;
  if (mode == PAD_WRAP)
    return ((i % n) + n) % n;
  /* reflect about the edge elements (period 2n - 2), for any pad size */
  if (n == 1)
    return 0;
  i = ((i % (2 * n - 2)) + (2 * n - 2)) % (2 * n - 2);
  return i < n ? i : 2 * n - 2 - i;
}

static lt_status
pad_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  int64_t                 begin[LT_MAX_RANK], strides[LT_MAX_RANK];
  double                  value = 0.0;
  pad_mode                mode;
  lt_status               st;

  parse_pad_mode (call, &mode);
  if ((st = pad_begins (call, begin)) != LT_OK)
    return st;
  if (call->node->opset < 11)
    value = lt_node_get_attr_float (call->node, "value", 0.0f);
  else if (lt_ref_has_input (call, 2) && call->inputs[2].count > 0)
    value = lt_ref_get_f64 (call->inputs[2].dtype, call->inputs[2].data, 0);
  if (mode != PAD_CONSTANT && x->count == 0 && y->count > 0)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "cannot %s-pad an empty tensor",
                        mode == PAD_EDGE ? "edge" : mode == PAD_WRAP ? "wrap"
                                                                     : "reflect");
  lt_ref_strides (x->rank, x->dims, strides);
  for (uint64_t o = 0; o < y->count; o++)
    {
      int64_t  co[LT_MAX_RANK];
      uint64_t at = 0;
      bool     inside = true;

      lt_ref_unravel (o, y->rank, y->dims, co);
      for (int32_t d = 0; d < y->rank && inside; d++)
        {
          int64_t s = pad_source (mode, co[d], begin[d], x->dims[d]);
          inside = s >= 0;
          at += (uint64_t) (s * strides[d]);
        }
      if (inside)
        copy_item (y, o, x, at);
      else
        lt_ref_set_f64 (y->dtype, y->data, o, value);
    }
  return LT_OK;
}

/* ---- Trilu ------------------------------------------------------------------ */

static lt_status
trilu_prepare (const lt_kernel_call *call,
               void                **state,
               size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];

  (void) state;
  *scratch_bytes = 0;
  if (x->rank < 2)
    return lt_ref_fail (call, LT_ERR_SHAPE, "input must have rank >= 2");
  if (lt_ref_has_input (call, 1) && (call->inputs[1].count != 1 || call->inputs[1].dtype != LT_DTYPE_I64))
    return lt_ref_fail (call, LT_ERR_SHAPE, "k must be an int64 scalar");
  if (call->outputs[0].dtype != x->dtype || call->outputs[0].count != x->count)
    return lt_ref_fail (call, LT_ERR_SHAPE, "output must have the type and shape of the input");
  return LT_OK;
}

static lt_status
trilu_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_kernel_tensor       *y = &call->outputs[0];
  bool                    upper = lt_node_get_attr_int (call->node, "upper", 1) != 0;
  int64_t                 k = lt_ref_has_input (call, 1) ? lt_ref_index_input (&call->inputs[1], 0) : 0;
  int64_t                 rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
  size_t                  size = lt_ref_elem_size (x->dtype);

  for (uint64_t o = 0; o < x->count; o++)
    {
      int64_t i = (int64_t) (o / (uint64_t) cols) % rows, j = (int64_t) (o % (uint64_t) cols);
      bool    keep = upper ? j - i >= k : j - i <= k;
      if (keep)
        copy_item (y, o, x, o);
      else
        memset ((char *) y->data + o * size, 0, size);
    }
  return LT_OK;
}

const lt_kernel lt_ref_depth_to_space_kernel = {
  .name = "lt_ref_depth_to_space",
  .supports = items_supports,
  .prepare = depth_space_prepare,
  .run = depth_space_run,
};

const lt_kernel lt_ref_space_to_depth_kernel = {
  .name = "lt_ref_space_to_depth",
  .supports = items_supports,
  .prepare = depth_space_prepare,
  .run = depth_space_run,
};

const lt_kernel lt_ref_pad_kernel = {
  .name = "lt_ref_pad",
  .supports = items_supports,
  .prepare = pad_prepare,
  .run = pad_run,
};

const lt_kernel lt_ref_trilu_kernel = {
  .name = "lt_ref_trilu",
  .supports = items_supports,
  .prepare = trilu_prepare,
  .run = trilu_run,
};
