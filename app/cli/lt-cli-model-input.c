/* lt-cli-model-input.c — a command's model, from a file or from a project.
 *
 * An embedded model is written to a private temporary folder, loaded and
 * removed again (the engine keeps its mapping), unless the command reads the
 * file again (LtCliModelFile); a recorded model path is
 * used only when the file still has the SHA-256 the project recorded, so a
 * project never silently runs on a different model.
 */
#include "lt-cli-model-input.h"

#include "lt-engine-error.h"

#include <glib/gstdio.h>

void
lt_cli_add_project_option (GOptionContext *context,
                           char          **project_path)
{
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, project_path, N_("Take the model from a project file"), N_("FILE.lathe") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

static gboolean
load (const char *path,
      lt_model  **model,
      GError    **error)
{
  lt_error err;

  lt_error_clear (&err);
  if (lt_model_load (path, NULL, model, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  return TRUE;
}

void
lt_cli_model_file_free (LtCliModelFile *file)
{
  if (!file)
    return;
  if (file->extracted)
    {
      g_autofree char *dir = g_path_get_dirname (file->path);

      g_unlink (file->path);
      g_rmdir (dir);
    }
  g_free (file->path);
  g_free (file);
}

/* The embedded model, extracted; kept in *file when `file` is not NULL,
 * else removed once loaded. */
static gboolean
load_embedded (LtProject       *project,
               lt_model       **model,
               LtCliModelFile **file,
               GError         **error)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-model-XXXXXX", error);
  g_autoptr (LtCliModelFile) extracted = NULL;
  gboolean ok;

  if (!dir)
    return FALSE;
  extracted = g_new0 (LtCliModelFile, 1);
  extracted->path = g_build_filename (dir, "model.onnx", NULL);
  extracted->extracted = TRUE;
  ok = lt_project_extract_model (project, extracted->path, error) && load (extracted->path, model, error);
  if (ok && file)
    *file = g_steal_pointer (&extracted);
  return ok;
}

static gboolean
load_recorded (LtProject            *project,
               const LtProjectModel *info,
               lt_model            **model,
               GError              **error)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (info->path, FALSE, error);
  g_autofree char *sha = NULL;

  if (!file)
    return FALSE;
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) g_mapped_file_get_contents (file),
                                     g_mapped_file_get_length (file));
  if (g_strcmp0 (sha, info->sha256) != 0)
    {
      g_autofree char *name = g_filename_display_name (info->path);
      g_autofree char *project_name = g_filename_display_name (lt_project_get_path (project));

      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                   _("The model “%s” recorded in “%s” has changed since the project was made (SHA-256 differs)"),
                   name, project_name);
      return FALSE;
    }
  return load (info->path, model, error);
}

gboolean
lt_cli_open_model_or_project (const char *model_path,
                              const char *project_path,
                              gboolean    writable,
                              lt_model  **model,
                              LtProject **project,
                              GError    **error)
{
  return lt_cli_open_model_file_or_project (model_path, project_path, writable, model, NULL, project, error);
}

gboolean
lt_cli_open_model_file_or_project (const char      *model_path,
                                   const char      *project_path,
                                   gboolean         writable,
                                   lt_model       **model,
                                   LtCliModelFile **file,
                                   LtProject      **project,
                                   GError         **error)
{
  g_autoptr (LtProject) opened = NULL;
  g_autoptr (LtProjectModel) info = NULL;

  if ((model_path != NULL) == (project_path != NULL))
    {
      g_set_error_literal (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                           _("give either a MODEL or --project FILE.lathe"));
      return FALSE;
    }
  if (model_path)
    {
      if (!load (model_path, model, error))
        return FALSE;
      if (file)
        {
          *file = g_new0 (LtCliModelFile, 1);
          (*file)->path = g_strdup (model_path);
        }
      return TRUE;
    }

  opened = lt_project_open (project_path, writable ? LT_PROJECT_OPEN_DEFAULT : LT_PROJECT_OPEN_READ_ONLY, error);
  if (!opened)
    return FALSE;
  info = lt_project_get_model (opened, error);
  if (!info)
    return FALSE;
  if (!(info->embedded ? load_embedded (opened, model, file, error) : load_recorded (opened, info, model, error)))
    return FALSE;
  if (file && !info->embedded)
    {
      *file = g_new0 (LtCliModelFile, 1);
      (*file)->path = g_strdup (info->path);
    }
  if (project)
    *project = g_steal_pointer (&opened);
  return TRUE;
}
