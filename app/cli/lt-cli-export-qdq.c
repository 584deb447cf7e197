/* lt-cli-export-qdq.c — `lathe-cli export-qdq MODEL --encodings FILE -o
 * OUT` (or `--project F [--encodings FILE]`, the project's encodings by
 * default): write the model with QuantizeLinear/DequantizeLinear nodes
 * from encodings, for ONNX Runtime and its QNN execution provider.  The
 * encodings are linted against the model first; any error stops the export
 * before a file is written. */
#include "lt-cli-common.h"
#include "lt-cli-encodings-input.h"
#include "lt-cli-model-input.h"
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"
#include "lt-encodings-qdq.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static void
print_json (const char      *output,
            const LtQdqPlan *plan)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *skipped;
  char  *text;

  cJSON_AddStringToObject (root, "output", output);
  cJSON_AddNumberToObject (root, "weights", plan->n_weights);
  cJSON_AddNumberToObject (root, "activations", plan->n_activations);
  skipped = cJSON_AddArrayToObject (root, "skipped");
  for (guint i = 0; i < plan->skipped->len; i++)
    cJSON_AddItemToArray (skipped, cJSON_CreateString (g_ptr_array_index (plan->skipped, i)));
  text = cJSON_Print (root);
  printf ("%s\n", text);
  cJSON_free (text);
  cJSON_Delete (root);
}

/* Prints the lint errors; returns how many there were. */
static guint
report_lint_errors (const LtEncodingSet *set,
                    const lt_graph      *graph)
{
  g_autoptr (GPtrArray) findings = lt_encodings_lint (set, graph, NULL);
  guint n_errors = 0;

  for (guint i = 0; i < findings->len; i++)
    {
      const LtLintFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity != LT_LINT_ERROR)
        continue;
      n_errors++;
      g_printerr (_ ("lathe-cli: %s: %s: %s\n"), finding->tensor, finding->field ? finding->field : "", finding->message);
    }
  return n_errors;
}

int
lt_cli_export_qdq (int    argc,
                   char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (LtQdqPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *encodings_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *source = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtProjectModelFile) model_file = NULL; /* read again by the export */
  gboolean         json = FALSE;
  lt_model        *model = NULL;
  lt_error         err;
  lt_status        status;
  GOptionEntry     entries[] = {
        { "encodings", 0, 0, G_OPTION_ARG_FILENAME, &encodings_path, N_ ("Encodings file (0.4, 0.6.1, 1.0.0 or 2.0.0)"), N_ ("FILE") },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("Where to write the QDQ model"), N_ ("OUT") },
        { NULL }
  };

  context = lt_cli_context_new (_ ("MODEL"), _ ("Write a model with QuantizeLinear/DequantizeLinear nodes from encodings."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  lt_cli_add_project_option (context, &project_path);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != (project_path ? 1 : 2))
    return lt_cli_usage (context, _ ("expected one MODEL or --project FILE.lathe"));
  if ((encodings_path == NULL && project_path == NULL) || output == NULL)
    return lt_cli_usage (context, _ ("--encodings (or --project) and -o are required"));

  if (!lt_cli_open_model_file_or_project (project_path ? NULL : argv[1], project_path, FALSE, &model, &model_file,
                                          &project, &error))
    return lt_cli_fail (error);
  set = lt_cli_read_encodings (encodings_path, project, &source, &error);
  if (set == NULL)
    {
      lt_model_unref (model);
      return lt_cli_fail (error);
    }
  if (report_lint_errors (set, lt_model_get_graph (model)) > 0)
    {
      lt_model_unref (model);
      g_printerr (_ ("lathe-cli: %s does not fit %s; nothing was written\n"), source, project_path ? project_path : argv[1]);
      return LT_CLI_EXIT_FAILED;
    }
  plan = lt_qdq_plan_new (set, lt_model_get_graph (model), &error);
  if (plan == NULL)
    {
      lt_model_unref (model);
      g_prefix_error (&error, "%s: ", source);
      return lt_cli_fail (error);
    }
  lt_error_clear (&err);
  status = lt_onnx_export_qdq (model, (const lt_qdq_encoding *) (void *) plan->encodings->data,
                               plan->encodings->len, output, &err);
  lt_model_unref (model);
  if (status != LT_OK)
    return lt_cli_fail_engine (&err);
  if (json)
    print_json (output, plan);
  else
    {
      printf (_ ("%s: %u weights and %u activations quantized\n"), output, plan->n_weights, plan->n_activations);
      for (guint i = 0; i < plan->skipped->len; i++)
        printf (_ ("skipped: %s\n"), (const char *) g_ptr_array_index (plan->skipped, i));
    }
  return LT_CLI_EXIT_OK;
}
