/* ref-cast-string.h — Cast between numeric dtypes and STRING, following
 * ONNX's text forms: numbers become their shortest round-trip decimal
 * ("%g" style, "NaN", "INF", "-INF"); strings are parsed with strtod /
 * strtoll, accepting "NaN", "INF", "+INF", "-INF" in any case.
 *
 * Strings written by a Cast live in a buffer the kernel allocates at
 * prepare (its state), so run stays allocation-free; the output's lt_bytes
 * point into it until the next run.
 */
#pragma once

#include "ops/ref-common.h"

/* Whether `dtype` has a text form here: F16, BF16, F32, F64, integers. */
bool lt_ref_cast_string_dtype_ok (lt_dtype dtype);

/* Bytes of text buffer a Cast to STRING of `count` elements needs, or
 * false on overflow. */
bool lt_ref_cast_string_buffer_size (uint64_t count,
                                     size_t  *bytes);

/* Writes every element of `in` as text into `buffer` (of the size above)
 * and points out's lt_bytes at it. */
void lt_ref_cast_to_string (const lt_kernel_tensor *in,
                            lt_kernel_tensor       *out,
                            char                   *buffer);

/* Parses every string of `in` into `out`; an unparsable one fails the
 * node with LT_ERR_RUNTIME naming the element. */
lt_status lt_ref_cast_from_string (const lt_kernel_call   *call,
                                   const lt_kernel_tensor *in,
                                   lt_kernel_tensor       *out);
