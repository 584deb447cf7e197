/* ref-common.c — element access, broadcasting and errors for the
 * reference kernels. */
#include "ops/ref-common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

lt_status
lt_ref_fail (const lt_kernel_call *call,
             lt_status             code,
             const char           *format,
             ...)
{
  char    name[LT_ERROR_NAME_MAX];
  va_list args;

  const char *subject = lt_node_describe (call->graph, call->node_id, name, sizeof name);
  va_start (args, format);
  lt_error_setv (call->err, code, subject, format, args);
  va_end (args);
  return code;
}

size_t
lt_ref_elem_size (lt_dtype dtype)
{
  unsigned bits = lt_dtype_bits (dtype);
  return bits >= 8 ? bits / 8 : 0;
}

/* The per-dtype switch every accessor shares: X (dtype, C type). */
#define LT_REF_NUMERIC_TYPES(X) \
  X (LT_DTYPE_F32, float)       \
  X (LT_DTYPE_F64, double)      \
  X (LT_DTYPE_I8, int8_t)       \
  X (LT_DTYPE_U8, uint8_t)      \
  X (LT_DTYPE_I16, int16_t)     \
  X (LT_DTYPE_U16, uint16_t)    \
  X (LT_DTYPE_I32, int32_t)     \
  X (LT_DTYPE_U32, uint32_t)    \
  X (LT_DTYPE_I64, int64_t)     \
  X (LT_DTYPE_U64, uint64_t)

double
lt_ref_get_f64 (lt_dtype    dtype,
                const void *data,
                uint64_t    i)
{
  switch (dtype)
    {
#define GET(dt, type) \
  case dt:            \
    return (double) ((const type *) data)[i];
      LT_REF_NUMERIC_TYPES (GET)
#undef GET
    case LT_DTYPE_BOOL:
      return ((const uint8_t *) data)[i] != 0;
    case LT_DTYPE_F16:
      return lt_f16_to_f32 (((const uint16_t *) data)[i]);
    case LT_DTYPE_BF16:
      return lt_bf16_to_f32 (((const uint16_t *) data)[i]);
    default:
      return 0;
    }
}

int64_t
lt_ref_get_i64 (lt_dtype    dtype,
                const void *data,
                uint64_t    i)
{
  switch (dtype)
    {
    case LT_DTYPE_I64:
      return ((const int64_t *) data)[i];
    case LT_DTYPE_U64:
      return (int64_t) ((const uint64_t *) data)[i];
    case LT_DTYPE_I32:
      return ((const int32_t *) data)[i];
    case LT_DTYPE_U32:
      return ((const uint32_t *) data)[i];
    default:
      {
        double v = lt_ref_get_f64 (dtype, data, i);
        if (isnan (v))
          return 0;
        if (v >= 9.2233720368547758e18)
          return INT64_MAX;
        if (v <= -9.2233720368547758e18)
          return INT64_MIN;
        return (int64_t) v;
      }
    }
}

/* Float → integer conversion that never has undefined behaviour: NaN is
 * 0, out-of-range values saturate. */
#define SATURATE(type, lo, hi, v) \
  (isnan (v) ? (type) 0 : (v) <= (double) (lo) ? (type) (lo) : (v) >= (double) (hi) ? (type) (hi) : (type) (v))

