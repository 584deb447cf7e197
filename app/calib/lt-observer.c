/* lt-observer.c — per-tensor count, min, max and fixed-grid histogram.
 *
 * Bin index = float32 bits >> (23 - LT_HISTOGRAM_MANTISSA_BITS).  Indices
 * below half the grid hold +0 and positive values in increasing order;
 * the upper half holds -0 and negative values, magnitude increasing with
 * the index.  Exponent 255 (NaN, ±inf) never gets a count.
 *
 * Large tensors are counted by a kernel chosen at run time (AVX2 where the
 * CPU has it, else scalar); every kernel only adds integers into the same
 * bins, so each gives the plain loop's histogram exactly.  A kernel can
 * also store the values back clamped in the same pass (a fused Relu's or
 * Clip's work, lt_tensor_stats_add_then_clamp); its min and max then
 * leave ±inf out as they go, since the values are gone after the pass.
 */
#include "lt-observer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNEL 1
#endif

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

#define BINS_BYTES (LT_HISTOGRAM_BINS * sizeof (guint64))

void
lt_tensor_stats_clear (LtTensorStats *stats)
{
  if (stats->bins != NULL)
    munmap (stats->bins, BINS_BYTES);
  lt_tensor_stats_init (stats);
}

/* The grid is 256 KiB a tensor, of which a tensor's values touch a few
 * KiB.  Anonymous pages read as zero and only the touched ones are ever
 * faulted in; the heap's calloc would clear, and so fault in, all of it
 * (with a hundred tensors, a sizeable part of a short calibration). */
