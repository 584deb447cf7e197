/* lt-bias-correction.c — empirical bias correction (lt-bias-correction.h).
 *
 * The quantized model is a temporary file next to the model (so that
 * external data, found relative to the model's folder, still resolves),
 * rewritten before each depth with the corrections made so far.  Channel
 * means are sums in double over every sample and position.
 */
#include "lt-bias-correction.h"

#include "lt-calibrate.h"
#include "lt-engine-error.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

/* ---- channel means -------------------------------------------------------- */

typedef struct
{
  gint    *slot_of_value; /* value id → index into the names, or -1 */
  double **sums;          /* per name: n_channels sums, NULL until seen */
  guint   *n_channels;
  guint64 *n_per_channel; /* values summed into each channel */
} means_observer;

static void
observe_means (void            *user_data,
               const lt_graph  *graph,
               int32_t          value_id,
               const lt_tensor *value)
{
  means_observer *obs = user_data;
  gint            slot = obs->slot_of_value[value_id];
  guint64         channels, inner = 1;

  (void) graph;
  if (slot < 0 || value->dtype != LT_DTYPE_F32 || value->count == 0)
    return;
  channels = value->rank >= 2 ? (guint64) value->dims[1] : 1;
  for (int32_t d = 2; d < value->rank; d++)
    inner *= (guint64) value->dims[d];
  if (obs->sums[slot] == NULL)
    {
      obs->sums[slot] = g_new0 (double, channels);
      obs->n_channels[slot] = (guint) channels;
    }
  if (obs->n_channels[slot] != channels)
    return; /* the weights fix the channel count: not reached */
  const float *x = value->data;
  for (guint64 i = 0; i < value->count; i += inner)
    {
      double sum = 0;
      for (guint64 k = 0; k < inner; k++)
        sum += x[i + k];
      obs->sums[slot][(i / inner) % channels] += sum;
    }
  obs->n_per_channel[slot] += value->count / channels;
}

gboolean
lt_channel_means (lt_model          *model,
                  LtDataset         *dataset,
                  const char *const *names,
                  guint              n,
                  guint              n_threads,
                  double           **means,
                  guint             *n_channels,
                  GError           **error)
{
  const lt_graph    *graph = lt_model_get_graph (model);
  guint              n_values = lt_graph_get_n_values (graph);
  g_autofree gint   *slot_of_value = g_new (gint, n_values);
  means_observer     obs = { slot_of_value, g_new0 (double *, n), n_channels, g_new0 (guint64, n) };
  lt_session_options options = { .n_threads = n_threads, .observer_fn = observe_means, .observer_data = &obs };
  lt_session        *session = NULL;
  LtInputLine       *held = NULL, *last = NULL;
  guint              n_used = 0;
  gboolean           ok = TRUE;
  lt_error           err;

  for (guint v = 0; v < n_values; v++)
    slot_of_value[v] = -1;
  for (guint k = 0; k < n; k++)
    {
      int32_t id = lt_graph_find_value (graph, names[k]);
      if (id >= 0)
        slot_of_value[id] = (gint) k;
      n_channels[k] = 0;
    }
  lt_error_clear (&err);
  if (lt_session_new (model, &options, &session, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      ok = FALSE;
    }
  for (guint i = 0; ok && i < lt_dataset_get_n_samples (dataset); i++)
    {
      LtInputLine *sample = NULL;
      g_autoptr (GError) refused = NULL;

      if (!lt_calibrate_bind_sample (dataset, i, session, graph, &sample, &last, &refused))
        {
          if (last == sample)
            last = NULL;
          lt_input_line_free (sample);
          continue;
        }
      if (lt_session_run (session, &err) != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          g_prefix_error (error, _ ("sample %s: "), lt_dataset_get_sample_name (dataset, i));
          lt_input_line_free (sample);
          ok = FALSE;
          break;
        }
      n_used++;
      lt_input_line_free (held);
      held = sample;
    }
  lt_input_line_free (held);
  lt_session_free (session);
  if (ok && n_used == 0)
    {
      g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_NO_DATA, _ ("every sample of the dataset was refused"));
      ok = FALSE;
    }
  for (guint k = 0; k < n; k++)
    {
      if (ok && obs.sums[k] != NULL)
        for (guint c = 0; c < n_channels[k]; c++)
          obs.sums[k][c] /= (double) MAX (obs.n_per_channel[k], 1);
      means[k] = ok ? obs.sums[k] : NULL;
      if (!ok)
        g_free (obs.sums[k]);
    }
  g_free (obs.sums);
  g_free (obs.n_per_channel);
  return ok;
}

/* ---- fake-quantized weights ----------------------------------------------- */

static gboolean
is_layer (const lt_node *node)
{
  return node->op == LT_OP_Conv || node->op == LT_OP_Gemm;
}

