/* lt-cli-convert-encodings.c — `lathe-cli convert-encodings IN --to
 * 0.6.1|1.0.0|2.0.0 -o OUT [--model MODEL]`: rewrite an encodings file in
 * another layout.  The model, when given, supplies what a layout leaves
 * out (sections of 2.0.0 entries, channel axes for 2.0.0).  With
 * `--project F` instead of IN, the project's encodings are written, resolved
 * against the project's model. */
#include "lt-cli-common.h"
#include "lt-cli-model-input.h"
#include "lt-project-encodings.h"
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static void
print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    fprintf (stderr, _ ("lathe-cli: warning: %s\n"), (const char *) g_ptr_array_index (warnings, i));
}

static void
print_json (const char *output,
            const char *format,
            guint       n_encodings)
{
  cJSON *root = cJSON_CreateObject ();
  char  *text;

  cJSON_AddStringToObject (root, "output", output);
  cJSON_AddStringToObject (root, "format", format);
  cJSON_AddNumberToObject (root, "encodings", n_encodings);
  text = cJSON_Print (root);
  printf ("%s\n", text);
  cJSON_free (text);
  cJSON_Delete (root);
}

int
lt_cli_convert_encodings (int    argc,
                          char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (GPtrArray) write_warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char   *to = NULL;
  g_autofree char   *output = NULL;
  g_autofree char   *model_path = NULL;
  g_autofree char   *project_path = NULL;
  gboolean           json = FALSE;
  LtEncodingsFormat  format;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_ ("Layout to write: 0.6.1, 1.0.0 or 2.0.0"), N_ ("VERSION") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("File to write"), N_ ("OUT") },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_ ("Model that resolves sections and channel axes"), N_ ("MODEL") },
    { NULL },
  };

  context = lt_cli_context_new (_ ("IN"), _ ("Convert a quantization encodings file to another layout."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  lt_cli_add_project_option (context, &project_path);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != (project_path ? 1 : 2))
    return lt_cli_usage (context, _ ("expected one input file IN, or --project FILE.lathe"));
  if (project_path && model_path)
    return lt_cli_usage (context, _ ("--model cannot be combined with --project (the project has its model)"));
  if (to == NULL || !lt_encodings_format_from_string (to, &format))
    return lt_cli_usage (context, _ ("--to must be 0.6.1, 1.0.0 or 2.0.0"));
  if (output == NULL)
    return lt_cli_usage (context, _ ("-o OUT is required"));

  if (project_path)
    {
      g_autoptr (LtProject) project = NULL;
      lt_model *model = NULL;

      if (!lt_cli_open_model_or_project (NULL, project_path, FALSE, &model, &project, &error))
        return lt_cli_fail (error);
      set = lt_project_load_encoding_set (project, &error);
      if (set)
        lt_encodings_resolve (set, lt_model_get_graph (model));
      lt_model_unref (model);
      if (set == NULL && error)
        return lt_cli_fail (error);
      if (set == NULL)
        {
          g_printerr (_ ("lathe-cli: %s: the project has no encodings yet\n"), project_path);
          return LT_CLI_EXIT_FAILED;
        }
    }
  else if ((set = lt_encodings_read_file (argv[1], &error)) == NULL)
    return lt_cli_fail (error);
  if (model_path)
    {
      lt_model *model = NULL;
      lt_error  err;

      lt_error_clear (&err);
      if (lt_model_load (model_path, NULL, &model, &err) != LT_OK)
        return lt_cli_fail_engine (&err);
      lt_encodings_resolve (set, lt_model_get_graph (model));
      lt_model_unref (model);
    }
  print_warnings (set->warnings);
  if (!lt_encodings_write_file (set, format, output, write_warnings, &error))
    return lt_cli_fail (error);
  print_warnings (write_warnings);
  if (json)
    print_json (output, to, set->encodings->len);
  else
    printf (_ ("%s: %u encodings written as %s\n"), output, set->encodings->len, to);
  return LT_CLI_EXIT_OK;
}
