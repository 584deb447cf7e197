/* test-encodings-lint.c — lint of encodings against the demo model
 * (tensors image, conv1, relu1, conv2, relu2, pool, flat, logits; params
 * conv1.weight [32,3,3,3], conv1.bias, conv2.weight [64,32,3,3], conv2.bias,
 * fc.weight [10,64], fc.bias), and the lint-encodings / convert-encodings
 * commands' exit statuses and output. */
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"

#include <cjson/cJSON.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  lt_model  *model;
  GPtrArray *findings;
} Fixture;

static char *
data_path (const char *name)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", "data", "encodings", name, NULL);
}

static char *
demo_model_path (void)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
}

static void
fixture_lint_set (Fixture             *fixture,
                  const LtEncodingSet *set)
{
  g_autofree char *model_path = demo_model_path ();
  lt_error         err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (model_path, NULL, &fixture->model, &err), ==, LT_OK);
  fixture->findings = lt_encodings_lint (set, lt_model_get_graph (fixture->model), NULL);
}

static void
fixture_lint (Fixture    *fixture,
              const char *file)
{
  g_autofree char *path = data_path (file);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = lt_encodings_read_file (path, &error);

  g_assert_no_error (error);
  fixture_lint_set (fixture, set);
}

static void
fixture_clear (Fixture *fixture)
{
  g_clear_pointer (&fixture->findings, g_ptr_array_unref);
  g_clear_pointer (&fixture->model, lt_model_unref);
}

/* The one finding about tensor and field (NULL = none); fails when absent. */
static const LtLintFinding *
expect (const Fixture *fixture,
        LtLintSeverity severity,
        const char    *tensor,
        const char    *field)
{
  for (guint i = 0; i < fixture->findings->len; i++)
    {
      const LtLintFinding *finding = g_ptr_array_index (fixture->findings, i);

      if (g_strcmp0 (finding->tensor, tensor) == 0 && g_strcmp0 (finding->field, field) == 0)
        {
          g_assert_cmpint (finding->severity, ==, severity);
          return finding;
        }
    }
  g_error ("no finding for %s / %s", tensor, field ? field : "(none)");
  return NULL;
}

static guint
count (const Fixture *fixture,
       LtLintSeverity severity)
{
  guint n = 0;

  for (guint i = 0; i < fixture->findings->len; i++)
    n += ((const LtLintFinding *) g_ptr_array_index (fixture->findings, i))->severity == severity;
  return n;
}

static void
test_each_problem (void)
{
  Fixture              fixture = { 0 };
  const LtLintFinding *finding;

  fixture_lint (&fixture, "lint-problems.json");
  finding = expect (&fixture, LT_LINT_ERROR, "relu_1", "name");
  g_assert_nonnull (strstr (finding->message, "did you mean \"relu1\", \"relu2\""));
  expect (&fixture, LT_LINT_ERROR, "conv2.bias", "activation_encodings");
  expect (&fixture, LT_LINT_ERROR, "relu2", "param_encodings");
  finding = expect (&fixture, LT_LINT_ERROR, "conv1.weight", "scale");
  g_assert_nonnull (strstr (finding->message, "3 channels in the file, 32 in the tensor on axis 0"));
  finding = expect (&fixture, LT_LINT_ERROR, "conv1", "offset");
  g_assert_nonnull (strstr (finding->message, "-128"));
  expect (&fixture, LT_LINT_ERROR, "conv2", "min");
  expect (&fixture, LT_LINT_WARNING, "pool", "scale");
  finding = expect (&fixture, LT_LINT_ERROR, "flat", "offset");
  g_assert_nonnull (strstr (finding->message, "not on the grid"));
  /* Tensors left without an encoding, and what the converter does. */
  finding = expect (&fixture, LT_LINT_INFO, "logits", NULL);
  g_assert_nonnull (strstr (finding->message, "calibration"));
  expect (&fixture, LT_LINT_INFO, "image", NULL);
  expect (&fixture, LT_LINT_INFO, "fc.weight", NULL);
  /* Seven errors and one warning: nothing else was flagged. */
  g_assert_cmpuint (count (&fixture, LT_LINT_ERROR), ==, 7);
  g_assert_cmpuint (count (&fixture, LT_LINT_WARNING), ==, 1);
  fixture_clear (&fixture);
}

static void
test_clean_file (void)
{
  Fixture fixture = { 0 };

  fixture_lint (&fixture, "lint-clean-2.0.0.json");
  g_assert_cmpuint (count (&fixture, LT_LINT_ERROR), ==, 0);
  g_assert_cmpuint (count (&fixture, LT_LINT_WARNING), ==, 0);
  expect (&fixture, LT_LINT_INFO, "conv2.weight", NULL);
  fixture_clear (&fixture);
}

/* A 2.0.0 axis counted from the end (-4 on a rank-4 Conv weight is 0). */
static void
test_negative_axis (void)
{
  const char *text = "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"conv1.weight\", \"output_dtype\": \"int8\", "
                     "\"y_scale\": [0.1, 0.2, 0.3], \"axis\": -4}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = lt_encodings_read_data (text, strlen (text), "negative-axis.json", &error);
  Fixture              fixture = { 0 };
  const LtLintFinding *finding;

  g_assert_no_error (error);
  fixture_lint_set (&fixture, set);
  finding = expect (&fixture, LT_LINT_ERROR, "conv1.weight", "scale");
  g_assert_nonnull (strstr (finding->message, "3 channels in the file, 32 in the tensor on axis 0"));
  fixture_clear (&fixture);
}

