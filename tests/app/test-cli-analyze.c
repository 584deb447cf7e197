/* test-cli-analyze.c — `lathe-cli analyze` run as a user would on the
 * digits model: its JSON and its table parse and are sorted worst first,
 * --limit and --mode work, the results land in a project with --project,
 * and bad command lines, encodings and samples are refused by name. */
#include "analysis-test-util.h"
#include "test-util.h"

#include "lt-analysis.h"
#include "lt-encodings-io.h"
#include "lt-project.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

typedef struct
{
  AnalysisFixture base;
  char           *model_path;
  char           *dataset_dir; /* borrowed from base */
  char           *scratch;     /* encodings files and projects */
  char           *encodings;   /* 8-bit encodings calibrated on the dataset */
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  analysis_fixture_set_up (&f->base, 2, 16);
  f->model_path = analysis_test_digits_path ();
  f->dataset_dir = f->base.dataset_dir;
  f->scratch = g_dir_make_tmp ("lathe-cli-analyze-XXXXXX", &error);
  g_assert_no_error (error);
  f->encodings = g_build_filename (f->scratch, "digits.encodings", NULL);
  set = analysis_test_calibrate (f->base.model, f->dataset_dir, 8, 8);
  g_assert_true (lt_encodings_write_file (set, LT_ENCODINGS_FORMAT_0_6_1, f->encodings, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  (void) data;
  analysis_fixture_tear_down (&f->base);
  test_remove_tree (f->scratch);
  g_free (f->model_path);
  g_free (f->scratch);
  g_free (f->encodings);
}

static double
number (const cJSON *object,
        const char  *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  g_assert_true (cJSON_IsNumber (item));
  return item->valuedouble;
}

/* The JSON of a run: its header, and both lists sorted worst first. */
static void
test_json (Fixture      *f,
           gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  cJSON           *root, *tensors, *layers, *item;
  double           previous = -G_MAXDOUBLE;

  (void) data;
  g_assert_cmpint (test_run_cli (&out, &err, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir,
                            "--sensitivity", "--threads", "1", "--json", NULL), ==, 0);
  root = cJSON_Parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (cJSON_GetObjectItemCaseSensitive (root, "format")->valuestring, ==, "lathe-analysis");
  g_assert_cmpfloat (number (root, "version"), ==, 1);
  g_assert_cmpstr (cJSON_GetObjectItemCaseSensitive (root, "mode")->valuestring, ==, "all");
  g_assert_cmpfloat (number (root, "samples"), ==, 2);
  g_assert_cmpfloat (number (cJSON_GetObjectItemCaseSensitive (root, "outputs"), "sqnr_db"), >, 20);
  tensors = cJSON_GetObjectItemCaseSensitive (root, "tensors");
  g_assert_cmpint (cJSON_GetArraySize (tensors), ==, 14);
  g_assert_cmpfloat (number (root, "tensors_total"), ==, 14);
  cJSON_ArrayForEach (item, tensors)
    {
      double sqnr = number (item, "sqnr_db");
      g_assert_cmpfloat (sqnr, >=, previous);
      previous = sqnr;
      g_assert_cmpfloat (fabs (number (item, "cosine")), <=, 1);
      g_assert_true (cJSON_IsString (cJSON_GetObjectItemCaseSensitive (item, "name")));
      g_assert_true (cJSON_IsString (cJSON_GetObjectItemCaseSensitive (item, "kind")));
    }
  layers = cJSON_GetObjectItemCaseSensitive (root, "layers");
  g_assert_cmpint (cJSON_GetArraySize (layers), ==, 8);
  previous = -G_MAXDOUBLE;
  cJSON_ArrayForEach (item, layers)
    {
      double only = number (item, "only_sqnr_db");
      g_assert_cmpfloat (only, >=, previous);
      previous = only;
      g_assert_cmpfloat (number (item, "all_but_sqnr_db"), <=, LT_ANALYSIS_SQNR_CAP_DB);
    }
  cJSON_Delete (root);

  /* --limit cuts both lists; --mode shows in the result. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (test_run_cli (&out, NULL, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir,
                            "--mode", "weights", "--limit", "3", "--json", NULL), ==, 0);
  root = cJSON_Parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (cJSON_GetObjectItemCaseSensitive (root, "mode")->valuestring, ==, "weights");
  g_assert_cmpint (cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (root, "tensors")), ==, 3);
  g_assert_cmpfloat (number (root, "tensors_total"), ==, 14);
  g_assert_null (cJSON_GetObjectItemCaseSensitive (root, "layers"));
  cJSON_Delete (root);

  /* The NPU backend's runner instead of the simulation. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (test_run_cli (&out, NULL, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir,
                                 "--backend", "htp", "--json", NULL), ==, 0);
  root = cJSON_Parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (cJSON_GetObjectItemCaseSensitive (root, "backend")->valuestring, ==, "htp");
  g_assert_cmpint (cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (root, "tensors")), ==, 14);
  cJSON_Delete (root);
}

/* The table: one row per tensor under its header, SQNR non-decreasing. */
static void
test_table (Fixture      *f,
            gconstpointer data)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint  rows = 0;
  double previous = -G_MAXDOUBLE;
  int    header = -1;

  (void) data;
  g_assert_cmpint (test_run_cli (&out, NULL, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "tensor "))
      header = i;
  g_assert_cmpint (header, >=, 0);
  for (int i = header + 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) fields = g_regex_split_simple ("\\s+", lines[i], 0, 0);
      char  *end;
      double sqnr;

      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      sqnr = g_ascii_strtod (fields[2], &end);
      g_assert_true (*end == '\0');
      g_assert_cmpfloat (sqnr, >=, previous);
      previous = sqnr;
      rows++;
    }
  g_assert_cmpuint (rows, ==, 14);
}

/* --project: the model from the project, the results in its analysis
 * table. */
static void
test_project (Fixture      *f,
              gconstpointer data)
{
  g_autofree char *project_path = g_build_filename (f->scratch, "digits.lathe", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  gboolean weight_row = FALSE, output_row = FALSE;

  (void) data;
  g_assert_cmpint (test_run_cli (NULL, NULL, "project", "new", f->model_path, "-o", project_path, NULL), ==, 0);
  /* The project holds no encodings yet. */
  g_assert_cmpint (test_run_cli (NULL, &err, "analyze", "--project", project_path, "--data", f->dataset_dir, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no encodings"));
  g_assert_cmpint (test_run_cli (&out, NULL, "analyze", "--project", project_path, "--encodings", f->encodings, "--data",
                            f->dataset_dir, NULL), ==, 0);
  g_assert_nonnull (strstr (out, project_path));

  project = lt_project_open (project_path, LT_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  results = lt_project_get_latest_results (project, LT_PROJECT_RESULTS_ANALYSIS, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    {
      const LtProjectMetric *metric = g_ptr_array_index (results, i);
      weight_row |= strcmp (metric->subject, "conv2.weight") == 0 && strcmp (metric->metric, "sqnr_db") == 0
                    && metric->value > 20 && metric->value < 100;
      output_row |= metric->subject[0] == '\0' && strcmp (metric->metric, "output_sqnr_db") == 0;
    }
  g_assert_true (weight_row);
  g_assert_true (output_row);
}

/* Wrong command lines exit 2; bad encodings and samples exit 1 naming
 * the file, tensor or sample. */
static void
test_refused (Fixture      *f,
              gconstpointer data)
{
  g_autofree char *broken = g_build_filename (f->scratch, "broken.encodings", NULL);
  g_autofree char *stray = g_build_filename (f->scratch, "stray.encodings", NULL);
  g_autofree char *bad_sample = g_build_filename (f->dataset_dir, "batch-99.npy", NULL);
  g_autoptr (LtEncodingSet) set = lt_encodings_read_file (f->encodings, NULL);
  g_autoptr (GError) error = NULL;
  LtEncoding *extra = lt_encoding_new ("conv9.weight", LT_ENCODING_SECTION_PARAM, 1);
  char       *err = NULL;

  (void) data;
  g_assert_cmpint (test_run_cli (NULL, NULL, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir,
                            "--mode", "bogus", NULL), ==, 2);
  g_assert_cmpint (test_run_cli (NULL, NULL, "analyze", f->model_path, "--encodings", f->encodings, NULL), ==, 2);
  g_assert_cmpint (test_run_cli (NULL, NULL, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir,
                                 "--backend", "htp", "--sensitivity", NULL), ==, 2);
  g_assert_cmpint (test_run_cli (NULL, NULL, "analyze", f->model_path, "--data", f->dataset_dir, NULL), ==, 2);

  g_assert_true (g_file_set_contents (broken, "{\"activation_encodings\": ", -1, NULL));
  g_assert_cmpint (test_run_cli (NULL, &err, "analyze", f->model_path, "--encodings", broken, "--data", f->dataset_dir, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "broken.encodings"));
  g_clear_pointer (&err, g_free);

  extra->bitwidth = 8;
  extra->scale[0] = 0.1f;
  lt_encoding_derive_min_max (extra);
  g_assert_true (lt_encoding_set_add (set, extra));
  g_assert_true (lt_encodings_write_file (set, LT_ENCODINGS_FORMAT_0_6_1, stray, NULL, &error));
  g_assert_cmpint (test_run_cli (NULL, &err, "analyze", f->model_path, "--encodings", stray, "--data", f->dataset_dir, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "conv9.weight"));
  g_assert_nonnull (strstr (err, "stray.encodings"));
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (bad_sample, "not a numpy file", -1, NULL));
  g_assert_cmpint (test_run_cli (NULL, &err, "analyze", f->model_path, "--encodings", f->encodings, "--data", f->dataset_dir, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "batch-99.npy"));
  g_free (err);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-analyze/json", Fixture, NULL, fixture_set_up, test_json, fixture_tear_down);
  g_test_add ("/cli-analyze/table", Fixture, NULL, fixture_set_up, test_table, fixture_tear_down);
  g_test_add ("/cli-analyze/project", Fixture, NULL, fixture_set_up, test_project, fixture_tear_down);
  g_test_add ("/cli-analyze/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  return g_test_run ();
}