/* Quantizes and dequantizes `w` (the values of `t`) in place. */
static void
fake_quantize (float            *w,
               const lt_tensor  *t,
               const LtEncoding *encoding)
{
  gint    axis = encoding->n_values > 1 ? lt_encoding_normalize_axis (encoding->axis, t->rank) : -1;
  guint64 inner = 1;
  double  q_max = lt_encoding_grid_max (encoding->bitwidth);

  if (encoding->n_values > 1 && (axis < 0 || t->dims[axis] != (int64_t) encoding->n_values))
    return;
  for (gint d = axis + 1; axis >= 0 && d < t->rank; d++)
    inner *= (guint64) t->dims[d];
  for (guint64 i = 0; i < t->count; i++)
    {
      guint  c = axis >= 0 ? (guint) ((i / inner) % encoding->n_values) : 0;
      double scale = encoding->scale[c];
      double q = CLAMP (nearbyint (w[i] / scale) - (double) encoding->offset[c], 0, q_max);
      w[i] = (float) ((q + (double) encoding->offset[c]) * scale);
    }
}

void
lt_fake_quantize_weights (const lt_graph             *graph,
                          const LtCalibEncodeOptions *encode,
                          LtWeightEdits              *edits)
{
  /* Weight encodings depend on the weights alone: no statistics needed. */
  g_autoptr (LtCalibStats) none = lt_calib_stats_new ("", 0, 1, 1);
  g_autoptr (LtEncodingSet) set = lt_calib_encode (graph, none, encode);

  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
    {
      const lt_node    *node = lt_graph_get_node (graph, id);
      const lt_value   *w;
      const LtEncoding *encoding;

      if (!is_layer (node) || node->n_inputs < 2 || node->inputs[1] < 0)
        continue;
      w = lt_graph_get_value (graph, node->inputs[1]);
      encoding = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, w->name);
      if (lt_weight_edits_can_edit (w) && encoding != NULL && encoding->dtype == LT_ENCODING_DTYPE_INT)
        fake_quantize (lt_weight_edits_get (edits, w), w->constant, encoding);
    }
}

/* ---- the correction ------------------------------------------------------- */

typedef struct
{
  int32_t     node_id;
  const char *output; /* borrowed from the graph */
  guint64     n_out;
  double      beta;
  guint       depth; /* from 1 */
} layer;

void
lt_bias_correction_report_clear (LtBiasCorrectionReport *report)
{
  g_clear_pointer (&report->skipped, g_ptr_array_unref);
  report->n_layers = report->n_runs = 0;
}

/* The layer at node `id`, or FALSE with the reason in `skipped` when it
 * is a Conv/Gemm whose bias cannot be corrected. */
static gboolean
layer_init (layer          *l,
            const lt_graph *graph,
            int32_t         id,
            GPtrArray      *skipped)
{
  const lt_node  *node = lt_graph_get_node (graph, id);
  const lt_value *w = node->n_inputs > 1 && node->inputs[1] >= 0 ? lt_graph_get_value (graph, node->inputs[1]) : NULL;
  const lt_value *out = lt_graph_get_value (graph, node->outputs[0]);
  const char     *why = NULL;

  if (!is_layer (node) || w == NULL || !lt_weight_edits_can_edit (w) || w->constant->rank < 2)
    return FALSE;
  *l = (layer){ id, out->name, (guint64) w->constant->dims[0], 1.0, 0 };
  if (node->op == LT_OP_Gemm)
    {
      l->n_out = (guint64) w->constant->dims[lt_node_get_attr_int (node, "transB", 0) ? 0 : 1];
      l->beta = lt_node_get_attr_float (node, "beta", 1.0f);
    }
  if (node->n_inputs > 2 && node->inputs[2] >= 0)
    {
      const lt_value *b = lt_graph_get_value (graph, node->inputs[2]);
      if (!lt_weight_edits_can_edit (b) || b->constant->count != l->n_out)
        why = _ ("its bias is not a float32 constant with one value per output channel");
      else if (b->n_consumers != 1)
        why = _ ("its bias is shared with other nodes");
    }
  if (l->beta == 0 || !isfinite (l->beta))
    why = _ ("its beta is 0");
  if (why != NULL)
    g_ptr_array_add (skipped, g_strdup_printf ("%s: %s", out->name, why));
  return why == NULL;
}

/* Every correctable layer with its depth, in node order. */
static GArray *
find_layers (const lt_graph *graph,
             GPtrArray      *skipped)
{
  GArray           *layers = g_array_new (FALSE, FALSE, sizeof (layer));
  g_autofree guint *depth_of_value = g_new0 (guint, lt_graph_get_n_values (graph));

  /* Node ids are in topological order. */
  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
    {
      const lt_node *node = lt_graph_get_node (graph, id);
      guint          depth = 0;
      layer          l;

      for (uint32_t j = 0; j < node->n_inputs; j++)
        if (node->inputs[j] >= 0)
          depth = MAX (depth, depth_of_value[node->inputs[j]]);
      if (layer_init (&l, graph, id, skipped))
        {
          l.depth = ++depth;
          g_array_append_val (layers, l);
        }
      for (uint32_t j = 0; j < node->n_outputs; j++)
        if (node->outputs[j] >= 0)
          depth_of_value[node->outputs[j]] = depth;
    }
  return layers;
}