static void
test_param_axes (void)
{
  g_autofree char *path = demo_model_path ();
  const struct
  {
    const char *name;
    gboolean    found;
    gint        channel_axis, block_axis;
  } cases[] = {
    { "conv1.weight", TRUE, 0, 1 },
    { "conv1.bias", TRUE, 0, -1 },
    { "fc.weight", TRUE, 0, 1 }, /* Gemm with transB=1 */
    { "fc.bias", TRUE, 0, -1 },
    { "relu1", FALSE, -1, -1 },
  };
  lt_model       *model = NULL;
  lt_error        err;
  const lt_graph *graph;

  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (path, NULL, &model, &err), ==, LT_OK);
  graph = lt_model_get_graph (model);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LtParamAxes axes;

      g_assert_cmpint (lt_encodings_param_axes (graph, lt_graph_find_value (graph, cases[i].name), &axes), ==, cases[i].found);
      g_assert_cmpint (axes.channel_axis, ==, cases[i].channel_axis);
      g_assert_cmpint (axes.block_axis, ==, cases[i].block_axis);
      g_assert_nonnull (axes.why);
    }
  lt_model_unref (model);
}

/* fc.weight [10, 64] in blocks of 32 along axis 1 is 2 blocks per row;
 * a 2.0.0 y_scale of 10 x 3 is caught. */
static void
test_block_count (void)
{
  const char *text = "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"fc.weight\", \"output_dtype\": \"int4\", "
                     "\"y_scale\": [[1,1,1],[1,1,1],[1,1,1],[1,1,1],[1,1,1],[1,1,1],[1,1,1],[1,1,1],[1,1,1],[1,1,1]], "
                     "\"axis\": 1, \"block_size\": 32}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = lt_encodings_read_data (text, strlen (text), "blocks.json", &error);
  Fixture              fixture = { 0 };
  const LtLintFinding *finding;

  g_assert_no_error (error);
  fixture_lint_set (&fixture, set);
  finding = expect (&fixture, LT_LINT_ERROR, "fc.weight", "block_size");
  g_assert_nonnull (strstr (finding->message, "makes 2 blocks of 32"));
  fixture_clear (&fixture);
}

/* ---- the commands ------------------------------------------------------ */

static int
run_cli (const char *const *args,
         char             **out,
         char             **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("LATHE_CLI"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli_lint (void)
{
  g_autofree char *model = demo_model_path ();
  g_autofree char *problems = data_path ("lint-problems.json");
  g_autofree char *clean = data_path ("lint-clean-2.0.0.json");
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  const char      *with_errors[] = { "lint-encodings", "--json", model, problems, NULL };
  const char      *without_errors[] = { "lint-encodings", model, clean, NULL };
  cJSON           *root, *first;

  g_assert_cmpint (run_cli (with_errors, &out, &err), ==, 1);
  root = cJSON_Parse (out);
  g_assert_nonnull (root);
  first = cJSON_GetArrayItem (cJSON_GetObjectItem (root, "findings"), 0);
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (first, "severity")), ==, "error");
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (first, "tensor")), ==, "relu_1");
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (first, "field")), ==, "name");
  g_assert_nonnull (cJSON_GetStringValue (cJSON_GetObjectItem (first, "message")));
  cJSON_Delete (root);

  g_assert_cmpint (run_cli (without_errors, &out2, &err2), ==, 0);
  g_assert_nonnull (strstr (out2, "info: pool: activation without an encoding"));
}

static void
test_cli_convert (void)
{
  g_autofree char *input = data_path ("opposite-sign.json");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lathe-convert-XXXXXX", &error);
  g_autofree char *output = g_build_filename (dir, "out.json", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *text = NULL;
  const char      *convert[] = { "convert-encodings", input, "--to", "2.0.0", "-o", output, NULL };
  const char      *bad_version[] = { "convert-encodings", input, "--to", "0.4", "-o", output, NULL };

  g_assert_no_error (error);
  g_assert_cmpint (run_cli (convert, &out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "opposite sign"));
  g_assert_true (g_file_get_contents (output, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"y_zero_point\":\t127"));
  g_assert_cmpint (run_cli (bad_version, &out2, &err2), ==, 2);
  g_unlink (output);
  g_rmdir (dir);
}

static void
test_cli_bad_file (void)
{
  g_autofree char *model = demo_model_path ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lathe-lint-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char      *lint[] = { "lint-encodings", model, path, NULL };

  g_assert_true (g_file_set_contents (path, "{\"version\": \"0.6.1\", \"param_encodings\": {\"fc.bias\": [{\"bitwidth\": 3}]}}", -1, NULL));
  g_assert_cmpint (run_cli (lint, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "tensor \"fc.bias\": field \"bitwidth\""));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/encodings-lint/each-problem", test_each_problem);
  g_test_add_func ("/encodings-lint/clean-file", test_clean_file);
  g_test_add_func ("/encodings-lint/param-axes", test_param_axes);
  g_test_add_func ("/encodings-lint/block-count", test_block_count);
  g_test_add_func ("/encodings-lint/negative-axis", test_negative_axis);
  g_test_add_func ("/encodings-lint/cli/lint", test_cli_lint);
  g_test_add_func ("/encodings-lint/cli/convert", test_cli_convert);
  g_test_add_func ("/encodings-lint/cli/bad-file", test_cli_bad_file);
  return g_test_run ();
}
