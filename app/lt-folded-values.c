/* lt-folded-values.c — which activations the engine folds away (see
 * lt-folded-values.h), asked of a reshaped session. */
#include "lt-folded-values.h"

GPtrArray *
lt_folded_values_from_session (const lt_session *session,
                               const lt_graph   *graph)
{
  GPtrArray *folded = g_ptr_array_new_with_free_func (g_free);

  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_values (graph); id++)
    if (lt_graph_get_value (graph, id)->producer >= 0 && !lt_session_value_is_computed (session, id))
      g_ptr_array_add (folded, g_strdup (lt_graph_get_value (graph, id)->name));
  return folded;
}

/* Calibration observes every value; so does this session, so that the
 * engine keeps the same values. */
static void
ignore_value (void            *user_data,
              const lt_graph  *graph,
              int32_t          value_id,
              const lt_tensor *value)
{
  (void) user_data;
  (void) graph;
  (void) value_id;
  (void) value;
}

GPtrArray *
lt_folded_values_find (lt_model *model)
{
  const lt_graph           *graph = lt_model_get_graph (model);
  uint32_t                  n_inputs;
  const int32_t            *inputs = lt_graph_get_inputs (graph, &n_inputs);
  g_autofree lt_value_type *types = g_new0 (lt_value_type, n_inputs + 1);
  lt_session_options        options = { .n_threads = 1, .observer_fn = ignore_value };
  lt_session               *session = NULL;
  GPtrArray                *folded;

  for (uint32_t k = 0; k < n_inputs; k++)
    {
      const lt_value *value = lt_graph_get_value (graph, inputs[k]);

      types[k].dtype = value->dtype;
      types[k].shape = value->shape;
      for (int32_t d = 0; d < value->shape.rank; d++)
        if (types[k].shape.dims[d].size < 0)
          types[k].shape.dims[d] = (lt_dim){ .size = 1, .param = NULL };
    }
  if (lt_session_new (model, &options, &session, NULL) != LT_OK || lt_session_reshape (session, types, NULL) != LT_OK)
    {
      lt_session_free (session);
      return g_ptr_array_new_with_free_func (g_free);
    }
  folded = lt_folded_values_from_session (session, graph);
  lt_session_free (session);
  return folded;
}

gboolean
lt_folded_values_contain (const GPtrArray *folded,
                          const char      *name)
{
  return folded != NULL && g_ptr_array_find_with_equal_func ((GPtrArray *) folded, name, g_str_equal, NULL);
}
