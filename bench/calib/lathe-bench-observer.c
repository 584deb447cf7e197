/* lathe-bench-observer.c — the histogram observer alone: nanoseconds per
 * value counted by lt_tensor_stats_add_parallel, on one synthetic tensor.
 *
 * Usage: lathe-bench-observer [VALUES] [THREADS] [KIND]
 *   KIND conv: N(0, 1) scaled by 3 and shifted by 0.5, like a Conv output
 *   KIND relu: N(0, 1) with the negatives set to 0 (half the values in one bin)
 *
 * Counts the tensor over and over (about 60 M values in all) for 7 rounds
 * and prints the fastest round, the least disturbed on a busy machine.
 * LATHE_CPU_ISA=scalar selects the scalar kernel.  Asserts nothing.
 */
#include "lt-observer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS       7
#define ROUND_VALUES 60000000.0

static float *
synthetic_tensor (guint    n,
                  gboolean relu)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  float *values = g_new (float, n);

  for (guint i = 0; i < n; i++)
    {
      double u = g_rand_double_range (rand, 1e-12, 1.0), v = g_rand_double (rand);
      float  x = (float) (sqrt (-2 * log (u)) * cos (2 * G_PI * v));
      values[i] = relu ? MAX (x, 0.0f) : 3 * x + 0.5f;
    }
  return values;
}

int
main (int    argc,
      char **argv)
{
  guint             n = argc > 1 ? (guint) atoi (argv[1]) : 401408;
  guint             n_threads = argc > 2 ? (guint) atoi (argv[2]) : 1;
  gboolean          relu = argc > 3 && strcmp (argv[3], "relu") == 0;
  guint             repeats;
  g_autofree float *values = NULL;
  LtStatsWorkers   *workers;
  double            best = INFINITY;

  if (n == 0 || (argc > 3 && !relu && strcmp (argv[3], "conv") != 0))
    {
      fprintf (stderr, "usage: %s [VALUES] [THREADS] [conv|relu]\n", argv[0]);
      return 2;
    }
  values = synthetic_tensor (n, relu);
  workers = lt_stats_workers_new (n_threads);
  repeats = MAX (1, (guint) (ROUND_VALUES / n));
  for (guint r = 0; r < ROUNDS; r++)
    {
      LtTensorStats stats;
      gint64        start;

      lt_tensor_stats_init (&stats);
      start = g_get_monotonic_time ();
      for (guint k = 0; k < repeats; k++)
        lt_tensor_stats_add_parallel (&stats, values, n, workers);
      best = MIN (best, (double) (g_get_monotonic_time () - start) * 1e3 / ((double) n * repeats));
      lt_tensor_stats_clear (&stats);
    }
  printf ("%u values, %u thread(s), %s: %.3f ns/value (fastest of %d rounds)\n", n, n_threads, relu ? "relu" : "conv",
          best, ROUNDS);
  lt_stats_workers_free (workers);
  return 0;
}
