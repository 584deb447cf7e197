/* test-project.c — LtProject: round trips of every kind of entry, undo and
 * redo against a model of the expected state, the edit log, and the files
 * that must be refused with a clear message. */
#include "project-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

/* ---- round trips ---------------------------------------------------------- */

typedef struct
{
  guint  n_signals;
  char  *kind;
  char **subjects;
} ChangeLog;

static void
on_changed (LtProject  *project,
            const char *kind,
            char      **subjects,
            ChangeLog  *log)
{
  (void) project;
  log->n_signals++;
  g_free (log->kind);
  g_strfreev (log->subjects);
  log->kind = g_strdup (kind);
  log->subjects = g_strdupv (subjects);
}

static LtProject *
reopen (LtProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup (lt_project_get_path (project));
  LtProject       *again;

  g_object_unref (project);
  again = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  return again;
}

static void
test_round_trip_model (void)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  g_autofree char *model_path = project_test_model_path ();
  g_autofree char *copy_path = g_build_filename (dir, "extracted.onnx", NULL);
  g_autofree char *model_bytes = NULL, *copy_bytes = NULL;
  g_autofree char *sha = NULL;
  gsize            model_size, copy_size;
  LtProject       *embedded = project_test_create (dir, "embedded.lathe", TRUE);
  LtProject       *plain = project_test_create (dir, "plain.lathe", FALSE);
  g_autoptr (LtProjectModel) info = NULL;
  g_autoptr (LtProjectModel) plain_info = NULL;

  g_assert_true (g_file_get_contents (model_path, &model_bytes, &model_size, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) model_bytes, model_size);

  embedded = reopen (embedded);
  info = lt_project_get_model (embedded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->sha256, ==, sha);
  g_assert_cmpuint (info->size, ==, model_size);
  g_assert_true (info->embedded);
  g_assert_true (g_path_is_absolute (info->path));
  g_assert_true (lt_project_extract_model (embedded, copy_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (copy_path, &copy_bytes, &copy_size, NULL));
  g_assert_cmpmem (copy_bytes, copy_size, model_bytes, model_size);

  plain_info = lt_project_get_model (plain, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain_info->sha256, ==, sha);
  g_assert_false (plain_info->embedded);
  g_assert_false (lt_project_extract_model (plain, copy_path, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);

  g_object_unref (embedded);
  g_object_unref (plain);
  project_test_dir_free (dir);
}

static void
test_round_trip_edits (void)
{
  g_autoptr (GError) error = NULL;
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "edits.lathe", FALSE);
  g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_encoding_free);
  g_autoptr (GPtrArray) encodings = NULL;
  g_autoptr (GPtrArray) placements = NULL;
  g_autoptr (GPtrArray) edits = NULL;
  g_autofree char          *config = NULL;
  const char               *config_json = "{\"htp_config\": {\"vtcm_mb\": 8}}";
  LtProjectPlacement        conv1 = { "conv1", "htp", FALSE }, conv2 = { "conv2", "gpu", TRUE };
  const LtProjectPlacement *batch[] = { &conv1, &conv2 };
  ChangeLog                 log = { 0 };

  g_signal_connect (project, "changed", G_CALLBACK (on_changed), &log);
  /* every granularity, both sections, int and float, 8 and 16 bit */
  for (guint32 seed = 0; seed < 128; seed += 7)
    {
      g_autofree char   *name = g_strdup_printf ("tensor/%u", seed);
      LtProjectEncoding *encoding = project_test_encoding (name, seed);

      g_assert_true (lt_project_set_encoding (project, encoding, &error));
      g_assert_no_error (error);
      g_ptr_array_add (expected, encoding);
    }
  g_assert_cmpuint (log.n_signals, ==, expected->len);
  g_assert_cmpstr (log.kind, ==, "encoding");
  g_assert_cmpstr (log.subjects[0], ==, "tensor/126");
  g_assert_true (lt_project_set_placements (project, batch, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log.kind, ==, "placements");
  g_assert_cmpuint (g_strv_length (log.subjects), ==, 2);
  g_assert_true (lt_project_set_backend_config (project, config_json, &error));
  g_assert_no_error (error);

  project = reopen (project);
  encodings = lt_project_list_encodings (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (encodings->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const LtProjectEncoding *want = g_ptr_array_index (expected, i);
      g_autoptr (LtProjectEncoding) got = lt_project_get_encoding (project, want->tensor, want->section, &error);

      g_assert_no_error (error);
      g_assert_nonnull (got);
      g_assert_true (lt_project_encoding_equal (got, want));
    }
  placements = lt_project_list_placements (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (placements->len, ==, 2);
  g_assert_cmpstr (((LtProjectPlacement *) placements->pdata[1])->backend, ==, "gpu");
  g_assert_true (((LtProjectPlacement *) placements->pdata[1])->pinned);
  config = lt_project_get_backend_config (project, &error);
  g_assert_cmpstr (config, ==, config_json);

  edits = lt_project_list_edits (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (edits->len, ==, expected->len + 2);
  {
    const LtProjectEdit *first = g_ptr_array_index (edits, 0);
    const LtProjectEdit *last = g_ptr_array_index (edits, edits->len - 1);

    g_assert_cmpstr (first->user, ==, g_get_user_name ());
    g_assert_cmpstr (first->action, ==, "edit");
    g_assert_cmpstr (first->subjects[0], ==, "tensor/0");
    g_assert_nonnull (strstr (first->before, "null"));
    g_assert_true (g_str_has_suffix (first->time, "Z"));
    g_assert_cmpstr (last->kind, ==, "backend-config");
  }

  g_object_unref (project);
  g_free (log.kind);
  g_strfreev (log.subjects);
  project_test_dir_free (dir);
}

static void
test_round_trip_measurements (void)
{
  g_autoptr (GError) error = NULL;
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "measured.lathe", FALSE);
  g_autoptr (GPtrArray) stats = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_tensor_stats_free);
  g_autoptr (GPtrArray) runs = NULL, loaded = NULL, analysis = NULL, profile = NULL, exports = NULL;
  LtProjectCalibration   run = { 0, "imagenet-val-500", "percentile", "{\"percentile\": 99.99}", NULL };
  LtProjectMetric        sqnr = { "conv1_out", "sqnr_db", 31.5 }, latency = { "conv1", "latency_us", 12.25 };
  const LtProjectMetric *analysis_set[] = { &sqnr }, *profile_set[] = { &latency };
  gint64                 run_id = 0, results_id = 0;

  for (guint t = 0; t < 3; t++)
    {
      g_autofree char      *name = g_strdup_printf ("act%u", t);
      LtProjectTensorStats *s = lt_project_tensor_stats_new (name, 256);

      s->min = -1.5 * t;
      s->max = 2.0 + t;
      s->hist_min = s->min;
      s->hist_max = s->max;
      for (guint b = 0; b < 256; b++)
        s->bins[b] = (guint64) b * b * (t + 1) + G_GUINT64_CONSTANT (1) * (b == 7) * G_MAXUINT32 * 3;
      g_ptr_array_add (stats, s);
    }
  g_assert_true (lt_project_add_calibration (project, &run, (const LtProjectTensorStats **) stats->pdata, stats->len, &run_id, &error));
  g_assert_no_error (error);
  g_assert_true (lt_project_add_results (project, LT_PROJECT_RESULTS_ANALYSIS, "after calibration", analysis_set, 1, &results_id, &error));
  g_assert_true (lt_project_add_results (project, LT_PROJECT_RESULTS_PROFILE, "cpu", profile_set, 1, NULL, &error));
  g_assert_true (lt_project_add_export (project, "/tmp/bundle", "ab12", &error));
  g_assert_no_error (error);

  project = reopen (project);
  runs = lt_project_list_calibrations (project, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((LtProjectCalibration *) runs->pdata[0])->id, ==, run_id);
  g_assert_cmpstr (((LtProjectCalibration *) runs->pdata[0])->method, ==, "percentile");
  g_assert_cmpstr (((LtProjectCalibration *) runs->pdata[0])->options, ==, run.options);
  loaded = lt_project_get_statistics (project, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);
  for (guint t = 0; t < 3; t++)
    {
      const LtProjectTensorStats *want = stats->pdata[t], *got = loaded->pdata[t];

      g_assert_cmpstr (got->tensor, ==, want->tensor);
      g_assert_cmpfloat (got->min, ==, want->min);
      g_assert_cmpfloat (got->max, ==, want->max);
      g_assert_cmpmem (got->bins, got->n_bins * sizeof (guint64), want->bins, want->n_bins * sizeof (guint64));
    }
  analysis = lt_project_get_latest_results (project, LT_PROJECT_RESULTS_ANALYSIS, &error);
  profile = lt_project_get_latest_results (project, LT_PROJECT_RESULTS_PROFILE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (analysis->len, ==, 1);
  g_assert_cmpfloat (((LtProjectMetric *) analysis->pdata[0])->value, ==, 31.5);
  g_assert_cmpstr (((LtProjectMetric *) profile->pdata[0])->subject, ==, "conv1");
  exports = lt_project_list_exports (project, &error);
  g_assert_cmpuint (exports->len, ==, 1);
  g_assert_cmpstr (((LtProjectExport *) exports->pdata[0])->sha256, ==, "ab12");
  g_assert_true (lt_project_check_integrity (project, &error));

  g_object_unref (project);
  project_test_dir_free (dir);
}

/* ---- undo and redo against a model --------------------------------------- */

/* The expected state: "E:tensor/section", "P:node", "C" → a description. */
static char *
describe_encoding (const LtProjectEncoding *e)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%d,%u,%d,%d,%u,%d", e->is_float, e->bitwidth, e->granularity, e->axis, e->block_size, e->symmetric);
  for (guint i = 0; i < e->n_values; i++)
    g_string_append_printf (text, ",%a/%d", e->scale[i], e->offset[i]);
  return g_string_free (text, FALSE);
}

static GHashTable *
state_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static GHashTable *
state_copy (GHashTable *state)
{
  GHashTable    *copy = state_new ();
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, state);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static GHashTable *
state_of_project (LtProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) encodings = lt_project_list_encodings (project, &error);
  g_autoptr (GPtrArray) placements = lt_project_list_placements (project, &error);
  g_autofree char *config = lt_project_get_backend_config (project, &error);
  GHashTable      *state = state_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < encodings->len; i++)
    {
      const LtProjectEncoding *e = encodings->pdata[i];

      g_hash_table_insert (state, g_strdup_printf ("E:%s/%d", e->tensor, e->section), describe_encoding (e));
    }
  for (guint i = 0; i < placements->len; i++)
    {
      const LtProjectPlacement *p = placements->pdata[i];

      g_hash_table_insert (state, g_strdup_printf ("P:%s", p->node), g_strdup_printf ("%s,%d", p->backend, p->pinned));
    }
  if (config)
    g_hash_table_insert (state, g_strdup ("C"), g_steal_pointer (&config));
  return state;
}

