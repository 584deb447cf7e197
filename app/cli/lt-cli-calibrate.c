/* lt-cli-calibrate.c — `lathe-cli calibrate MODEL --data PATH`: run a
 * dataset (or one shard of it) through the model with observers on every
 * activation, then write the statistics (--stats-out) and/or the encodings
 * a method gives (-o).  `--from-stats F` skips the run and encodes merged
 * statistics instead.  With `--project F` instead of MODEL, the run and its
 * statistics are recorded in the project and the encodings written into it
 * as one undoable edit (-o and --stats-out still work alongside).  Refused samples are named on stderr and listed in
 * the statistics; they never enter them.  --cle and --bias-correction
 * change the model's weights and biases first (cross-layer equalization,
 * then empirical bias correction on the same data) and write it to
 * --model-out; statistics and encodings are then those of that model.
 * --cle-relu6-to-relu and --cle-absorb-high-bias are the two parts of
 * equalization that change the float function; they need --cle.
 * --fold-batchnorm (implied by --cle) folds each BatchNormalization after
 * a Conv into it, as QNN's converter does, so that the weight encodings
 * describe the deployed weights; without it, on a model whose
 * normalizations the engine folds, one warning says that they do not. */
#include "lt-cli-common.h"
#include "lt-cli-image-options.h"
#include "lt-cli-model-input.h"

#include "lt-bias-correction.h"
#include "lt-calib-encode.h"
#include "lt-calibrate.h"
#include "lt-equalize.h"
#include "lt-fold-batchnorm.h"
#include "lt-encodings-io.h"
#include "lt-engine-error.h"
#include "lt-project-calib.h"
#include "lt-project-encodings.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct
{
  char    *data;
  char    *from_stats;
  char    *project;
  char    *method;
  double   percentile;
  char    *shard;
  char    *output;
  char    *stats_out;
  char    *format;
  gint     act_bitwidth;
  gint     weight_bitwidth;
  gboolean act_symmetric;
  gboolean weight_symmetric;
  gboolean per_channel;
  LtCliImageArgs image;
  gint     threads;
  gboolean fold_batchnorm; /* set by --cle too */
  gboolean cle;
  gboolean cle_relu6_to_relu;
  gboolean cle_absorb_high_bias;
  gboolean bias_correction;
  char    *model_out;
  gboolean json;
} calibrate_args;

/* What the post-training techniques did, for the summary. */
typedef struct
{
  LtEqualizeReport equalize; /* skipped already printed and cleared */
  guint            corrected_biases;
  gboolean         model_written; /* --model-out holds a model this run wrote */
} technique_counts;

static void
calibrate_args_clear (calibrate_args *args)
{
  g_free (args->data);
  g_free (args->from_stats);
  g_free (args->project);
  g_free (args->method);
  g_free (args->shard);
  g_free (args->output);
  g_free (args->stats_out);
  g_free (args->format);
  g_free (args->model_out);
  lt_cli_image_args_clear (&args->image);
}

static gboolean
parse_shard (const char *text,
             guint      *k,
             guint      *n)
{
  guint64 a, b;
  char   *end;

  a = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '/')
    return FALSE;
  text = end + 1;
  b = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || a < 1 || b < 1 || a > b || b > G_MAXUINT)
    return FALSE;
  *k = (guint) a;
  *n = (guint) b;
  return TRUE;
}

