/* lt-cli-encodings-input.c — encodings from a file or from a project. */
#include "lt-cli-encodings-input.h"

#include "lt-cli-common.h"
#include "lt-encodings-io.h"
#include "lt-project-encodings.h"

LtEncodingSet *
lt_cli_read_encodings (const char *path,
                       LtProject  *project,
                       char      **display_name,
                       GError    **error)
{
  g_autoptr (GError) local = NULL;
  LtEncodingSet *set;

  if (path)
    {
      *display_name = g_filename_display_name (path);
      return lt_encodings_read_file (path, error);
    }
  g_return_val_if_fail (project != NULL, NULL);
  *display_name = g_filename_display_name (lt_project_get_path (project));
  set = lt_project_load_encoding_set (project, &local);
  if (!set && !local)
    g_set_error (&local, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                 _("%s holds no encodings; give an encodings file or calibrate first"), *display_name);
  if (local)
    g_propagate_error (error, g_steal_pointer (&local));
  return set;
}
