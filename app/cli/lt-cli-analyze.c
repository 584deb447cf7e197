/* lt-cli-analyze.c — `lathe-cli analyze MODEL --encodings F --data PATH`:
 * the quantization error of every tensor (SQNR, max error, cosine of the
 * simulated quantized run against f32 over the dataset), worst first, and
 * with --sensitivity the per-layer sensitivity of the outputs.  With
 * `--project F` the model (and, without --encodings, the encodings) come
 * from the project, and the results are recorded in it as an analysis run.
 * The numbers are computed by app/analysis (lt-analysis.h says how). */
#include "lt-cli-common.h"
#include "lt-cli-encodings-input.h"
#include "lt-cli-image-options.h"
#include "lt-cli-model-input.h"

#include "lt-analysis.h"
#include "lt-encodings-io.h"
#include "lt-project-analysis.h"

#include <stdio.h>
#include <unistd.h>

typedef struct
{
  char          *encodings;
  char          *data;
  char          *project;
  char          *mode;
  char          *backend;
  gboolean       sensitivity;
  gint           limit;
  gint           threads;
  gboolean       json;
  LtCliImageArgs image;
} analyze_args;

static void
analyze_args_clear (analyze_args *args)
{
  g_free (args->encodings);
  g_free (args->data);
  g_free (args->project);
  g_free (args->mode);
  g_free (args->backend);
  lt_cli_image_args_clear (&args->image);
}

/* Checks the options that need no file; NULL when all is well. */
static const char *
check_args (const analyze_args *args,
            int                 argc,
            LtAnalysisOptions  *options)
{
  if (argc != (args->project ? 1 : 2))
    return _ ("expected one MODEL or --project FILE.lathe");
  if (args->data == NULL)
    return _ ("--data is required");
  if (args->encodings == NULL && args->project == NULL)
    return _ ("--encodings (or --project) is required");
  if (!lt_analysis_mode_from_string (args->mode != NULL ? args->mode : "all", &options->mode))
    return _ ("--mode must be all, weights or activations");
  if (!lt_analysis_backend_from_string (args->backend != NULL ? args->backend : "sim", &options->backend))
    return _ ("--backend must be sim or htp");
  if (options->backend == LT_ANALYSIS_BACKEND_HTP && (options->mode != LT_ANALYSIS_MODE_ALL || args->sensitivity))
    return _ ("--backend htp quantizes every tensor: no --mode other than all, no --sensitivity");
  if (args->limit < 0)
    return _ ("--limit must not be negative");
  if (args->threads < 0)
    return _ ("--threads must not be negative");
  options->sensitivity = args->sensitivity;
  options->n_threads = (guint) args->threads;
  return lt_cli_image_options_check (&args->image);
}

/* "analyzing: 12/40 runs" on stderr when it is a terminal, rewritten in
 * place. */
static void
show_progress (guint    done,
               guint    total,
               gpointer user_data)
{
  g_autofree char *text = g_strdup_printf (_ ("analyzing: %u/%u sample runs"), done, total);

  (void) user_data;
  lt_cli_show_progress (text, done, total);
}

/* How many rows of `n` to show. */
static guint
shown (guint n,
       gint  limit)
{
  return limit > 0 && (guint) limit < n ? (guint) limit : n;
}

static cJSON *
error_sums_json (const LtErrorSums *sums)
{
  cJSON *object = cJSON_CreateObject ();

  cJSON_AddNumberToObject (object, "sqnr_db", lt_error_sums_sqnr_db (sums));
  cJSON_AddNumberToObject (object, "max_abs_error", sums->max_abs_error);
  cJSON_AddNumberToObject (object, "cosine", lt_error_sums_cosine (sums));
  return object;
}

