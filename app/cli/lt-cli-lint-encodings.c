/* lt-cli-lint-encodings.c — `lathe-cli lint-encodings MODEL FILE` or
 * `--project F [FILE]`: check an encodings file (by default the project's
 * encodings) against the model it is meant for; the Conv outputs the
 * engine folds into their BatchNormalization are noted as needing no
 * encoding.  Exit 1 when any finding is an error (or the file cannot be
 * read), 0 otherwise. */
#include "lt-cli-common.h"
#include "lt-cli-encodings-input.h"
#include "lt-cli-model-input.h"
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"
#include "lt-folded-values.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static void
print_json (const char          *file,
            const LtEncodingSet *set,
            GPtrArray           *findings)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *conversions, *list;
  char  *text;

  cJSON_AddStringToObject (root, "file", file);
  cJSON_AddStringToObject (root, "format", lt_encodings_format_to_string (set->format));
  conversions = cJSON_AddArrayToObject (root, "conversions");
  list = cJSON_AddArrayToObject (root, "findings");
  for (guint i = 0; i < set->warnings->len; i++)
    cJSON_AddItemToArray (conversions, cJSON_CreateString (g_ptr_array_index (set->warnings, i)));
  for (guint i = 0; i < findings->len; i++)
    {
      const LtLintFinding *finding = g_ptr_array_index (findings, i);
      cJSON               *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "severity", lt_lint_severity_to_string (finding->severity));
      cJSON_AddStringToObject (item, "tensor", finding->tensor);
      if (finding->field)
        cJSON_AddStringToObject (item, "field", finding->field);
      else
        cJSON_AddNullToObject (item, "field");
      cJSON_AddStringToObject (item, "message", finding->message);
      cJSON_AddItemToArray (list, item);
    }
  text = cJSON_Print (root);
  printf ("%s\n", text);
  cJSON_free (text);
  cJSON_Delete (root);
}

static void
print_text (const LtEncodingSet *set,
            GPtrArray           *findings)
{
  for (guint i = 0; i < set->warnings->len; i++)
    printf (_ ("converted: %s\n"), (const char *) g_ptr_array_index (set->warnings, i));
  for (guint i = 0; i < findings->len; i++)
    {
      const LtLintFinding *finding = g_ptr_array_index (findings, i);

      if (finding->field)
        printf ("%s: %s: %s: %s\n", lt_lint_severity_to_string (finding->severity), finding->tensor, finding->field, finding->message);
      else
        printf ("%s: %s: %s\n", lt_lint_severity_to_string (finding->severity), finding->tensor, finding->message);
    }
}

int
lt_cli_lint_encodings (int    argc,
                       char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  g_autoptr (GPtrArray) folded = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *source = NULL;
  const char      *file;
  gboolean         json = FALSE;
  lt_model        *model = NULL;
  guint            n_errors = 0;

  context = lt_cli_context_new (_ ("MODEL FILE"), _ ("Check a quantization encodings file against a model."), &json);
  lt_cli_add_project_option (context, &project_path);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (project_path ? argc > 2 : argc != 3)
    return lt_cli_usage (context, _ ("expected a MODEL and an encodings FILE, or --project FILE.lathe [FILE]"));
  file = project_path ? (argc == 2 ? argv[1] : NULL) : argv[2];

  if (!lt_cli_open_model_or_project (project_path ? NULL : argv[1], project_path, FALSE, &model, &project, &error))
    return lt_cli_fail (error);
  set = lt_cli_read_encodings (file, project, &source, &error);
  if (set == NULL)
    {
      lt_model_unref (model);
      return lt_cli_fail (error);
    }
  folded = lt_folded_values_find (model);
  findings = lt_encodings_lint (set, lt_model_get_graph (model), folded);
  lt_model_unref (model);
  for (guint i = 0; i < findings->len; i++)
    n_errors += ((LtLintFinding *) g_ptr_array_index (findings, i))->severity == LT_LINT_ERROR;
  if (json)
    print_json (source, set, findings);
  else
    print_text (set, findings);
  return n_errors > 0 ? LT_CLI_EXIT_FAILED : LT_CLI_EXIT_OK;
}