/* Checks the options that need no file; NULL when all is well. */
static const char *
check_args (calibrate_args       *args,
            LtCalibEncodeOptions *encode,
            LtCalibrateOptions   *run,
            LtEncodingsFormat    *format)
{
  if ((args->data == NULL) == (args->from_stats == NULL))
    return _ ("give either --data or --from-stats");
  if (args->output == NULL && args->stats_out == NULL && args->project == NULL)
    return _ ("give -o for encodings, --stats-out for statistics, --project, or any of them together");
  if (args->from_stats != NULL && (args->shard != NULL || args->stats_out != NULL))
    return _ ("--shard and --stats-out need --data");
  if (!lt_calib_method_from_string (args->method != NULL ? args->method : "minmax", &encode->activations.method))
    return _ ("--method must be minmax, percentile, mse or entropy");
  if (args->percentile <= 50 || args->percentile > 100)
    return _ ("--percentile must be above 50 and at most 100");
  if (args->act_bitwidth != 8 && args->act_bitwidth != 16)
    return _ ("--act-bitwidth must be 8 or 16");
  if (args->weight_bitwidth != 4 && args->weight_bitwidth != 8 && args->weight_bitwidth != 16)
    return _ ("--weight-bitwidth must be 4, 8 or 16");
  if (!lt_encodings_format_from_string (args->format != NULL ? args->format : "0.6.1", format))
    return _ ("--format must be 0.6.1, 1.0.0 or 2.0.0");
  if (args->shard != NULL && !parse_shard (args->shard, &run->shard, &run->shard_count))
    return _ ("--shard must be k/N with 1 <= k <= N");
  args->fold_batchnorm = args->fold_batchnorm || args->cle;
  if ((args->fold_batchnorm || args->bias_correction) != (args->model_out != NULL))
    return _ ("--fold-batchnorm, --cle and --bias-correction write the model they change: give --model-out with them, and only then");
  if ((args->cle_relu6_to_relu || args->cle_absorb_high_bias) && !args->cle)
    return _ ("--cle-relu6-to-relu and --cle-absorb-high-bias are parts of --cle: give --cle with them");
  if ((args->fold_batchnorm || args->bias_correction) && (args->data == NULL || args->project != NULL))
    return _ ("--fold-batchnorm, --cle and --bias-correction need MODEL and --data");
  if (args->threads < 0)
    return _ ("--threads must not be negative");
  encode->activations.percentile = args->percentile;
  encode->activations.bitwidth = (guint) args->act_bitwidth;
  encode->activations.symmetric = args->act_symmetric;
  encode->weight_bitwidth = (guint) args->weight_bitwidth;
  encode->weight_symmetric = args->weight_symmetric;
  encode->per_channel = args->per_channel;
  encode->bias_bitwidth = 32;
  run->n_threads = (guint) args->threads;
  return lt_cli_image_options_check (&args->image);
}

/* "calibrating: 12/40" on stderr when it is a terminal, rewritten in place. */
static void
show_progress (guint    done,
               guint    total,
               gpointer user_data)
{
  g_autofree char *text = g_strdup_printf (_ ("calibrating: %u/%u samples"), done, total);

  (void) user_data;
  lt_cli_show_progress (text, done, total);
}

static LtCalibStats *
collect (lt_model                 *model,
         const char               *model_sha256,
         const calibrate_args     *args,
         const LtImageOptions     *image,
         const LtCalibrateOptions *run,
         GError                  **error)
{
  g_autoptr (LtDataset) dataset = lt_dataset_open (args->data, lt_model_get_graph (model), image, error);
  LtCalibrateOptions with_progress = *run;
  LtCalibStats      *stats;

  if (dataset == NULL)
    return NULL;
  if (isatty (STDERR_FILENO) && !args->json)
    with_progress.progress = show_progress;
  stats = lt_calibrate_collect (model, model_sha256, dataset, &with_progress, error);
  if (stats == NULL)
    return NULL;
  for (guint i = 0; i < stats->rejected->len; i++)
    {
      const LtRejectedSample *r = g_ptr_array_index (stats->rejected, i);
      g_printerr (_ ("lathe-cli: sample %s refused: %s\n"), r->sample, r->reason);
    }
  return stats;
}