static void
ensure_bins (LtTensorStats *stats)
{
  void *bins;

  if (stats->bins != NULL)
    return;
  bins = mmap (NULL, BINS_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (bins == MAP_FAILED)
    g_error ("out of memory: a %zu-byte histogram", (size_t) BINS_BYTES);
  stats->bins = bins;
}

/* Min, max and smallest magnitude of the finite values, starting from
 * *min, *max and *min_abs: ±inf is made a NaN first (exponent 255 with a
 * mantissa bit set), and comparisons with NaN are false, so NaNs never win.
 * Compilers do not vectorize a float min/max reduction at -O2, and a
 * scalar one waits on each comparison's latency: with SSE, minps/maxps on
 * two accumulators each (they return their second operand, the
 * accumulator, for a NaN). */
static void
value_range (const float *values,
             gsize        n,
             float       *min,
             float       *max,
             float       *min_abs)
{
  float lo = *min, hi = *max, small = *min_abs;
  gsize i = 0;

#ifdef __SSE2__
  const __m128  magnitude = _mm_castsi128_ps (_mm_set1_epi32 (0x7fffffff));
  const __m128i exponent = _mm_set1_epi32 (0x7f800000), quiet = _mm_set1_epi32 (0x00400000);
  __m128        lo0 = _mm_set1_ps (lo), lo1 = lo0, hi0 = _mm_set1_ps (hi), hi1 = hi0;
  __m128        small0 = _mm_set1_ps (small), small1 = small0;
  float         lanes[4];

  for (; i + 8 <= n; i += 8)
    {
      __m128i b0 = _mm_loadu_si128 ((const __m128i *) (values + i)), b1 = _mm_loadu_si128 ((const __m128i *) (values + i + 4));
      __m128  x0 = _mm_castsi128_ps (_mm_or_si128 (b0, _mm_and_si128 (_mm_cmpeq_epi32 (_mm_and_si128 (b0, exponent), exponent), quiet)));
      __m128  x1 = _mm_castsi128_ps (_mm_or_si128 (b1, _mm_and_si128 (_mm_cmpeq_epi32 (_mm_and_si128 (b1, exponent), exponent), quiet)));
      lo0 = _mm_min_ps (x0, lo0);
      lo1 = _mm_min_ps (x1, lo1);
      hi0 = _mm_max_ps (x0, hi0);
      hi1 = _mm_max_ps (x1, hi1);
      small0 = _mm_min_ps (_mm_and_ps (x0, magnitude), small0);
      small1 = _mm_min_ps (_mm_and_ps (x1, magnitude), small1);
    }
  _mm_storeu_ps (lanes, _mm_min_ps (lo0, lo1));
  for (guint j = 0; j < 4; j++)
    lo = MIN (lo, lanes[j]);
  _mm_storeu_ps (lanes, _mm_max_ps (hi0, hi1));
  for (guint j = 0; j < 4; j++)
    hi = MAX (hi, lanes[j]);
  _mm_storeu_ps (lanes, _mm_min_ps (small0, small1));
  for (guint j = 0; j < 4; j++)
    small = MIN (small, lanes[j]);
#endif
  for (; i < n; i++)
    if (isfinite (values[i]))
      {
        lo = values[i] < lo ? values[i] : lo;
        hi = values[i] > hi ? values[i] : hi;
        small = fabsf (values[i]) < small ? fabsf (values[i]) : small;
      }
  *min = lo;
  *max = hi;
  *min_abs = small;
}

/* Min and max of the finite values and of the earlier *min and *max. */
static void
min_max (const float *values,
         gsize        n,
         float       *min,
         float       *max)
{
  float min_abs = INFINITY;

  value_range (values, n, min, max, &min_abs);
}

/* Counts into SUB_HISTOGRAMS interleaved 32-bit histograms then adds them
 * up: equal neighbours (a ReLU's zeros, a tensor's near-constant region)
 * would otherwise increment one counter back to back, each increment
 * waiting on the last store.  Worth its sweep of the grid only for large
 * tensors. */
#define SUB_HISTOGRAMS 2
#define SCRATCH_BINS   (SUB_HISTOGRAMS * LT_HISTOGRAM_BINS)
#define SPLIT_MIN      16384
#define SPLIT_CHUNK    (1u << 30) /* keeps each 32-bit counter, and their sum over parts, below 2^30 */

/* Counts n values into `scratch`: SUB_HISTOGRAMS 32-bit histograms, value i
 * into histogram i % SUB_HISTOGRAMS.  n must stay below 2^31. */
static void
count_interleaved (guint32     *scratch,
                   const float *values,
                   gsize        n)
{
  guint32 *h0 = scratch, *h1 = h0 + LT_HISTOGRAM_BINS;
  gsize    i = 0;

  G_STATIC_ASSERT (SUB_HISTOGRAMS == 2);
  for (; i + 2 <= n; i += 2)
    {
      guint32 a, b;
      memcpy (&a, &values[i], sizeof a);
      memcpy (&b, &values[i + 1], sizeof b);
      h0[a >> INDEX_SHIFT]++;
      h1[b >> INDEX_SHIFT]++;
    }
  for (; i < n; i++)
    {
      guint32 a;
      memcpy (&a, &values[i], sizeof a);
      h0[a >> INDEX_SHIFT]++;
    }
}

static void
count_split (guint64     *bins,
             const float *values,
             gsize        n)
{
  g_autofree guint32 *scratch = g_new0 (guint32, SCRATCH_BINS);

  count_interleaved (scratch, values, n);
  for (guint s = 0; s < SUB_HISTOGRAMS; s++)
    for (guint k = 0; k < LT_HISTOGRAM_BINS; k++)
      bins[k] += scratch[s * LT_HISTOGRAM_BINS + k];
}

static void
count (guint64     *bins,
       const float *values,
       gsize        n)
{
  if (n >= SPLIT_MIN)
    {
      for (gsize start = 0; start < n; start += SPLIT_CHUNK)
        count_split (bins, values + start, MIN (n - start, SPLIT_CHUNK));
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], sizeof bits);
      bins[bits >> INDEX_SHIFT]++;
    }
}

/* After the values are in the bins: takes the non-finite counts out of
 * them and sets count, min and max.  lo and hi are the min and max of the
 * finite values (and of the earlier ones), or, when `rescan` is not NULL,
 * of the non-NaN ones: the finite ones are then found again in `rescan`,
 * the n values, if ±inf was counted. */
static void
finish_add (LtTensorStats *stats,
            gsize          n,
            float          lo,
            float          hi,
            const float   *rescan)
{
  guint64 nonfinite = 0;

  /* NaN and ±inf were counted in their exponent-255 bins: move them out. */
  for (guint i = NONFINITE_BASE; i < HALF; i++)
    {
      nonfinite += stats->bins[i] + stats->bins[i + HALF];
      stats->bins[i] = stats->bins[i + HALF] = 0;
    }
  if (nonfinite > 0 && rescan != NULL)
    {
      lo = stats->min;
      hi = stats->max;
      min_max (rescan, n, &lo, &hi);
    }
  stats->min = lo;
  stats->max = hi;
  stats->count += n - nonfinite;
  stats->n_nonfinite += nonfinite;
}

