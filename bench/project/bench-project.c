/* bench-project.c — what a project file costs: saving one edit, and loading
 * a project with N tensors' encodings and calibration statistics, each next
 * to a plain SQLite floor (the same rows inserted or selected with bare
 * statements in a database with the same settings: WAL, synchronous=NORMAL).
 *
 *   bench-project [N_TENSORS [N_BINS]]      (defaults 10000 and 256)
 *
 * Prints milliseconds (median of several runs) and the ratio to the floor.
 * Asserts nothing.
 */
#include "lt-project.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define N_EDIT_SAMPLES 200
#define N_LOAD_SAMPLES 7

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *samples,
        guint   n)
{
  qsort (samples, n, sizeof *samples, compare_doubles);
  return samples[n / 2];
}

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "bench-project: %s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

static void
check_sql (sqlite3    *db,
           int         rc,
           const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      fprintf (stderr, "bench-project: %s: %s\n", what, sqlite3_errmsg (db));
      exit (1);
    }
}

static LtProjectEncoding *
make_encoding (guint i)
{
  g_autofree char   *name = g_strdup_printf ("/model/block%u/conv/Conv_output_0", i);
  LtProjectEncoding *e = lt_project_encoding_new (name, LT_PROJECT_SECTION_ACTIVATION, 1);

  e->scale[0] = 0.01f + (float) i * 1e-6f;
  e->offset[0] = -128;
  return e;
}

static LtProjectTensorStats *
make_stats (guint i,
            guint n_bins)
{
  g_autofree char      *name = g_strdup_printf ("/model/block%u/conv/Conv_output_0", i);
  LtProjectTensorStats *s = lt_project_tensor_stats_new (name, n_bins);

  s->min = -1.0 - i;
  s->max = 1.0 + i;
  s->hist_min = s->min;
  s->hist_max = s->max;
  for (guint b = 0; b < n_bins; b++)
    s->bins[b] = (guint64) (b * 7 + i);
  return s;
}

/* ---- the plain SQLite floor ----------------------------------------------- */

static sqlite3 *
floor_open (const char *path)
{
  sqlite3 *db = NULL;

  check_sql (db, sqlite3_open (path, &db), "open floor");
  check_sql (db, sqlite3_exec (db, "PRAGMA synchronous = NORMAL; PRAGMA journal_mode = WAL;"
                                   "CREATE TABLE IF NOT EXISTS enc (tensor TEXT, section INTEGER, bw INTEGER, scale BLOB, offset BLOB,"
                                   " PRIMARY KEY (tensor, section)) WITHOUT ROWID;"
                                   "CREATE TABLE IF NOT EXISTS stats (run INTEGER, tensor TEXT, min REAL, max REAL, bins BLOB,"
                                   " PRIMARY KEY (run, tensor)) WITHOUT ROWID;",
                               NULL, NULL, NULL),
             "floor schema");
  return db;
}

static void
floor_insert_encoding (sqlite3                 *db,
                       sqlite3_stmt            *stmt,
                       const LtProjectEncoding *e)
{
  sqlite3_bind_text (stmt, 1, e->tensor, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, e->section);
  sqlite3_bind_int (stmt, 3, (int) e->bitwidth);
  sqlite3_bind_blob (stmt, 4, e->scale, (int) (sizeof (float) * e->n_values), SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 5, e->offset, (int) (sizeof (gint32) * e->n_values), SQLITE_STATIC);
  check_sql (db, sqlite3_step (stmt), "floor insert");
  sqlite3_reset (stmt);
}

static void
floor_fill (sqlite3   *db,
            GPtrArray *encodings,
            GPtrArray *stats)
{
  sqlite3_stmt *enc = NULL, *st = NULL;

  check_sql (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), "floor begin");
  sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO enc VALUES (?, ?, ?, ?, ?)", -1, &enc, NULL);
  sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO stats VALUES (1, ?, ?, ?, ?)", -1, &st, NULL);
  for (guint i = 0; i < encodings->len; i++)
    floor_insert_encoding (db, enc, encodings->pdata[i]);
  for (guint i = 0; i < stats->len; i++)
    {
      const LtProjectTensorStats *s = stats->pdata[i];

      sqlite3_bind_text (st, 1, s->tensor, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 2, s->min);
      sqlite3_bind_double (st, 3, s->max);
      sqlite3_bind_blob (st, 4, s->bins, (int) (sizeof (guint64) * s->n_bins), SQLITE_STATIC);
      check_sql (db, sqlite3_step (st), "floor insert");
      sqlite3_reset (st);
    }
  sqlite3_finalize (enc);
  sqlite3_finalize (st);
  check_sql (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), "floor commit");
}