/* *model is replaced by the model at `path`. */
static gboolean
reload (lt_model  **model,
        const char *path,
        GError    **error)
{
  lt_model *loaded = NULL;
  lt_error  err;

  lt_error_clear (&err);
  if (lt_model_load (path, NULL, &loaded, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  lt_model_unref (*model);
  *model = loaded;
  return TRUE;
}

static void
print_notes (GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++)
    g_printerr (_ ("lathe-cli: note: %s\n"), (const char *) g_ptr_array_index (notes, i));
}

/* Writes *model with `edits` to --model-out and continues with that model. */
static gboolean
write_model (lt_model            **model,
             const LtWeightEdits  *edits,
             const calibrate_args *args,
             technique_counts     *counts,
             GError              **error)
{
  if (!lt_weight_edits_write (edits, *model, args->model_out, error))
    return FALSE;
  counts->model_written = TRUE;
  return reload (model, args->model_out, error);
}

static gboolean
equalize (lt_model           **model,
          const calibrate_args *args,
          technique_counts     *counts,
          GError              **error)
{
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (lt_model_get_graph (*model));
  LtEqualizeOptions options = { .clip_to_relu = args->cle_relu6_to_relu, .absorb_high_bias = args->cle_absorb_high_bias };

  lt_equalize (lt_model_get_graph (*model), &options, edits, &counts->equalize);
  print_notes (counts->equalize.skipped);
  g_clear_pointer (&counts->equalize.skipped, g_ptr_array_unref);
  return write_model (model, edits, args, counts, error);
}

/* --fold-batchnorm without --cle: the folding step of equalization alone. */
static gboolean
fold_batchnorms (lt_model           **model,
                 const calibrate_args *args,
                 technique_counts     *counts,
                 GError              **error)
{
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (lt_model_get_graph (*model));
  g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) folded = lt_fold_batchnorms (lt_model_get_graph (*model), edits, skipped);

  print_notes (skipped);
  counts->equalize.n_folded = folded->len;
  return write_model (model, edits, args, counts, error);
}

static gboolean
correct_biases (lt_model                  **model,
                const calibrate_args       *args,
                const LtImageOptions       *image,
                const LtCalibEncodeOptions *encode,
                const LtCalibrateOptions   *run,
                technique_counts           *counts,
                GError                    **error)
{
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (lt_model_get_graph (*model));
  LtBiasCorrectionReport report;
  LtDataset             *dataset = lt_dataset_open (args->data, lt_model_get_graph (*model), image, error);
  gboolean               ok;

  if (dataset == NULL)
    return FALSE;
  ok = lt_bias_correct (*model, dataset, encode, run->n_threads, edits, &report, error);
  lt_dataset_free (dataset);
  print_notes (report.skipped);
  counts->corrected_biases = report.n_layers;
  lt_bias_correction_report_clear (&report);
  return ok && write_model (model, edits, args, counts, error);
}

static void
print_equalize_summary (const LtEqualizeReport *report,
                        const calibrate_args   *args)
{
  printf (_ ("cross-layer equalization: %u BatchNormalizations folded, %u layer pairs equalized\n"), report->n_folded,
          report->n_pairs);
  if (report->n_clip_pairs > 0)
    printf (_ ("cross-layer equalization: %u pairs left out because a Clip with an upper bound (ReLU6) joins them; "
               "--cle-relu6-to-relu equalizes them too, making those Clips Relu\n"),
            report->n_clip_pairs);
  if (args->cle_relu6_to_relu)
    printf (_ ("cross-layer equalization: %u Clips replaced by Relu (the float function changes above their upper bound)\n"),
            report->n_clips_replaced);
  if (args->cle_absorb_high_bias)
    printf (_ ("cross-layer equalization: high bias absorbed in %u channels\n"), report->n_absorbed);
}

