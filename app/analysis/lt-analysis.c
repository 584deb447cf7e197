/* lt-analysis.c — quantization error per tensor and sensitivity per layer
 * (see lt-analysis.h).
 *
 * Two sessions over the same model: `reference` (f32, an observer that
 * copies every float value of the current sample) and `simulated` (its
 * weights replaced by their quantize-dequantize with
 * lt_session_set_constant, a transform that rounds each encoded
 * activation in place, an observer that compares what it computed with
 * the reference's copy).  Graph inputs are rounded on a copy before they
 * are bound.  A configuration is the set of quantizers switched on; each
 * is one pass over the dataset, sample by sample, so only the current
 * sample's values are ever held.
 *
 * With the htp backend, `htp` (the NPU runner, its own observer comparing
 * the dequantized values) takes the simulated session's place; weights
 * and inputs are quantized by the runner itself.
 *
 * Invariant: quantizers[v].quant != NULL exactly for the values whose
 * encoding the simulation applies, and every such value belongs to one
 * layer (quantizers[v].layer >= 0).
 */
#include "lt-analysis.h"

#include "lt-encodings-htp.h"
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"
#include "lt-engine-error.h"
#include "lt-fake-quant.h"
#include "lt-folded-values.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (lt-analysis-error-quark, lt_analysis_error)

typedef struct
{
  LtFakeQuant *quant;     /* NULL when the value is not simulated */
  gboolean     is_weight; /* an initializer, replaced in the session */
  gint         layer;     /* index in layers; -1 without a quantizer */
  float       *rounded;   /* weights: the quantize-dequantize of the constant */
  float       *original;  /* weights: the constant as aligned floats */
} Quantizer;

typedef struct
{
  char   *name;
  char   *op;
  GArray *values; /* int32_t ids of the layer's quantized values */
} Layer;

typedef struct
{
  const lt_graph          *graph;
  LtDataset               *dataset;
  const LtAnalysisOptions *options;
  guint                    n_values;
  Quantizer               *quantizers;
  GPtrArray               *layers;   /* Layer * */
  GPtrArray               *warnings; /* char *, handed to the report */
  gboolean                *enabled;  /* per value: quantizer on in this pass */
  lt_session              *reference;
  lt_session              *simulated; /* the quantized run: exactly one of simulated and htp */
  lt_htp_session          *htp;
  LtHtpEncodings          *htp_encodings;
  LtInputLine             *held; /* the sample both sessions were last reshaped for */
  LtInputLine             *reference_last;
  LtInputLine             *simulated_last;
  gboolean                 compare;          /* this pass fills tensor_sums */
  float                  **reference_values; /* per value: this sample's f32 copy */
  guint64                 *reference_counts;
  LtErrorSums             *tensor_sums;       /* per value */
  LtErrorSums              output_sums;       /* this pass */
  GPtrArray               *reference_outputs; /* per sample: its f32 outputs end to end; NULL once over the cap */
  guint64                  cached_bytes;
  guint                    done;
  guint                    total;
} Analysis;

const char *
lt_analysis_mode_to_string (LtAnalysisMode mode)
{
  switch (mode)
    {
    case LT_ANALYSIS_MODE_WEIGHTS:
      return "weights";
    case LT_ANALYSIS_MODE_ACTIVATIONS:
      return "activations";
    case LT_ANALYSIS_MODE_ALL:
    default:
      return "all";
    }
}

gboolean
lt_analysis_mode_from_string (const char     *text,
                              LtAnalysisMode *mode)
{
  for (LtAnalysisMode m = LT_ANALYSIS_MODE_ALL; m <= LT_ANALYSIS_MODE_ACTIVATIONS; m++)
    if (g_strcmp0 (text, lt_analysis_mode_to_string (m)) == 0)
      {
        *mode = m;
        return TRUE;
      }
  return FALSE;
}

const char *
lt_analysis_backend_to_string (LtAnalysisBackend backend)
{
  return backend == LT_ANALYSIS_BACKEND_HTP ? "htp" : "sim";
}

gboolean
lt_analysis_backend_from_string (const char        *text,
                                 LtAnalysisBackend *backend)
{
  for (LtAnalysisBackend b = LT_ANALYSIS_BACKEND_SIMULATION; b <= LT_ANALYSIS_BACKEND_HTP; b++)
    if (g_strcmp0 (text, lt_analysis_backend_to_string (b)) == 0)
      {
        *backend = b;
        return TRUE;
      }
  return FALSE;
}

