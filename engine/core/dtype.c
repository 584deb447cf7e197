/* dtype.c — element type names, sizes and half-precision conversions. */
#include "lt/dtype.h"

#include "checked.h"

#include <string.h>

typedef struct dtype_info
{
  const char *name;       /* ONNX spelling */
  const char *short_name; /* compact form used by the CLI */
  unsigned    bits;
  bool        is_float;
  bool        is_signed;
} dtype_info;

static const dtype_info infos[LT_DTYPE_LAST + 1] = {
  [LT_DTYPE_UNDEFINED] = { "undefined", "undefined", 0, false, false },
  [LT_DTYPE_F32] = { "float", "f32", 32, true, true },
  [LT_DTYPE_U8] = { "uint8", "u8", 8, false, false },
  [LT_DTYPE_I8] = { "int8", "i8", 8, false, true },
  [LT_DTYPE_U16] = { "uint16", "u16", 16, false, false },
  [LT_DTYPE_I16] = { "int16", "i16", 16, false, true },
  [LT_DTYPE_I32] = { "int32", "i32", 32, false, true },
  [LT_DTYPE_I64] = { "int64", "i64", 64, false, true },
  [LT_DTYPE_STRING] = { "string", "string", 0, false, false },
  [LT_DTYPE_BOOL] = { "bool", "bool", 8, false, false },
  [LT_DTYPE_F16] = { "float16", "f16", 16, true, true },
  [LT_DTYPE_F64] = { "double", "f64", 64, true, true },
  [LT_DTYPE_U32] = { "uint32", "u32", 32, false, false },
  [LT_DTYPE_U64] = { "uint64", "u64", 64, false, false },
  [LT_DTYPE_C64] = { "complex64", "c64", 64, true, true },
  [LT_DTYPE_C128] = { "complex128", "c128", 128, true, true },
  [LT_DTYPE_BF16] = { "bfloat16", "bf16", 16, true, true },
  [LT_DTYPE_F8E4M3FN] = { "float8e4m3fn", "f8e4m3fn", 8, true, true },
  [LT_DTYPE_F8E4M3FNUZ] = { "float8e4m3fnuz", "f8e4m3fnuz", 8, true, true },
  [LT_DTYPE_F8E5M2] = { "float8e5m2", "f8e5m2", 8, true, true },
  [LT_DTYPE_F8E5M2FNUZ] = { "float8e5m2fnuz", "f8e5m2fnuz", 8, true, true },
  [LT_DTYPE_U4] = { "uint4", "u4", 4, false, false },
  [LT_DTYPE_I4] = { "int4", "i4", 4, false, true },
  [LT_DTYPE_FLOAT4E2M1] = { "float4e2m1", "f4e2m1", 4, true, true },
};

bool
lt_dtype_is_valid (int value)
{
  return value > LT_DTYPE_UNDEFINED && value <= LT_DTYPE_LAST;
}

const char *
lt_dtype_name (lt_dtype dtype)
{
  if (!lt_dtype_is_valid (dtype))
    return infos[LT_DTYPE_UNDEFINED].name;
  return infos[dtype].name;
}

lt_dtype
lt_dtype_from_name (const char *name)
{
  if (name == NULL)
    return LT_DTYPE_UNDEFINED;
  for (int i = 1; i <= LT_DTYPE_LAST; i++)
    if (strcmp (infos[i].name, name) == 0 || strcmp (infos[i].short_name, name) == 0)
      return (lt_dtype) i;
  if (strcmp (name, "float32") == 0)
    return LT_DTYPE_F32;
  if (strcmp (name, "float64") == 0)
    return LT_DTYPE_F64;
  return LT_DTYPE_UNDEFINED;
}

unsigned
lt_dtype_bits (lt_dtype dtype)
{
  return lt_dtype_is_valid (dtype) ? infos[dtype].bits : 0;
}

bool
lt_dtype_is_float (lt_dtype dtype)
{
  return lt_dtype_is_valid (dtype) && infos[dtype].is_float;
}

bool
lt_dtype_is_integer (lt_dtype dtype)
{
  return lt_dtype_is_valid (dtype) && !infos[dtype].is_float && dtype != LT_DTYPE_STRING && dtype != LT_DTYPE_BOOL;
}

bool
lt_dtype_is_signed (lt_dtype dtype)
{
  return lt_dtype_is_valid (dtype) && infos[dtype].is_signed;
}

bool
lt_dtype_storage_size (lt_dtype dtype,
                       uint64_t count,
                       size_t  *out_bytes)
{
  unsigned bits = lt_dtype_bits (dtype);
  uint64_t total_bits;

  if (bits == 0 || !lt_checked_mul_u64 (count, bits, &total_bits))
    return false;
  if (total_bits / 8 + 1 > SIZE_MAX)
    return false;
  *out_bytes = (size_t) ((total_bits + 7) / 8);
  return true;
}

float
lt_f16_to_f32 (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  float    f;

  if (exp == 0)
    {
      if (mant == 0)
        bits = sign;
      else
        {
          /* subnormal: normalise */
          exp = 127 - 15 + 1;
          while ((mant & 0x400) == 0)
            {
              mant <<= 1;
              exp--;
            }
          mant &= 0x3ff;
          bits = sign | (exp << 23) | (mant << 13);
        }
    }
  else if (exp == 0x1f)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

uint16_t
lt_f32_to_f16 (float f)
{
  uint32_t bits;
  uint32_t sign, mant;
  int32_t  exp;

  memcpy (&bits, &f, sizeof bits);
  sign = (bits >> 16) & 0x8000;
  exp = (int32_t) ((bits >> 23) & 0xff);
  mant = bits & 0x7fffff;

  if (exp == 0xff)
    return (uint16_t) (sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
  exp = exp - 127 + 15;
  if (exp >= 0x1f)
    return (uint16_t) (sign | 0x7c00);
  if (exp <= 0)
    {
      uint32_t shift, half, rounded;
      if (exp < -10)
        return (uint16_t) sign;
      mant |= 0x800000;
      shift = (uint32_t) (14 - exp);
      half = 1u << (shift - 1);
      rounded = mant >> shift;
      if ((mant & ((1u << shift) - 1)) > half || ((mant & ((1u << shift) - 1)) == half && (rounded & 1)))
        rounded++;
      return (uint16_t) (sign | rounded);
    }
  {
    uint32_t h = sign | ((uint32_t) exp << 10) | (mant >> 13);
    uint32_t rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
      h++; /* may carry into the exponent, which is the right result */
    return (uint16_t) h;
  }
}

float
lt_bf16_to_f32 (uint16_t h)
{
  uint32_t bits = (uint32_t) h << 16;
  float    f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

uint16_t
lt_f32_to_bf16 (float f)
{
  uint32_t bits;

  memcpy (&bits, &f, sizeof bits);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffff))
    return (uint16_t) ((bits >> 16) | 0x40); /* keep NaN a NaN */
  bits += 0x7fff + ((bits >> 16) & 1);
  return (uint16_t) (bits >> 16);
}
