/* lt-cli-project-encodings.c — `project import-encodings F FILE` reads an
 * encodings file, fills in from the project's model what the file leaves
 * out (2.0.0 sections, axes), and stores it as one edit;
 * `project export-encodings F --format V -o OUT` writes the project's
 * encodings in layout V.  Conversion is lt-project-encodings.c's. */
#include "lt-cli-project-encodings.h"

#include "lt-cli-common.h"
#include "lt-cli-encodings-input.h"
#include "lt-cli-model-input.h"
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"
#include "lt-project-encodings.h"

#include <stdio.h>

int
lt_cli_project_import_encodings (int    argc,
                                 char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autofree char *source = NULL;
  gboolean         json = FALSE;
  lt_model        *model = NULL;
  gboolean         ok;

  context = lt_cli_context_new (_("FILE.lathe FILE"), _("Store an encodings file in a project as one edit."), &json);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != 3)
    return lt_cli_usage (context, _("expected a FILE.lathe and an encodings FILE"));
  if (!lt_cli_open_model_or_project (NULL, argv[1], TRUE, &model, &project, &error))
    return lt_cli_fail (error);
  set = lt_cli_read_encodings (argv[2], NULL, &source, &error);
  if (set)
    lt_encodings_resolve (set, lt_model_get_graph (model));
  lt_model_unref (model);
  ok = set && lt_project_store_encoding_set (project, "import-encodings", set, source, &error);
  if (!ok)
    return lt_cli_fail (error);
  if (json)
    {
      cJSON *root = cJSON_CreateObject ();

      cJSON_AddStringToObject (root, "project", argv[1]);
      cJSON_AddNumberToObject (root, "encodings", set->encodings->len);
      cJSON_AddNumberToObject (root, "edit", (double) lt_project_get_last_edit_id (project));
      lt_cli_print_json (root);
    }
  else
    printf (ngettext ("%u encoding from %s stored in %s as one edit\n", "%u encodings from %s stored in %s as one edit\n",
                      set->encodings->len),
            set->encodings->len, source, argv[1]);
  return LT_CLI_EXIT_OK;
}

int
lt_cli_project_export_encodings (int    argc,
                                 char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char   *source = NULL;
  g_autofree char   *format_name = NULL;
  g_autofree char   *output = NULL;
  gboolean           json = FALSE;
  LtEncodingsFormat  format;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("Layout: 0.6.1, 1.0.0 (default) or 2.0.0"), N_("V") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The encodings file to write"), N_("OUT") },
    { NULL },
  };

  context = lt_cli_context_new (_("FILE.lathe"), _("Write a project's encodings to an encodings file."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != 2 || output == NULL)
    return lt_cli_usage (context, _("expected one FILE.lathe and -o OUT"));
  if (!lt_encodings_format_from_string (format_name ? format_name : "1.0.0", &format))
    return lt_cli_usage (context, _("--format must be 0.6.1, 1.0.0 or 2.0.0"));
  project = lt_project_open (argv[1], LT_PROJECT_OPEN_READ_ONLY, &error);
  if (!project || !(set = lt_cli_read_encodings (NULL, project, &source, &error)) ||
      !lt_encodings_write_file (set, format, output, warnings, &error))
    return lt_cli_fail (error);
  for (guint i = 0; i < warnings->len; i++)
    g_printerr (_("lathe-cli: warning: %s\n"), (const char *) g_ptr_array_index (warnings, i));
  if (json)
    {
      cJSON *root = cJSON_CreateObject ();

      cJSON_AddStringToObject (root, "output", output);
      cJSON_AddStringToObject (root, "format", lt_encodings_format_to_string (format));
      cJSON_AddNumberToObject (root, "encodings", set->encodings->len);
      lt_cli_print_json (root);
    }
  else
    printf (ngettext ("%u encoding written to %s\n", "%u encodings written to %s\n", set->encodings->len),
            set->encodings->len, output);
  return LT_CLI_EXIT_OK;
}