static void
print_json (const LtAnalysisReport *report,
            const char             *model,
            const char             *encodings,
            const analyze_args     *args)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *list;

  cJSON_AddStringToObject (root, "format", "lathe-analysis");
  cJSON_AddNumberToObject (root, "version", 1);
  cJSON_AddStringToObject (root, "model", model);
  cJSON_AddStringToObject (root, "encodings", encodings);
  cJSON_AddStringToObject (root, "data", args->data);
  cJSON_AddStringToObject (root, "mode", lt_analysis_mode_to_string (report->mode));
  cJSON_AddStringToObject (root, "backend", lt_analysis_backend_to_string (report->backend));
  cJSON_AddNumberToObject (root, "samples", report->n_samples);
  cJSON_AddNumberToObject (root, "sqnr_cap_db", LT_ANALYSIS_SQNR_CAP_DB);
  cJSON_AddItemToObject (root, "outputs", error_sums_json (&report->outputs));
  cJSON_AddNumberToObject (root, "tensors_total", report->tensors->len);
  cJSON_AddNumberToObject (root, "folded_activations", report->n_folded);
  list = cJSON_AddArrayToObject (root, "tensors");
  for (guint i = 0; i < shown (report->tensors->len, args->limit); i++)
    {
      const LtTensorError *row = g_ptr_array_index (report->tensors, i);
      cJSON               *item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "name", row->name);
      cJSON_AddStringToObject (item, "kind", lt_analysis_tensor_kind_to_string (row->kind));
      cJSON_AddBoolToObject (item, "quantized", row->quantized);
      cJSON_AddNumberToObject (item, "sqnr_db", row->sqnr_db);
      cJSON_AddNumberToObject (item, "max_abs_error", row->max_abs_error);
      cJSON_AddNumberToObject (item, "cosine", row->cosine);
      cJSON_AddItemToArray (list, item);
    }
  if (report->layers != NULL)
    {
      cJSON_AddNumberToObject (root, "layers_total", report->layers->len);
      list = cJSON_AddArrayToObject (root, "layers");
      for (guint i = 0; i < shown (report->layers->len, args->limit); i++)
        {
          const LtLayerSensitivity *row = g_ptr_array_index (report->layers, i);
          cJSON                    *item = cJSON_CreateObject ();
          cJSON_AddStringToObject (item, "name", row->name);
          cJSON_AddStringToObject (item, "op", row->op);
          cJSON_AddNumberToObject (item, "quantizers", row->n_quantizers);
          cJSON_AddNumberToObject (item, "only_sqnr_db", row->only_sqnr_db);
          cJSON_AddNumberToObject (item, "all_but_sqnr_db", row->all_but_sqnr_db);
          cJSON_AddItemToArray (list, item);
        }
    }
  list = cJSON_AddArrayToObject (root, "warnings");
  for (guint i = 0; i < report->warnings->len; i++)
    cJSON_AddItemToArray (list, cJSON_CreateString (g_ptr_array_index (report->warnings, i)));
  lt_cli_print_json (root);
}

/* The widest of `n` names, at least `header`'s width. */
static int
name_width (GPtrArray  *rows,
            guint       n,
            const char *header,
            const char *(*name_of) (gconstpointer row))
{
  int width = lt_cli_text_columns (header);

  for (guint i = 0; i < n; i++)
    width = MAX (width, lt_cli_text_columns (name_of (g_ptr_array_index (rows, i))));
  return MIN (width, 60);
}

static const char *
tensor_name (gconstpointer row)
{
  return ((const LtTensorError *) row)->name;
}

static const char *
layer_name (gconstpointer row)
{
  return ((const LtLayerSensitivity *) row)->name;
}

static const char *
layer_op (gconstpointer row)
{
  return ((const LtLayerSensitivity *) row)->op;
}

static void
print_table (const LtAnalysisReport *report,
             const analyze_args     *args)
{
  guint n = shown (report->tensors->len, args->limit);
  int   width = name_width (report->tensors, n, _ ("tensor"), tensor_name);
  int   op_width;

  printf (_ ("%u samples, mode %s on %s; outputs: SQNR %.2f dB, max |error| %.6g, cosine %.6f\n"), report->n_samples,
          lt_analysis_mode_to_string (report->mode), lt_analysis_backend_to_string (report->backend),
          lt_error_sums_sqnr_db (&report->outputs),
          report->outputs.max_abs_error, lt_error_sums_cosine (&report->outputs));
  printf (_ ("(SQNR is capped at %.0f dB: values that did not change show the cap)\n\n"), LT_ANALYSIS_SQNR_CAP_DB);
  lt_cli_print_cells ((LtCliCell[]){ { _ ("tensor"), width, FALSE },
                                      { _ ("kind"), 10, FALSE },
                                      { _ ("SQNR dB"), 9, TRUE },
                                      { _ ("max |error|"), 12, TRUE },
                                      { _ ("cosine"), 9, TRUE } },
                      5, "  ");
  printf ("\n");
  for (guint i = 0; i < n; i++)
    {
      const LtTensorError *row = g_ptr_array_index (report->tensors, i);
      const char          *kind = row->quantized ? lt_analysis_tensor_kind_to_string (row->kind) : _ ("(float)");

      lt_cli_print_cells ((LtCliCell[]){ { row->name, width, FALSE }, { kind, 10, FALSE } }, 2, "  ");
      printf ("  %9.2f  %12.6g  %9.6f\n", row->sqnr_db, row->max_abs_error, row->cosine);
    }
  if (n < report->tensors->len)
    printf (_ ("… %u more (--limit)\n"), report->tensors->len - n);
  if (report->n_folded > 0)
    printf (ngettext ("(%u Conv output folded into its BatchNormalization has no row: the engine never computes it, "
                      "as in QNN's converted graph)\n",
                      "(%u Conv outputs folded into their BatchNormalization have no row: the engine never computes "
                      "them, as in QNN's converted graph)\n",
                      report->n_folded),
            report->n_folded);
  if (report->layers == NULL)
    return;
  n = shown (report->layers->len, args->limit);
  width = name_width (report->layers, n, _ ("layer"), layer_name);
  op_width = name_width (report->layers, n, _ ("op"), layer_op);
  printf (_ ("\nsensitivity: output SQNR with only this layer quantized, and with all but this layer\n"));
  lt_cli_print_cells ((LtCliCell[]){ { _ ("layer"), width, FALSE },
                                      { _ ("op"), op_width, FALSE },
                                      { _ ("only dB"), 12, TRUE },
                                      { _ ("all but dB"), 12, TRUE } },
                      4, "  ");
  printf ("\n");
  for (guint i = 0; i < n; i++)
    {
      const LtLayerSensitivity *row = g_ptr_array_index (report->layers, i);

      lt_cli_print_cells ((LtCliCell[]){ { row->name, width, FALSE }, { row->op, op_width, FALSE } }, 2, "  ");
      printf ("  %12.2f  %12.2f\n", row->only_sqnr_db, row->all_but_sqnr_db);
    }
  if (n < report->layers->len)
    printf (_ ("… %u more (--limit)\n"), report->layers->len - n);
}

