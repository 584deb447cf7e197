/* ref-gather.c — reference GatherElements, GatherND, ScatterElements and
 * ScatterND.
 *
 * Indices are data: each one is read, a negative one counts from the end
 * of its axis, and one outside [-dim, dim) stops the run with
 * LT_ERR_RUNTIME naming the node before anything is read or written out of
 * bounds.  Elements move as opaque items of their dtype's size; the
 * scatter reductions (add, mul, max, min) combine in int64 for integer
 * dtypes and in double otherwise.
 */
#include "ops/ref-helpers.h"

#include <stdlib.h>
#include <string.h>

static bool
items_supports (const lt_kernel_call *call)
{
  return call->n_inputs > 0 && lt_ref_elem_size (call->inputs[0].dtype) > 0;
}

/* Element i of an index tensor resolved against an axis of length `dim`;
 * false (with the error set) when out of range. */
static bool
resolve_index (const lt_kernel_call   *call,
               const lt_kernel_tensor *indices,
               uint64_t                i,
               int64_t                 dim,
               int64_t                *out)
{
  int64_t v = lt_ref_index_input (indices, i);

  if (v < -dim || v >= dim)
    {
      lt_ref_fail (call, LT_ERR_RUNTIME, "index %lld at position %llu is out of range for an axis of %lld",
                   (long long) v, (unsigned long long) i, (long long) dim);
      return false;
    }
  *out = v < 0 ? v + dim : v;
  return true;
}

static bool
is_index_type (lt_dtype t)
{
  return t == LT_DTYPE_I32 || t == LT_DTYPE_I64;
}

/* ---- scatter reductions ----------------------------------------------------- */

typedef enum scatter_reduction
{
  SCATTER_NONE,
  SCATTER_ADD,
  SCATTER_MUL,
  SCATTER_MAX,
  SCATTER_MIN,
} scatter_reduction;

static lt_status
parse_reduction (const lt_kernel_call *call,
                 scatter_reduction    *out)
{
  const char *s = lt_node_get_attr_string (call->node, "reduction", "none");

  if (strcmp (s, "none") == 0)
    *out = SCATTER_NONE;
  else if (strcmp (s, "add") == 0)
    *out = SCATTER_ADD;
  else if (strcmp (s, "mul") == 0)
    *out = SCATTER_MUL;
  else if (strcmp (s, "max") == 0)
    *out = SCATTER_MAX;
  else if (strcmp (s, "min") == 0)
    *out = SCATTER_MIN;
  else
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'reduction' has unknown value '%s'", s);
  return LT_OK;
}

/* out[o] = reduce (out[o], updates[u]). */
static void
scatter_one (scatter_reduction       r,
             lt_kernel_tensor       *out,
             uint64_t                o,
             const lt_kernel_tensor *updates,
             uint64_t                u)
{
  size_t size = lt_ref_elem_size (out->dtype);

  if (r == SCATTER_NONE)
    memcpy ((char *) out->data + o * size, (const char *) updates->data + u * size, size);
  else if (lt_dtype_is_integer (out->dtype))
    {
      int64_t a = lt_ref_get_i64 (out->dtype, out->data, o), b = lt_ref_get_i64 (updates->dtype, updates->data, u);
      int64_t v = r == SCATTER_ADD   ? (int64_t) ((uint64_t) a + (uint64_t) b)
                  : r == SCATTER_MUL ? (int64_t) ((uint64_t) a * (uint64_t) b)
                  : r == SCATTER_MAX ? (a > b ? a : b)
                                     : (a < b ? a : b);
      lt_ref_set_i64 (out->dtype, out->data, o, v);
    }
  else
    {
      double a = lt_ref_get_f64 (out->dtype, out->data, o), b = lt_ref_get_f64 (updates->dtype, updates->data, u);
      double v = r == SCATTER_ADD ? a + b : r == SCATTER_MUL ? a * b
                                        : r == SCATTER_MAX   ? (a > b ? a : b)
                                                             : (a < b ? a : b);
      lt_ref_set_f64 (out->dtype, out->data, o, v);
    }
}

static void
copy_data (const lt_kernel_call *call)
{
  const lt_kernel_tensor *data = &call->inputs[0];
  lt_kernel_tensor       *out = &call->outputs[0];

  if (out->data != data->data && data->count > 0)
    memcpy (out->data, data->data, (size_t) data->count * lt_ref_elem_size (data->dtype));
}

