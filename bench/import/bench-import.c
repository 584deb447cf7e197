/* bench-import.c — import time and peak memory of large ONNX models against
 * the I/O floor.
 *
 * For each model given on the command line (default: the two variants that
 * make-import-model.py writes under bench/models/import), after dropping its
 * files from the page cache and loading it once to fill the cache again:
 *  - the floor: `cat` of the model, and of weights.bin beside it when there
 *    is one (the external data file make-import-model.py writes), to
 *    /dev/null (page cache warm, best of 5);
 *  - lt_model_load alone, and lt_model_load plus a checksum over every
 *    initializer byte (so the mapped pages are really read), best of 5 each;
 *  - for comparison, the same checksum over the files read with read() in
 *    128 KiB blocks, as cat does, without importing (copying instead of
 *    mapping);
 *  - the peak RSS of a load and of a load + checksum, each in a fresh child
 *    process (fork, then wait4's ru_maxrss), next to the peak of a child
 *    that loads nothing.
 * It prints sizes, times, peak RSS, the ratio of times to the floor and of
 * peak RSS to the weight bytes.  It asserts nothing.
 */
#include <lt/lt.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5

extern char **environ;

typedef enum
{
  WORK_NOTHING,
  WORK_LOAD,
  WORK_LOAD_AND_READ,
} work;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static uint64_t
checksum_bytes (const uint8_t *p,
                size_t         n)
{
  uint64_t sum = 0;
  size_t   i = 0;

  for (; i + 8 <= n; i += 8)
    {
      uint64_t word;
      memcpy (&word, p + i, 8);
      sum += word;
    }
  for (; i < n; i++)
    sum += p[i];
  return sum;
}

/* Sums every initializer byte of the main graph (8 bytes at a time). */
static uint64_t
checksum_constants (const lt_model *model,
                    uint64_t       *n_bytes)
{
  const lt_graph *graph = lt_model_get_graph (model);
  uint64_t        sum = 0;

  *n_bytes = 0;
  for (uint32_t v = 0; v < lt_graph_get_n_values (graph); v++)
    {
      const lt_tensor *t = lt_graph_get_value (graph, (int32_t) v)->constant;
      if (t == NULL || t->data == NULL || t->dtype == LT_DTYPE_STRING)
        continue;
      sum += checksum_bytes (t->data, t->nbytes);
      *n_bytes += t->nbytes;
    }
  return sum;
}

/* Runs one unit of work; exits the process on a load failure. */
static uint64_t
do_work (const char *path,
         work        what,
         uint64_t   *n_bytes)
{
  lt_model *model = NULL;
  lt_error  err;
  uint64_t  sum = 0;

  *n_bytes = 0;
  if (what == WORK_NOTHING)
    return 0;
  if (lt_model_load (path, NULL, &model, &err) != LT_OK)
    {
      char text[1200];
      lt_error_format (&err, text, sizeof text);
      fprintf (stderr, "bench-import: %s\n", text);
      exit (1);
    }
  if (what == WORK_LOAD_AND_READ)
    sum = checksum_constants (model, n_bytes);
  lt_model_unref (model);
  return sum;
}

static double
best_time (const char *path,
           work        what)
{
  double best = 1e30;

  for (int r = 0; r < RUNS; r++)
    {
      uint64_t          n;
      double            t0 = now_s (), dt;
      volatile uint64_t sink = do_work (path, what, &n);
      (void) sink;
      dt = now_s () - t0;
      if (dt < best)
        best = dt;
    }
  return best;
}

/* Peak RSS in bytes of a child that does `what` and exits. */
static uint64_t
child_peak_rss (const char *path,
                work        what)
{
  struct rusage usage;
  int           status;
  pid_t         pid = fork ();

  if (pid < 0)
    {
      perror ("bench-import: fork");
      exit (1);
    }
  if (pid == 0)
    {
      uint64_t          n;
      volatile uint64_t sink = do_work (path, what, &n);
      (void) sink;
      _exit (0);
    }
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "bench-import: the measuring child failed\n");
      exit (1);
    }
  return (uint64_t) usage.ru_maxrss * 1024;
}

/* `cat FILES… >/dev/null`, best of RUNS, after one warming run. */
static double
cat_floor (char *const *files)
{
  posix_spawn_file_actions_t actions;
  double                     best = 1e30;
  char                      *argv[8] = { (char *) "cat" };

  for (int i = 0; files[i]; i++)
    argv[i + 1] = files[i];
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  for (int r = 0; r <= RUNS; r++)
    {
      pid_t  pid;
      int    status;
      double t0 = now_s (), dt;
      if (posix_spawnp (&pid, "cat", &actions, NULL, argv, environ) != 0 || waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          fprintf (stderr, "bench-import: cat failed\n");
          exit (1);
        }
      dt = now_s () - t0;
      if (r > 0 && dt < best)
        best = dt;
    }
  posix_spawn_file_actions_destroy (&actions);
  return best;
}