const char *
lt_analysis_tensor_kind_to_string (LtAnalysisTensorKind kind)
{
  switch (kind)
    {
    case LT_ANALYSIS_TENSOR_INPUT:
      return "input";
    case LT_ANALYSIS_TENSOR_WEIGHT:
      return "weight";
    case LT_ANALYSIS_TENSOR_ACTIVATION:
    default:
      return "activation";
    }
}

/* ---- error sums ---------------------------------------------------------- */

void
lt_error_sums_add (LtErrorSums *sums,
                   const float *reference,
                   const float *quantized,
                   guint64      count)
{
  double ref2 = 0, err2 = 0, q2 = 0, dot = 0, max_abs = sums->max_abs_error;

  for (guint64 i = 0; i < count; i++)
    {
      double r = reference[i], q = quantized[i], e = r - q;
      ref2 += r * r;
      err2 += e * e;
      q2 += q * q;
      dot += r * q;
      if (fabs (e) > max_abs)
        max_abs = fabs (e);
    }
  sums->sum_ref2 += ref2;
  sums->sum_err2 += err2;
  sums->sum_q2 += q2;
  sums->sum_dot += dot;
  sums->max_abs_error = max_abs;
  sums->count += count;
}

double
lt_error_sums_sqnr_db (const LtErrorSums *sums)
{
  double db;

  if (sums->sum_err2 == 0)
    return LT_ANALYSIS_SQNR_CAP_DB;
  if (sums->sum_ref2 == 0)
    return -LT_ANALYSIS_SQNR_CAP_DB;
  db = 10 * log10 (sums->sum_ref2 / sums->sum_err2);
  if (isnan (db))
    return -LT_ANALYSIS_SQNR_CAP_DB;
  return CLAMP (db, -LT_ANALYSIS_SQNR_CAP_DB, LT_ANALYSIS_SQNR_CAP_DB);
}

double
lt_error_sums_cosine (const LtErrorSums *sums)
{
  double norms = sqrt (sums->sum_ref2) * sqrt (sums->sum_q2);

  if (sums->sum_err2 == 0)
    return 1; /* identical, all zeros included */
  if (norms == 0 || isnan (sums->sum_dot))
    return 0;
  return CLAMP (sums->sum_dot / norms, -1.0, 1.0);
}

/* ---- quantizers and layers ------------------------------------------------ */

static void
layer_free (Layer *layer)
{
  g_free (layer->name);
  g_free (layer->op);
  g_array_unref (layer->values);
  g_free (layer);
}

static Layer *
layer_new (const char *name,
           const char *op)
{
  Layer *layer = g_new0 (Layer, 1);

  layer->name = g_strdup (name);
  layer->op = g_strdup (op);
  layer->values = g_array_new (FALSE, FALSE, sizeof (int32_t));
  return layer;
}

/* The encoding the simulation applies to a value, or NULL: weights are the
 * F32 initializers with a parameter encoding, activations the F32 inputs
 * and node outputs with an activation encoding.  Encodings it leaves
 * alone are named in the warnings. */
static const LtEncoding *
encoding_for (Analysis            *a,
              const LtEncodingSet *set,
              int32_t              id)
{
  const lt_value   *value = lt_graph_get_value (a->graph, id);
  gboolean          weight = value->kind == LT_VALUE_CONSTANT;
  const LtEncoding *encoding;

  if (value->kind == LT_VALUE_OUTER)
    return NULL;
  encoding = lt_encoding_set_lookup (set, weight ? LT_ENCODING_SECTION_PARAM : LT_ENCODING_SECTION_ACTIVATION, value->name);
  if (encoding == NULL)
    return NULL;
  /* Intermediate values have no dtype before shape inference: the
   * transform checks theirs as it runs. */
  if (weight ? value->constant->dtype != LT_DTYPE_F32 : value->dtype != LT_DTYPE_F32 && value->dtype != LT_DTYPE_UNDEFINED)
    {
      g_ptr_array_add (a->warnings, g_strdup_printf (_ ("%s: not float32, left unquantized"), value->name));
      return NULL;
    }
  return encoding;
}

