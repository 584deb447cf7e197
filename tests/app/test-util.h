/* test-util.h — helpers shared by the app tests: removing a scratch
 * folder tree when a test ends, running lathe-cli, loading a model or a
 * .npy fixture (a fixture that does not load ends the test). */
#pragma once

#include "lt-tensor-io.h"

#include <gio/gio.h>
#include <lt/model.h>
#include <sys/wait.h>

/* The model at `path`; aborts the test naming the file when it does not
 * load. */
static inline lt_model *
test_load_model (const char *path)
{
  lt_model *model = NULL;
  lt_error  err;
  char      message[1024];

  lt_error_clear (&err);
  if (lt_model_load (path, NULL, &model, &err) != LT_OK)
    {
      lt_error_format (&err, message, sizeof message);
      g_error ("%s: %s", path, message);
    }
  return model;
}

/* The array in the .npy file at `path`; fails the test when it does not
 * load. */
static inline LtArray *
test_load_npy (const char *path)
{
  g_autoptr (GError) error = NULL;
  LtArray *array = lt_npy_load (path, &error);

  g_assert_no_error (error);
  return array;
}

/* Deletes `path` and everything below it; missing paths are fine. */
static inline void
test_remove_tree (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                     G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);
      test_remove_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

/* Runs lathe-cli ($LATHE_CLI) with the NULL-terminated arguments; returns
 * its exit status.  What it prints goes to *out and *err, or is dropped
 * when they are NULL (so usage text stays out of the TAP stream). */
static inline int
test_run_cli (char      **out,
              char      **err,
              const char *first,
              ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dropped_out = NULL, *dropped_err = NULL;
  va_list args;
  int     status = -1;

  g_ptr_array_add (argv, (gpointer) g_getenv ("LATHE_CLI"));
  g_assert_nonnull (argv->pdata[0]);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out != NULL ? out : &dropped_out,
                err != NULL ? err : &dropped_err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}
