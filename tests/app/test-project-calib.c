/* test-project-calib.c — a calibration run recorded in a project: the run's
 * dataset, method and options, and per tensor its min, max and a histogram
 * whose counts add up to the values seen, each value in the equal bin that
 * holds it (to within one bin). */
#include "lt-project-calib.h"
#include "project-test-util.h"

static void
test_record (void)
{
  char      *dir = project_test_dir_new ();
  LtProject *project = project_test_create (dir, "p.lathe", FALSE);
  g_autoptr (LtCalibStats) stats = lt_calib_stats_new ("00", 4, 1, 1);
  g_autoptr (GPtrArray) runs = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;
  const LtProjectCalibration *run;
  const LtProjectTensorStats *row;
  float                       values[1000];
  guint64                     total = 0, low = 0;
  gint64                      id = 0;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i < 900 ? -1.0f + (float) i / 900.0f : 50.0f; /* 900 in [-1, 0), 100 at 50 */
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "conv1"), values, G_N_ELEMENTS (values));
  lt_calib_stats_ensure (stats, "never-seen");
  stats->n_samples_used = 4;

  g_assert_true (lt_project_record_calibration (project, stats, "data/", "mse", "{\"per_channel\":true}", &id, &error));
  g_assert_no_error (error);
  runs = lt_project_list_calibrations (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpint (run->id, ==, id);
  g_assert_cmpstr (run->dataset, ==, "data/");
  g_assert_cmpstr (run->method, ==, "mse");
  g_assert_cmpstr (run->options, ==, "{\"per_channel\":true}");

  rows = lt_project_get_statistics (project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1); /* a tensor without values has no row */
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->tensor, ==, "conv1");
  g_assert_cmpfloat (row->min, ==, -1.0);
  g_assert_cmpfloat (row->max, ==, 50.0);
  g_assert_cmpuint (row->n_bins, ==, LT_PROJECT_CALIB_BINS);
  for (guint b = 0; b < row->n_bins; b++)
    {
      total += row->bins[b];
      if (b <= LT_PROJECT_CALIB_BINS / 51 + 1)
        low += row->bins[b];
    }
  g_assert_cmpuint (total, ==, 1000);
  g_assert_cmpuint (low, ==, 900);
  g_assert_cmpuint (row->bins[row->n_bins - 1], ==, 100);

  g_object_unref (project);
  project_test_dir_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project-calib/record", test_record);
  return g_test_run ();
}