/* Makes the quantizer of value `id`; adds it to `layer`. */
static gboolean
add_quantizer (Analysis         *a,
               const LtEncoding *encoding,
               int32_t           id,
               guint             layer,
               GError          **error)
{
  const lt_value *value = lt_graph_get_value (a->graph, id);
  Quantizer      *q = &a->quantizers[id];
  int64_t         dims[LT_MAX_RANK] = { 0 };
  int32_t         rank = 0;

  q->is_weight = value->kind == LT_VALUE_CONSTANT;
  if (q->is_weight)
    {
      rank = value->constant->rank;
      memcpy (dims, value->constant->dims, sizeof dims);
    }
  q->quant = lt_fake_quant_new (encoding, rank, dims, error);
  if (q->quant == NULL)
    return FALSE;
  if (!q->is_weight && !lt_fake_quant_is_per_tensor (q->quant))
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                   _ ("%s: a %s activation encoding is not simulated (activations are quantized per tensor)"), value->name,
                   lt_encoding_granularity_to_string (encoding->granularity));
      return FALSE;
    }
  if (q->is_weight)
    {
      /* Model constants may sit unaligned in the file: copy first. */
      guint64 count = value->constant->count;
      q->original = g_new (float, count);
      q->rounded = g_new (float, count);
      memcpy (q->original, value->constant->data, count * sizeof (float));
      lt_fake_quant_apply (q->quant, q->original, q->rounded, count);
    }
  q->layer = (gint) layer;
  g_array_append_val (((Layer *) g_ptr_array_index (a->layers, layer))->values, id);
  return TRUE;
}

/* Encoded graph inputs, then each node in execution order with the
 * weights it is the first to read and its encoded outputs. */
