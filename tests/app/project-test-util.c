/* project-test-util.c — helpers shared by the project tests. */
#include "project-test-util.h"

#include <glib/gstdio.h>

char *
project_test_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("lathe-project-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  GDir       *dir;
  const char *name;

  g_chmod (path, 0755);
  dir = g_dir_open (path, 0, NULL);
  if (!dir)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

void
project_test_dir_free (char *dir)
{
  remove_tree (dir);
  g_free (dir);
}

char *
project_test_model_path (void)
{
  const char *source = g_getenv ("LATHE_SOURCE_DIR");

  g_assert_nonnull (source);
  return g_build_filename (source, "resources", "demo", "small-cnn.onnx", NULL);
}

LtProject *
project_test_create (const char *dir,
                     const char *name,
                     gboolean    embed)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *model = project_test_model_path ();
  LtProject       *project = lt_project_create (path, model, embed, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

LtProjectEncoding *
project_test_encoding (const char *tensor,
                       guint32     seed)
{
  GRand             *rand = g_rand_new_with_seed (seed);
  guint              kind = seed % 3;
  guint              n = kind == 0 ? 1 : 1 + seed % 7;
  LtProjectEncoding *encoding = lt_project_encoding_new (tensor, seed & 8 ? LT_PROJECT_SECTION_PARAM : LT_PROJECT_SECTION_ACTIVATION, n);

  encoding->granularity = (LtProjectGranularity) kind;
  encoding->axis = kind == 0 ? -1 : (int) (seed % 4);
  encoding->block_size = kind == 2 ? 32 : 0;
  encoding->bitwidth = (seed & 16) ? 16 : 8;
  encoding->symmetric = (seed & 32) != 0;
  encoding->is_float = (seed & 64) != 0;
  for (guint i = 0; i < n; i++)
    {
      encoding->scale[i] = (float) g_rand_double_range (rand, 1e-6, 10.0);
      encoding->offset[i] = g_rand_int_range (rand, -65536, 65536);
    }
  g_rand_free (rand);
  return encoding;
}