static void
print_summary (const LtCalibStats     *stats,
               const LtEncodingSet    *set,
               const calibrate_args   *args,
               const technique_counts *counts)
{
  guint n_act = set != NULL ? g_hash_table_size (set->by_name[LT_ENCODING_SECTION_ACTIVATION]) : 0;
  guint n_param = set != NULL ? g_hash_table_size (set->by_name[LT_ENCODING_SECTION_PARAM]) : 0;

  if (args->json)
    {
      cJSON *root = cJSON_CreateObject ();
      cJSON_AddNumberToObject (root, "samples_used", stats->n_samples_used);
      cJSON_AddNumberToObject (root, "samples_refused", stats->rejected->len);
      cJSON_AddNumberToObject (root, "activation_encodings", n_act);
      cJSON_AddNumberToObject (root, "param_encodings", n_param);
      cJSON_AddNumberToObject (root, "folded_activations", stats->folded->len);
      if (args->output)
        cJSON_AddStringToObject (root, "encodings", args->output);
      if (args->stats_out)
        cJSON_AddStringToObject (root, "stats", args->stats_out);
      if (args->project)
        cJSON_AddStringToObject (root, "project", args->project);
      if (args->model_out)
        {
          cJSON_AddStringToObject (root, "model", args->model_out);
          cJSON_AddNumberToObject (root, "equalized_pairs", counts->equalize.n_pairs);
          cJSON_AddNumberToObject (root, "folded_batchnorms", counts->equalize.n_folded);
          cJSON_AddNumberToObject (root, "clip_pairs_left_out", counts->equalize.n_clip_pairs);
          cJSON_AddNumberToObject (root, "clips_replaced", counts->equalize.n_clips_replaced);
          cJSON_AddNumberToObject (root, "high_bias_channels_absorbed", counts->equalize.n_absorbed);
          cJSON_AddNumberToObject (root, "corrected_biases", counts->corrected_biases);
        }
      lt_cli_print_json (root);
      return;
    }
  if (args->cle)
    print_equalize_summary (&counts->equalize, args);
  else if (args->fold_batchnorm)
    printf (_ ("%u BatchNormalizations folded into the Conv before them\n"), counts->equalize.n_folded);
  if (args->bias_correction)
    printf (_ ("bias correction: %u biases corrected\n"), counts->corrected_biases);
  if (args->model_out)
    printf (_ ("model written to %s\n"), args->model_out);
  printf (_ ("%u samples used, %u refused\n"), stats->n_samples_used, stats->rejected->len);
  if (set != NULL && args->output != NULL)
    printf (_ ("%u activation and %u parameter encodings written to %s\n"), n_act, n_param, args->output);
  if (set != NULL && args->project != NULL)
    printf (_ ("%u activation and %u parameter encodings stored in %s as one edit\n"), n_act, n_param, args->project);
  if (set != NULL && stats->folded->len > 0)
    printf (ngettext ("%u Conv output folded into its BatchNormalization has no encoding (as in QNN's converted graph)\n",
                      "%u Conv outputs folded into their BatchNormalization have no encoding (as in QNN's converted graph)\n",
                      stats->folded->len),
            stats->folded->len);
  if (args->stats_out != NULL)
    printf (_ ("statistics written to %s\n"), args->stats_out);
}

/* The run, its statistics and its encodings into the project: the run is
 * a measurement, the encodings one edit named "calibrate". */
static gboolean
store_in_project (LtProject                  *project,
                  const LtCalibStats         *stats,
                  const LtEncodingSet        *set,
                  const calibrate_args       *args,
                  const LtCalibEncodeOptions *encode,
                  GError                    **error)
{
  cJSON   *options = cJSON_CreateObject ();
  char    *options_text;
  gboolean ok;

  cJSON_AddNumberToObject (options, "act_bitwidth", encode->activations.bitwidth);
  cJSON_AddNumberToObject (options, "weight_bitwidth", encode->weight_bitwidth);
  cJSON_AddBoolToObject (options, "act_symmetric", encode->activations.symmetric);
  cJSON_AddBoolToObject (options, "weight_symmetric", encode->weight_symmetric);
  cJSON_AddBoolToObject (options, "per_channel", encode->per_channel);
  cJSON_AddNumberToObject (options, "percentile", encode->activations.percentile);
  cJSON_AddNumberToObject (options, "samples_used", stats->n_samples_used);
  options_text = cJSON_PrintUnformatted (options);
  cJSON_Delete (options);
  ok = lt_project_record_calibration (project, stats, args->data != NULL ? args->data : args->from_stats,
                                      args->method != NULL ? args->method : "minmax", options_text, NULL, error) &&
       lt_project_store_encoding_set (project, "calibrate", set, args->project, error);
  cJSON_free (options_text);
  return ok;
}

