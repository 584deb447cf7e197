/* ref-helpers.h — what reference kernels share beyond ref-common.h: list
 * attributes and axes read with their ranges checked, a dtype gate for
 * `supports`, keeping parsed parameters as the kernel state, and index
 * arithmetic over boxes (sub-ranges of a tensor's axes).
 *
 * Errors name the node (through lt_ref_fail) and the attribute.
 */
#pragma once

#include "ops/ref-common.h"

#include <stddef.h>

/* Reads the INTS attribute `name` into out[0..n).  Absent: fills
 * `fallback` and returns LT_OK.  Present with another length or type:
 * LT_ERR_INVALID_MODEL naming the node and the attribute. */
lt_status lt_ref_get_ints (const lt_kernel_call *call,
                           const char           *name,
                           int                   n,
                           int64_t               fallback,
                           int64_t              *out);

/* A `supports` that accepts the node when input 0 is F32. */
bool lt_ref_supports_f32 (const lt_kernel_call *call);

/* Copies `size` bytes of parsed parameters into a new state (freed by the
 * kernel's release = free).  LT_ERR_NO_MEMORY when that fails. */
lt_status lt_ref_keep_state (const lt_kernel_call *call,
                             const void           *params,
                             size_t                size,
                             void                **state);

/* Elements in axes [axis, rank) of t: one row when t is split at `axis`. */
static inline uint64_t
lt_ref_count_from (const lt_kernel_tensor *t,
                   int32_t                 axis)
{
  uint64_t c = 1;
  for (int32_t i = axis; i < t->rank; i++)
    c *= (uint64_t) t->dims[i];
  return c;
}

/* Elements in axes [0, axis) of t: the number of rows. */
static inline uint64_t
lt_ref_count_before (const lt_kernel_tensor *t,
                     int32_t                 axis)
{
  uint64_t c = 1;
  for (int32_t i = 0; i < axis; i++)
    c *= (uint64_t) t->dims[i];
  return c;
}

/* Reads the `axis` attribute (default `fallback`) and normalizes it into
 * [0, rank); LT_ERR_INVALID_MODEL naming the node when out of range. */
lt_status lt_ref_get_axis (const lt_kernel_call *call,
                           int64_t               fallback,
                           int32_t               rank,
                           int32_t              *axis);

/* Coordinates of linear index `index` in a box of extents dims[0..n). */
void lt_ref_unravel (uint64_t       index,
                     int32_t        n,
                     const int64_t *dims,
                     int64_t       *coords);

/* Number of elements of a box of extents dims[0..n). */
uint64_t lt_ref_box_count (int32_t        n,
                           const int64_t *dims);

/* Offset of the element at linear index `index` of a box of extents
 * dims[0..n) whose axes advance by strides[0..n) elements. */
int64_t lt_ref_box_offset (uint64_t       index,
                           int32_t        n,
                           const int64_t *dims,
                           const int64_t *strides);

/* Row-major strides (in elements) of a packed tensor of `rank` dims. */
void lt_ref_strides (int32_t        rank,
                     const int64_t *dims,
                     int64_t       *strides);