void
lt_ref_set_f64 (lt_dtype dtype,
                void    *data,
                uint64_t i,
                double   v)
{
  switch (dtype)
    {
    case LT_DTYPE_F32:
      ((float *) data)[i] = (float) v;
      break;
    case LT_DTYPE_F64:
      ((double *) data)[i] = v;
      break;
    case LT_DTYPE_F16:
      ((uint16_t *) data)[i] = lt_f32_to_f16 ((float) v);
      break;
    case LT_DTYPE_BF16:
      ((uint16_t *) data)[i] = lt_f32_to_bf16 ((float) v);
      break;
    case LT_DTYPE_BOOL:
      ((uint8_t *) data)[i] = v != 0;
      break;
    case LT_DTYPE_I8:
      ((int8_t *) data)[i] = SATURATE (int8_t, INT8_MIN, INT8_MAX, v);
      break;
    case LT_DTYPE_U8:
      ((uint8_t *) data)[i] = SATURATE (uint8_t, 0, UINT8_MAX, v);
      break;
    case LT_DTYPE_I16:
      ((int16_t *) data)[i] = SATURATE (int16_t, INT16_MIN, INT16_MAX, v);
      break;
    case LT_DTYPE_U16:
      ((uint16_t *) data)[i] = SATURATE (uint16_t, 0, UINT16_MAX, v);
      break;
    case LT_DTYPE_I32:
      ((int32_t *) data)[i] = SATURATE (int32_t, INT32_MIN, INT32_MAX, v);
      break;
    case LT_DTYPE_U32:
      ((uint32_t *) data)[i] = SATURATE (uint32_t, 0, UINT32_MAX, v);
      break;
    case LT_DTYPE_I64:
      ((int64_t *) data)[i] = SATURATE (int64_t, INT64_MIN, INT64_MAX, v);
      break;
    case LT_DTYPE_U64:
      ((uint64_t *) data)[i] = SATURATE (uint64_t, 0, UINT64_MAX, v);
      break;
    default:
      break;
    }
}

void
lt_ref_set_i64 (lt_dtype dtype,
                void    *data,
                uint64_t i,
                int64_t  v)
{
  switch (dtype)
    {
    case LT_DTYPE_I8:
      ((int8_t *) data)[i] = (int8_t) v;
      break;
    case LT_DTYPE_U8:
      ((uint8_t *) data)[i] = (uint8_t) v;
      break;
    case LT_DTYPE_I16:
      ((int16_t *) data)[i] = (int16_t) v;
      break;
    case LT_DTYPE_U16:
      ((uint16_t *) data)[i] = (uint16_t) v;
      break;
    case LT_DTYPE_I32:
      ((int32_t *) data)[i] = (int32_t) v;
      break;
    case LT_DTYPE_U32:
      ((uint32_t *) data)[i] = (uint32_t) v;
      break;
    case LT_DTYPE_I64:
      ((int64_t *) data)[i] = v;
      break;
    case LT_DTYPE_U64:
      ((uint64_t *) data)[i] = (uint64_t) v;
      break;
    default:
      lt_ref_set_f64 (dtype, data, i, (double) v);
      break;
    }
}

bool
lt_ref_broadcast_strides (const lt_kernel_tensor *in,
                          const lt_kernel_tensor *out,
                          int64_t                 strides[LT_MAX_RANK])
{
  int64_t stride = 1;

  if (in->rank > out->rank)
    return false;
  for (int32_t d = out->rank - 1; d >= 0; d--)
    {
      int32_t din = d - (out->rank - in->rank);
      if (din < 0)
        {
          strides[d] = 0;
          continue;
        }
      if (in->dims[din] == out->dims[d])
        strides[d] = in->dims[din] == 1 ? 0 : stride;
      else if (in->dims[din] == 1)
        strides[d] = 0;
      else
        return false;
      stride *= in->dims[din];
    }
  return true;
}

void
lt_ref_index_next (int32_t        rank,
                   const int64_t *dims,
                   int64_t       *index,
                   uint32_t       n_operands,
                   int64_t        strides[][LT_MAX_RANK],
                   uint64_t      *offsets)
{
  for (int32_t d = rank - 1; d >= 0; d--)
    {
      index[d]++;
      for (uint32_t k = 0; k < n_operands; k++)
        offsets[k] += strides[k][d];
      if (index[d] < dims[d])
        return;
      for (uint32_t k = 0; k < n_operands; k++)
        offsets[k] -= strides[k][d] * dims[d];
      index[d] = 0;
    }
}
