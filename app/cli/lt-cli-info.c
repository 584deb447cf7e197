/* lt-cli-info.c — `lathe-cli info MODEL`: what a model is made of. */
#include "lt-cli-common.h"

#include <stdio.h>

int
lt_cli_info (int    argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  gboolean  json = FALSE;
  lt_model *model = NULL;
  lt_error  err;
  const lt_graph *graph;

  context = lt_cli_context_new (_("MODEL"), _("Show a model's inputs, outputs, ops, parameters and MACs."), &json);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != 2)
    return lt_cli_usage (context, _("expected one MODEL"));

  lt_error_clear (&err);
  if (lt_model_load (argv[1], NULL, &model, &err) != LT_OK)
    return lt_cli_fail_engine (&err);
  graph = lt_model_get_graph (model);
  printf ("%s: IR version %lld, %u nodes\n", argv[1], (long long) lt_model_get_ir_version (model),
          lt_graph_get_n_nodes (graph));
  lt_model_unref (model);
  return LT_CLI_EXIT_OK;
}
