/* test-cli-project.c — `lathe-cli project …` and `info --project`, run as a
 * user would: exit statuses, what they print, and what they leave in the
 * file (checked through LtProject). */
#include "project-test-util.h"
#include "test-util.h"

#include <string.h>

static void
test_new_show_info (void)
{
  char            *dir = project_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "cli.lathe", NULL);
  g_autofree char *model = project_test_model_path ();
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (test_run_cli (&out, &err, "project", "new", model, "-o", path, "--embed", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "embedded"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_cli (&out, &err, "project", "new", model, "-o", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cli.lathe"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (test_run_cli (&out, &err, "project", "show", "--json", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"embedded\":\ttrue"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (test_run_cli (&out, &err, "info", "--json", "--project", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"node_count\":\t7,"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_cli (&out, &err, "info", "--project", path, model, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a file that is not a project */
  g_assert_cmpint (test_run_cli (&out, &err, "project", "show", model, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not a Lathe project"));
  project_test_dir_free (dir);
}

static void
test_log_undo_redo (void)
{
  g_autoptr (GError) error = NULL;
  char            *dir = project_test_dir_new ();
  LtProject       *project = project_test_create (dir, "edits.lathe", FALSE);
  g_autofree char *path = g_strdup (lt_project_get_path (project));
  g_autoptr (LtProjectEncoding) e8 = project_test_encoding ("conv3_out", 0);
  g_autoptr (LtProjectEncoding) e16 = lt_project_encoding_copy (e8);
  g_autoptr (LtProjectEncoding) now = NULL;
  g_autofree char *out = NULL, *err = NULL;

  e16->bitwidth = 16;
  g_assert_true (lt_project_set_encoding (project, e8, &error));
  g_assert_true (lt_project_set_encoding (project, e16, &error));

  /* held by another instance: undo is refused, log still works */
  g_assert_cmpint (test_run_cli (&out, &err, "project", "undo", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "another running instance"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_cli (&out, &err, "project", "log", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "conv3_out: none → 8-bit int"));
  g_assert_nonnull (strstr (out, "conv3_out: 8-bit int → 16-bit int"));
  g_assert_nonnull (strstr (out, g_get_user_name ()));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_object_unref (project);

  g_assert_cmpint (test_run_cli (&out, &err, "project", "undo", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "conv3_out"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  project = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  now = lt_project_get_encoding (project, "conv3_out", e8->section, &error);
  g_assert_cmpuint (now->bitwidth, ==, 8);
  g_clear_pointer (&now, lt_project_encoding_free);
  g_object_unref (project);

  g_assert_cmpint (test_run_cli (&out, &err, "project", "redo", "--json", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"redo\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_cli (&out, &err, "project", "redo", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nothing to redo"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  project = lt_project_open (path, LT_PROJECT_OPEN_DEFAULT, &error);
  now = lt_project_get_encoding (project, "conv3_out", e8->section, &error);
  g_assert_cmpuint (now->bitwidth, ==, 16);
  g_object_unref (project);

  g_assert_cmpint (test_run_cli (&out, &err, "project", "log", "--json", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"action\":\t\"undo\""));
  g_assert_nonnull (strstr (out, "\"bw\":\t16"));
  project_test_dir_free (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/project/new-show-info", test_new_show_info);
  g_test_add_func ("/cli/project/log-undo-redo", test_log_undo_redo);
  return g_test_run ();
}
