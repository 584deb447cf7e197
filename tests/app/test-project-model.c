/* test-project-model.c — lt_project_load_model: the embedded model, the
 * recorded file, a recorded file changed since, and cancellation. */
#include "lt-project.h"
#include "project-test-util.h"

#include <glib/gstdio.h>

static void
test_embedded (void)
{
  char *dir = project_test_dir_new ();
  g_autoptr (LtProject) project = project_test_create (dir, "embedded.lathe", TRUE);
  g_autoptr (LtProjectModelFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *extracted_dir = NULL;
  lt_model *model = lt_project_load_model (project, NULL, &file, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lt_graph_get_n_nodes (lt_model_get_graph (model)), ==, 7);
  g_assert_true (file->extracted);
  g_assert_true (g_file_test (file->path, G_FILE_TEST_IS_REGULAR));
  extracted_dir = g_path_get_dirname (file->path);
  g_clear_pointer (&file, lt_project_model_file_free);
  g_assert_false (g_file_test (extracted_dir, G_FILE_TEST_EXISTS));
  /* the model keeps its own mapping of the removed copy */
  g_assert_cmpstr (lt_graph_get_name (lt_model_get_graph (model)), !=, NULL);
  lt_model_unref (model);
  g_clear_object (&project);
  project_test_dir_free (dir);
}

static void
test_recorded_and_changed (void)
{
  char            *dir = project_test_dir_new ();
  g_autofree char *source = project_test_model_path ();
  g_autofree char *copy = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *path = g_build_filename (dir, "recorded.lathe", NULL);
  g_autofree char *bytes = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtProjectModelFile) file = NULL;
  g_autoptr (GError) error = NULL;
  gsize     length;
  lt_model *model;

  g_assert_true (g_file_get_contents (source, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) length, NULL));
  project = lt_project_create (path, copy, FALSE, &error);
  g_assert_no_error (error);

  model = lt_project_load_model (project, NULL, &file, &error);
  g_assert_no_error (error);
  g_assert_false (file->extracted);
  g_assert_cmpstr (file->path, ==, copy);
  g_assert_cmpstr (lt_model_get_path (model), ==, copy);
  lt_model_unref (model);

  /* one byte changed: another SHA-256 */
  bytes[length - 1] ^= 0x01;
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) length, NULL));
  g_assert_null (lt_project_load_model (project, NULL, NULL, &error));
  g_assert_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_MODEL_CHANGED);
  g_assert_nonnull (strstr (error->message, "model.onnx"));
  g_assert_nonnull (strstr (error->message, "recorded.lathe"));
  g_clear_object (&project);
  project_test_dir_free (dir);
}

static void
test_cancelled (void)
{
  char *dir = project_test_dir_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (LtProject) embedded = project_test_create (dir, "embedded.lathe", TRUE);
  g_autoptr (LtProject) recorded = project_test_create (dir, "recorded.lathe", FALSE);
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (lt_project_load_model (embedded, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (lt_project_load_model (recorded, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&embedded);
  g_clear_object (&recorded);
  project_test_dir_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/model/embedded", test_embedded);
  g_test_add_func ("/project/model/recorded-and-changed", test_recorded_and_changed);
  g_test_add_func ("/project/model/cancelled", test_cancelled);
  return g_test_run ();
}