static void
assert_same_state (GHashTable *expected,
                   GHashTable *actual)
{
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (g_hash_table_lookup (actual, key), ==, value);
  g_assert_cmpuint (g_hash_table_size (expected), ==, g_hash_table_size (actual));
}

static void
test_undo_redo_model (void)
{
  static const char *const tensors[] = { "conv1_out", "conv2_out", "fc.weight", "fc.bias", "relu3" };
  static const char *const nodes[] = { "conv1", "conv2", "relu3", "fc" };
  static const char *const backends[] = { "htp", "gpu", "cpu" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) history = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  GRand     *rand = g_rand_new_with_seed (20261124);
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "undo.lathe", FALSE);
  guint      cursor = 0, n_undo = 0, n_redo = 0;

  g_ptr_array_add (history, state_new ());
  for (guint step = 0; step < 600; step++)
    {
      guint       op = (guint) g_rand_int_range (rand, 0, 9);
      GHashTable *next = NULL;

      if (op <= 1) /* a batch of encodings (an import) or one encoding */
        {
          g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_encoding_free);
          guint n = op == 0 ? 1 : (guint) g_rand_int_range (rand, 1, 4);

          next = state_copy (history->pdata[cursor]);
          for (guint i = 0; i < n; i++)
            {
              LtProjectEncoding *e = project_test_encoding (tensors[g_rand_int_range (rand, 0, G_N_ELEMENTS (tensors))], g_rand_int (rand));

              g_hash_table_insert (next, g_strdup_printf ("E:%s/%d", e->tensor, e->section), describe_encoding (e));
              g_ptr_array_add (batch, e);
            }
          g_assert_true (lt_project_set_encodings (project, "import-encodings", (const LtProjectEncoding **) batch->pdata, batch->len, &error));
        }
      else if (op == 2)
        {
          const char      *tensor = tensors[g_rand_int_range (rand, 0, G_N_ELEMENTS (tensors))];
          LtProjectSection section = g_rand_boolean (rand) ? LT_PROJECT_SECTION_PARAM : LT_PROJECT_SECTION_ACTIVATION;
          g_autofree char *key = g_strdup_printf ("E:%s/%d", tensor, section);

          next = state_copy (history->pdata[cursor]);
          g_hash_table_remove (next, key);
          g_assert_true (lt_project_remove_encoding (project, tensor, section, &error));
        }
      else if (op == 3)
        {
          LtProjectPlacement        placement[3];
          const LtProjectPlacement *batch[3];
          guint                     n = (guint) g_rand_int_range (rand, 1, 4);

          next = state_copy (history->pdata[cursor]);
          for (guint i = 0; i < n; i++)
            {
              placement[i].node = (char *) nodes[g_rand_int_range (rand, 0, G_N_ELEMENTS (nodes))];
              placement[i].backend = (char *) backends[g_rand_int_range (rand, 0, G_N_ELEMENTS (backends))];
              placement[i].pinned = g_rand_boolean (rand);
              batch[i] = &placement[i];
              g_hash_table_insert (next, g_strdup_printf ("P:%s", placement[i].node),
                                   g_strdup_printf ("%s,%d", placement[i].backend, placement[i].pinned));
            }
          g_assert_true (lt_project_set_placements (project, batch, n, &error));
        }
      else if (op == 4)
        {
          g_autofree char *json = g_rand_boolean (rand) ? g_strdup_printf ("{\"cpu_config\": {\"num_threads\": %d}}", g_rand_int_range (rand, 1, 9)) : NULL;

          next = state_copy (history->pdata[cursor]);
          if (json)
            g_hash_table_insert (next, g_strdup ("C"), g_strdup (json));
          else
            g_hash_table_remove (next, "C");
          g_assert_true (lt_project_set_backend_config (project, json, &error));
        }
      else if (op <= 6)
        {
          g_assert_cmpint (lt_project_can_undo (project), ==, cursor > 0);
          if (cursor > 0)
            {
              g_assert_true (lt_project_undo (project, &error));
              cursor--;
              n_undo++;
            }
          else
            {
              g_assert_false (lt_project_undo (project, &error));
              g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_NOTHING_TO_UNDO);
              g_clear_error (&error);
            }
        }
      else
        {
          g_assert_cmpint (lt_project_can_redo (project), ==, cursor + 1 < history->len);
          if (cursor + 1 < history->len)
            {
              g_assert_true (lt_project_redo (project, &error));
              cursor++;
              n_redo++;
            }
          else
            {
              g_assert_false (lt_project_redo (project, &error));
              g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_NOTHING_TO_REDO);
              g_clear_error (&error);
            }
        }
      g_assert_no_error (error);
      if (next)
        {
          /* a new edit drops the redo branch */
          g_ptr_array_set_size (history, cursor + 1);
          g_ptr_array_add (history, next);
          cursor++;
        }
      if (step % 41 == 40)
        project = reopen (project);
      {
        g_autoptr (GHashTable) actual = state_of_project (project);

        assert_same_state (history->pdata[cursor], actual);
      }
    }
  g_assert_cmpuint (n_undo, >, 50);
  g_assert_cmpuint (n_redo, >, 20);
  g_assert_true (lt_project_check_integrity (project, &error));
  g_object_unref (project);
  g_rand_free (rand);
  project_test_dir_free (dir);
}

