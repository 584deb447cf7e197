/* ref-common.h — helpers shared by the reference kernels (ops/ref-*.c)
 *
 * Reference kernels favour obviously correct code over speed: elements are
 * read and written through the dtype switch below, and broadcasting walks a
 * multi-index.  They still obey the kernel contract: no allocation in run.
 */
#pragma once

#include "ops/kernel.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Sets call->err to `code` with the node's name as subject and returns the
 * code. */
lt_status lt_ref_fail (const lt_kernel_call *call,
                       lt_status             code,
                       const char           *format,
                       ...) __attribute__ ((format (printf, 3, 4)));

/* Output 0 = input 0's bytes (no copy when they share memory); a second
 * output (Dropout's mask) is set all true.  ref-copy.c. */
lt_status lt_ref_copy_run (const lt_kernel_call *call);

/* Bytes of `count` elements of a tensor's dtype (0 for STRING / sub-byte). */
size_t lt_ref_elem_size (lt_dtype dtype);

/* Element i of a numeric or bool tensor as double / as int64 (floats
 * truncated toward zero); 0 for other dtypes. */
double  lt_ref_get_f64 (lt_dtype    dtype,
                        const void *data,
                        uint64_t    i);
int64_t lt_ref_get_i64 (lt_dtype    dtype,
                        const void *data,
                        uint64_t    i);

/* Stores v into element i, converting like a C cast (float16 rounds to
 * nearest even; bool is v != 0). */
void lt_ref_set_f64 (lt_dtype dtype,
                     void    *data,
                     uint64_t i,
                     double   v);
void lt_ref_set_i64 (lt_dtype dtype,
                     void    *data,
                     uint64_t i,
                     int64_t  v);

/* Strides (in elements) with which `in` is read when broadcast to `out`'s
 * shape (numpy rules, right-aligned): 0 along broadcast dims.  Returns false
 * when the shapes do not broadcast. */
bool lt_ref_broadcast_strides (const lt_kernel_tensor *in,
                               const lt_kernel_tensor *out,
                               int64_t                 strides[LT_MAX_RANK]);

/* Advances a multi-index over `dims` (rank entries) by one, row-major, and
 * the offsets of up to `n_operands` operands with their strides.  */
void lt_ref_index_next (int32_t        rank,
                        const int64_t *dims,
                        int64_t       *index,
                        uint32_t       n_operands,
                        int64_t        strides[][LT_MAX_RANK],
                        uint64_t      *offsets);

/* Reads an integer input (INT32 or INT64) element; used for shape-like
 * inputs (Reshape's shape, Slice's starts, …). */
static inline int64_t
lt_ref_index_input (const lt_kernel_tensor *t,
                    uint64_t                i)
{
  return lt_ref_get_i64 (t->dtype, t->data, i);
}

/* True when an optional input is present. */
static inline bool
lt_ref_has_input (const lt_kernel_call *call,
                  uint32_t              i)
{
  return i < call->n_inputs && call->inputs[i].dtype != LT_DTYPE_UNDEFINED;
}
