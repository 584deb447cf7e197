/* f32-reduce.h — sums over float arrays that the compiler vectorizes.
 *
 * A single running float sum is a chain of dependent additions that the
 * compiler may not reorder (that would change the rounding), so it runs
 * at one addition per add latency.  These keep LT_F32_REDUCE_LANES
 * independent partial sums instead, which the compiler turns into vector
 * registers, and add them up at the end; the result differs from the
 * serial sum only by rounding.
 */
#pragma once

#include <stddef.h>

#define LT_F32_REDUCE_LANES 16

/* Σ x[i] for i < n. */
static inline float
lt_f32_sum (const float *x,
            size_t       n)
{
  float  partial[LT_F32_REDUCE_LANES] = { 0 };
  float  sum = 0.0f;
  size_t i = 0;

  for (; i + LT_F32_REDUCE_LANES <= n; i += LT_F32_REDUCE_LANES)
    for (size_t lane = 0; lane < LT_F32_REDUCE_LANES; lane++)
      partial[lane] += x[i + lane];
  for (; i < n; i++)
    sum += x[i];
  for (size_t lane = 0; lane < LT_F32_REDUCE_LANES; lane++)
    sum += partial[lane];
  return sum;
}

/* Σ (x[i] − mean)² for i < n. */
static inline float
lt_f32_sum_squared_deviation (const float *x,
                              size_t       n,
                              float        mean)
{
  float  partial[LT_F32_REDUCE_LANES] = { 0 };
  float  sum = 0.0f;
  size_t i = 0;

  for (; i + LT_F32_REDUCE_LANES <= n; i += LT_F32_REDUCE_LANES)
    for (size_t lane = 0; lane < LT_F32_REDUCE_LANES; lane++)
      partial[lane] += (x[i + lane] - mean) * (x[i + lane] - mean);
  for (; i < n; i++)
    sum += (x[i] - mean) * (x[i] - mean);
  for (size_t lane = 0; lane < LT_F32_REDUCE_LANES; lane++)
    sum += partial[lane];
  return sum;
}
