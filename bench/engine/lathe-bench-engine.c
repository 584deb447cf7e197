/* lathe-bench-engine.c — times a model on the engine's CPU session.
 *
 * Usage: lathe-bench-engine [--runs N] [--warmup N] [--threads 1,2] [--profile] MODEL.onnx
 *
 * For each thread count: a session with the model's declared input shapes,
 * inputs filled with fixed-seed random values (floats in [-1, 1), integers
 * 0), `warmup` untimed runs, then `runs` timed ones.  Prints one line per
 * thread count:
 *
 *   model=NAME threads=T median_ms=… p95_ms=… cpu_ms=… gflops=… peak_rss_mib=… arena_mib=…
 *
 * cpu_ms is the median CPU time (user + system, all threads) of a run: on a
 * loaded machine it stays close to what the run needs while wall time grows.
 * gflops is 2 × the model's "lathe.bench.macs" metadata / median time ("-"
 * without it); peak_rss is the process's high-water mark so far.  With
 * --profile, the share of time per op type and kernel follows (one extra
 * profiled run).  Measures, asserts nothing.
 */
#include <lt/lt.h>
#include <lt/session.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct bench_options
{
  int         runs;
  int         warmup;
  uint32_t    threads[8];
  int         n_threads;
  int         profile;
  const char *path;
} bench_options;

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the process so far (all threads, user + system), in ms. */
static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

static uint64_t
model_macs (const lt_model *model)
{
  for (uint32_t i = 0; i < lt_model_get_n_metadata (model); i++)
    {
      const lt_metadata_prop *prop = lt_model_get_metadata (model, i);

      if (strcmp (prop->key, "lathe.bench.macs") == 0)
        return strtoull (prop->value, NULL, 10);
    }
  return 0;
}

/* Binds every input to a buffer of fixed-seed random contents; the buffers
 * go to *buffers (freed by the caller). */
static int
bind_random_inputs (lt_session *session,
                    uint32_t    n_inputs,
                    void      **buffers,
                    lt_error   *err)
{
  uint32_t seed = 12345;

  for (uint32_t i = 0; i < n_inputs; i++)
    {
      const lt_value_type *type = lt_session_get_input_type (session, i);
      uint64_t count = 1;
      size_t nbytes;

      for (int32_t axis = 0; axis < type->shape.rank; axis++)
        count *= (uint64_t) type->shape.dims[axis].size;
      if (!lt_dtype_storage_size (type->dtype, count, &nbytes))
        return -1;
      buffers[i] = calloc (1, nbytes + 1);
      if (buffers[i] == NULL)
        return -1;
      if (type->dtype == LT_DTYPE_F32)
        for (uint64_t e = 0; e < count; e++)
          {
            seed = seed * 1664525u + 1013904223u;
            ((float *) buffers[i])[e] = (float) (seed >> 8) / (float) (1u << 23) - 1.0f;
          }
      if (lt_session_bind_input (session, i, buffers[i], nbytes, err) != LT_OK)
        return -1;
    }
  return 0;
}

/* Prints the share of one profiled run per (op type, kernel). */
static void
print_profile (const lt_session *session,
               const lt_graph   *graph)
{
  uint32_t n = lt_graph_get_n_nodes (graph);
  const char **labels = calloc (n + 1, sizeof *labels);
  const char **kernels = calloc (n + 1, sizeof *kernels);
  double *totals = calloc (n + 1, sizeof *totals);
  double all = 0.0;
  uint32_t used = 0;

  if (labels == NULL || kernels == NULL || totals == NULL)
    goto out;
  for (uint32_t id = 0; id < n; id++)
    {
      const char *op = lt_graph_get_node (graph, (int32_t) id)->op_type;
      const char *kernel = lt_session_get_kernel_name (session, (int32_t) id);
      double ms = lt_session_get_node_ns (session, (int32_t) id) / 1e6;
      uint32_t slot = 0;

      if (kernel == NULL)
        continue;
      while (slot < used && (strcmp (labels[slot], op) != 0 || strcmp (kernels[slot], kernel) != 0))
        slot++;
      if (slot == used)
        {
          labels[used] = op;
          kernels[used++] = kernel;
        }
      totals[slot] += ms;
      all += ms;
    }
  for (uint32_t slot = 0; slot < used; slot++)
    printf ("  profile op=%s kernel=%s ms=%.3f share=%.1f%%\n", labels[slot], kernels[slot], totals[slot],
            all > 0 ? 100.0 * totals[slot] / all : 0.0);
out:
  free (labels);
  free (kernels);
  free (totals);
}