void
lt_tensor_stats_add (LtTensorStats *stats,
                     const float   *values,
                     gsize          n)
{
  float lo = stats->min, hi = stats->max;

  if (n == 0)
    return;
  ensure_bins (stats);
  count (stats->bins, values, n);
  min_max (values, n, &lo, &hi);
  finish_add (stats, n, lo, hi, NULL);
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

/* ---- splitting large tensors over threads ------------------------------ */

static guint
bin_of (float value)
{
  guint32 bits;

  memcpy (&bits, &value, sizeof bits);
  return bits >> INDEX_SHIFT;
}


/* Below this many values a tensor is counted on the calling thread. */
#define PARALLEL_MIN (1u << 18)

/* Where counted values go once counted, clamped as a Relu or Clip would:
 * y = x < lo ? lo : x, then y > hi ? hi : y (NaN and -0.0 stay).  `out`
 * is the counted values' own memory. */
typedef struct
{
  float  lo, hi;
  float *out;
} value_clamp;

static void
clamp_values (const float       *values,
              gsize              n,
              const value_clamp *clamp)
{
  for (gsize i = 0; i < n; i++)
    {
      float y = values[i] < clamp->lo ? clamp->lo : values[i];
      clamp->out[i] = y > clamp->hi ? clamp->hi : y;
    }
}

struct LtStatsWorkers
{
  GThreadPool *pool;    /* NULL with one thread */
  guint        n_parts; /* the caller's share and one per pool thread */
  guint32    **scratch; /* per part, SCRATCH_BINS zeros between calls */
  void       (*count_part) (guint32 *scratch, const float *values, gsize n, const value_clamp *clamp, float *min, float *max, float *min_abs);
  GMutex       lock;
  GCond        done;
  guint        pending; /* parts pushed and not finished */
  /* The last call's own histogram, for lt_tensor_stats_add_clamped. */
  guint32     *last;      /* LT_HISTOGRAM_BINS counts, valid in magnitude bins [last_first, last_end[half]) of each half */
  guint        last_first;
  guint        last_end[2];
  gboolean     last_kept; /* `last` holds the last call's values, all finite */
  gsize        last_n;
  float        last_lo, last_hi;
};

typedef struct
{
  LtStatsWorkers *workers;
  const float    *values;
  gsize           n;
  value_clamp     clamp; /* used when clamp.out is not NULL */
  guint32        *scratch;
  float           lo, hi;  /* of the non-NaN values; the finite ones with a clamp */
  float           min_abs; /* smallest magnitude, likewise */
} stats_job;

/* Counts n values into `scratch` (as count_interleaved), widens *min,
 * *max and *min_abs to them (as value_range), then clamps them when
 * `clamp` is not NULL. */
static void
count_part_scalar (guint32           *scratch,
                   const float       *values,
                   gsize              n,
                   const value_clamp *clamp,
                   float             *min,
                   float             *max,
                   float             *min_abs)
{
  count_interleaved (scratch, values, n);
  value_range (values, n, min, max, min_abs);
  if (clamp != NULL)
    clamp_values (values, n, clamp);
}

#ifdef HAVE_AVX2_KERNEL
static inline guint32
bits_at (const float *values,
         gsize        i)
{
  guint32 bits;

  memcpy (&bits, &values[i], sizeof bits);
  return bits;
}

/* The same in one pass over the values, 8 at a time: the range with
 * vminps/vmaxps, the 8 increments alternating between the two histograms,
 * and the clamped values stored back (vmaxps (lo, x) is x < lo ? lo : x,
 * NaN and -0.0 kept; vminps likewise).  Without a clamp the range may
 * include ±inf (leaving them out costs 4 instructions per 8 values, and
 * the values are still there to look at again when one turns up). */
__attribute__ ((target ("avx2"))) static void
count_part_avx2 (guint32           *scratch,
                 const float       *values,
                 gsize              n,
                 const value_clamp *clamp,
                 float             *min,
                 float             *max,
                 float             *min_abs)
{
  const __m256  magnitude = _mm256_castsi256_ps (_mm256_set1_epi32 (0x7fffffff));
  const __m256i exponent = _mm256_set1_epi32 (0x7f800000), quiet = _mm256_set1_epi32 (0x00400000);
  const __m256  clamp_lo = _mm256_set1_ps (clamp != NULL ? clamp->lo : 0);
  const __m256  clamp_hi = _mm256_set1_ps (clamp != NULL ? clamp->hi : 0);
  __m256        lo = _mm256_set1_ps (*min), hi = _mm256_set1_ps (*max), small = _mm256_set1_ps (*min_abs);
  guint32      *h0 = scratch, *h1 = h0 + LT_HISTOGRAM_BINS;
  float         lanes[8];
  gsize         i = 0;

  G_STATIC_ASSERT (SUB_HISTOGRAMS == 2);
  for (; i + 8 <= n; i += 8)
    {
      __m256i bits = _mm256_loadu_si256 ((const __m256i *) (values + i));
      __m256  range = _mm256_castsi256_ps (bits);

      if (clamp != NULL)
        {
          /* The values are about to be overwritten, so the range must be
           * the finite values' now: ±inf made a NaN (as value_range). */
          range = _mm256_castsi256_ps (
            _mm256_or_si256 (bits, _mm256_and_si256 (_mm256_cmpeq_epi32 (_mm256_and_si256 (bits, exponent), exponent), quiet)));
        }
      lo = _mm256_min_ps (range, lo);
      hi = _mm256_max_ps (range, hi);
      small = _mm256_min_ps (_mm256_and_ps (range, magnitude), small);
      /* Value i + j into histogram j % 2, as count_interleaved, the bin
       * indices from scalar loads of the same 32 bytes: loads are cheap,
       * and taking 8 indices out of a vector register cost more (0.39
       * against 0.26 ns a value, measured on Zen 5). */
      h0[bits_at (values, i) >> INDEX_SHIFT]++;
      h1[bits_at (values, i + 1) >> INDEX_SHIFT]++;
      h0[bits_at (values, i + 2) >> INDEX_SHIFT]++;
      h1[bits_at (values, i + 3) >> INDEX_SHIFT]++;
      h0[bits_at (values, i + 4) >> INDEX_SHIFT]++;
      h1[bits_at (values, i + 5) >> INDEX_SHIFT]++;
      h0[bits_at (values, i + 6) >> INDEX_SHIFT]++;
      h1[bits_at (values, i + 7) >> INDEX_SHIFT]++;
      /* Last: clamp->out may be the values just read. */
      if (clamp != NULL)
        _mm256_storeu_ps (clamp->out + i, _mm256_min_ps (clamp_hi, _mm256_max_ps (clamp_lo, _mm256_castsi256_ps (bits))));
    }
  _mm256_storeu_ps (lanes, lo);
  for (guint j = 0; j < 8; j++)
    *min = MIN (*min, lanes[j]);
  _mm256_storeu_ps (lanes, hi);
  for (guint j = 0; j < 8; j++)
    *max = MAX (*max, lanes[j]);
  _mm256_storeu_ps (lanes, small);
  for (guint j = 0; j < 8; j++)
    *min_abs = MIN (*min_abs, lanes[j]);
  if (clamp != NULL)
    {
      value_clamp tail = { clamp->lo, clamp->hi, clamp->out + i };
      count_part_scalar (scratch, values + i, n - i, &tail, min, max, min_abs);
    }
  else
    count_part_scalar (scratch, values + i, n - i, NULL, min, max, min_abs);
}
#endif

static void
count_part (stats_job *job)
{
  job->workers->count_part (job->scratch, job->values, job->n, job->clamp.out != NULL ? &job->clamp : NULL, &job->lo,
                            &job->hi, &job->min_abs);
}

/* The AVX2 kernel where the CPU has it and LATHE_CPU_ISA (the engine's
 * cap, see DESIGN.md) does not say "scalar". */
static void
choose_count_part (LtStatsWorkers *workers)
{
  const char *isa = getenv ("LATHE_CPU_ISA");

  workers->count_part = count_part_scalar;
#ifdef HAVE_AVX2_KERNEL
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx2") && (isa == NULL || strcmp (isa, "scalar") != 0))
    workers->count_part = count_part_avx2;
#else
  (void) isa;
#endif
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  stats_job *job = data;

  (void) user_data;
  count_part (job);
  g_mutex_lock (&job->workers->lock);
  if (--job->workers->pending == 0)
    g_cond_signal (&job->workers->done);
  g_mutex_unlock (&job->workers->lock);
}

LtStatsWorkers *
lt_stats_workers_new (guint n_threads)
{
  LtStatsWorkers *workers = g_new0 (LtStatsWorkers, 1);

  n_threads = MAX (n_threads, 1);
  if (n_threads > 1)
    workers->pool = g_thread_pool_new (run_job, NULL, (gint) n_threads - 1, TRUE, NULL);
  workers->n_parts = n_threads;
  workers->scratch = g_new0 (guint32 *, n_threads);
  for (guint k = 0; k < n_threads; k++)
    workers->scratch[k] = g_new0 (guint32, SCRATCH_BINS);
  choose_count_part (workers);
  workers->last = g_new0 (guint32, LT_HISTOGRAM_BINS);
  g_mutex_init (&workers->lock);
  g_cond_init (&workers->done);
  return workers;
}

void
lt_stats_workers_free (LtStatsWorkers *workers)
{
  if (workers == NULL)
    return;
  if (workers->pool != NULL)
    g_thread_pool_free (workers->pool, FALSE, TRUE);
  for (guint k = 0; k < workers->n_parts; k++)
    g_free (workers->scratch[k]);
  g_free (workers->scratch);
  g_free (workers->last);
  g_mutex_clear (&workers->lock);
  g_cond_clear (&workers->done);
  g_free (workers);
}

/* Bins [first, end) into stats->bins and workers->last, and the parts'
 * scratch back to zeros there. */
static void
flush_parts (LtStatsWorkers  *workers,
             LtTensorStats   *stats,
             const stats_job *jobs,
             guint            n_parts,
             guint            first,
             guint            end)
{
  guint32 *restrict last = workers->last;
  guint64 *restrict bins = stats->bins;

  if (end <= first)
    return;
  /* Plain loops over distinct arrays, which the compiler vectorizes. */
  memset (last + first, 0, (end - first) * sizeof *last);
  for (guint k = 0; k < n_parts; k++)
    for (guint s = 0; s < SUB_HISTOGRAMS; s++)
      {
        guint32 *restrict sub = jobs[k].scratch + s * LT_HISTOGRAM_BINS;
        for (guint b = first; b < end; b++)
          last[b] += sub[b];
        memset (sub + first, 0, (end - first) * sizeof *sub);
      }
  for (guint b = first; b < end; b++)
    bins[b] += last[b];
}

/* Counts `values` into the scratch histograms, split over `n_parts` parts
 * (the caller's and n_parts - 1 pool threads), then adds them up into
 * stats->bins and workers->last.  Only the bins up to the largest
 * magnitude, and those of NaN and ±inf, can have counts: the sweep skips
 * the rest of the grid.  With `clamp`, each part then holds its values
 * clamped.  *lo and *hi get the call's own min and max of the finite
 * values with a clamp, of the non-NaN values without. */
static void
count_in_parts (LtStatsWorkers    *workers,
                LtTensorStats     *stats,
                const float       *values,
                gsize              n,
                const value_clamp *clamp,
                guint              n_parts,
                float             *lo,
                float             *hi)
{
  stats_job *jobs = g_newa (stats_job, n_parts);
  gsize      chunk = (n + n_parts - 1) / n_parts;

  workers->pending = n_parts - 1;
  for (guint k = 0; k < n_parts; k++)
    {
      gsize first = MIN (n, k * chunk);
      jobs[k] = (stats_job){ workers, values + first, MIN (n, (k + 1) * chunk) - first,
                             { 0, 0, NULL }, workers->scratch[k], INFINITY, -INFINITY, INFINITY };
      if (clamp != NULL)
        jobs[k].clamp = (value_clamp){ clamp->lo, clamp->hi, clamp->out + first };
      if (k > 0)
        g_thread_pool_push (workers->pool, &jobs[k], NULL);
    }
  count_part (&jobs[0]);
  g_mutex_lock (&workers->lock);
  while (workers->pending > 0)
    g_cond_wait (&workers->done, &workers->lock);
  g_mutex_unlock (&workers->lock);
  /* Integer additions and min/max: the same result in any split. */
  float min_abs = INFINITY;
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint k = 0; k < n_parts; k++)
    {
      *lo = MIN (*lo, jobs[k].lo);
      *hi = MAX (*hi, jobs[k].hi);
      min_abs = MIN (min_abs, jobs[k].min_abs);
    }
  /* Magnitudes from the smallest one up to the max for positive values,
   * up to the min's for negative ones (±0 counted on either side); ±inf's
   * bins are the first non-finite ones. */
  workers->last_first = min_abs < INFINITY ? bin_of (min_abs) : 0;
  workers->last_end[0] = *hi >= 0 ? MIN (bin_of (fabsf (*hi)) + 1, NONFINITE_BASE) : 0;
  workers->last_end[1] = *lo <= 0 ? MIN (bin_of (fabsf (*lo)) + 1, NONFINITE_BASE) : 0;
  for (guint half = 0; half < 2; half++)
    {
      flush_parts (workers, stats, jobs, n_parts, half * HALF + workers->last_first, half * HALF + workers->last_end[half]);
      flush_parts (workers, stats, jobs, n_parts, half * HALF + NONFINITE_BASE, (half + 1) * HALF);
    }
}