/* ---- GatherElements / ScatterElements --------------------------------------- */

/* Both address data[i0, .., idx, .., ir] where idx = indices[i0..ir] on
 * `axis`; indices (and updates) have one shape, data may be larger. */
static lt_status
elements_prepare (const lt_kernel_call *call,
                  void                **state,
                  size_t               *scratch_bytes)
{
  const lt_kernel_tensor *data = &call->inputs[0], *indices = &call->inputs[1];
  bool                    scatter = call->node->op == LT_OP_ScatterElements;
  scatter_reduction       r;
  int32_t                 axis;
  lt_status               st;

  (void) state;
  *scratch_bytes = 0;
  if ((st = lt_ref_get_axis (call, 0, data->rank, &axis)) != LT_OK || (scatter && (st = parse_reduction (call, &r)) != LT_OK))
    return st;
  if (!is_index_type (indices->dtype) || indices->rank != data->rank)
    return lt_ref_fail (call, LT_ERR_SHAPE, "indices must be int32 or int64 with the rank of data");
  for (int32_t i = 0; i < data->rank; i++)
    if (i != axis && indices->dims[i] > data->dims[i])
      return lt_ref_fail (call, LT_ERR_SHAPE, "indices are larger than data on axis %d", i);
  if (scatter && (call->inputs[2].count != indices->count || call->inputs[2].dtype != data->dtype))
    return lt_ref_fail (call, LT_ERR_SHAPE, "updates must have the shape of indices and the type of data");
  if (call->outputs[0].dtype != data->dtype || call->outputs[0].count != (scatter ? data->count : indices->count))
    return lt_ref_fail (call, LT_ERR_SHAPE, "the output shape or type does not match");
  return LT_OK;
}

static lt_status
elements_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *data = &call->inputs[0], *indices = &call->inputs[1];
  lt_kernel_tensor       *out = &call->outputs[0];
  bool                    scatter = call->node->op == LT_OP_ScatterElements;
  size_t                  size = lt_ref_elem_size (data->dtype);
  int64_t                 strides[LT_MAX_RANK];
  scatter_reduction       r = SCATTER_NONE;
  int32_t                 axis;

  lt_ref_get_axis (call, 0, data->rank, &axis);
  if (scatter)
    {
      parse_reduction (call, &r);
      copy_data (call);
    }
  lt_ref_strides (data->rank, data->dims, strides);
  for (uint64_t i = 0; i < indices->count; i++)
    {
      int64_t  coords[LT_MAX_RANK], idx;
      uint64_t at = 0;

      if (!resolve_index (call, indices, i, data->dims[axis], &idx))
        return LT_ERR_RUNTIME;
      lt_ref_unravel (i, indices->rank, indices->dims, coords);
      coords[axis] = idx;
      for (int32_t d = 0; d < data->rank; d++)
        at += (uint64_t) (coords[d] * strides[d]);
      if (scatter)
        scatter_one (r, out, at, &call->inputs[2], i);
      else
        memcpy ((char *) out->data + i * size, (const char *) data->data + at * size, size);
    }
  return LT_OK;
}

/* ---- GatherND / ScatterND --------------------------------------------------- */

/* indices [b0..b(B-1), i.., k]: each row of k indices picks a slice of
 * data [b.., d0..d(k-1), rest..] within its batch (GatherND's batch_dims;
 * 0 for ScatterND). */
typedef struct nd_params
{
  int32_t  batch_dims;
  int64_t  k;    /* indices per row */
  uint64_t rows; /* rows of k indices */
  uint64_t rows_per_batch;
  uint64_t slice;        /* elements per picked slice */
  uint64_t batch_stride; /* elements of data per batch */
} nd_params;

