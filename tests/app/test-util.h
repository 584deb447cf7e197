/* test-util.h — helpers shared by the app tests: removing a scratch
 * folder tree when a test ends. */
#pragma once

#include <gio/gio.h>

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
