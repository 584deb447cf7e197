/* lt-calibrate.c — streaming a dataset through a session into statistics.
 *
 * The observer maps value ids to their statistics once (the first time a
 * value is seen) so the per-node cost is the histogram update itself.  A
 * Relu's or Clip's output right after its input was counted is not counted
 * again: its statistics are its input's histogram, clamped
 * (lt_tensor_stats_add_clamped), which halves the counting in Conv → Relu
 * chains.  The session keeps a Conv's Relu or Clip fused and hands the
 * pre-activation values to observe_then_clamp, which counts and clamps
 * them in one pass instead of the activation's own pass over memory.
 * Graph inputs are observed from the bound arrays, since no node produces
 * them.  A sample enters the statistics only after it loaded, passed its
 * checks and reshaped; a kernel failing halfway through a sample stops the
 * run (its values would be half in).  The values the engine folds away
 * (lt-folded-values.h) are listed in the statistics, which then hold
 * none for them.
 */
#include "lt-calibrate.h"

#include "lt-engine-error.h"
#include "lt-folded-values.h"

#include <float.h>
#include <glib/gi18n.h>
#include <math.h>

/* A value that is its input clamped to [lo, hi] (Relu, Clip with
 * constant bounds). */
typedef struct
{
  int32_t input; /* value id, or -1 when the value is not a clamp */
  float   lo, hi;
} clamp_of;

typedef struct
{
  LtCalibStats   *stats;
  LtTensorStats **by_value;   /* value id → stats, filled on first sight */
  LtStatsWorkers *workers;    /* count large tensors on the session's thread count */
  clamp_of       *clamps;     /* per value id */
  int32_t         last_value; /* the value the workers counted last, or -1 */
} observer;

/* The bound a Clip's input `index` (or, before opset 11, attribute
 * `name`) gives; FALSE when it is not a known constant. */
static gboolean
clip_bound (const lt_graph *graph,
            const lt_node  *node,
            guint           index,
            const char     *name,
            float           absent,
            float          *out)
{
  const lt_value *v;

  *out = absent;
  if (node->opset < 11)
    {
      *out = lt_node_get_attr_float (node, name, absent);
      return TRUE;
    }
  if (node->n_inputs <= index || node->inputs[index] < 0)
    return TRUE;
  v = lt_graph_get_value (graph, node->inputs[index]);
  if (v->constant == NULL || v->constant->dtype != LT_DTYPE_F32 || v->constant->count != 1)
    return FALSE;
  *out = (float) lt_tensor_get_as_double (v->constant, 0);
  return TRUE;
}

/* Which values are clamps of their input, so that their statistics come
 * from the input's histogram instead of a second count. */
static clamp_of *
find_clamps (const lt_graph *graph)
{
  clamp_of *clamps = g_new (clamp_of, lt_graph_get_n_values (graph));

  for (uint32_t v = 0; v < lt_graph_get_n_values (graph); v++)
    clamps[v].input = -1;
  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
    {
      const lt_node *node = lt_graph_get_node (graph, id);
      clamp_of       c = { node->n_inputs > 0 ? node->inputs[0] : -1, 0, INFINITY };

      if (node->n_outputs != 1 || node->outputs[0] < 0 || c.input < 0)
        continue;
      if (node->op == LT_OP_Relu ||
          (node->op == LT_OP_Clip && clip_bound (graph, node, 1, "min", -FLT_MAX, &c.lo) &&
           clip_bound (graph, node, 2, "max", FLT_MAX, &c.hi)))
        clamps[node->outputs[0]] = c;
    }
  return clamps;
}

static LtTensorStats *
stats_for (observer       *obs,
           const lt_graph *graph,
           int32_t         value_id)
{
  if (obs->by_value[value_id] == NULL)
    obs->by_value[value_id] = lt_calib_stats_ensure (obs->stats, lt_graph_get_value (graph, value_id)->name);
  return obs->by_value[value_id];
}

static void
observe (void            *user_data,
         const lt_graph  *graph,
         int32_t          value_id,
         const lt_tensor *value)
{
  if (value->dtype != LT_DTYPE_F32 || value->count == 0)
    return;
  observer       *obs = user_data;
  const clamp_of *clamp = &obs->clamps[value_id];
  LtTensorStats  *stats = stats_for (obs, graph, value_id);

  if (clamp->input >= 0 && clamp->input == obs->last_value &&
      lt_tensor_stats_add_clamped (stats, obs->workers, value->count, clamp->lo, clamp->hi))
    {
      obs->last_value = -1;
      return;
    }
  lt_tensor_stats_add_parallel (stats, value->data, value->count, obs->workers);
  obs->last_value = value_id;
}

static bool
observe_then_clamp (void            *user_data,
                    const lt_graph  *graph,
                    int32_t          value_id,
                    const lt_tensor *value,
                    float           *data,
                    float            lo,
                    float            hi)
{
  observer *obs = user_data;

  if (value->dtype != LT_DTYPE_F32 || value->count == 0)
    return false;
  obs->last_value = value_id;
  return lt_tensor_stats_add_then_clamp (stats_for (obs, graph, value_id), data, value->count, lo, hi, obs->workers);
}