static void
test_undo_is_logged (void)
{
  g_autoptr (GError) error = NULL;
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "audit.lathe", FALSE);
  g_autoptr (LtProjectEncoding) e8 = project_test_encoding ("conv3_out", 0);
  g_autoptr (LtProjectEncoding) e16 = lt_project_encoding_copy (e8);
  g_autoptr (GPtrArray) edits = NULL;
  ChangeLog            log = { 0 };
  const LtProjectEdit *undo;

  e16->bitwidth = 16;
  g_assert_true (lt_project_set_encoding (project, e8, &error));
  g_assert_true (lt_project_set_encoding (project, e16, &error));
  g_signal_connect (project, "changed", G_CALLBACK (on_changed), &log);
  g_assert_true (lt_project_undo (project, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_signals, ==, 1);
  g_assert_cmpstr (log.subjects[0], ==, "conv3_out");

  edits = lt_project_list_edits (project, &error);
  g_assert_cmpuint (edits->len, ==, 3);
  undo = edits->pdata[2];
  g_assert_cmpstr (undo->action, ==, "undo");
  g_assert_cmpint (undo->target, ==, ((LtProjectEdit *) edits->pdata[1])->id);
  g_assert_nonnull (strstr (undo->before, "\"bw\":16"));
  g_assert_nonnull (strstr (undo->after, "\"bw\":8"));
  g_assert_cmpint (((LtProjectEdit *) edits->pdata[1])->state, ==, LT_PROJECT_EDIT_STATE_UNDONE);

  /* a new edit makes the undone one unredoable, and the log keeps it */
  g_assert_true (lt_project_remove_encoding (project, "conv3_out", LT_PROJECT_SECTION_ACTIVATION, &error));
  g_assert_false (lt_project_can_redo (project));
  g_clear_pointer (&edits, g_ptr_array_unref);
  edits = lt_project_list_edits (project, &error);
  g_assert_cmpuint (edits->len, ==, 4);
  g_assert_cmpint (((LtProjectEdit *) edits->pdata[1])->state, ==, LT_PROJECT_EDIT_STATE_DROPPED);

  g_object_unref (project);
  g_free (log.kind);
  g_strfreev (log.subjects);
  project_test_dir_free (dir);
}

