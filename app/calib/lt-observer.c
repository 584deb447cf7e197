/* lt-observer.c — per-tensor count, min, max and fixed-grid histogram.
 *
 * Bin index = float32 bits >> (23 - LT_HISTOGRAM_MANTISSA_BITS).  Indices
 * below half the grid hold +0 and positive values in increasing order;
 * the upper half holds -0 and negative values, magnitude increasing with
 * the index.  Exponent 255 (NaN, ±inf) never gets a count.
 */
#include "lt-observer.h"

#include <math.h>
#include <string.h>

#define INDEX_SHIFT    (23 - LT_HISTOGRAM_MANTISSA_BITS)
#define HALF           (LT_HISTOGRAM_BINS / 2)
#define NONFINITE_BASE (255u << LT_HISTOGRAM_MANTISSA_BITS) /* first index of exponent 255 in a half */

void
lt_tensor_stats_init (LtTensorStats *stats)
{
  memset (stats, 0, sizeof *stats);
  stats->min = INFINITY;
  stats->max = -INFINITY;
}

void
lt_tensor_stats_clear (LtTensorStats *stats)
{
  g_clear_pointer (&stats->bins, g_free);
  lt_tensor_stats_init (stats);
}

static void
ensure_bins (LtTensorStats *stats)
{
  if (stats->bins == NULL)
    stats->bins = g_new0 (guint64, LT_HISTOGRAM_BINS);
}

void
lt_tensor_stats_add (LtTensorStats *stats,
                     const float   *values,
                     gsize          n)
{
  guint64 *bins;
  float    lo = stats->min, hi = stats->max;
  guint64  finite = 0;

  if (n == 0)
    return;
  ensure_bins (stats);
  bins = stats->bins;
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], sizeof bits);
      if ((bits & 0x7f800000u) == 0x7f800000u)
        continue;
      bins[bits >> INDEX_SHIFT]++;
      lo = values[i] < lo ? values[i] : lo;
      hi = values[i] > hi ? values[i] : hi;
      finite++;
    }
  stats->min = lo;
  stats->max = hi;
  stats->count += finite;
  stats->n_nonfinite += n - finite;
}

static gboolean
index_is_finite (guint index)
{
  return index < LT_HISTOGRAM_BINS && (index % HALF) < NONFINITE_BASE;
}

gboolean
lt_tensor_stats_add_bin (LtTensorStats *stats,
                         guint          index,
                         guint64        count)
{
  if (!index_is_finite (index))
    return FALSE;
  ensure_bins (stats);
  stats->bins[index] += count;
  return TRUE;
}

void
lt_tensor_stats_merge (LtTensorStats       *into,
                       const LtTensorStats *from)
{
  into->count += from->count;
  into->n_nonfinite += from->n_nonfinite;
  into->min = MIN (into->min, from->min);
  into->max = MAX (into->max, from->max);
  if (from->bins == NULL)
    return;
  ensure_bins (into);
  for (guint i = 0; i < LT_HISTOGRAM_BINS; i++)
    into->bins[i] += from->bins[i];
}

static double
float_from_bits (guint32 bits)
{
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

gboolean
lt_histogram_bin_range (guint   index,
                        double *lo,
                        double *hi)
{
  guint32 magnitude = (guint32) (index % HALF);
  double  a, b;

  if (!index_is_finite (index))
    return FALSE;
  a = float_from_bits (magnitude << INDEX_SHIFT);
  /* The largest magnitude of the bin, not the next bin's start: the last
   * finite bin would otherwise end at +inf. */
  b = float_from_bits (((magnitude + 1) << INDEX_SHIFT) - 1);
  if (index < HALF)
    {
      *lo = a;
      *hi = b;
    }
  else
    {
      *lo = -b;
      *hi = -a;
    }
  return TRUE;
}

void
lt_tensor_stats_foreach_bin (const LtTensorStats *stats,
                             LtHistogramFunc      fn,
                             gpointer             user_data)
{
  double lo, hi;

  if (stats->bins == NULL)
    return;
  for (guint i = LT_HISTOGRAM_BINS; i-- > HALF;)
    if (stats->bins[i] != 0 && lt_histogram_bin_range (i, &lo, &hi))
      fn (lo, hi, stats->bins[i], user_data);
  for (guint i = 0; i < HALF; i++)
    if (stats->bins[i] != 0 && lt_histogram_bin_range (i, &lo, &hi))
      fn (lo, hi, stats->bins[i], user_data);
}
