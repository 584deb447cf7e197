/* checked.h — overflow-checked size arithmetic
 *
 * Every size computed from file data goes through these: they return false
 * instead of wrapping, and the caller turns that into LT_ERR_LIMIT naming the
 * tensor or field.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool
lt_checked_mul_u64 (uint64_t  a,
                    uint64_t  b,
                    uint64_t *out)
{
  return !__builtin_mul_overflow (a, b, out);
}

static inline bool
lt_checked_add_u64 (uint64_t  a,
                    uint64_t  b,
                    uint64_t *out)
{
  return !__builtin_add_overflow (a, b, out);
}

static inline bool
lt_checked_mul_size (size_t  a,
                     size_t  b,
                     size_t *out)
{
  return !__builtin_mul_overflow (a, b, out);
}

static inline bool
lt_checked_add_size (size_t  a,
                     size_t  b,
                     size_t *out)
{
  return !__builtin_add_overflow (a, b, out);
}

/* Product of `n` non-negative dims; false when a dim is negative or the
 * product overflows int64. */
static inline bool
lt_checked_dims_product (const int64_t *dims,
                         int            n,
                         uint64_t      *out)
{
  uint64_t p = 1;
  for (int i = 0; i < n; i++)
    {
      if (dims[i] < 0 || !lt_checked_mul_u64 (p, (uint64_t) dims[i], &p) || p > (uint64_t) INT64_MAX)
        return false;
    }
  *out = p;
  return true;
}