int
lt_cli_analyze (int    argc,
                char **argv)
{
  analyze_args       args = { 0 };
  const GOptionEntry entries[] = {
    { "encodings", 0, 0, G_OPTION_ARG_FILENAME, &args.encodings, N_ ("Encodings file (0.4, 0.6.1, 1.0.0 or 2.0.0)"), N_ ("FILE") },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args.data, N_ ("A folder of images or .npy files, or an input list"), N_ ("PATH") },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &args.project, N_ ("Take the model (and encodings) from a project and record the results in it"), N_ ("FILE.lathe") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &args.mode, N_ ("Quantize all (default), weights or activations"), N_ ("M") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &args.backend, N_ ("Quantized run: sim (default, f32 engine rounding onto the grids) or htp (the NPU backend's integer runner)"), N_ ("B") },
    { "sensitivity", 0, 0, G_OPTION_ARG_NONE, &args.sensitivity, N_ ("Also rank layers by output SQNR (two more passes per layer)"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &args.limit, N_ ("Show only the N worst tensors and layers (0: all)"), N_ ("N") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &args.threads, N_ ("Threads kernels may use (default: one per CPU)"), N_ ("N") },
    { NULL },
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (LtDataset) dataset = NULL;
  g_autoptr (LtAnalysisReport) report = NULL;
  g_autofree char  *source = NULL;
  LtAnalysisOptions options = { 0 };
  LtImageOptions    image;
  const char       *usage;
  const char       *model_name;
  lt_model         *model = NULL;
  int               status = LT_CLI_EXIT_FAILED;

  context = lt_cli_context_new (_ ("MODEL"), _ ("Per-tensor quantization error and per-layer sensitivity against f32."), &args.json);
  g_option_context_add_main_entries (context, entries, NULL);
  lt_cli_add_image_options (context, &args.image);
  if (!lt_cli_parse (context, &argc, &argv))
    {
      analyze_args_clear (&args);
      return LT_CLI_EXIT_USAGE;
    }
  usage = check_args (&args, argc, &options);
  if (usage != NULL)
    {
      analyze_args_clear (&args);
      return lt_cli_usage (context, usage);
    }
  model_name = args.project != NULL ? args.project : argv[1];

  if (!lt_cli_open_model_or_project (args.project ? NULL : argv[1], args.project, args.project != NULL, &model, &project, &error))
    goto out;
  set = lt_cli_read_encodings (args.encodings, project, &source, &error);
  if (set == NULL)
    goto out;
  if (!lt_cli_image_options_resolve (&args.image, lt_model_get_graph (model), &image, &error))
    goto out;
  dataset = lt_dataset_open (args.data, lt_model_get_graph (model), &image, &error);
  if (dataset == NULL)
    goto out;
  if (isatty (STDERR_FILENO) && !args.json)
    options.progress = show_progress;
  report = lt_analysis_run (model, set, dataset, &options, &error);
  if (report == NULL)
    {
      if (g_error_matches (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_ENCODINGS) || error->domain == LT_ENCODINGS_ERROR)
        g_prefix_error (&error, "%s: ", source);
      goto out;
    }
  if (project != NULL && !lt_project_record_analysis (project, report, args.data, NULL, &error))
    goto out;
  if (args.json)
    print_json (report, model_name, source, &args);
  else
    {
      for (guint i = 0; i < report->warnings->len; i++)
        g_printerr (_ ("lathe-cli: warning: %s\n"), (const char *) g_ptr_array_index (report->warnings, i));
      print_table (report, &args);
      if (project != NULL)
        printf (_ ("\nresults recorded in %s\n"), args.project);
    }
  status = LT_CLI_EXIT_OK;

out:
  lt_model_unref (model);
  analyze_args_clear (&args);
  if (error != NULL)
    return lt_cli_fail (error);
  return status;
}
