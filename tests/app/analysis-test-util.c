/* analysis-test-util.c — helpers shared by the analysis tests. */
#include "analysis-test-util.h"

#include "test-util.h"

#include "lt-calib-encode.h"
#include "lt-calibrate.h"

char *
analysis_test_digits_path (void)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "data", "digits", "digits-cnn.onnx", NULL);
}

lt_model *
analysis_test_load_digits (void)
{
  g_autofree char *path = analysis_test_digits_path ();

  return test_load_model (path);
}

char *
analysis_test_dataset_new (guint n_files,
                           guint per_file)
{
  g_autofree char *train = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "data", "digits", "train-images.npy", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) images = lt_npy_load (train, &error);
  char        *dir = g_dir_make_tmp ("lathe-analysis-XXXXXX", &error);
  const float *pixels;
  guint64      per_image;

  g_assert_no_error (error);
  g_assert_cmpint (images->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpint (images->dims[0], >=, (int64_t) (n_files * per_file));
  pixels = g_bytes_get_data (images->data, NULL);
  per_image = images->count / (guint64) images->dims[0];
  for (guint f = 0; f < n_files; f++)
    {
      g_autofree char *name = g_strdup_printf ("batch-%02u.npy", f);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      lt_tensor        view = { .name = name, .dtype = LT_DTYPE_F32, .rank = 4, .dims = { per_file, 1, 8, 8 } };

      view.count = per_file * per_image;
      view.data = pixels + (guint64) f * per_file * per_image;
      view.nbytes = view.count * sizeof (float);
      g_assert_true (lt_npy_save (path, &view, &error));
      g_assert_no_error (error);
    }
  return dir;
}

LtEncodingSet *
analysis_test_calibrate (lt_model   *model,
                         const char *dataset_dir,
                         guint       act_bitwidth,
                         guint       weight_bitwidth)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtDataset) dataset = lt_dataset_open (dataset_dir, lt_model_get_graph (model), NULL, &error);
  g_autoptr (LtCalibStats) stats = NULL;
  LtCalibrateOptions   run = { .shard = 1, .shard_count = 1, .n_threads = 1 };
  LtCalibEncodeOptions encode = {
    .activations = { .method = LT_CALIB_METHOD_MIN_MAX, .bitwidth = act_bitwidth },
    .weight_bitwidth = weight_bitwidth,
    .bias_bitwidth = 32,
  };

  g_assert_no_error (error);
  stats = lt_calibrate_collect (model, "sha", dataset, &run, &error);
  g_assert_no_error (error);
  return lt_calib_encode (lt_model_get_graph (model), stats, &encode);
}

void
analysis_fixture_set_up (AnalysisFixture *fixture,
                         guint            n_files,
                         guint            per_file)
{
  fixture->model = analysis_test_load_digits ();
  fixture->dataset_dir = analysis_test_dataset_new (n_files, per_file);
}

void
analysis_fixture_tear_down (AnalysisFixture *fixture)
{
  lt_model_unref (fixture->model);
  test_remove_tree (fixture->dataset_dir);
  g_free (fixture->dataset_dir);
}