static void
test_invalid_edits (void)
{
  g_autoptr (GError) error = NULL;
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "invalid.lathe", FALSE);
  g_autoptr (LtProjectEncoding) empty = lt_project_encoding_new ("conv1_out", LT_PROJECT_SECTION_ACTIVATION, 0);
  LtProjectPlacement        npu = { "conv1", "npu", FALSE };
  const LtProjectPlacement *batch[] = { &npu };

  g_assert_false (lt_project_set_encoding (project, empty, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "conv1_out"));
  g_clear_error (&error);
  g_assert_false (lt_project_set_placements (project, batch, 1, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "conv1"));
  g_clear_error (&error);
  empty->n_values = 1;
  empty->scale = g_new0 (float, 1);
  empty->offset = g_new0 (gint32, 1);
  empty->scale[0] = INFINITY;
  g_assert_false (lt_project_set_encoding (project, empty, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lt_project_set_backend_config (project, "{not json", &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lt_project_can_undo (project));
  g_object_unref (project);
  project_test_dir_free (dir);
}

/* ---- bad files ------------------------------------------------------------ */

static void
assert_open_fails (const char        *path,
                   LtProjectOpenFlags flags,
                   int                code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  LtProject       *project = lt_project_open (path, flags, &error);

  g_assert_null (project);
  g_assert_error (error, LT_PROJECT_ERROR, code);
  g_assert_nonnull (strstr (error->message, base));
}

static void
sql (const char *path,
     const char *statements)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, statements, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_bad_files (void)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  g_autofree char *random_path = g_build_filename (dir, "random.lathe", NULL);
  g_autofree char *other_path = g_build_filename (dir, "other.lathe", NULL);
  g_autofree char *empty_path = g_build_filename (dir, "empty.lathe", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.lathe", NULL);
  g_autofree char *model_path = project_test_model_path ();
  GRand           *rand = g_rand_new_with_seed (7);
  guint8           noise[8192];
  LtProject       *project;

  for (gsize i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_rand_int (rand);
  g_assert_true (g_file_set_contents (random_path, (const char *) noise, sizeof noise, NULL));
  assert_open_fails (random_path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_NOT_A_PROJECT);
  assert_open_fails (random_path, LT_PROJECT_OPEN_READ_ONLY, LT_PROJECT_ERROR_NOT_A_PROJECT);
  g_assert_true (g_file_set_contents (empty_path, "", 0, NULL));
  assert_open_fails (empty_path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_NOT_A_PROJECT);
  assert_open_fails (missing_path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_NOT_FOUND);

  sql (other_path, "PRAGMA application_id = 1196444237; CREATE TABLE notes (body TEXT);");
  assert_open_fails (other_path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_OTHER_APPLICATION);
  g_unlink (other_path);
  sql (other_path, "CREATE TABLE notes (body TEXT);");
  assert_open_fails (other_path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_OTHER_APPLICATION);

  /* creating over an existing file is refused and leaves it alone */
  g_assert_null (lt_project_create (other_path, model_path, FALSE, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  /* a model that cannot be read leaves no project behind */
  g_assert_null (lt_project_create (missing_path, "/nonexistent/model.onnx", TRUE, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "model.onnx"));
  g_clear_error (&error);
  g_assert_false (g_file_test (missing_path, G_FILE_TEST_EXISTS));

  g_object_unref (project_test_create (dir, "future.lathe", FALSE));
  {
    g_autofree char *future = g_build_filename (dir, "future.lathe", NULL);

    sql (future, "PRAGMA user_version = 99;");
    assert_open_fails (future, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_FUTURE_VERSION);
    project = lt_project_open (future, LT_PROJECT_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    g_assert_true (lt_project_is_read_only (project));
    g_object_unref (project);
  }

  /* a second instance is refused, or gets a read-only view */
  project = project_test_create (dir, "held.lathe", FALSE);
  {
    LtProject *viewer;

    assert_open_fails (lt_project_get_path (project), LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_LOCKED);
    viewer = lt_project_open (lt_project_get_path (project), LT_PROJECT_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    g_assert_true (lt_project_is_read_only (viewer));
    g_object_unref (viewer);
  }
  g_object_unref (project);

  g_rand_free (rand);
  project_test_dir_free (dir);
}

static void
test_corrupt_page (void)
{
  g_autoptr (GError) error = NULL;
  char              *dir = project_test_dir_new ();
  LtProject         *project = project_test_create (dir, "corrupt.lathe", FALSE);
  g_autofree char   *path = g_strdup (lt_project_get_path (project));
  g_autofree guint8 *bytes = NULL;
  gsize              size, page_size = 4096, flipped = 0;

  for (guint32 i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("a_rather_long_tensor_name_to_fill_pages/%u", i);
      g_autoptr (LtProjectEncoding) e = project_test_encoding (name, i);

      g_assert_true (lt_project_set_encoding (project, e, &error));
    }
  g_object_unref (project); /* checkpoints the WAL into the file */

  g_assert_true (g_file_get_contents (path, (char **) &bytes, &size, NULL));
  page_size = ((gsize) bytes[16] << 8 | bytes[17]);
  if (page_size == 1)
    page_size = 65536;
  /* the page-type byte of the last b-tree page (a leaf of a big table) */
  for (gsize page = size / page_size; page >= 2 && !flipped; page--)
    {
      guint8 *type = &bytes[(page - 1) * page_size];

      if (*type == 0x02 || *type == 0x05 || *type == 0x0a || *type == 0x0d)
        {
          *type ^= 0x41;
          flipped = page;
        }
    }
  g_assert_cmpuint (flipped, >, 1);
  g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) size, NULL));
  assert_open_fails (path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_CORRUPT);
  assert_open_fails (path, LT_PROJECT_OPEN_READ_ONLY, LT_PROJECT_ERROR_CORRUPT);
  project_test_dir_free (dir);
}

static void
test_read_only (void)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  g_autofree char *sub = g_build_filename (dir, "locked-folder", NULL);
  g_autoptr (LtProjectEncoding) e = project_test_encoding ("conv1_out", 3);
  g_autoptr (LtProjectEncoding) again = NULL;
  LtProject       *project = project_test_create (dir, "ro.lathe", FALSE);
  g_autofree char *path = g_strdup (lt_project_get_path (project));
  g_autofree char *moved = g_build_filename (sub, "ro.lathe", NULL);

  g_assert_true (lt_project_set_encoding (project, e, &error));
  g_object_unref (project);

  /* a read-only file */
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  assert_open_fails (path, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_READ_ONLY);
  project = lt_project_open (path, LT_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  again = lt_project_get_encoding (project, "conv1_out", e->section, &error);
  g_assert_nonnull (again);
  g_assert_true (lt_project_encoding_equal (again, e));
  g_assert_false (lt_project_remove_encoding (project, "conv1_out", e->section, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (lt_project_undo (project, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_object_unref (project);

  /* a writable file in a read-only folder */
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_cmpint (g_rename (path, moved), ==, 0);
  g_assert_cmpint (g_chmod (sub, 0555), ==, 0);
  assert_open_fails (moved, LT_PROJECT_OPEN_DEFAULT, LT_PROJECT_ERROR_READ_ONLY);
  project = lt_project_open (moved, LT_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (lt_project_check_integrity (project, &error));
  g_object_unref (project);

  project_test_dir_free (dir);
}

static gint64
query_int (const char *path,
           const char *query)
{
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A file with Lathe's id and an older user_version is migrated on open. */
static void
test_migrate_older (void)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "old.lathe", NULL);
  g_autofree char *set_id = g_strdup_printf ("PRAGMA application_id = %d;", LT_PROJECT_APPLICATION_ID);
  LtProject       *project;

  sql (path, set_id);
  project = lt_project_open (path, LT_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY);
  g_assert_null (project);
  g_clear_error (&error);
  project = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_object_unref (project);
  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, LT_PROJECT_SCHEMA_VERSION);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sqlite_schema WHERE name = 'edit_log'"), ==, 1);
  project_test_dir_free (dir);
}

/* A trigger planted in a file does not run when Lathe edits it. */
static void
test_hostile_trigger (void)
{
  g_autoptr (GError) error = NULL;
  char                     *dir = project_test_dir_new ();
  LtProject                *project = project_test_create (dir, "hostile.lathe", FALSE);
  g_autofree char          *path = g_strdup (lt_project_get_path (project));
  LtProjectPlacement        conv1 = { "conv1", "gpu", TRUE };
  const LtProjectPlacement *batch[] = { &conv1 };

  g_object_unref (project);
  sql (path, "CREATE TRIGGER planted AFTER INSERT ON placements BEGIN INSERT INTO settings VALUES ('planted', 'ran'); END;");
  project = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (lt_project_set_placements (project, batch, 1, &error));
  g_assert_no_error (error);
  g_object_unref (project);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM placements"), ==, 1);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM settings WHERE key = 'planted'"), ==, 0);
  project_test_dir_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/round-trip/model", test_round_trip_model);
  g_test_add_func ("/project/round-trip/edits", test_round_trip_edits);
  g_test_add_func ("/project/round-trip/measurements", test_round_trip_measurements);
  g_test_add_func ("/project/undo-redo/model", test_undo_redo_model);
  g_test_add_func ("/project/undo-redo/logged", test_undo_is_logged);
  g_test_add_func ("/project/invalid-edits", test_invalid_edits);
  g_test_add_func ("/project/bad-files/kinds", test_bad_files);
  g_test_add_func ("/project/bad-files/corrupt-page", test_corrupt_page);
  g_test_add_func ("/project/bad-files/read-only", test_read_only);
  g_test_add_func ("/project/bad-files/hostile-trigger", test_hostile_trigger);
  g_test_add_func ("/project/migrate-older", test_migrate_older);
  return g_test_run ();
}
