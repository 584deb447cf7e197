/* test-cli-run.c — `lathe-cli run` on the demo model: outputs match logits
 * computed independently with numpy (tests/app/small-cnn-reference.py,
 * committed as small-cnn-logits.npy), and bad input lists fail before
 * anything is written, naming the input, the file or the line. */
#include "lt-tensor-io.h"
#include "test-util.h"

#include <math.h>
#include <string.h>

#define N_PIXELS (1 * 3 * 224 * 224)

static char *tmp_dir;

/* The input small-cnn-reference.py feeds the model. */
static char *
write_input (const char *name,
             gboolean    npy)
{
  g_autofree float *x = g_new (float, N_PIXELS);
  lt_tensor         t = { .name = "image", .dtype = LT_DTYPE_F32, .rank = 4, .dims = { 1, 3, 224, 224 },
                          .count = N_PIXELS, .data = x, .nbytes = N_PIXELS * sizeof (float) };
  char             *path = g_build_filename (tmp_dir, name, NULL);

  for (uint64_t i = 0; i < N_PIXELS; i++)
    x[i] = (float) ((i * 7919) % 256) / 255.0f;
  g_assert_true (npy ? lt_npy_save (path, &t, NULL) : lt_raw_save (path, &t, NULL));
  return path;
}

static int
run_model (const char *model,
           const char *list_text,
           const char *out_name,
           char      **err_text)
{
  const char      *cli = g_getenv ("LATHE_CLI");
  g_autofree char *list = g_build_filename (tmp_dir, "list.txt", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, out_name, NULL);
  const char      *argv[] = { cli, "run", model, "--input-list", list, "--output-dir", out, "--npy", "--threads", "2", NULL };
  g_autoptr (GError) error = NULL;
  int              wait_status = 0;

  g_assert_nonnull (cli);
  g_assert_true (g_file_set_contents (list, list_text, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err_text,
                               &wait_status, &error));
  g_assert_no_error (error);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

static int
run_cli (const char *list_text,
         const char *out_name,
         char      **err_text)
{
  g_autofree char *model = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  return run_model (model, list_text, out_name, err_text);
}

static void
save_npy (const char    *name,
          lt_dtype       dtype,
          int32_t        rank,
          const int64_t *dims,
          const void    *data,
          size_t         nbytes)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  lt_tensor        t = { .name = name, .dtype = dtype, .rank = rank, .data = data, .nbytes = nbytes, .count = 1 };
  for (int32_t d = 0; d < rank; d++)
    {
      t.dims[d] = dims[d];
      t.count *= (uint64_t) dims[d];
    }
  g_assert_true (lt_npy_save (path, &t, NULL));
}

/* The target shape of a Reshape is a graph input: each line's values
 * decide its output shape. */