/* lt_tensor_stats_add_parallel, clamping the values in the same pass when
 * `clamp` is not NULL.  FALSE when it added them without the workers (and
 * without clamping). */
static gboolean
add_in_parts (LtTensorStats     *stats,
              const float       *values,
              gsize              n,
              const value_clamp *clamp,
              LtStatsWorkers    *workers)
{
  guint   n_parts;
  guint64 nonfinite_before = stats->n_nonfinite;
  float   lo, hi;

  if (workers != NULL)
    workers->last_kept = FALSE;
  /* Small tensors: the scratch sweeps would cost more than they save;
   * huge ones: each part's 32-bit counters must stay below 2^31. */
  if (workers == NULL || n < SPLIT_MIN || n >= SPLIT_CHUNK)
    {
      lt_tensor_stats_add (stats, values, n);
      return FALSE;
    }
  n_parts = workers->pool != NULL && n >= PARALLEL_MIN ? workers->n_parts : 1;
  ensure_bins (stats);
  count_in_parts (workers, stats, values, n, clamp, n_parts, &lo, &hi);
  finish_add (stats, n, MIN (stats->min, lo), MAX (stats->max, hi), clamp == NULL ? values : NULL);
  workers->last_kept = stats->n_nonfinite == nonfinite_before;
  workers->last_n = n;
  workers->last_lo = lo;
  workers->last_hi = hi;
  return TRUE;
}

