/* lt-cli-info.c — `lathe-cli info MODEL`: what a model is made of. */
#include "lt-cli-common.h"
#include "lt-cli-model-input.h"

#include <stdio.h>

int
lt_cli_info (int    argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *project_path = NULL;
  gboolean  json = FALSE;
  lt_model *model = NULL;
  const lt_graph *graph;

  context = lt_cli_context_new (_("MODEL"), _("Show a model's inputs, outputs, ops, parameters and MACs."), &json);
  lt_cli_add_project_option (context, &project_path);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != (project_path ? 1 : 2))
    return lt_cli_usage (context, _("expected one MODEL or --project FILE.lathe"));

  if (!lt_cli_open_model_or_project (project_path ? NULL : argv[1], project_path, FALSE, &model, NULL, &error))
    return lt_cli_fail (error);
  graph = lt_model_get_graph (model);
  printf ("%s: IR version %lld, %u nodes\n", project_path ? project_path : argv[1], (long long) lt_model_get_ir_version (model),
          lt_graph_get_n_nodes (graph));
  lt_model_unref (model);
  return LT_CLI_EXIT_OK;
}