/* read() of FILES… in 128 KiB blocks with the checksum, best of RUNS. */
static double
read_and_sum (char *const *files)
{
  enum
  {
    BLOCK = 128 * 1024
  };
  uint8_t *block = malloc (BLOCK);
  double   best = 1e30;

  for (int r = 0; r < RUNS; r++)
    {
      volatile uint64_t sum = 0;
      double            t0 = now_s (), dt;
      for (int i = 0; files[i]; i++)
        {
          int     fd = open (files[i], O_RDONLY | O_CLOEXEC);
          ssize_t n;
          if (fd < 0)
            {
              perror ("bench-import: open");
              exit (1);
            }
          while ((n = read (fd, block, BLOCK)) > 0)
            sum += checksum_bytes (block, (size_t) n);
          close (fd);
        }
      dt = now_s () - t0;
      if (dt < best)
        best = dt;
    }
  free (block);
  return best;
}

static uint64_t
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? (uint64_t) st.st_size : 0;
}

/* The model file and, when it has one, weights.bin beside it. */
static int
model_files (const char *path,
             char      **files)
{
  const char *slash = strrchr (path, '/');
  size_t      dir_len = slash ? (size_t) (slash - path) + 1 : 0;
  char       *weights = malloc (dir_len + sizeof "weights.bin");
  int         n = 0;

  files[n++] = strdup (path);
  memcpy (weights, path, dir_len);
  strcpy (weights + dir_len, "weights.bin");
  if (access (weights, R_OK) == 0)
    files[n++] = weights;
  else
    free (weights);
  files[n] = NULL;
  return n;
}

static void
bench_model (const char *path)
{
  char    *files[3];
  int      n_files = model_files (path, files);
  uint64_t total_bytes = 0, weight_bytes = 0, base_rss, load_rss, read_rss;
  double   floor_s, load_s, read_s, copy_s;

  for (int i = 0; i < n_files; i++)
    total_bytes += file_size (files[i]);
  /* The page cache is filled by the importer's own first read, as when a
   * user opens a model: the files are dropped from the cache first (clean
   * pages only; nothing is written). */
  for (int i = 0; i < n_files; i++)
    {
      int fd = open (files[i], O_RDONLY | O_CLOEXEC);
      if (fd >= 0)
        {
          posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
          close (fd);
        }
    }
  do_work (path, WORK_LOAD_AND_READ, &weight_bytes); /* warms the page cache */

  floor_s = cat_floor (files);
  load_s = best_time (path, WORK_LOAD);
  read_s = best_time (path, WORK_LOAD_AND_READ);
  copy_s = read_and_sum (files);
  base_rss = child_peak_rss (path, WORK_NOTHING);
  load_rss = child_peak_rss (path, WORK_LOAD);
  read_rss = child_peak_rss (path, WORK_LOAD_AND_READ);

  printf ("%s\n", path);
  printf ("  files: %d, %.1f MB; initializer bytes: %.1f MB\n", n_files, total_bytes / 1e6, weight_bytes / 1e6);
  printf ("  cat floor (best of %d):         %8.1f ms  (%.2f GB/s)\n", RUNS, floor_s * 1e3, total_bytes / floor_s / 1e9);
  printf ("  lt_model_load (best of %d):     %8.1f ms  = %.2fx the floor\n", RUNS, load_s * 1e3, load_s / floor_s);
  printf ("  load + read every weight:      %8.1f ms  = %.2fx the floor\n", read_s * 1e3, read_s / floor_s);
  printf ("  read() + checksum, no import:  %8.1f ms  = %.2fx the floor\n", copy_s * 1e3, copy_s / floor_s);
  printf ("  peak RSS, empty child:         %8.1f MB\n", base_rss / 1e6);
  printf ("  peak RSS, load:                %8.1f MB  = %.3fx the weights\n", load_rss / 1e6,
          (double) load_rss / (double) weight_bytes);
  printf ("  peak RSS, load + read:         %8.1f MB  = %.3fx the weights\n", read_rss / 1e6,
          (double) read_rss / (double) weight_bytes);
  for (int i = 0; i < n_files; i++)
    free (files[i]);
}

int
main (int   argc,
      char *argv[])
{
  static const char *defaults[] = {
    "bench/models/import/inline/model.onnx",
    "bench/models/import/external/model.onnx",
  };

  if (argc > 1)
    for (int i = 1; i < argc; i++)
      bench_model (argv[i]);
  else
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
      {
        if (access (defaults[i], R_OK) != 0)
          {
            fprintf (stderr,
                     "bench-import: %s is missing; run /usr/bin/python3 bench/import/make-import-model.py first (%s)\n",
                     defaults[i], strerror (errno));
            return 1;
          }
        bench_model (defaults[i]);
      }
  return 0;
}
