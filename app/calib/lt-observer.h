/* lt-observer.h — statistics of one tensor's values over a calibration run:
 * count, min, max and a histogram on a fixed grid.
 *
 * The histogram's bins do not depend on the data: a finite float32 value
 * falls into the bin named by the top LT_HISTOGRAM_INDEX_BITS bits of its
 * IEEE-754 encoding (sign, exponent and the top LT_HISTOGRAM_MANTISSA_BITS
 * mantissa bits), so every bin spans 1/64 of a power of two (about 1.6 %
 * of its value) and the grid is the same for every run, shard and tensor.
 * Merging two statistics is therefore exact: counts add, min and max take
 * the extreme, and N shards merged equal one run over all their samples
 * bit for bit, whatever the order.  NaN and ±inf are counted apart and
 * enter nothing else.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LT_HISTOGRAM_MANTISSA_BITS 6
#define LT_HISTOGRAM_INDEX_BITS    (1 + 8 + LT_HISTOGRAM_MANTISSA_BITS)
#define LT_HISTOGRAM_BINS          (1u << LT_HISTOGRAM_INDEX_BITS)

typedef struct
{
  guint64  count;       /* finite values seen */
  guint64  n_nonfinite; /* NaN and ±inf, left out of everything else */
  float    min;         /* of the finite values; +inf while count is 0 */
  float    max;         /* of the finite values; -inf while count is 0 */
  guint64 *bins;        /* LT_HISTOGRAM_BINS counts; NULL until the first value */
} LtTensorStats;

void lt_tensor_stats_init (LtTensorStats *stats);
void lt_tensor_stats_clear (LtTensorStats *stats);

/* Adds n float32 values. */
void lt_tensor_stats_add (LtTensorStats *stats,
                          const float   *values,
                          gsize          n);

/* Adds one bin count directly (reading a stats file).  FALSE when the
 * index is out of the grid or names a non-finite bin. */
gboolean lt_tensor_stats_add_bin (LtTensorStats *stats,
                                  guint          index,
                                  guint64        count);

/* into += from, exactly. */
void lt_tensor_stats_merge (LtTensorStats       *into,
                            const LtTensorStats *from);

/* The values bin `index` holds lie in [*lo, *hi] (lo < hi for every finite
 * bin).  FALSE for the bins of NaN and ±inf. */
gboolean lt_histogram_bin_range (guint   index,
                                 double *lo,
                                 double *hi);

/* Calls `fn` for every non-empty bin, from the most negative values to the
 * most positive. */
typedef void (*LtHistogramFunc) (double   lo,
                                 double   hi,
                                 guint64  count,
                                 gpointer user_data);
void lt_tensor_stats_foreach_bin (const LtTensorStats *stats,
                                  LtHistogramFunc      fn,
                                  gpointer             user_data);

/* Threads that count parts of large tensors at once (none besides the
 * caller for n_threads <= 1), and the histogram of the last large tensor
 * counted.  One caller at a time. */
typedef struct LtStatsWorkers LtStatsWorkers;

LtStatsWorkers *lt_stats_workers_new (guint n_threads);
void            lt_stats_workers_free (LtStatsWorkers *workers); /* accepts NULL */

/* lt_tensor_stats_add, large tensors split over `workers` (may be NULL);
 * the result is the same bit for bit. */
void lt_tensor_stats_add_parallel (LtTensorStats  *stats,
                                   const float    *values,
                                   gsize           n,
                                   LtStatsWorkers *workers);

/* lt_tensor_stats_add_parallel, then replaces each value x by y = (x < lo
 * ? lo : x), then (y > hi ? hi : y) — what a Relu or Clip computes — in the
 * same pass over the values.  FALSE when the values were added but not
 * clamped (a tensor counted without the workers): the caller clamps them. */
gboolean lt_tensor_stats_add_then_clamp (LtTensorStats  *stats,
                                         float          *values,
                                         gsize           n,
                                         float           lo,
                                         float           hi,
                                         LtStatsWorkers *workers);

/* Adds min (max (x, lo), hi) for each of the n values x that the last
 * lt_tensor_stats_add_parallel on `workers` added (a Relu's or Clip's
 * output from its input's statistics), from that call's histogram and
 * without reading the values: the same counts, min and max as adding the
 * clamped values, except that a -0.0 a kernel might write counts as +0.0.
 * FALSE, adding nothing, when that call's histogram was not kept (a small
 * tensor, NaN or ±inf among the values, another count of n, or a clamped
 * add since): the caller adds the values themselves then. */
gboolean lt_tensor_stats_add_clamped (LtTensorStats  *stats,
                                      LtStatsWorkers *workers,
                                      gsize           n,
                                      float           lo,
                                      float           hi);

G_END_DECLS
