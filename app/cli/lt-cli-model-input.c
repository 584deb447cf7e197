/* lt-cli-model-input.c — a command's model, from a file or from a project
 * (the project's part is lt_project_load_model, shared with the studio). */
#include "lt-cli-model-input.h"

#include "lt-model-load.h"

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
lt_cli_open_model_file_or_project (const char          *model_path,
                                   const char          *project_path,
                                   gboolean             writable,
                                   lt_model           **model,
                                   LtProjectModelFile **file,
                                   LtProject          **project,
                                   GError             **error)
{
  g_autoptr (LtProject) opened = NULL;

  if ((model_path != NULL) == (project_path != NULL))
    {
      g_set_error_literal (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
                           _("give either a MODEL or --project FILE.lathe"));
      return FALSE;
    }
  if (model_path)
    {
      *model = lt_load_model_cancellable (model_path, NULL, error);
      if (*model == NULL)
        return FALSE;
      if (file)
        {
          *file = g_new0 (LtProjectModelFile, 1);
          (*file)->path = g_strdup (model_path);
        }
      return TRUE;
    }

  opened = lt_project_open (project_path, writable ? LT_PROJECT_OPEN_DEFAULT : LT_PROJECT_OPEN_READ_ONLY, error);
  if (!opened)
    return FALSE;
  *model = lt_project_load_model (opened, NULL, file, error);
  if (*model == NULL)
    return FALSE;
  if (project)
    *project = g_steal_pointer (&opened);
  return TRUE;
}