static gboolean
build_layers (Analysis            *a,
              const LtEncodingSet *set,
              GError             **error)
{
  uint32_t       n_inputs;
  const int32_t *inputs = lt_graph_get_inputs (a->graph, &n_inputs);
  const int32_t *order = lt_graph_get_order (a->graph);

  for (uint32_t i = 0; i < n_inputs; i++)
    {
      const LtEncoding *encoding = encoding_for (a, set, inputs[i]);
      if (encoding == NULL)
        continue;
      g_ptr_array_add (a->layers, layer_new (lt_graph_get_value (a->graph, inputs[i])->name, "input"));
      if (!add_quantizer (a, encoding, inputs[i], a->layers->len - 1, error))
        return FALSE;
    }
  for (uint32_t n = 0; n < lt_graph_get_n_nodes (a->graph); n++)
    {
      const lt_node *node = lt_graph_get_node (a->graph, order[n]);
      gint           layer = -1;

      for (uint32_t k = 0; k < node->n_inputs + node->n_outputs; k++)
        {
          gboolean          is_input = k < node->n_inputs;
          int32_t           id = is_input ? node->inputs[k] : node->outputs[k - node->n_inputs];
          const LtEncoding *encoding;

          if (id < 0 || a->quantizers[id].layer >= 0 || (is_input && lt_graph_get_value (a->graph, id)->kind != LT_VALUE_CONSTANT))
            continue;
          encoding = encoding_for (a, set, id);
          if (encoding == NULL)
            continue;
          if (layer < 0)
            {
              char name[LT_ERROR_NAME_MAX];
              lt_node_describe (a->graph, order[n], name, sizeof name);
              g_ptr_array_add (a->layers, layer_new (name, node->op_type));
              layer = (gint) a->layers->len - 1;
            }
          if (!add_quantizer (a, encoding, id, (guint) layer, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Whether the mode switches value `id`'s quantizer on. */
static gboolean
in_mode (const Analysis *a,
         int32_t         id)
{
  const Quantizer *q = &a->quantizers[id];

  if (q->quant == NULL)
    return FALSE;
  switch (a->options->mode)
    {
    case LT_ANALYSIS_MODE_WEIGHTS:
      return q->is_weight;
    case LT_ANALYSIS_MODE_ACTIVATIONS:
      return !q->is_weight;
    case LT_ANALYSIS_MODE_ALL:
    default:
      return TRUE;
    }
}

/* ---- the two sessions ------------------------------------------------------ */

static bool
should_abort (void *user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

/* A copy of a value of the sample's f32 run, when this pass compares. */
static void
store_reference (Analysis    *a,
                 int32_t      value_id,
                 const float *values,
                 guint64      count)
{
  if (!a->compare || count == 0)
    return;
  if (a->reference_counts[value_id] < count)
    a->reference_values[value_id] = g_renew (float, a->reference_values[value_id], count);
  a->reference_counts[value_id] = count;
  memcpy (a->reference_values[value_id], values, count * sizeof (float));
}

/* The reference keeps a copy of every f32 value of the sample. */
static void
keep_reference (void            *user_data,
                const lt_graph  *graph,
                int32_t          value_id,
                const lt_tensor *value)
{
  (void) graph;
  if (value->dtype == LT_DTYPE_F32)
    store_reference (user_data, value_id, value->data, value->count);
}

/* The simulation rounds encoded activations as they are computed. */
static void
round_activation (void            *user_data,
                  const lt_graph  *graph,
                  int32_t          value_id,
                  const lt_tensor *value,
                  void            *data)
{
  Analysis *a = user_data;

  (void) graph;
  if (a->enabled[value_id] && value->dtype == LT_DTYPE_F32)
    lt_fake_quant_apply (a->quantizers[value_id].quant, data, data, value->count);
}

static void
compare_with_reference (void            *user_data,
                        const lt_graph  *graph,
                        int32_t          value_id,
                        const lt_tensor *value)
{
  Analysis *a = user_data;

  (void) graph;
  if (a->compare && value->dtype == LT_DTYPE_F32 && value->count > 0 && a->reference_counts[value_id] == value->count)
    lt_error_sums_add (&a->tensor_sums[value_id], a->reference_values[value_id], value->data, value->count);
}

/* The f32 session, and the simulated one or the NPU runner. */
static gboolean
new_sessions (Analysis      *a,
              lt_model      *model,
              LtEncodingSet *set,
              GError       **error)
{
  lt_session_options reference = {
    .n_threads = a->options->n_threads,
    .abort_fn = a->options->cancellable != NULL ? should_abort : NULL,
    .abort_data = a->options->cancellable,
    .observer_fn = keep_reference,
    .observer_data = a,
  };
  lt_session_options     simulated = reference;
  lt_htp_session_options htp = {
    .abort_fn = reference.abort_fn,
    .abort_data = reference.abort_data,
    .observer_fn = compare_with_reference,
    .observer_data = a,
  };
  lt_error  err;
  lt_status status;

  if (a->options->backend == LT_ANALYSIS_BACKEND_HTP && (a->htp_encodings = lt_htp_encodings_new (set, a->graph, error)) == NULL)
    return FALSE;
  simulated.observer_fn = compare_with_reference;
  simulated.transform_fn = round_activation;
  simulated.transform_data = a;
  lt_error_clear (&err);
  status = lt_session_new (model, &reference, &a->reference, &err);
  if (status == LT_OK && a->htp_encodings != NULL)
    status = lt_htp_session_new (model, &htp, &a->htp, &err);
  else if (status == LT_OK)
    status = lt_session_new (model, &simulated, &a->simulated, &err);
  if (status != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  return TRUE;
}

/* Switches on the quantizers of `mask` (per value); weights are swapped in
 * the simulated session, which is reshaped at the next sample. */
static gboolean
configure (Analysis       *a,
           const gboolean *mask,
           GError        **error)
{
  lt_error err;

  lt_error_clear (&err);
  memcpy (a->enabled, mask, a->n_values * sizeof *mask);
  for (guint v = 0; a->simulated != NULL && v < a->n_values; v++)
    {
      const Quantizer *q = &a->quantizers[v];
      if (q->quant == NULL || !q->is_weight)
        continue;
      if (lt_session_set_constant (a->simulated, (int32_t) v, mask[v] ? q->rounded : NULL,
                                   lt_graph_get_value (a->graph, (int32_t) v)->constant->nbytes, &err) != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          return FALSE;
        }
    }
  a->simulated_last = NULL;
  return TRUE;
}

/* Binds the sample's arrays; with `round`, encoded float inputs are bound
 * as rounded copies kept in `copies`, compared with the originals when the
 * pass compares. */
static gboolean
bind_sample (Analysis    *a,
             lt_session  *session,
             LtInputLine *sample,
             gboolean     round,
             GPtrArray   *copies,
             GError     **error)
{
  uint32_t       n_inputs;
  const int32_t *inputs = lt_graph_get_inputs (a->graph, &n_inputs);
  lt_error       err;

  lt_error_clear (&err);
  for (guint k = 0; k < sample->arrays->len; k++)
    {
      const LtArray *array = g_ptr_array_index (sample->arrays, k);
      gsize          size;
      const void    *data;

      if (array == NULL)
        continue;
      data = g_bytes_get_data (array->data, &size);
      if (!round && array->dtype == LT_DTYPE_F32)
        store_reference (a, inputs[k], data, array->count);
      if (round && array->dtype == LT_DTYPE_F32 && array->count > 0)
        {
          float *copy = g_memdup2 (data, size);
          if (a->enabled[inputs[k]])
            lt_fake_quant_apply (a->quantizers[inputs[k]].quant, data, copy, array->count);
          if (a->compare)
            lt_error_sums_add (&a->tensor_sums[inputs[k]], data, copy, array->count);
          g_ptr_array_add (copies, copy);
          data = copy;
        }
      if (lt_session_bind_input (session, k, data, size, &err) != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          return FALSE;
        }
    }
  return TRUE;
}

/* FALSE with *error set from a failed run: cancelled, or the engine's. */
static gboolean
run_failed (const lt_error *err,
            GCancellable   *cancellable,
            GError        **error)
{
  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    lt_engine_error_propagate (error, err);
  return FALSE;
}

static gboolean
run_session (lt_session   *session,
             GCancellable *cancellable,
             GError      **error)
{
  lt_error err;

  lt_error_clear (&err);
  return lt_session_run (session, &err) == LT_OK || run_failed (&err, cancellable, error);
}

/* The NPU runner on the sample: reshaped when the inputs' shapes differ
 * from the last sample's, bound to the float32 arrays (it quantizes them
 * itself), run. */
static gboolean
run_htp (Analysis    *a,
         LtInputLine *sample,
         GError     **error)
{
  guint                     n_inputs = sample->arrays->len;
  g_autofree lt_value_type *types = g_new0 (lt_value_type, n_inputs + 1);
  gboolean                  same = a->simulated_last != NULL;
  lt_error                  err;

  lt_error_clear (&err);
  for (guint k = 0; k < n_inputs; k++)
    {
      const LtArray *array = g_ptr_array_index (sample->arrays, k);
      const LtArray *last = same ? g_ptr_array_index (a->simulated_last->arrays, k) : NULL;

      if (array != NULL)
        {
          types[k].dtype = array->dtype;
          lt_shape_set (&types[k].shape, array->rank, array->dims);
        }
      same = same && (array == NULL) == (last == NULL) && (array == NULL || (array->rank == last->rank && memcmp (array->dims, last->dims, sizeof array->dims) == 0));
    }
  a->simulated_last = sample;
  if (!same && lt_htp_session_reshape (a->htp, types, a->htp_encodings->by_value, a->htp_encodings->n_values, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  for (guint k = 0; k < n_inputs; k++)
    {
      const LtArray *array = g_ptr_array_index (sample->arrays, k);
      gsize          size;
      const void    *data = array != NULL ? g_bytes_get_data (array->data, &size) : NULL;

      if (data != NULL && lt_htp_session_bind_input (a->htp, k, data, size, &err) != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          return FALSE;
        }
    }
  return lt_htp_session_run (a->htp, &err) == LT_OK || run_failed (&err, a->options->cancellable, error);
}

/* The simulation (or the NPU runner) on the sample. */
static gboolean
run_quantized (Analysis    *a,
               LtInputLine *sample,
               GPtrArray   *copies,
               GError     **error)
{
  if (a->htp != NULL)
    return run_htp (a, sample, error);
  return lt_input_list_reshape (a->simulated, a->graph, sample, &a->simulated_last, error) && bind_sample (a, a->simulated, sample, TRUE, copies, error) && run_session (a->simulated, a->options->cancellable, error);
}

/* The reference's f32 outputs after a run, end to end (owned). */
static float *
copy_reference_outputs (Analysis *a,
                        guint64  *count)
{
  uint32_t n_outputs;
  float   *values;

  lt_graph_get_outputs (a->graph, &n_outputs);
  *count = 0;
  for (uint32_t o = 0; o < n_outputs; o++)
    if (lt_session_get_output (a->reference, o)->dtype == LT_DTYPE_F32)
      *count += lt_session_get_output (a->reference, o)->count;
  values = g_new (float, *count + 1);
  *count = 0;
  for (uint32_t o = 0; o < n_outputs; o++)
    {
      const lt_tensor *output = lt_session_get_output (a->reference, o);
      if (output->dtype != LT_DTYPE_F32)
        continue;
      memcpy (values + *count, output->data, output->count * sizeof (float));
      *count += output->count;
    }
  return values;
}

/* Sample i through the quantized run, and through the reference unless a
 * first pass cached its outputs; output errors into output_sums. */
static gboolean
run_sample (Analysis *a,
            guint     index,
            GError  **error)
{
  g_autoptr (LtInputLine) sample = lt_dataset_load (a->dataset, index, error);
  g_autoptr (GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  g_autofree float *fresh = NULL;
  gboolean          cached = !a->compare && a->reference_outputs != NULL;
  const float      *expected;
  guint64           n_expected = 0, offset = 0;
  uint32_t          n_outputs;

  lt_graph_get_outputs (a->graph, &n_outputs);
  if (sample == NULL || (!cached && (!lt_input_list_reshape (a->reference, a->graph, sample, &a->reference_last, error) || !bind_sample (a, a->reference, sample, FALSE, NULL, error) || !run_session (a->reference, a->options->cancellable, error))) || !run_quantized (a, sample, copies, error))
    {
      /* Neither session may compare shapes with a sample about to go. */
      a->reference_last = a->simulated_last = NULL;
      return FALSE;
    }
  expected = cached ? g_ptr_array_index (a->reference_outputs, index) : (fresh = copy_reference_outputs (a, &n_expected));
  for (uint32_t o = 0; o < n_outputs; o++)
    {
      const lt_tensor *simulated = a->htp != NULL ? lt_htp_session_get_output (a->htp, o) : lt_session_get_output (a->simulated, o);
      if (simulated->dtype != LT_DTYPE_F32)
        continue;
      lt_error_sums_add (&a->output_sums, expected + offset, simulated->data, simulated->count);
      offset += simulated->count;
    }
  if (a->compare && a->reference_outputs != NULL)
    {
      a->cached_bytes += n_expected * sizeof (float);
      if (a->cached_bytes <= LT_ANALYSIS_OUTPUT_CACHE_BYTES)
        g_ptr_array_add (a->reference_outputs, g_steal_pointer (&fresh));
      else
        g_clear_pointer (&a->reference_outputs, g_ptr_array_unref);
    }
  /* Keep the sample the sessions were last reshaped for. */
  lt_input_line_free (a->held);
  a->held = g_steal_pointer (&sample);
  return TRUE;
}

/* One pass over the dataset with the quantizers of `mask`. */
static gboolean
run_pass (Analysis       *a,
          const gboolean *mask,
          gboolean        compare,
          GError        **error)
{
  guint n_samples = lt_dataset_get_n_samples (a->dataset);

  if (!configure (a, mask, error))
    return FALSE;
  a->compare = compare;
  memset (&a->output_sums, 0, sizeof a->output_sums);
  for (guint i = 0; i < n_samples; i++)
    {
      if (g_cancellable_set_error_if_cancelled (a->options->cancellable, error))
        return FALSE;
      if (!run_sample (a, i, error))
        {
          if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_autoptr (GError) cause = g_steal_pointer (error);
              g_set_error (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_SAMPLE, _ ("sample %s: %s"),
                           lt_dataset_get_sample_name (a->dataset, i), cause->message);
            }
          return FALSE;
        }
      a->done++;
      if (a->options->progress != NULL)
        a->options->progress (a->done, a->total, a->options->progress_data);
    }
  return TRUE;
}

/* ---- the report ------------------------------------------------------------ */

static void
tensor_error_free (LtTensorError *row)
{
  g_free (row->name);
  g_free (row);
}

static void
layer_sensitivity_free (LtLayerSensitivity *row)
{
  g_free (row->name);
  g_free (row->op);
  g_free (row);
}

void
lt_analysis_report_free (LtAnalysisReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->tensors, g_ptr_array_unref);
  g_clear_pointer (&report->layers, g_ptr_array_unref);
  g_clear_pointer (&report->warnings, g_ptr_array_unref);
  g_free (report);
}

static void
add_tensor_row (GPtrArray           *rows,
                const char          *name,
                LtAnalysisTensorKind kind,
                gboolean             quantized,
                const LtErrorSums   *sums)
{
  LtTensorError *row = g_new0 (LtTensorError, 1);

  row->name = g_strdup (name);
  row->kind = kind;
  row->quantized = quantized;
  row->sqnr_db = lt_error_sums_sqnr_db (sums);
  row->max_abs_error = sums->max_abs_error;
  row->cosine = lt_error_sums_cosine (sums);
  g_ptr_array_add (rows, row);
}

static gint
compare_tensor_rows (gconstpointer a,
                     gconstpointer b)
{
  const LtTensorError *x = *(LtTensorError *const *) a, *y = *(LtTensorError *const *) b;

  if (x->sqnr_db != y->sqnr_db)
    return x->sqnr_db < y->sqnr_db ? -1 : 1;
  return strcmp (x->name, y->name);
}

static gint
compare_layer_rows (gconstpointer a,
                    gconstpointer b)
{
  const LtLayerSensitivity *x = *(LtLayerSensitivity *const *) a, *y = *(LtLayerSensitivity *const *) b;

  if (x->only_sqnr_db != y->only_sqnr_db)
    return x->only_sqnr_db < y->only_sqnr_db ? -1 : 1;
  if (x->all_but_sqnr_db != y->all_but_sqnr_db)
    return x->all_but_sqnr_db > y->all_but_sqnr_db ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Rows for every value both runs saw, and for the weights the mode
 * quantizes. */
static GPtrArray *
tensor_rows (const Analysis *a)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tensor_error_free);

  for (guint v = 0; v < a->n_values; v++)
    {
      const lt_value  *value = lt_graph_get_value (a->graph, (int32_t) v);
      const Quantizer *q = &a->quantizers[v];

      if (q->is_weight && a->enabled[v])
        {
          LtErrorSums sums = { 0 };
          lt_error_sums_add (&sums, q->original, q->rounded, value->constant->count);
          add_tensor_row (rows, value->name, LT_ANALYSIS_TENSOR_WEIGHT, TRUE, &sums);
        }
      else if (a->tensor_sums[v].count > 0)
        add_tensor_row (rows, value->name, value->kind == LT_VALUE_INPUT ? LT_ANALYSIS_TENSOR_INPUT : LT_ANALYSIS_TENSOR_ACTIVATION,
                        a->enabled[v], &a->tensor_sums[v]);
    }
  g_ptr_array_sort (rows, compare_tensor_rows);
  return rows;
}

/* Two passes per layer with a quantizer in the mode. */
static GPtrArray *
sensitivity_rows (Analysis *a,
                  GError  **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_sensitivity_free);
  g_autofree gboolean *mask = g_new0 (gboolean, a->n_values + 1);

  for (guint l = 0; l < a->layers->len; l++)
    {
      const Layer        *layer = g_ptr_array_index (a->layers, l);
      LtLayerSensitivity *row;
      guint               n_quantizers = 0;

      for (guint k = 0; k < layer->values->len; k++)
        n_quantizers += in_mode (a, g_array_index (layer->values, int32_t, k));
      if (n_quantizers == 0)
        continue;
      row = g_new0 (LtLayerSensitivity, 1);
      row->name = g_strdup (layer->name);
      row->op = g_strdup (layer->op);
      row->n_quantizers = n_quantizers;
      g_ptr_array_add (rows, row);
      for (int only = 1; only >= 0; only--)
        {
          for (guint v = 0; v < a->n_values; v++)
            mask[v] = in_mode (a, (int32_t) v) && ((a->quantizers[v].layer == (gint) l) == only);
          if (!run_pass (a, mask, FALSE, error))
            return NULL;
          *(only ? &row->only_sqnr_db : &row->all_but_sqnr_db) = lt_error_sums_sqnr_db (&a->output_sums);
        }
    }
  g_ptr_array_sort (rows, compare_layer_rows);
  return g_steal_pointer (&rows);
}

/* ---- the run ---------------------------------------------------------------- */

/* The first lint error as a GError naming the tensor and field; lint
 * warnings go to `warnings`. */
static gboolean
check_encodings (const LtEncodingSet *set,
                 const lt_graph      *graph,
                 GPtrArray           *warnings,
                 GError             **error)
{
  g_autoptr (GPtrArray) findings = lt_encodings_lint (set, graph, NULL);
  const LtLintFinding *first = NULL;
  guint                n_errors = 0;

  for (guint i = 0; i < findings->len; i++)
    {
      const LtLintFinding *finding = g_ptr_array_index (findings, i);
      if (finding->severity == LT_LINT_WARNING)
        g_ptr_array_add (warnings, g_strdup_printf ("%s: %s", finding->tensor, finding->message));
      else if (finding->severity == LT_LINT_ERROR && n_errors++ == 0)
        first = finding;
    }
  if (first == NULL)
    return TRUE;
  g_autofree char *more = n_errors > 1 ? g_strdup_printf (ngettext (" (and %u more lint error)", " (and %u more lint errors)", n_errors - 1), n_errors - 1) : g_strdup ("");
  g_set_error (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_ENCODINGS, "%s: %s%s%s%s", first->tensor,
               first->field != NULL ? first->field : "", first->field != NULL ? ": " : "", first->message, more);
  return FALSE;
}

static void
analysis_clear (Analysis *a)
{
  for (guint v = 0; v < a->n_values; v++)
    {
      lt_fake_quant_free (a->quantizers[v].quant);
      g_free (a->quantizers[v].rounded);
      g_free (a->quantizers[v].original);
      g_free (a->reference_values[v]);
    }
  g_free (a->quantizers);
  g_free (a->reference_values);
  g_free (a->reference_counts);
  g_free (a->tensor_sums);
  g_free (a->enabled);
  g_clear_pointer (&a->layers, g_ptr_array_unref);
  g_clear_pointer (&a->warnings, g_ptr_array_unref);
  g_clear_pointer (&a->reference_outputs, g_ptr_array_unref);
  lt_session_free (a->simulated);
  lt_htp_session_free (a->htp);
  lt_htp_encodings_free (a->htp_encodings);
  lt_session_free (a->reference);
  lt_input_line_free (a->held);
}

LtAnalysisReport *
lt_analysis_run (lt_model                *model,
                 LtEncodingSet           *set,
                 LtDataset               *dataset,
                 const LtAnalysisOptions *options,
                 GError                 **error)
{
  Analysis a = { .graph = lt_model_get_graph (model), .dataset = dataset, .options = options };
  g_autoptr (LtAnalysisReport) report = g_new0 (LtAnalysisReport, 1);
  g_autofree gboolean *mask = NULL;
  guint                n_samples = lt_dataset_get_n_samples (dataset);
  gboolean             ok;

  if (!lt_input_list_check_tensors (a.graph, TRUE, error))
    return NULL;
  if (options->backend == LT_ANALYSIS_BACKEND_HTP && (options->mode != LT_ANALYSIS_MODE_ALL || options->sensitivity))
    {
      g_set_error (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_OPTIONS,
                   _ ("the htp backend runs every tensor quantized: mode all only, and no sensitivity"));
      return NULL;
    }
  a.n_values = lt_graph_get_n_values (a.graph);
  a.quantizers = g_new0 (Quantizer, a.n_values + 1);
  a.reference_values = g_new0 (float *, a.n_values + 1);
  a.reference_counts = g_new0 (guint64, a.n_values + 1);
  a.tensor_sums = g_new0 (LtErrorSums, a.n_values + 1);
  a.enabled = g_new0 (gboolean, a.n_values + 1);
  a.layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  a.warnings = g_ptr_array_new_with_free_func (g_free);
  a.reference_outputs = g_ptr_array_new_with_free_func (g_free);
  mask = g_new0 (gboolean, a.n_values + 1);
  for (guint v = 0; v < a.n_values; v++)
    a.quantizers[v].layer = -1;

  lt_encodings_resolve (set, a.graph);
  ok = check_encodings (set, a.graph, a.warnings, error) && build_layers (&a, set, error);
  ok = ok && new_sessions (&a, model, set, error);
  if (ok)
    {
      guint n_passes = 1;
      for (guint l = 0; options->sensitivity && l < a.layers->len; l++)
        {
          const Layer *layer = g_ptr_array_index (a.layers, l);
          gboolean     any = FALSE;
          for (guint k = 0; k < layer->values->len; k++)
            any |= in_mode (&a, g_array_index (layer->values, int32_t, k));
          n_passes += any ? 2 : 0;
        }
      a.total = n_passes * n_samples;
      if (options->progress != NULL)
        options->progress (0, a.total, options->progress_data);
      for (guint v = 0; v < a.n_values; v++)
        mask[v] = in_mode (&a, (int32_t) v);
      ok = run_pass (&a, mask, TRUE, error);
    }
  if (ok)
    {
      report->mode = options->mode;
      report->backend = options->backend;
      report->n_samples = n_samples;
      report->outputs = a.output_sums;
      report->tensors = tensor_rows (&a);
      if (options->sensitivity)
        ok = (report->layers = sensitivity_rows (&a, error)) != NULL;
      report->warnings = g_steal_pointer (&a.warnings);
      g_autoptr (GPtrArray) folded = lt_folded_values_find (model);
      report->n_folded = folded->len;
    }
  analysis_clear (&a);
  return ok ? g_steal_pointer (&report) : NULL;
}
