/* lt/tensor.h — constant tensors (initializers, attribute tensors)
 *
 * An lt_tensor describes data it does not own: the model that holds it keeps
 * the bytes alive (an mmap of the model or of its external data file, or the
 * model's arena).  Element data is little-endian and packed; sub-byte types
 * pack two elements per byte, low nibble first.  STRING tensors point at an
 * array of lt_bytes.
 */
#pragma once

#include "lt/dtype.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Highest rank the engine handles; a model with more is refused with
 * LT_ERR_UNSUPPORTED naming the tensor. */
#define LT_MAX_RANK 8

/* A byte string with its length (ONNX strings may hold NUL bytes); `data`
 * is also NUL-terminated for convenience. */
typedef struct lt_bytes
{
  const char *data;
  size_t      len;
} lt_bytes;

typedef struct lt_tensor
{
  const char *name;               /* ONNX name, verbatim; "" for anonymous ones */
  lt_dtype    dtype;
  int32_t     rank;               /* 0 for a scalar */
  int64_t     dims[LT_MAX_RANK];  /* all >= 0 */
  uint64_t    count;              /* product of dims */
  const void *data;               /* count elements, see above; NULL when count is 0 */
  size_t      nbytes;             /* bytes at data (for STRING: count * sizeof (lt_bytes)) */
} lt_tensor;

/* A sequence of tensors or an optional value, as a caller binds one to a
 * session's input or reads one from its output.  An optional tensor with
 * a value is a sequence of one tensor; an empty optional has has_value
 * false and no tensors.  A plain sequence always has has_value true. */
typedef struct lt_sequence
{
  bool             has_value; /* false only for an empty optional */
  uint32_t         count;     /* tensors at `tensors` */
  const lt_tensor *tensors;   /* all of one dtype; each with its own shape */
} lt_sequence;

/* Element i of an F32, F16, BF16, F64 or integer tensor, as double; used by
 * summaries, not on hot paths.  Returns 0 for other dtypes. */
double lt_tensor_get_as_double (const lt_tensor *tensor,
                                uint64_t         index);

#ifdef __cplusplus
}
#endif
