/* ref-helpers.c — see ref-helpers.h. */
#include "ops/ref-helpers.h"

#include <stdlib.h>
#include <string.h>

lt_status
lt_ref_get_ints (const lt_kernel_call *call,
                 const char           *name,
                 int                   n,
                 int64_t               fallback,
                 int64_t              *out)
{
  const lt_attr *attr = lt_node_get_attr (call->node, name);

  if (attr == NULL)
    {
      for (int i = 0; i < n; i++)
        out[i] = fallback;
      return LT_OK;
    }
  if (attr->type != LT_ATTR_INTS || attr->count != (uint32_t) n)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL,
                        "attribute '%s' must be a list of %d integers", name, n);
  if (n > 0)
    memcpy (out, attr->v.ints, (size_t) n * sizeof *out);
  return LT_OK;
}

bool
lt_ref_supports_f32 (const lt_kernel_call *call)
{
  return call->n_inputs > 0 && call->inputs[0].dtype == LT_DTYPE_F32;
}

lt_status
lt_ref_keep_state (const lt_kernel_call *call,
                   const void           *params,
                   size_t                size,
                   void                **state)
{
  void *copy = malloc (size);

  if (copy == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory for the kernel state");
  memcpy (copy, params, size);
  *state = copy;
  return LT_OK;
}

lt_status
lt_ref_get_axis (const lt_kernel_call *call,
                 int64_t               fallback,
                 int32_t               rank,
                 int32_t              *axis)
{
  int64_t a = lt_node_get_attr_int (call->node, "axis", fallback);

  if (a < -(int64_t) rank || a >= (int64_t) rank)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'axis' = %lld is out of range for rank %d",
                        (long long) a, rank);
  *axis = (int32_t) (a < 0 ? a + rank : a);
  return LT_OK;
}

void
lt_ref_unravel (uint64_t       index,
                int32_t        n,
                const int64_t *dims,
                int64_t       *coords)
{
  for (int32_t i = n - 1; i >= 0; i--)
    {
      coords[i] = (int64_t) (index % (uint64_t) dims[i]);
      index /= (uint64_t) dims[i];
    }
}

uint64_t
lt_ref_box_count (int32_t        n,
                  const int64_t *dims)
{
  uint64_t c = 1;

  for (int32_t i = 0; i < n; i++)
    c *= (uint64_t) dims[i];
  return c;
}

int64_t
lt_ref_box_offset (uint64_t       index,
                   int32_t        n,
                   const int64_t *dims,
                   const int64_t *strides)
{
  int64_t offset = 0;

  for (int32_t i = n - 1; i >= 0; i--)
    {
      offset += (int64_t) (index % (uint64_t) dims[i]) * strides[i];
      index /= (uint64_t) dims[i];
    }
  return offset;
}

void
lt_ref_strides (int32_t        rank,
                const int64_t *dims,
                int64_t       *strides)
{
  int64_t s = 1;

  for (int32_t i = rank - 1; i >= 0; i--)
    {
      strides[i] = s;
      s *= dims[i];
    }
}