gboolean
lt_calibrate_bind_sample (LtDataset      *dataset,
                          guint           index,
                          lt_session     *session,
                          const lt_graph *graph,
                          LtInputLine   **sample,
                          LtInputLine   **last,
                          GError        **error)
{
  lt_error err;

  *sample = lt_dataset_load (dataset, index, error);
  if (*sample == NULL || !lt_input_list_reshape (session, graph, *sample, last, error))
    return FALSE;
  lt_error_clear (&err);
  for (guint k = 0; k < (*sample)->arrays->len; k++)
    {
      const LtArray *array = g_ptr_array_index ((*sample)->arrays, k);
      gsize          size;
      const void    *data;
      if (array == NULL)
        continue;
      data = g_bytes_get_data (array->data, &size);
      if (lt_session_bind_input (session, k, data, size, &err) != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          return FALSE;
        }
    }
  return TRUE;
}

LtCalibStats *
lt_calibrate_collect (lt_model                 *model,
                      const char               *model_sha256,
                      LtDataset                *dataset,
                      const LtCalibrateOptions *options,
                      GError                  **error)
{
  const lt_graph *graph = lt_model_get_graph (model);
  guint           n_samples = lt_dataset_get_n_samples (dataset);
  g_autoptr (LtCalibStats) stats = lt_calib_stats_new (model_sha256, n_samples, options->shard, options->shard_count);
  g_autofree LtTensorStats **by_value = g_new0 (LtTensorStats *, lt_graph_get_n_values (graph));
  g_autofree clamp_of       *clamps = find_clamps (graph);
  observer                   obs = { stats, by_value, NULL, clamps, -1 };
  lt_session_options         session_options = {
    .n_threads = options->n_threads,
    .observer_fn = observe,
    .observer_data = &obs,
    .observer_clamp_fn = observe_then_clamp,
  };
  lt_session                *session = NULL;
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_input_line_free);
  LtInputLine   *last = NULL;
  uint32_t       n_inputs;
  const int32_t *inputs = lt_graph_get_inputs (graph, &n_inputs);
  guint          n_assigned = 0;
  lt_error       err;

  g_return_val_if_fail (options->shard >= 1 && options->shard <= options->shard_count, NULL);
  lt_error_clear (&err);
  if (lt_session_new (model, &session_options, &session, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return NULL;
    }
  guint total = n_samples >= options->shard ? (n_samples - options->shard) / options->shard_count + 1 : 0;
  obs.workers = lt_stats_workers_new (options->n_threads > 0 ? options->n_threads : g_get_num_processors ());
  for (guint i = options->shard - 1; i < n_samples; i += options->shard_count)
    {
      const char  *name = lt_dataset_get_sample_name (dataset, i);
      LtInputLine *sample = NULL;
      g_autoptr (GError) refused = NULL;

      if (options->progress != NULL)
        options->progress (n_assigned, total, options->progress_data);
      n_assigned++;
      if (!lt_calibrate_bind_sample (dataset, i, session, graph, &sample, &last, &refused))
        {
          lt_calib_stats_reject (stats, name, refused->message);
          lt_input_line_free (sample);
          /* The last reshaped-for sample must stay alive for the next
           * comparison; a refused one may have become it. */
          if (last == sample)
            last = NULL;
          continue;
        }
      if (lt_session_run (session, &err) != LT_OK)
        {
          lt_engine_error_propagate (error, &err);
          g_prefix_error (error, _ ("sample %s: "), name);
          lt_input_line_free (sample);
          lt_session_free (session);
          lt_stats_workers_free (obs.workers);
          return NULL;
        }
      for (uint32_t k = 0; k < n_inputs; k++)
        {
          const LtArray *array = g_ptr_array_index (sample->arrays, k);
          if (array != NULL && array->dtype == LT_DTYPE_F32 && array->count > 0)
            lt_tensor_stats_add (stats_for (&obs, graph, inputs[k]), g_bytes_get_data (array->data, NULL), array->count);
        }
      /* Folding does not depend on the samples' shapes: the first run
       * tells for all. */
      if (stats->n_samples_used == 0)
        {
          g_ptr_array_unref (stats->folded);
          stats->folded = lt_folded_values_from_session (session, graph);
        }
      stats->n_samples_used++;
      /* Keep only the sample the session was last reshaped for. */
      g_ptr_array_set_size (held, 0);
      g_ptr_array_add (held, sample);
    }
  lt_session_free (session);
  lt_stats_workers_free (obs.workers);
  if (options->progress != NULL)
    options->progress (n_assigned, total, options->progress_data);
  if (n_assigned > 0 && stats->n_samples_used == 0)
    {
      g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_NO_DATA, _ ("every sample of the dataset was refused"));
      return NULL;
    }
  return g_steal_pointer (&stats);
}