static float *
bias_of (LtWeightEdits *edits,
         const layer   *l)
{
  float *bias = lt_weight_edits_find_bias (edits, l->node_id);

  return bias != NULL ? bias : lt_weight_edits_add_bias (edits, l->node_id, l->n_out);
}

/* A file name for the quantized model in `model`'s folder. */
static char *
scratch_path (const lt_model *model,
              GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (lt_model_get_path (model));
  char            *path = g_build_filename (dir, ".lathe-fake-quant-XXXXXX", NULL);
  int              fd = g_mkstemp (path);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_IO, _ ("%s: cannot create a temporary model: %s"), dir,
                   g_strerror (saved));
      g_free (path);
      return NULL;
    }
  close (fd);
  return path;
}

/* lt_channel_means of the values `names` in `model` with the edits
 * `quantized` applied, written to `path` first. */
static gboolean
quantized_means (lt_model            *model,
                 const LtWeightEdits *quantized,
                 const char          *path,
                 LtDataset           *dataset,
                 const char *const   *names,
                 guint                n,
                 guint                n_threads,
                 double             **means,
                 guint               *n_channels,
                 GError             **error)
{
  lt_model *q_model = NULL;
  lt_error  err;
  gboolean  ok;

  lt_error_clear (&err);
  if (!lt_weight_edits_write (quantized, model, path, error))
    return FALSE;
  if (lt_model_load (path, NULL, &q_model, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  ok = lt_channel_means (q_model, dataset, names, n, n_threads, means, n_channels, error);
  lt_model_unref (q_model);
  return ok;
}

gboolean
lt_bias_correct (lt_model                   *model,
                 LtDataset                  *dataset,
                 const LtCalibEncodeOptions *encode,
                 guint                       n_threads,
                 LtWeightEdits              *edits,
                 LtBiasCorrectionReport     *report,
                 GError                    **error)
{
  const lt_graph *graph = lt_model_get_graph (model);
  g_autoptr (GArray) layers = NULL;
  g_autoptr (LtWeightEdits) quantized = lt_weight_edits_new (graph);
  g_autofree const char **names = NULL;
  g_autofree double     **fp = NULL, **q = NULL;
  g_autofree guint       *fp_channels = NULL, *q_channels = NULL;
  g_autofree char        *path = NULL;
  guint                   max_depth = 0;
  gboolean                ok;

  report->skipped = g_ptr_array_new_with_free_func (g_free);
  report->n_layers = report->n_runs = 0;
  layers = find_layers (graph, report->skipped);
  if (layers->len == 0)
    return TRUE;
  names = g_new0 (const char *, layers->len);
  fp = g_new0 (double *, layers->len);
  q = g_new0 (double *, layers->len);
  fp_channels = g_new0 (guint, layers->len);
  q_channels = g_new0 (guint, layers->len);
  for (guint k = 0; k < layers->len; k++)
    {
      names[k] = g_array_index (layers, layer, k).output;
      max_depth = MAX (max_depth, g_array_index (layers, layer, k).depth);
    }
  ok = lt_channel_means (model, dataset, names, layers->len, n_threads, fp, fp_channels, error);
  report->n_runs = ok ? 1 : 0;
  lt_fake_quantize_weights (graph, encode, quantized);
  if (ok)
    ok = (path = scratch_path (model, error)) != NULL;
  for (guint depth = 1; ok && depth <= max_depth; depth++)
    {
      g_autofree const char **at_depth = g_new0 (const char *, layers->len);
      g_autofree guint       *index = g_new0 (guint, layers->len);
      guint                   n = 0;

      for (guint k = 0; k < layers->len; k++)
        if (g_array_index (layers, layer, k).depth == depth)
          {
            index[n] = k;
            at_depth[n++] = names[k];
          }
      if (n == 0)
        continue;
      if (!(ok = quantized_means (model, quantized, path, dataset, at_depth, n, n_threads, q, q_channels, error)))
        break;
      report->n_runs++;
      for (guint j = 0; j < n; j++)
        {
          const layer *l = &g_array_index (layers, layer, index[j]);

          if (fp[index[j]] != NULL && q[j] != NULL && fp_channels[index[j]] == l->n_out && q_channels[j] == l->n_out)
            {
              float *bias = bias_of (edits, l), *q_bias = bias_of (quantized, l);
              for (guint64 c = 0; c < l->n_out; c++)
                {
                  double delta = (fp[index[j]][c] - q[j][c]) / l->beta;
                  bias[c] = (float) (bias[c] + delta);
                  q_bias[c] = (float) (q_bias[c] + delta);
                }
              report->n_layers++;
            }
          else
            g_ptr_array_add (report->skipped, g_strdup_printf (_ ("%s: its output was not seen per channel"), l->output));
          g_clear_pointer (&q[j], g_free);
        }
    }
  if (path != NULL)
    g_remove (path);
  for (guint k = 0; k < layers->len; k++)
    {
      g_free (fp[k]);
      g_free (q[k]);
    }
  return ok;
}
