/* lt/dtype.h — element types
 *
 * The numeric values are those of ONNX's TensorProto.DataType, so a value
 * read from a model maps to an lt_dtype without a table.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lt_dtype
{
  LT_DTYPE_UNDEFINED = 0,
  LT_DTYPE_F32 = 1,
  LT_DTYPE_U8 = 2,
  LT_DTYPE_I8 = 3,
  LT_DTYPE_U16 = 4,
  LT_DTYPE_I16 = 5,
  LT_DTYPE_I32 = 6,
  LT_DTYPE_I64 = 7,
  LT_DTYPE_STRING = 8,
  LT_DTYPE_BOOL = 9,
  LT_DTYPE_F16 = 10,
  LT_DTYPE_F64 = 11,
  LT_DTYPE_U32 = 12,
  LT_DTYPE_U64 = 13,
  LT_DTYPE_C64 = 14,
  LT_DTYPE_C128 = 15,
  LT_DTYPE_BF16 = 16,
  LT_DTYPE_F8E4M3FN = 17,
  LT_DTYPE_F8E4M3FNUZ = 18,
  LT_DTYPE_F8E5M2 = 19,
  LT_DTYPE_F8E5M2FNUZ = 20,
  LT_DTYPE_U4 = 21,
  LT_DTYPE_I4 = 22,
  LT_DTYPE_FLOAT4E2M1 = 23,
  LT_DTYPE_LAST = LT_DTYPE_FLOAT4E2M1,
} lt_dtype;

/* True for the values above other than UNDEFINED. */
bool lt_dtype_is_valid (int value);

/* ONNX's spelling in lower case: "float", "uint8", "float16", "bfloat16",
 * "bool", "string", … ; "undefined" for an invalid value. */
const char *lt_dtype_name (lt_dtype dtype);

/* Inverse of lt_dtype_name; LT_DTYPE_UNDEFINED when unknown.  Also accepts
 * the short names "f32", "i8", "u8", "f16", "i64", … */
lt_dtype lt_dtype_from_name (const char *name);

/* Bits per element (4 for int4, 1 byte = 8 for bool); 0 for STRING, whose
 * elements have no fixed size. */
unsigned lt_dtype_bits (lt_dtype dtype);

bool lt_dtype_is_float (lt_dtype dtype);
bool lt_dtype_is_integer (lt_dtype dtype);
bool lt_dtype_is_signed (lt_dtype dtype);

/* Bytes needed for `count` packed elements (sub-byte types round up), or
 * false when that overflows size_t.  STRING is not accepted. */
bool lt_dtype_storage_size (lt_dtype dtype,
                            uint64_t count,
                            size_t  *out_bytes);

/* IEEE half and bfloat16 conversions (round to nearest even). */
float    lt_f16_to_f32 (uint16_t h);
uint16_t lt_f32_to_f16 (float f);
float    lt_bf16_to_f32 (uint16_t h);
uint16_t lt_f32_to_bf16 (float f);

#ifdef __cplusplus
}
#endif