int
lt_cli_calibrate (int    argc,
                  char **argv)
{
  calibrate_args     args = { .percentile = 99.99, .act_bitwidth = 8, .weight_bitwidth = 8 };
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args.data, N_ ("A folder of images or .npy files, or an input list"), N_ ("PATH") },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &args.project, N_ ("Take the model from a project and store the run and encodings in it"), N_ ("FILE.lathe") },
    { "from-stats", 0, 0, G_OPTION_ARG_FILENAME, &args.from_stats, N_ ("Encode these statistics instead of running the model"), N_ ("FILE") },
    { "method", 0, 0, G_OPTION_ARG_STRING, &args.method, N_ ("minmax (default), percentile, mse or entropy"), N_ ("M") },
    { "percentile", 0, 0, G_OPTION_ARG_DOUBLE, &args.percentile, N_ ("Percentile kept by --method percentile (default 99.99)"), N_ ("P") },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &args.shard, N_ ("Only samples i with i % N == k - 1"), N_ ("k/N") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output, N_ ("Write the encodings here"), N_ ("FILE") },
    { "stats-out", 0, 0, G_OPTION_ARG_FILENAME, &args.stats_out, N_ ("Write the statistics here"), N_ ("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &args.format, N_ ("Encodings layout: 0.6.1 (default), 1.0.0 or 2.0.0"), N_ ("V") },
    { "act-bitwidth", 0, 0, G_OPTION_ARG_INT, &args.act_bitwidth, N_ ("Activation bits: 8 (default) or 16"), N_ ("BW") },
    { "weight-bitwidth", 0, 0, G_OPTION_ARG_INT, &args.weight_bitwidth, N_ ("Weight bits: 4, 8 (default) or 16"), N_ ("BW") },
    { "act-symmetric", 0, 0, G_OPTION_ARG_NONE, &args.act_symmetric, N_ ("Symmetric activation encodings"), NULL },
    { "weight-symmetric", 0, 0, G_OPTION_ARG_NONE, &args.weight_symmetric, N_ ("Symmetric weight encodings"), NULL },
    { "per-channel", 0, 0, G_OPTION_ARG_NONE, &args.per_channel, N_ ("Weights per output channel"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &args.threads, N_ ("Threads kernels may use (default: one per CPU)"), N_ ("N") },
    { "fold-batchnorm", 0, 0, G_OPTION_ARG_NONE, &args.fold_batchnorm, N_ ("Fold BatchNormalization into the Conv before it, as QNN's converter does, so that the weight encodings describe the deployed weights"), NULL },
    { "cle", 0, 0, G_OPTION_ARG_NONE, &args.cle, N_ ("Fold BatchNormalization into the Conv before it and equalize weights across layers first"), NULL },
    { "cle-relu6-to-relu", 0, 0, G_OPTION_ARG_NONE, &args.cle_relu6_to_relu, N_ ("With --cle, make a Clip (0, max) between two layers a Relu so that they are equalized (changes the float function above max)"), NULL },
    { "cle-absorb-high-bias", 0, 0, G_OPTION_ARG_NONE, &args.cle_absorb_high_bias, N_ ("With --cle, move high biases of BatchNormalized layers into the next layer (changes the float function slightly)"), NULL },
    { "bias-correction", 0, 0, G_OPTION_ARG_NONE, &args.bias_correction, N_ ("Correct biases for the weight quantization error, on the data"), NULL },
    { "model-out", 0, 0, G_OPTION_ARG_FILENAME, &args.model_out, N_ ("Write the model --fold-batchnorm, --cle or --bias-correction changed here"), N_ ("FILE") },
    { NULL },
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LtCalibStats) stats = NULL;
  g_autoptr (LtEncodingSet) set = NULL;
  g_autofree char     *sha = NULL;
  g_autoptr (LtProject) project = NULL;
  LtCalibEncodeOptions encode = { 0 };
  LtImageOptions       image;
  LtCalibrateOptions   run = { .shard = 1, .shard_count = 1 };
  LtEncodingsFormat    format;
  technique_counts     counts = { 0 };
  const char          *usage;
  lt_model            *model = NULL;
  int                  status = LT_CLI_EXIT_FAILED;

  context = lt_cli_context_new (_ ("MODEL"), _ ("Calibrate a model on a dataset and write encodings or statistics."), &args.json);
  g_option_context_add_main_entries (context, entries, NULL);
  lt_cli_add_image_options (context, &args.image);
  if (!lt_cli_parse (context, &argc, &argv))
    {
      calibrate_args_clear (&args);
      return LT_CLI_EXIT_USAGE;
    }
  usage = argc != (args.project ? 1 : 2) ? _ ("expected one MODEL or --project FILE.lathe") : check_args (&args, &encode, &run, &format);
  if (usage != NULL)
    {
      calibrate_args_clear (&args);
      return lt_cli_usage (context, usage);
    }

  if (!lt_cli_open_model_or_project (args.project ? NULL : argv[1], args.project, TRUE, &model, &project, &error))
    {
      calibrate_args_clear (&args);
      return lt_cli_fail (error);
    }
  if (project)
    {
      g_autoptr (LtProjectModel) info = lt_project_get_model (project, &error);

      sha = info ? g_strdup (info->sha256) : NULL;
    }
  else
    sha = lt_calib_file_sha256 (argv[1], &error);
  if (sha == NULL || !lt_cli_image_options_resolve (&args.image, lt_model_get_graph (model), &image, &error))
    goto out;
  if (args.cle && !equalize (&model, &args, &counts, &error))
    goto out;
  if (args.fold_batchnorm && !args.cle && !fold_batchnorms (&model, &args, &counts, &error))
    goto out;
  if (args.bias_correction && !correct_biases (&model, &args, &image, &encode, &run, &counts, &error))
    goto out;
  if (args.model_out != NULL)
    {
      g_free (sha);
      if ((sha = lt_calib_file_sha256 (args.model_out, &error)) == NULL)
        goto out;
    }
  if (args.data != NULL)
    stats = collect (model, sha, &args, &image, &run, &error);
  else if ((stats = lt_calib_stats_read_file (args.from_stats, &error)) != NULL && g_strcmp0 (stats->model_sha256, sha) != 0)
    g_set_error (&error, LT_CALIB_ERROR, LT_CALIB_ERROR_MISMATCH, _ ("%s: the statistics come from another model than %s"),
                 args.from_stats, args.project != NULL ? args.project : argv[1]);
  if (error != NULL)
    goto out;
  if (args.from_stats != NULL && stats->shards->len < stats->shard_count)
    g_printerr (_ ("lathe-cli: warning: %s covers %u of %u shards\n"), args.from_stats, stats->shards->len,
                stats->shard_count);
  if (args.stats_out != NULL && !lt_calib_stats_write_file (stats, args.stats_out, &error))
    goto out;
  if (args.output != NULL || project != NULL)
    {
      set = lt_calib_encode (lt_model_get_graph (model), stats, &encode);
      for (guint i = 0; i < set->warnings->len; i++)
        g_printerr (_ ("lathe-cli: warning: %s\n"), (const char *) g_ptr_array_index (set->warnings, i));
      /* Conv outputs the engine folds away mean BatchNormalizations QNN folds too. */
      if (stats->folded->len > 0)
        g_printerr (_ ("lathe-cli: warning: the weight encodings describe the Conv weights before the BatchNormalization "
                       "after them is folded in, while QNN's converter folds it; --fold-batchnorm --model-out FILE writes "
                       "a model whose weight encodings match\n"));
      if (args.output != NULL && !lt_encodings_write_file (set, format, args.output, NULL, &error))
        goto out;
      if (project != NULL && !store_in_project (project, stats, set, &args, &encode, &error))
        goto out;
    }
  print_summary (stats, set, &args, &counts);
  status = LT_CLI_EXIT_OK;

out:
  /* A failed run leaves no changed model without its encodings. */
  if (status != LT_CLI_EXIT_OK && counts.model_written)
    g_unlink (args.model_out);
  lt_model_unref (model);
  calibrate_args_clear (&args);
  if (error != NULL)
    return lt_cli_fail (error);
  return status;
}
