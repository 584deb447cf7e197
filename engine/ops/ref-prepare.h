/* ref-prepare.h — what the reference kernels' prepare steps share: list
 * attributes read with their length checked, a dtype gate for `supports`,
 * and keeping the parsed parameters as the kernel state.
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