static int
bench_threads (const bench_options *options,
               lt_model            *model,
               const char          *name,
               uint32_t             threads)
{
  lt_session_options session_options = { 0 };
  lt_session *session = NULL;
  lt_error err = { 0 };
  const lt_graph *graph = lt_model_get_graph (model);
  uint32_t n_inputs;
  void *buffers[64] = { NULL };
  double *times = calloc ((size_t) options->runs + 1, sizeof *times);
  double *cpu_times = calloc ((size_t) options->runs + 1, sizeof *cpu_times);
  uint64_t macs = model_macs (model);
  int status = -1;

  lt_graph_get_inputs (graph, &n_inputs);
  session_options.n_threads = threads;
  session_options.profiling = options->profile;
  if (times == NULL || cpu_times == NULL || n_inputs > 64 || lt_session_new (model, &session_options, &session, &err) != LT_OK ||
      lt_session_reshape (session, NULL, &err) != LT_OK || bind_random_inputs (session, n_inputs, buffers, &err) != 0)
    goto out;
  for (int i = 0; i < options->warmup; i++)
    if (lt_session_run (session, &err) != LT_OK)
      goto out;
  for (int i = 0; i < options->runs; i++)
    {
      double start = now_ms (), cpu_start = cpu_ms ();

      if (lt_session_run (session, &err) != LT_OK)
        goto out;
      times[i] = now_ms () - start;
      cpu_times[i] = cpu_ms () - cpu_start;
    }
  qsort (times, (size_t) options->runs, sizeof *times, compare_doubles);
  qsort (cpu_times, (size_t) options->runs, sizeof *cpu_times, compare_doubles);
  {
    double median = times[options->runs / 2];
    double p95 = times[(options->runs * 95 + 99) / 100 - 1];

    printf ("model=%s threads=%u median_ms=%.3f p95_ms=%.3f cpu_ms=%.3f ", name, threads, median, p95,
            cpu_times[options->runs / 2]);
    if (macs > 0)
      printf ("gflops=%.2f ", 2.0 * (double) macs / (median * 1e6));
    else
      printf ("gflops=- ");
    printf ("peak_rss_mib=%.1f arena_mib=%.1f\n", peak_rss_mib (), lt_session_get_arena_bytes (session) / 1048576.0);
  }
  if (options->profile)
    print_profile (session, graph);
  status = 0;
out:
  if (status != 0)
    fprintf (stderr, "%s: %s (%s)\n", options->path, err.message[0] ? err.message : "out of memory", err.subject);
  for (uint32_t i = 0; i < 64; i++)
    free (buffers[i]);
  free (times);
  free (cpu_times);
  lt_session_free (session);
  return status;
}

static int
parse_options (int            argc,
               char          *argv[],
               bench_options *options)
{
  options->runs = 20;
  options->warmup = 3;
  options->threads[0] = 1;
  options->threads[1] = 2;
  options->n_threads = 2;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--runs") == 0 && i + 1 < argc)
        options->runs = atoi (argv[++i]);
      else if (strcmp (argv[i], "--warmup") == 0 && i + 1 < argc)
        options->warmup = atoi (argv[++i]);
      else if (strcmp (argv[i], "--profile") == 0)
        options->profile = 1;
      else if (strcmp (argv[i], "--threads") == 0 && i + 1 < argc)
        {
          char *list = argv[++i], *end;

          options->n_threads = 0;
          while (*list != '\0' && options->n_threads < 8)
            {
              options->threads[options->n_threads++] = (uint32_t) strtoul (list, &end, 10);
              list = *end == ',' ? end + 1 : end;
              if (end == list && *end != '\0')
                return -1;
            }
        }
      else if (argv[i][0] != '-' && options->path == NULL)
        options->path = argv[i];
      else
        return -1;
    }
  return options->path != NULL && options->runs > 0 && options->warmup >= 0 && options->n_threads > 0 ? 0 : -1;
}

int
main (int   argc,
      char *argv[])
{
  bench_options options = { 0 };
  lt_model *model = NULL;
  lt_error err = { 0 };
  const char *name;
  int status = 0;

  if (parse_options (argc, argv, &options) != 0)
    {
      fprintf (stderr, "usage: %s [--runs N] [--warmup N] [--threads 1,2] [--profile] MODEL.onnx\n", argv[0]);
      return 2;
    }
  if (lt_model_load (options.path, NULL, &model, &err) != LT_OK)
    {
      fprintf (stderr, "%s: %s\n", options.path, err.message);
      return 1;
    }
  name = strrchr (options.path, '/') != NULL ? strrchr (options.path, '/') + 1 : options.path;
  for (int i = 0; i < options.n_threads && status == 0; i++)
    status = bench_threads (&options, model, name, options.threads[i]);
  lt_model_unref (model);
  return status == 0 ? 0 : 1;
}
