/* lt-cli-stats.c — `lathe-cli stats merge A B ... -o F`: join calibration
 * statistics of shards (or of earlier merges) into one file.  The merge is
 * exact; files from another model, another dataset size, another shard
 * count, or repeating a shard are refused by name. */
#include "lt-cli-common.h"

#include "lt-calib-stats.h"

#include <stdio.h>

static int
stats_merge (int    argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtCalibStats) merged = NULL;
  g_autofree char   *output = NULL;
  gboolean           json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("Write the merged statistics here"), N_ ("FILE") },
    { NULL },
  };

  context = lt_cli_context_new (_ ("STATS…"), _ ("Merge calibration statistics of shards into one file."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc < 2)
    return lt_cli_usage (context, _ ("expected at least one statistics file"));
  if (output == NULL)
    return lt_cli_usage (context, _ ("-o is required"));

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (LtCalibStats) stats = lt_calib_stats_read_file (argv[i], &error);
      if (stats == NULL)
        return lt_cli_fail (error);
      if (merged == NULL)
        merged = g_steal_pointer (&stats);
      else if (!lt_calib_stats_merge (merged, stats, argv[i], &error))
        return lt_cli_fail (error);
    }
  if (!lt_calib_stats_write_file (merged, output, &error))
    return lt_cli_fail (error);
  if (json)
    {
      cJSON *root = cJSON_CreateObject ();
      cJSON_AddNumberToObject (root, "shards", merged->shards->len);
      cJSON_AddNumberToObject (root, "shard_count", merged->shard_count);
      cJSON_AddNumberToObject (root, "samples_used", merged->n_samples_used);
      cJSON_AddStringToObject (root, "output", output);
      lt_cli_print_json (root);
    }
  else
    printf (_ ("%u of %u shards, %u samples, written to %s\n"), merged->shards->len, merged->shard_count,
            merged->n_samples_used, output);
  return LT_CLI_EXIT_OK;
}

int
lt_cli_stats (int    argc,
              char **argv)
{
  if (argc >= 2 && g_strcmp0 (argv[1], "merge") == 0)
    return stats_merge (argc - 1, argv + 1);
  g_printerr (_ ("Usage: lathe-cli stats merge STATS… -o FILE\n"));
  return LT_CLI_EXIT_USAGE;
}
