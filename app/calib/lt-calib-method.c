/* lt-calib-method.c — min-max, percentile, MSE and entropy ranges from a
 * tensor's fixed-grid histogram (see lt-calib-method.h for each rule).
 *
 * Every method is a pure function of the statistics, so statistics merged
 * from shards give the same range as one run.
 */
#include "lt-calib-method.h"

#include "lt-encoding.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define MSE_STEPS          100
#define ENTROPY_BINS       2048
#define ENTROPY_MAX_LEVELS 1024

static const char *const method_names[] = {
  [LT_CALIB_METHOD_MIN_MAX] = "minmax",
  [LT_CALIB_METHOD_PERCENTILE] = "percentile",
  [LT_CALIB_METHOD_MSE] = "mse",
  [LT_CALIB_METHOD_ENTROPY] = "entropy",
};

gboolean
lt_calib_method_from_string (const char    *text,
                             LtCalibMethod *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    if (g_strcmp0 (text, method_names[i]) == 0)
      {
        *method = (LtCalibMethod) i;
        return TRUE;
      }
  return FALSE;
}

const char *
lt_calib_method_to_string (LtCalibMethod method)
{
  return method_names[method];
}

/* The histogram as arrays, in value order. */
typedef struct
{
  GArray *lo, *hi; /* double */
  GArray *count;   /* double */
  double  total;
} bins;

static void
collect_bin (double   lo,
             double   hi,
             guint64  count,
             gpointer user_data)
{
  bins  *b = user_data;
  double c = (double) count;

  g_array_append_val (b->lo, lo);
  g_array_append_val (b->hi, hi);
  g_array_append_val (b->count, c);
  b->total += c;
}

static void
bins_init (bins                *b,
           const LtTensorStats *stats)
{
  b->lo = g_array_new (FALSE, FALSE, sizeof (double));
  b->hi = g_array_new (FALSE, FALSE, sizeof (double));
  b->count = g_array_new (FALSE, FALSE, sizeof (double));
  b->total = 0;
  lt_tensor_stats_foreach_bin (stats, collect_bin, b);
}

static void
bins_clear (bins *b)
{
  g_array_unref (b->lo);
  g_array_unref (b->hi);
  g_array_unref (b->count);
}

#define LO(b, i)    g_array_index ((b)->lo, double, i)
#define HI(b, i)    g_array_index ((b)->hi, double, i)
#define COUNT(b, i) g_array_index ((b)->count, double, i)

/* The value below which `rank` of the values lie, linear inside a bin. */
static double
value_at_rank (const bins *b,
               double      rank)
{
  double below = 0;

  for (guint i = 0; i < b->count->len; i++)
    {
      if (below + COUNT (b, i) >= rank)
        return LO (b, i) + (HI (b, i) - LO (b, i)) * ((rank - below) / COUNT (b, i));
      below += COUNT (b, i);
    }
  return HI (b, b->count->len - 1);
}

static void
percentile_range (const LtTensorStats *stats,
                  double               percentile,
                  double              *min,
                  double              *max)
{
  bins b;

  bins_init (&b, stats);
  *min = MAX (stats->min, value_at_rank (&b, b.total * (1.0 - percentile / 100.0)));
  *max = MIN (stats->max, value_at_rank (&b, b.total * (percentile / 100.0)));
  bins_clear (&b);
}

/* Expected squared error of quantizing the histogram on the grid that
 * [a, b] gives. */
static double
grid_error (const bins *h,
            double      a,
            double      b,
            guint       bitwidth,
            gboolean    symmetric)
{
  float  scale;
  gint64 offset;
  double qa, qb, error = 0;

  if (symmetric)
    {
      double absmax = MAX (fabs (a), fabs (b));
      lt_encoding_from_min_max (-absmax, absmax, bitwidth, &scale, &offset, &qa, &qb);
    }
  else
    lt_encoding_from_min_max (a, b, bitwidth, &scale, &offset, &qa, &qb);
  for (guint i = 0; i < h->count->len; i++)
    {
      double x = (LO (h, i) + HI (h, i)) / 2;
      double e = x < qa ? (qa - x) * (qa - x) : x > qb ? (x - qb) * (x - qb)
                                                       : (double) scale * scale / 12.0;
      error += COUNT (h, i) * e;
    }
  return error;
}

/* The fraction of `end` in (0, 1] that minimizes the error with the other
 * end fixed. */
static double
best_end (const bins *h,
          double      fixed,
          double      end,
          gboolean    end_is_max,
          guint       bitwidth,
          gboolean    symmetric)
{
  double best = end, best_error = INFINITY;

  for (int step = MSE_STEPS; step >= 1; step--)
    {
      double candidate = end * step / MSE_STEPS;
      double e = end_is_max ? grid_error (h, fixed, candidate, bitwidth, symmetric)
                            : grid_error (h, candidate, fixed, bitwidth, symmetric);
      if (e < best_error)
        {
          best_error = e;
          best = candidate;
        }
    }
  return best;
}