void
lt_tensor_stats_add_parallel (LtTensorStats  *stats,
                              const float    *values,
                              gsize           n,
                              LtStatsWorkers *workers)
{
  add_in_parts (stats, values, n, NULL, workers);
}

gboolean
lt_tensor_stats_add_then_clamp (LtTensorStats  *stats,
                                float          *values,
                                gsize           n,
                                float           lo,
                                float           hi,
                                LtStatsWorkers *workers)
{
  value_clamp clamp = { lo, hi, values };

  return add_in_parts (stats, values, n, &clamp, workers);
}

/* ---- statistics of clamped values from their input's histogram ---------- */

static float
clamp_value (float x,
             float lo,
             float hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

gboolean
lt_tensor_stats_add_clamped (LtTensorStats  *stats,
                             LtStatsWorkers *workers,
                             gsize           n,
                             float           lo,
                             float           hi)
{
  guint lo_bin = bin_of (lo), hi_bin = bin_of (hi);

  if (workers == NULL || !workers->last_kept || workers->last_n != n || !(lo <= hi) || isnan (lo) || isnan (hi))
    return FALSE;
  ensure_bins (stats);
  for (guint half = 0; half < LT_HISTOGRAM_BINS; half += HALF)
    for (guint k = half + workers->last_first; k < half + workers->last_end[half / HALF]; k++)
      {
        double a, b;
        guint  target = k;

        if (workers->last[k] == 0 || !lt_histogram_bin_range (k, &a, &b))
          continue;
        /* A bin whose every value clamps to a bound moves to that bound's
         * bin; one that holds the bound keeps its clamped values anyway. */
        if (b <= lo && k != lo_bin)
          target = lo_bin;
        else if (a >= hi && k != hi_bin)
          target = hi_bin;
        stats->bins[target] += workers->last[k];
      }
  stats->min = MIN (stats->min, clamp_value (workers->last_lo, lo, hi));
  stats->max = MAX (stats->max, clamp_value (workers->last_hi, lo, hi));
  stats->count += n;
  /* The clamped values' histogram is not kept: clamping them again goes
   * through their input's. */
  workers->last_kept = FALSE;
  return TRUE;
}
