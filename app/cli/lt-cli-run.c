/* lt-cli-run.c — `lathe-cli run MODEL --input-list LIST --output-dir DIR`:
 * inference over the lines of an input list, in qnn-net-run's layout, on
 * the CPU in float32 or (`--backend htp --encodings F`) on the NPU runner.
 *
 * LIST is read by lt-input-list.c.  Outputs go to
 * DIR/Result_N/<output>.raw (and .npy with --npy); --debug also writes
 * every intermediate value.
 *
 * Every line is read, every file loaded and checked against the model,
 * and the session reshaped for every distinct input shape before the
 * first file is written, so a bad line or an op the engine cannot run
 * leaves no output behind.
 */
#include "lt-cli-common.h"
#include "lt-cli-encodings-input.h"
#include "lt-cli-model-input.h"
#include "lt-cli-run-session.h"

#include "lt-input-list.h"
#include "lt-tensor-io.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A file name for a tensor name: characters other than letters, digits,
 * '.', '-' and '_' become '_' (names like "conv1/out:0" hold slashes). */
static char *
file_stem (const char *name)
{
  char *stem = g_strdup (name[0] != '\0' ? name : "_");
  for (char *p = stem; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '_';
  if (stem[0] == '.')
    stem[0] = '_';
  return stem;
}

typedef struct
{
  const char *dir;
  gboolean    npy;
  GError     *error;   /* first write error */
} debug_writer;

static gboolean
write_tensor (const char      *dir,
              const lt_tensor *t,
              gboolean         npy,
              GError         **error)
{
  g_autofree char *stem = file_stem (t->name);
  g_autofree char *raw_name = g_strconcat (stem, ".raw", NULL);
  g_autofree char *raw_path = g_build_filename (dir, raw_name, NULL);

  if (!lt_raw_save (raw_path, t, error))
    return FALSE;
  if (npy)
    {
      g_autofree char *npy_name = g_strconcat (stem, ".npy", NULL);
      g_autofree char *npy_path = g_build_filename (dir, npy_name, NULL);
      return lt_npy_save (npy_path, t, error);
    }
  return TRUE;
}

static void
debug_observe (void            *user_data,
               const lt_graph  *graph,
               int32_t          value_id,
               const lt_tensor *value)
{
  debug_writer *writer = user_data;

  (void) graph;
  (void) value_id;
  if (writer->error == NULL && value->dtype != LT_DTYPE_STRING)
    write_tensor (writer->dir, value, writer->npy, &writer->error);
}

int
lt_cli_run (int    argc,
            char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) inferences = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *output_dir = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *encodings_path = NULL;
  g_autofree char *encodings_source = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtEncodingSet) encodings = NULL;
  gboolean         json = FALSE, npy = FALSE, debug = FALSE, on_htp;
  gint             n_threads = 0;
  lt_model        *model = NULL;
  LtCliRunSession *session = NULL;
  debug_writer     writer = { 0 };
  LtInputLine     *last = NULL;
  cJSON           *summary = NULL, *results = NULL;
  int              status = LT_CLI_EXIT_FAILED;
  gboolean         progress = isatty (STDERR_FILENO);
  const GOptionEntry entries[] = {
    { "input-list", 0, 0, G_OPTION_ARG_FILENAME, &list_path, N_("One inference per line: input files in order, or name:=path"), N_("FILE") },
    { "output-dir", 0, 0, G_OPTION_ARG_FILENAME, &output_dir, N_("Where Result_N folders go (default ./output)"), N_("DIR") },
    { "npy", 0, 0, G_OPTION_ARG_NONE, &npy, N_("Also write outputs as .npy"), NULL },
    { "debug", 0, 0, G_OPTION_ARG_NONE, &debug, N_("Write every intermediate tensor too"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, N_("Threads kernels may use (default: one per CPU)"), N_("N") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend, N_("cpu (float32, the default) or htp (the NPU's integer kernels)"), N_("NAME") },
    { "encodings", 0, 0, G_OPTION_ARG_FILENAME, &encodings_path, N_("Encodings for --backend htp (default: the project's)"), N_("FILE") },
    { NULL },
  };

  context = lt_cli_context_new (_("MODEL"), _("Run a model on the inputs of an input list and write its outputs."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  lt_cli_add_project_option (context, &project_path);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc != (project_path ? 1 : 2))
    return lt_cli_usage (context, _("expected one MODEL or --project FILE.lathe"));
  if (list_path == NULL)
    return lt_cli_usage (context, _("--input-list is required"));
  if (n_threads < 0)
    return lt_cli_usage (context, _("--threads must not be negative"));
  if (backend != NULL && strcmp (backend, "cpu") != 0 && strcmp (backend, "htp") != 0)
    return lt_cli_usage (context, _("--backend must be cpu or htp"));
  on_htp = backend != NULL && strcmp (backend, "htp") == 0;
  if (on_htp && encodings_path == NULL && project_path == NULL)
    return lt_cli_usage (context, _("--backend htp needs --encodings (or --project)"));
  if (!on_htp && encodings_path != NULL)
    return lt_cli_usage (context, _("--encodings is for --backend htp"));
  if (output_dir == NULL)
    output_dir = g_strdup ("output");

  if (!lt_cli_open_model_or_project (project_path ? NULL : argv[1], project_path, FALSE, &model, &project, &error))
    return lt_cli_fail (error);
  const lt_graph *graph = lt_model_get_graph (model);
  uint32_t        n_outputs;
  lt_graph_get_outputs (graph, &n_outputs);

  if (!lt_input_list_check_tensors (graph, TRUE, &error))
    {
      g_prefix_error (&error, "%s: ", lt_model_get_path (model));
      goto out;
    }
  inferences = lt_input_list_load (graph, list_path, &error);
  lt_session_options options = { .n_threads = (uint32_t) n_threads, .observer_fn = debug ? debug_observe : NULL,
                                 .observer_data = &writer, .profiling = TRUE };
  if (inferences == NULL)
    goto out;
  if (on_htp)
    {
      encodings = lt_cli_read_encodings (encodings_path, project, &encodings_source, &error);
      if (encodings == NULL)
        goto out;
      session = lt_cli_run_session_new_htp (model, encodings, options.observer_fn, &writer, &error);
      if (session == NULL)
        g_prefix_error (&error, "%s: ", encodings_source);
    }
  else
    session = lt_cli_run_session_new_cpu (model, &options, &error);
  if (session == NULL)
    goto out;
  /* Validation pass: every distinct shape must reshape. */
  for (guint i = 0; i < inferences->len; i++)
    if (!lt_cli_run_session_reshape (session, g_ptr_array_index (inferences, i), &last, &error))
      goto out;

  summary = cJSON_CreateObject ();
  results = cJSON_AddArrayToObject (summary, "results");
  last = NULL;
  for (guint i = 0; i < inferences->len; i++)
    {
      LtInputLine     *inf = g_ptr_array_index (inferences, i);
      g_autofree char *name = g_strdup_printf ("Result_%u", i);
      g_autofree char *dir = g_build_filename (output_dir, name, NULL);
      gint64           start;
      cJSON           *item = cJSON_CreateObject ();

      cJSON_AddItemToArray (results, item);
      if (progress)
        fprintf (stderr, "\r[%u/%u] ", i + 1, inferences->len);
      if (!lt_cli_run_session_reshape (session, inf, &last, &error))
        goto out;
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), _("%s: cannot create the folder: %s"), dir,
                       g_strerror (errno));
          goto out;
        }
      writer.dir = dir;
      writer.npy = npy;
      start = g_get_monotonic_time ();
      if (!lt_cli_run_session_run (session, inf, &error))
        goto out;
      cJSON_AddNumberToObject (item, "milliseconds", (double) (g_get_monotonic_time () - start) / 1000.0);
      if (writer.error != NULL)
        {
          g_propagate_error (&error, g_steal_pointer (&writer.error));
          goto out;
        }
      for (uint32_t k = 0; k < n_outputs; k++)
        if (!write_tensor (dir, lt_cli_run_session_get_output (session, k), npy, &error))
          goto out;
      cJSON_AddStringToObject (item, "folder", dir);
    }
  if (progress)
    fprintf (stderr, "\r\033[K");
  cJSON_AddNumberToObject (summary, "inferences", inferences->len);
  lt_cli_run_session_describe (session, summary);
  if (json)
    {
      char *text = cJSON_Print (summary);
      printf ("%s\n", text);
      cJSON_free (text);
    }
  else
    printf (ngettext ("%u inference, outputs in %s, arena %.1f KiB\n", "%u inferences, outputs in %s, arena %.1f KiB\n",
                      inferences->len),
            inferences->len, output_dir,
            (double) lt_cli_run_session_get_arena_bytes (session) / 1024.0);
  status = LT_CLI_EXIT_OK;

out:
  if (progress && status != LT_CLI_EXIT_OK)
    fprintf (stderr, "\r\033[K");
  cJSON_Delete (summary);
  lt_cli_run_session_free (session);
  lt_model_unref (model);
  if (status != LT_CLI_EXIT_OK && error != NULL)
    return lt_cli_fail (error);
  return status;
}
