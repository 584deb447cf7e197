/* tensor.c — reading constant tensor elements generically. */
#include "lt/tensor.h"

#include <string.h>

double
lt_tensor_get_as_double (const lt_tensor *tensor,
                         uint64_t         index)
{
  const unsigned char *p = tensor->data;

  if (p == NULL || index >= tensor->count)
    return 0.0;
  switch (tensor->dtype)
    {
#define LOAD(type)                              \
  {                                             \
    type v;                                     \
    memcpy (&v, p + index * sizeof v, sizeof v); \
    return (double) v;                          \
  }
    case LT_DTYPE_F32:
      LOAD (float)
    case LT_DTYPE_F64:
      LOAD (double)
    case LT_DTYPE_I8:
      LOAD (int8_t)
    case LT_DTYPE_U8:
    case LT_DTYPE_BOOL:
      LOAD (uint8_t)
    case LT_DTYPE_I16:
      LOAD (int16_t)
    case LT_DTYPE_U16:
      LOAD (uint16_t)
    case LT_DTYPE_I32:
      LOAD (int32_t)
    case LT_DTYPE_U32:
      LOAD (uint32_t)
    case LT_DTYPE_I64:
      LOAD (int64_t)
    case LT_DTYPE_U64:
      LOAD (uint64_t)
#undef LOAD
    case LT_DTYPE_F16:
      {
        uint16_t h;
        memcpy (&h, p + index * 2, 2);
        return lt_f16_to_f32 (h);
      }
    case LT_DTYPE_BF16:
      {
        uint16_t h;
        memcpy (&h, p + index * 2, 2);
        return lt_bf16_to_f32 (h);
      }
    case LT_DTYPE_I4:
    case LT_DTYPE_U4:
      {
        unsigned nib = (p[index / 2] >> ((index & 1) * 4)) & 0xf;
        if (tensor->dtype == LT_DTYPE_I4 && nib >= 8)
          return (double) nib - 16.0;
        return (double) nib;
      }
    default:
      return 0.0;
    }
}