static void
test_shape_from_input_values (void)
{
  g_autofree char *model = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", "reshape-by-input.onnx", NULL);
  g_autofree char *err_text = NULL;
  const int64_t    xdims[2] = { 2, 6 }, sdims[1] = { 2 };
  float            x[12];
  const int64_t    s1[2] = { 3, 4 }, s2[2] = { 6, 2 };
  const int64_t    expected[2][2] = { { 3, 4 }, { 6, 2 } };

  for (int i = 0; i < 12; i++)
    x[i] = (float) i - 5;
  save_npy ("x.npy", LT_DTYPE_F32, 2, xdims, x, sizeof x);
  save_npy ("s1.npy", LT_DTYPE_I64, 1, sdims, s1, sizeof s1);
  save_npy ("s2.npy", LT_DTYPE_I64, 1, sdims, s2, sizeof s2);
  g_assert_cmpint (run_model (model, "x.npy s1.npy\nx.npy s:=s2.npy\n", "reshaped", &err_text), ==, 0);
  for (int line = 0; line < 2; line++)
    {
      g_autofree char *dir = g_strdup_printf ("Result_%d", line);
      g_autofree char *path = g_build_filename (tmp_dir, "reshaped", dir, "y.npy", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (LtArray) y = lt_npy_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (y->rank, ==, 2);
      g_assert_cmpint (y->dims[0], ==, expected[line][0]);
      g_assert_cmpint (y->dims[1], ==, expected[line][1]);
      const float *v = g_bytes_get_data (y->data, NULL);
      for (int i = 0; i < 12; i++)
        g_assert_cmpfloat (v[i], ==, fmaxf (x[i], 0));
    }
}

static void
test_matches_numpy (void)
{
  g_autofree char *input = write_input ("image.npy", TRUE);
  g_autofree char *err_text = NULL;
  g_autofree char *expected_path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", "small-cnn-logits.npy", NULL);
  g_autofree char *actual_path = g_build_filename (tmp_dir, "out", "Result_0", "logits.npy", NULL);
  g_autofree char *raw_path = g_build_filename (tmp_dir, "out", "Result_0", "logits.raw", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) expected = NULL;
  g_autoptr (LtArray) actual = NULL;
  g_autofree char *raw = NULL;
  gsize            raw_len = 0;

  g_assert_cmpint (run_cli ("# one inference, input by name\nimage:=image.npy\n", "out", &err_text), ==, 0);
  expected = lt_npy_load (expected_path, &error);
  g_assert_no_error (error);
  actual = lt_npy_load (actual_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (actual->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpuint (actual->count, ==, 10);
  g_assert_cmpuint (expected->count, ==, 10);
  const float *a = g_bytes_get_data (actual->data, NULL);
  const float *e = g_bytes_get_data (expected->data, NULL);
  for (int i = 0; i < 10; i++)
    if (fabsf (a[i] - e[i]) > 1e-5f + 1e-4f * fabsf (e[i]))
      g_error ("logit %d is %.8g, numpy says %.8g", i, a[i], e[i]);
  /* The .raw holds the same floats. */
  g_assert_true (g_file_get_contents (raw_path, &raw, &raw_len, NULL));
  g_assert_cmpmem (raw, raw_len, a, 10 * sizeof (float));
}

/* A failing list writes nothing; stderr names what is wrong. */
static void
expect_failure (const char *list_text,
                const char *out_name,
                const char *fragment)
{
  g_autofree char *err_text = NULL;
  g_autofree char *out = g_build_filename (tmp_dir, out_name, NULL);

  g_assert_cmpint (run_cli (list_text, out_name, &err_text), ==, 1);
  if (strstr (err_text, fragment) == NULL)
    g_error ("stderr '%s' does not mention '%s'", err_text, fragment);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_lists (void)
{
  g_autofree char *raw = write_input ("image.raw", FALSE);
  lt_tensor        small = { .name = "x", .dtype = LT_DTYPE_F32, .rank = 4, .dims = { 1, 3, 8, 8 }, .count = 192,
                             .data = g_malloc0 (192 * 4), .nbytes = 192 * 4 };
  lt_tensor        ints = { .name = "x", .dtype = LT_DTYPE_I64, .rank = 4, .dims = { 1, 3, 224, 224 }, .count = N_PIXELS,
                            .data = g_malloc0 (N_PIXELS * 8), .nbytes = N_PIXELS * 8 };
  g_autofree char *small_path = g_build_filename (tmp_dir, "small.npy", NULL);
  g_autofree char *ints_path = g_build_filename (tmp_dir, "ints.npy", NULL);
  g_autofree char *short_path = g_build_filename (tmp_dir, "short.raw", NULL);

  g_assert_true (lt_npy_save (small_path, &small, NULL));
  g_assert_true (lt_npy_save (ints_path, &ints, NULL));
  g_assert_true (g_file_set_contents (short_path, "1234", 4, NULL));
  g_free ((void *) small.data);
  g_free ((void *) ints.data);

  /* The bad line comes after a good one: still nothing is written. */
  expect_failure ("image.raw\nmissing.npy\n", "bad1", "missing.npy");
  expect_failure ("image.raw\nsmall.npy\n", "bad2", "input 'image' has shape 1x3x224x224");
  expect_failure ("ints.npy\n", "bad3", "input 'image' needs float");
  expect_failure ("short.raw\n", "bad4", "short.raw");
  expect_failure ("nosuch:=image.raw\n", "bad5", "no input 'nosuch'");
  expect_failure ("image.raw image.raw\n", "bad6", "line 1");
  expect_failure ("# nothing\n", "bad7", "no inference");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("lathe-cli-run-XXXXXX", NULL);
  g_test_add_func ("/cli-run/bad-lists", test_bad_lists);
  g_test_add_func ("/cli-run/shape-from-input-values", test_shape_from_input_values);
  g_test_add_func ("/cli-run/matches-numpy", test_matches_numpy);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
