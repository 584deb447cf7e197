/* lathe-bench-calib.c — calibration throughput with histogram observers on
 * every activation, next to plain inference on the same samples.
 *
 * Usage: lathe-bench-calib MODEL [SAMPLES] [ROUNDS] [THREADS]
 *
 * Writes SAMPLES random .npy inputs (the model's one float input, its
 * declared static shape) to a scratch folder, then per round runs the
 * dataset twice: plain (load, reshape, bind, run: no observer) and through
 * lt_calibrate_collect (the same plus the observers).  Prints the median
 * samples per second of each and the observers' overhead, by wall time and
 * by process CPU time (which other load on the machine disturbs less), and
 * the overhead between the fastest rounds of each (the least disturbed on a
 * busy machine).
 * Asserts nothing.
 */
#include "lt-calibrate.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct
{
  double wall; /* seconds */
  double cpu;  /* seconds of process CPU time */
} timing;

static double
cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static timing
timing_start (void)
{
  return (timing){ (double) g_get_monotonic_time () / 1e6, cpu_seconds () };
}

static timing
timing_since (timing start)
{
  return (timing){ (double) g_get_monotonic_time () / 1e6 - start.wall, cpu_seconds () - start.cpu };
}

static timing
plain_round (lt_model  *model,
             LtDataset *dataset,
             guint      n_threads)
{
  const lt_graph    *graph = lt_model_get_graph (model);
  lt_session_options options = { .n_threads = n_threads };
  lt_session        *session = NULL;
  LtInputLine       *last = NULL, *held = NULL;
  timing             start = timing_start ();

  if (lt_session_new (model, &options, &session, NULL) != LT_OK)
    g_error ("cannot create a session");
  for (guint i = 0; i < lt_dataset_get_n_samples (dataset); i++)
    {
      g_autoptr (GError) error = NULL;
      LtInputLine *line = lt_dataset_load (dataset, i, &error);
      if (line == NULL || !lt_input_list_reshape (session, graph, line, &last, &error))
        g_error ("%s", error->message);
      for (guint k = 0; k < line->arrays->len; k++)
        {
          const LtArray *a = g_ptr_array_index (line->arrays, k);
          gsize          size;
          const void    *data = a != NULL ? g_bytes_get_data (a->data, &size) : NULL;
          if (a != NULL && lt_session_bind_input (session, k, data, size, NULL) != LT_OK)
            g_error ("cannot bind input %u", k);
        }
      if (lt_session_run (session, NULL) != LT_OK)
        g_error ("run failed");
      lt_input_line_free (held);
      held = line;
    }
  lt_input_line_free (held);
  lt_session_free (session);
  return timing_since (start);
}

static timing
observed_round (lt_model  *model,
                LtDataset *dataset,
                guint      n_threads)
{
  LtCalibrateOptions options = { .shard = 1, .shard_count = 1, .n_threads = n_threads };
  g_autoptr (GError) error = NULL;
  timing        start = timing_start ();
  LtCalibStats *stats = lt_calibrate_collect (model, "bench", dataset, &options, &error);

  if (stats == NULL)
    g_error ("%s", error->message);
  lt_calib_stats_free (stats);
  return timing_since (start);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
write_samples (const lt_value *input,
               const char     *dir,
               guint           n)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  lt_tensor t = { .name = input->name, .dtype = LT_DTYPE_F32, .rank = input->shape.rank, .count = 1 };

  for (int32_t d = 0; d < t.rank; d++)
    {
      if (input->shape.dims[d].size <= 0)
        g_error ("input '%s' has no static shape", input->name);
      t.dims[d] = input->shape.dims[d].size;
      t.count *= (uint64_t) t.dims[d];
    }
  g_autofree float *data = g_new (float, t.count);
  t.data = data;
  t.nbytes = t.count * sizeof (float);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%04u.npy", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      for (uint64_t j = 0; j < t.count; j++)
        data[j] = (float) g_rand_double_range (rand, -2, 2);
      if (!lt_npy_save (path, &t, NULL))
        g_error ("cannot write %s", path);
    }
}

int
main (int    argc,
      char **argv)
{
  guint              n_samples = argc > 2 ? (guint) atoi (argv[2]) : 16;
  guint              rounds = argc > 3 ? (guint) atoi (argv[3]) : 5;
  guint              n_threads = argc > 4 ? (guint) atoi (argv[4]) : 0;
  g_autofree char   *dir = g_dir_make_tmp ("lathe-bench-calib-XXXXXX", NULL);
  g_autofree double *plain = NULL, *observed = NULL, *plain_cpu = NULL, *observed_cpu = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtDataset) dataset = NULL;
  lt_model *model = NULL;
  uint32_t  n_inputs;

  if (argc < 2 || n_samples == 0 || rounds == 0)
    {
      fprintf (stderr, "usage: %s MODEL [SAMPLES] [ROUNDS] [THREADS]\n", argv[0]);
      return 2;
    }
  if (lt_model_load (argv[1], NULL, &model, NULL) != LT_OK)
    g_error ("cannot load %s", argv[1]);
  const int32_t *inputs = lt_graph_get_inputs (lt_model_get_graph (model), &n_inputs);
  write_samples (lt_graph_get_value (lt_model_get_graph (model), inputs[0]), dir, n_samples);
  dataset = lt_dataset_open (dir, lt_model_get_graph (model), NULL, &error);
  if (dataset == NULL)
    g_error ("%s", error->message);

  plain = g_new (double, rounds);
  observed = g_new (double, rounds);
  plain_cpu = g_new (double, rounds);
  observed_cpu = g_new (double, rounds);
  plain_round (model, dataset, n_threads); /* warm-up */
  for (guint r = 0; r < rounds; r++)
    {
      timing p = plain_round (model, dataset, n_threads), o = observed_round (model, dataset, n_threads);
      plain[r] = p.wall;
      plain_cpu[r] = p.cpu;
      observed[r] = o.wall;
      observed_cpu[r] = o.cpu;
    }
  qsort (plain, rounds, sizeof *plain, compare_double);
  qsort (observed, rounds, sizeof *observed, compare_double);
  qsort (plain_cpu, rounds, sizeof *plain_cpu, compare_double);
  qsort (observed_cpu, rounds, sizeof *observed_cpu, compare_double);
  printf ("model %s, %u samples, %u rounds, threads %u (0 = one per CPU)\n", argv[1], n_samples, rounds, n_threads);
  printf ("                     wall samples/s   CPU-time samples/s\n");
  printf ("plain inference      %16.2f %20.2f\n", n_samples / plain[rounds / 2], n_samples / plain_cpu[rounds / 2]);
  printf ("with observers       %16.2f %20.2f\n", n_samples / observed[rounds / 2], n_samples / observed_cpu[rounds / 2]);
  printf ("observer overhead    %15.1f%% %19.1f%%\n", 100.0 * (observed[rounds / 2] / plain[rounds / 2] - 1.0),
          100.0 * (observed_cpu[rounds / 2] / plain_cpu[rounds / 2] - 1.0));
  printf ("best round overhead  %15.1f%% %19.1f%%\n", 100.0 * (observed[0] / plain[0] - 1.0),
          100.0 * (observed_cpu[0] / plain_cpu[0] - 1.0));

  for (guint i = 0; i < n_samples; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%04u.npy", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
  lt_model_unref (model);
  return 0;
}