static lt_status
nd_prepare (const lt_kernel_call *call,
            void                **state,
            size_t               *scratch_bytes)
{
  const lt_kernel_tensor *data = &call->inputs[0], *indices = &call->inputs[1];
  bool                    scatter = call->node->op == LT_OP_ScatterND;
  nd_params               p;
  scatter_reduction       r;
  uint64_t                batches;
  lt_status               st;

  *scratch_bytes = 0;
  p.batch_dims = scatter ? 0 : (int32_t) lt_node_get_attr_int (call->node, "batch_dims", 0);
  if (scatter && (st = parse_reduction (call, &r)) != LT_OK)
    return st;
  if (!is_index_type (indices->dtype) || indices->rank < 1 || data->rank < 1)
    return lt_ref_fail (call, LT_ERR_SHAPE, "indices must be int32 or int64 of rank >= 1, data of rank >= 1");
  if (p.batch_dims < 0 || p.batch_dims >= indices->rank || p.batch_dims >= data->rank)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'batch_dims' must be in [0, %d)",
                        indices->rank < data->rank ? indices->rank : data->rank);
  p.k = indices->dims[indices->rank - 1];
  if (p.k < 1 || p.batch_dims + p.k > data->rank)
    return lt_ref_fail (call, LT_ERR_SHAPE, "the last axis of indices (%lld) must be in [1, %d]",
                        (long long) p.k, data->rank - p.batch_dims);
  for (int32_t i = 0; i < p.batch_dims; i++)
    if (indices->dims[i] != data->dims[i])
      return lt_ref_fail (call, LT_ERR_SHAPE, "batch axis %d of indices and data differ", i);
  p.rows = indices->count / (uint64_t) p.k;
  batches = lt_ref_count_before (data, p.batch_dims);
  p.rows_per_batch = batches ? p.rows / batches : 0;
  p.slice = lt_ref_count_from (data, p.batch_dims + (int32_t) p.k);
  p.batch_stride = lt_ref_count_from (data, p.batch_dims);
  if (call->outputs[0].dtype != data->dtype || call->outputs[0].count != (scatter ? data->count : p.rows * p.slice))
    return lt_ref_fail (call, LT_ERR_SHAPE, "the output shape or type does not match");
  if (scatter && (call->inputs[2].dtype != data->dtype || call->inputs[2].count != p.rows * p.slice))
    return lt_ref_fail (call, LT_ERR_SHAPE, "updates must hold one slice per row of indices");
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
nd_run (const lt_kernel_call *call)
{
  const nd_params        *p = call->state;
  const lt_kernel_tensor *data = &call->inputs[0], *indices = &call->inputs[1];
  lt_kernel_tensor       *out = &call->outputs[0];
  bool                    scatter = call->node->op == LT_OP_ScatterND;
  size_t                  size = lt_ref_elem_size (data->dtype);
  int64_t                 strides[LT_MAX_RANK];
  scatter_reduction       r = SCATTER_NONE;

  if (scatter)
    {
      parse_reduction (call, &r);
      copy_data (call);
    }
  lt_ref_strides (data->rank, data->dims, strides);
  for (uint64_t row = 0; row < p->rows; row++)
    {
      uint64_t at = (p->rows_per_batch ? row / p->rows_per_batch : 0) * p->batch_stride;

      for (int64_t j = 0; j < p->k; j++)
        {
          int32_t axis = p->batch_dims + (int32_t) j;
          int64_t idx;
          if (!resolve_index (call, indices, row * (uint64_t) p->k + (uint64_t) j, data->dims[axis], &idx))
            return LT_ERR_RUNTIME;
          at += (uint64_t) (idx * strides[axis]);
        }
      if (scatter)
        for (uint64_t e = 0; e < p->slice; e++)
          scatter_one (r, out, at + e, &call->inputs[2], row * p->slice + e);
      else if (p->slice > 0)
        memcpy ((char *) out->data + row * p->slice * size, (const char *) data->data + at * size, p->slice * size);
    }
  return LT_OK;
}

const lt_kernel lt_ref_gather_elements_kernel = {
  .name = "lt_ref_gather_elements",
  .supports = items_supports,
  .prepare = elements_prepare,
  .run = elements_run,
};

const lt_kernel lt_ref_scatter_elements_kernel = {
  .name = "lt_ref_scatter_elements",
  .supports = items_supports,
  .prepare = elements_prepare,
  .run = elements_run,
};

const lt_kernel lt_ref_gather_nd_kernel = {
  .name = "lt_ref_gather_nd",
  .supports = items_supports,
  .prepare = nd_prepare,
  .run = nd_run,
  .release = free,
};

const lt_kernel lt_ref_scatter_nd_kernel = {
  .name = "lt_ref_scatter_nd",
  .supports = items_supports,
  .prepare = nd_prepare,
  .run = nd_run,
  .release = free,
};