/* Opens the floor database and reads every row into memory. */
static guint
floor_load (const char *path)
{
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint         n = 0;

  check_sql (db, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), "open floor");
  sqlite3_prepare_v2 (db, "SELECT tensor, section, bw, scale, offset FROM enc ORDER BY section, tensor", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_free (g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_free (g_memdup2 (sqlite3_column_blob (stmt, 3), (gsize) sqlite3_column_bytes (stmt, 3)));
      g_free (g_memdup2 (sqlite3_column_blob (stmt, 4), (gsize) sqlite3_column_bytes (stmt, 4)));
      n++;
    }
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "SELECT tensor, min, max, bins FROM stats WHERE run = 1 ORDER BY tensor", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_free (g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_free (g_memdup2 (sqlite3_column_blob (stmt, 3), (gsize) sqlite3_column_bytes (stmt, 3)));
      n++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* ---- main ----------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  guint n_tensors = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint n_bins = argc > 2 ? (guint) atoi (argv[2]) : 256;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lathe-bench-project-XXXXXX", &error);
  g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.lathe", NULL);
  g_autofree char *floor_path = g_build_filename (dir, "floor.sqlite", NULL);
  g_autoptr (GPtrArray) encodings = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_encoding_free);
  g_autoptr (GPtrArray) stats = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_tensor_stats_free);
  LtProjectCalibration run = { 0, "bench", "minmax", "{}", NULL };
  double               edit_ms[N_EDIT_SAMPLES], floor_edit_ms[N_EDIT_SAMPLES], load_ms[N_LOAD_SAMPLES], floor_load_ms[N_LOAD_SAMPLES];
  double               bulk_ms, floor_bulk_ms, t;
  gint64               run_id = 0;
  LtProject           *project;
  sqlite3             *db;
  sqlite3_stmt        *enc_stmt = NULL;

  check (dir != NULL, error, "temporary folder");
  check (g_file_set_contents (model, "not a real model, only hashed", -1, &error), error, "model");
  for (guint i = 0; i < n_tensors; i++)
    {
      g_ptr_array_add (encodings, make_encoding (i));
      g_ptr_array_add (stats, make_stats (i, n_bins));
    }

  /* bulk: import N encodings (one edit) and one calibration run */
  project = lt_project_create (path, model, FALSE, &error);
  check (project != NULL, error, "create");
  t = now_ms ();
  check (lt_project_set_encodings (project, "import-encodings", (const LtProjectEncoding **) encodings->pdata, encodings->len, &error), error, "import");
  check (lt_project_add_calibration (project, &run, (const LtProjectTensorStats **) stats->pdata, stats->len, &run_id, &error), error, "calibration");
  bulk_ms = now_ms () - t;
  db = floor_open (floor_path);
  t = now_ms ();
  floor_fill (db, encodings, stats);
  floor_bulk_ms = now_ms () - t;

  /* one edit: one tensor's encoding, into the full project */
  sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO enc VALUES (?, ?, ?, ?, ?)", -1, &enc_stmt, NULL);
  for (guint i = 0; i < N_EDIT_SAMPLES; i++)
    {
      LtProjectEncoding *e = encodings->pdata[(i * 7919) % n_tensors];

      e->bitwidth = e->bitwidth == 8 ? 16 : 8;
      t = now_ms ();
      check (lt_project_set_encoding (project, e, &error), error, "edit");
      edit_ms[i] = now_ms () - t;
      t = now_ms ();
      check_sql (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), "floor begin");
      floor_insert_encoding (db, enc_stmt, e);
      check_sql (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), "floor commit");
      floor_edit_ms[i] = now_ms () - t;
    }
  sqlite3_finalize (enc_stmt);
  sqlite3_close (db);
  g_object_unref (project);

  /* load: open the project and read every encoding and statistic */
  for (guint i = 0; i < N_LOAD_SAMPLES; i++)
    {
      g_autoptr (GPtrArray) loaded_encodings = NULL;
      g_autoptr (GPtrArray) loaded_stats = NULL;

      t = now_ms ();
      project = lt_project_open (path, LT_PROJECT_OPEN_READ_ONLY, &error);
      check (project != NULL, error, "open");
      loaded_encodings = lt_project_list_encodings (project, &error);
      loaded_stats = lt_project_get_statistics (project, run_id, &error);
      check (loaded_encodings && loaded_stats && loaded_stats->len == n_tensors, error, "load");
      g_object_unref (project);
      load_ms[i] = now_ms () - t;

      t = now_ms ();
      check (floor_load (floor_path) == 2 * n_tensors, NULL, "floor load");
      floor_load_ms[i] = now_ms () - t;
    }

  printf ("project file, %u tensors with encodings and %u-bin histograms (median ms; plain SQLite floor; ratio)\n",
          n_tensors, n_bins);
  printf ("  save one edit        %8.3f  %8.3f  %5.1fx\n", median (edit_ms, N_EDIT_SAMPLES),
          median (floor_edit_ms, N_EDIT_SAMPLES), median (edit_ms, N_EDIT_SAMPLES) / median (floor_edit_ms, N_EDIT_SAMPLES));
  printf ("  load (open + read)   %8.3f  %8.3f  %5.1fx\n", median (load_ms, N_LOAD_SAMPLES),
          median (floor_load_ms, N_LOAD_SAMPLES), median (load_ms, N_LOAD_SAMPLES) / median (floor_load_ms, N_LOAD_SAMPLES));
  printf ("  write all (1 run)    %8.3f  %8.3f  %5.1fx\n", bulk_ms, floor_bulk_ms, bulk_ms / floor_bulk_ms);

  {
    g_autofree char *lock = g_strconcat (path, ".lock", NULL);
    const char      *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *a = g_strconcat (path, suffixes[i], NULL);
        g_autofree char *b = g_strconcat (floor_path, suffixes[i], NULL);

        g_unlink (a);
        g_unlink (b);
      }
    g_unlink (lock);
    g_unlink (model);
    g_rmdir (dir);
  }
  return 0;
}
