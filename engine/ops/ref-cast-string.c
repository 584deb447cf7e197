/* ref-cast-string.c — the STRING side of the Cast reference kernel; see
 * ref-cast-string.h for the text forms. */
#include "ops/ref-cast-string.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Longest text of one element: "-2.2250738585072014e-308" or an int64,
 * plus the terminating NUL snprintf writes. */
#define TEXT_MAX 32

/* Longest string accepted by a parse; numbers longer than this are not
 * numbers anyone writes by hand or by printf. */
#define PARSE_MAX 128

bool
lt_ref_cast_string_dtype_ok (lt_dtype dtype)
{
  return dtype == LT_DTYPE_F16 || dtype == LT_DTYPE_BF16 || dtype == LT_DTYPE_F32 || dtype == LT_DTYPE_F64
         || (lt_dtype_is_integer (dtype) && lt_ref_elem_size (dtype) > 0);
}

bool
lt_ref_cast_string_buffer_size (uint64_t count,
                                size_t  *bytes)
{
  if (count > SIZE_MAX / TEXT_MAX)
    return false;
  *bytes = (size_t) count * TEXT_MAX;
  return true;
}

/* The fewest significant digits that read back to the same value in
 * `dtype` (17 always suffices for a double). */
static int
float_text (lt_dtype dtype,
            double   v,
            char    *text)
{
  int len = 0;

  if (isnan (v))
    return snprintf (text, TEXT_MAX, "NaN");
  if (isinf (v))
    return snprintf (text, TEXT_MAX, v < 0 ? "-INF" : "INF");
  for (int digits = 1; digits <= 17; digits++)
    {
      double back;  /* room, aligned, for one element of any float dtype */

      len = snprintf (text, TEXT_MAX, "%.*g", digits, v);
      lt_ref_set_f64 (dtype, &back, 0, strtod (text, NULL));
      if (lt_ref_get_f64 (dtype, &back, 0) == v)
        break;
    }
  return len;
}

void
lt_ref_cast_to_string (const lt_kernel_tensor *in,
                       lt_kernel_tensor       *out,
                       char                   *buffer)
{
  lt_bytes *strings = out->data;

  for (uint64_t k = 0; k < out->count; k++)
    {
      char *text = buffer + k * TEXT_MAX;
      int   len;

      if (lt_dtype_is_float (in->dtype))
        len = float_text (in->dtype, lt_ref_get_f64 (in->dtype, in->data, k), text);
      else if (in->dtype == LT_DTYPE_U64)
        len = snprintf (text, TEXT_MAX, "%" PRIu64, ((const uint64_t *) in->data)[k]);
      else
        len = snprintf (text, TEXT_MAX, "%" PRId64, lt_ref_get_i64 (in->dtype, in->data, k));
      strings[k].data = text;
      strings[k].len = (size_t) len;
    }
}

lt_status
lt_ref_cast_from_string (const lt_kernel_call   *call,
                         const lt_kernel_tensor *in,
                         lt_kernel_tensor       *out)
{
  const lt_bytes *strings = in->data;

  for (uint64_t k = 0; k < out->count; k++)
    {
      char  text[PARSE_MAX + 1];
      char *end;

      if (strings[k].len > PARSE_MAX)
        return lt_ref_fail (call, LT_ERR_RUNTIME, "string %" PRIu64 " is too long to be a number (%zu bytes)",
                            k, strings[k].len);
      memcpy (text, strings[k].data, strings[k].len);
      text[strings[k].len] = '\0';
      errno = 0;
      if (lt_dtype_is_float (out->dtype))
        lt_ref_set_f64 (out->dtype, out->data, k, strtod (text, &end));
      else
        lt_ref_set_i64 (out->dtype, out->data, k, (int64_t) strtoll (text, &end, 10));
      if (end == text || *end != '\0' || (errno == ERANGE && !lt_dtype_is_float (out->dtype)))
        return lt_ref_fail (call, LT_ERR_RUNTIME, "string %" PRIu64 " ('%s') is not a %s number", k, text,
                            lt_dtype_name (out->dtype));
    }
  return LT_OK;
}