static void
mse_range (const LtTensorStats        *stats,
           const LtCalibMethodOptions *options,
           double                     *min,
           double                     *max)
{
  bins   b;
  double lo = MIN (stats->min, 0.0), hi = MAX (stats->max, 0.0);

  bins_init (&b, stats);
  if (options->symmetric)
    {
      double absmax = MAX (-lo, hi);
      absmax = best_end (&b, -absmax, absmax, TRUE, options->bitwidth, TRUE);
      lo = -absmax;
      hi = absmax;
    }
  else
    {
      /* Each end in turn, twice: the best max depends on the min. */
      for (int round = 0; round < 2; round++)
        {
          if (hi > 0)
            hi = best_end (&b, lo, MAX (stats->max, 0.0), TRUE, options->bitwidth, FALSE);
          if (lo < 0)
            lo = best_end (&b, hi, MIN (stats->min, 0.0), FALSE, options->bitwidth, FALSE);
        }
    }
  bins_clear (&b);
  *min = lo;
  *max = hi;
}

/* Spreads each bin's count over [0, absmax] cut into ENTROPY_BINS uniform
 * bins, in proportion to how much of the bin's |x| interval each covers. */
static void
uniform_abs_histogram (const bins *b,
                       double      absmax,
                       double     *hist)
{
  double width = absmax / ENTROPY_BINS;

  memset (hist, 0, ENTROPY_BINS * sizeof *hist);
  for (guint i = 0; i < b->count->len; i++)
    {
      double a = fabs (LO (b, i)), z = fabs (HI (b, i));
      double lo = MIN (a, z), hi = MAX (a, z);

      /* Zeros (and denormals) are exact on every grid: left in, the spike a
       * ReLU leaves at 0 would pull the threshold far down. */
      if (hi < FLT_MIN)
        continue;
      int first = (int) MIN (lo / width, ENTROPY_BINS - 1), last = (int) MIN (hi / width, ENTROPY_BINS - 1);

      if (first == last || hi <= lo)
        {
          hist[first] += COUNT (b, i);
          continue;
        }
      for (int k = first; k <= last; k++)
        {
          double from = MAX (lo, k * width), to = MIN (hi, (k + 1) * width);
          if (to > from)
            hist[k] += COUNT (b, i) * (to - from) / (hi - lo);
        }
    }
}

/* KL(P || Q) where P is hist[0, n) with everything beyond added to the
 * last bin and Q is hist[0, n) (without what lies beyond) merged into
 * `levels` groups, each group's mass spread evenly over its non-empty
 * bins. */
static double
clipped_divergence (const double *hist,
                    int           n,
                    double        beyond,
                    int           levels,
                    double       *p,
                    double       *q)
{
  double p_total = 0, q_total = 0, kl = 0;

  memcpy (p, hist, (gsize) n * sizeof *p);
  p[n - 1] += beyond;
  for (int g = 0; g < levels; g++)
    {
      int    start = g * n / levels, end = (g + 1) * n / levels;
      double mass = 0;
      int    nonzero = 0;
      for (int k = start; k < end; k++)
        {
          mass += hist[k];
          nonzero += hist[k] > 0;
        }
      for (int k = start; k < end; k++)
        q[k] = hist[k] > 0 ? mass / nonzero : 0;
    }
  for (int k = 0; k < n; k++)
    {
      p_total += p[k];
      q_total += q[k];
    }
  for (int k = 0; k < n; k++)
    if (p[k] > 0)
      {
        double pk = p[k] / p_total, qk = q[k] / q_total;
        /* A bin P has and Q lost costs as if Q held a tiny mass there. */
        kl += pk * log (pk / (qk > 0 ? qk : 1e-12));
      }
  return kl;
}

static void
entropy_range (const LtTensorStats        *stats,
               const LtCalibMethodOptions *options,
               double                     *min,
               double                     *max)
{
  double  absmax = MAX (fabs (stats->min), fabs (stats->max));
  int     levels = (int) MIN (ldexp (1.0, (int) options->bitwidth - 1), ENTROPY_MAX_LEVELS);
  double *hist, *p, *q, beyond, best_kl = INFINITY, threshold = absmax;
  bins    b;

  *min = stats->min;
  *max = stats->max;
  if (absmax == 0)
    return;
  bins_init (&b, stats);
  hist = g_new (double, ENTROPY_BINS);
  p = g_new (double, ENTROPY_BINS);
  q = g_new (double, ENTROPY_BINS);
  uniform_abs_histogram (&b, absmax, hist);
  beyond = 0;
  for (int k = levels; k < ENTROPY_BINS; k++)
    beyond += hist[k];
  for (int n = levels; n <= ENTROPY_BINS; n++)
    {
      double kl = clipped_divergence (hist, n, beyond, levels, p, q);
      if (kl < best_kl)
        {
          best_kl = kl;
          threshold = absmax * n / ENTROPY_BINS;
        }
      if (n < ENTROPY_BINS)
        beyond -= hist[n];
    }
  g_free (hist);
  g_free (p);
  g_free (q);
  bins_clear (&b);
  *min = MAX (stats->min, -threshold);
  *max = MIN (stats->max, threshold);
}

void
lt_calib_method_range (const LtTensorStats        *stats,
                       const LtCalibMethodOptions *options,
                       double                     *min,
                       double                     *max)
{
  switch (options->method)
    {
    case LT_CALIB_METHOD_MIN_MAX:
      *min = stats->min;
      *max = stats->max;
      break;
    case LT_CALIB_METHOD_PERCENTILE:
      percentile_range (stats, options->percentile, min, max);
      break;
    case LT_CALIB_METHOD_MSE:
      mse_range (stats, options, min, max);
      break;
    case LT_CALIB_METHOD_ENTROPY:
      entropy_range (stats, options, min, max);
      break;
    }
  if (options->symmetric)
    {
      double absmax = MAX (fabs (*min), fabs (*max));
      *min = -absmax;
      *max = absmax;
    }
}
