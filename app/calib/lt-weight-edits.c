/* lt-weight-edits.c — edited copies of float32 initializers, added
 * biases and node edits, written through lt_onnx_export_edits.
 *
 * Edits are kept in the order they were first made, so the written file
 * does not depend on hash order.  Node edits are applied after the values
 * (a bias added to a Conv is found by the Conv's output name, which a
 * bypass of the node after it renames).
 */
#include "lt-weight-edits.h"

#include "lt-engine-error.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  char   *name;    /* the initializer, or the new bias */
  char   *bias_of; /* the Conv/Gemm's first output for a new bias, else NULL */
  int32_t node_id; /* the node a new bias belongs to, else -1 */
  float  *values;
  guint64 count;
} edit;

struct LtWeightEdits
{
  const lt_graph *graph;
  GPtrArray      *edits;   /* edit *, owned, in creation order */
  GHashTable     *by_name; /* name → edit * (borrowed) */
  GArray         *nodes;   /* node_edit, in creation order */
};

typedef struct
{
  int32_t        node_id;
  lt_node_change change;
} node_edit;

static void
edit_free (edit *e)
{
  g_free (e->name);
  g_free (e->bias_of);
  g_free (e->values);
  g_free (e);
}

LtWeightEdits *
lt_weight_edits_new (const lt_graph *graph)
{
  LtWeightEdits *edits = g_new0 (LtWeightEdits, 1);

  edits->graph = graph;
  edits->edits = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  edits->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  edits->nodes = g_array_new (FALSE, FALSE, sizeof (node_edit));
  return edits;
}

void
lt_weight_edits_free (LtWeightEdits *edits)
{
  if (edits == NULL)
    return;
  g_hash_table_unref (edits->by_name);
  g_ptr_array_unref (edits->edits);
  g_array_unref (edits->nodes);
  g_free (edits);
}

gboolean
lt_weight_edits_can_edit (const lt_value *value)
{
  return value->kind == LT_VALUE_CONSTANT && value->constant != NULL && value->constant->dtype == LT_DTYPE_F32;
}

const lt_value *
lt_weight_edits_own_constant (const lt_graph *graph,
                              const lt_node  *node,
                              guint           input)
{
  const lt_value *v;

  if (node->n_inputs <= input || node->inputs[input] < 0)
    return NULL;
  v = lt_graph_get_value (graph, node->inputs[input]);
  return lt_weight_edits_can_edit (v) && v->n_consumers == 1 ? v : NULL;
}

char *
lt_weight_edits_explain_not_own (const lt_graph *graph,
                                 int32_t         node_id)
{
  const lt_node *node = lt_graph_get_node (graph, node_id);
  const char    *label = lt_weight_edits_node_label (graph, node_id);

  for (guint k = 1; k <= 2; k++)
    {
      const lt_value *v = k < node->n_inputs && node->inputs[k] >= 0 ? lt_graph_get_value (graph, node->inputs[k]) : NULL;
      if (v == NULL && k == 1)
        return g_strdup_printf (_ ("%s has no weights"), label);
      if (v == NULL)
        continue;
      if (!lt_weight_edits_can_edit (v))
        return k == 1 ? g_strdup_printf (_ ("the weights of %s (%s) are not a float32 constant"), label, v->name)
                      : g_strdup_printf (_ ("the bias of %s (%s) is not a float32 constant"), label, v->name);
      if (v->n_consumers > 1)
        return k == 1 ? g_strdup_printf (_ ("the weights of %s (%s) are shared with another node"), label, v->name)
                      : g_strdup_printf (_ ("the bias of %s (%s) is shared with another node"), label, v->name);
    }
  return NULL;
}

const char *
lt_weight_edits_node_label (const lt_graph *graph,
                            int32_t         node_id)
{
  const lt_node *node = lt_graph_get_node (graph, node_id);

  return node->name[0] != '\0' ? node->name : lt_graph_get_value (graph, node->outputs[0])->name;
}

static edit *
add_edit (LtWeightEdits *edits,
          char          *name,
          guint64        count)
{
  edit *e = g_new0 (edit, 1);

  e->name = name;
  e->node_id = -1;
  e->count = count;
  e->values = g_new0 (float, MAX (count, 1));
  g_ptr_array_add (edits->edits, e);
  g_hash_table_insert (edits->by_name, e->name, e);
  return e;
}

float *
lt_weight_edits_get (LtWeightEdits  *edits,
                     const lt_value *value)
{
  edit *e = g_hash_table_lookup (edits->by_name, value->name);

  g_return_val_if_fail (lt_weight_edits_can_edit (value), NULL);
  if (e != NULL)
    return e->values;
  e = add_edit (edits, g_strdup (value->name), value->constant->count);
  /* Model constants may be unaligned views of the file. */
  memcpy (e->values, value->constant->data, value->constant->count * sizeof (float));
  return e->values;
}

float *
lt_weight_edits_find_bias (LtWeightEdits *edits,
                           int32_t        node_id)
{
  const lt_node *node = lt_graph_get_node (edits->graph, node_id);

  if (node->n_inputs > 2 && node->inputs[2] >= 0)
    {
      const lt_value *bias = lt_graph_get_value (edits->graph, node->inputs[2]);
      return lt_weight_edits_can_edit (bias) ? lt_weight_edits_get (edits, bias) : NULL;
    }
  for (guint i = 0; i < edits->edits->len; i++)
    {
      edit *e = g_ptr_array_index (edits->edits, i);
      if (e->node_id == node_id)
        return e->values;
    }
  return NULL;
}

float *
lt_weight_edits_add_bias (LtWeightEdits *edits,
                          int32_t        node_id,
                          guint64        count)
{
  const lt_node *node = lt_graph_get_node (edits->graph, node_id);
  const char    *output = lt_graph_get_value (edits->graph, node->outputs[0])->name;
  float         *existing = lt_weight_edits_find_bias (edits, node_id);
  char          *name = g_strconcat (output, "_bias", NULL);
  edit          *e;

  if (existing != NULL)
    {
      g_free (name);
      return existing;
    }
  for (guint k = 1; lt_graph_find_value (edits->graph, name) >= 0 || g_hash_table_contains (edits->by_name, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_bias_%u", output, k);
    }
  e = add_edit (edits, name, count);
  e->node_id = node_id;
  e->bias_of = g_strdup (output);
  return e->values;
}

guint
lt_weight_edits_get_n_edits (const LtWeightEdits *edits)
{
  return edits->edits->len;
}

static void
add_node_edit (LtWeightEdits *edits,
               int32_t        node_id,
               lt_node_change change)
{
  node_edit e = { node_id, change };

  for (guint i = 0; i < edits->nodes->len; i++)
    g_return_if_fail (g_array_index (edits->nodes, node_edit, i).node_id != node_id);
  g_array_append_val (edits->nodes, e);
}

void
lt_weight_edits_bypass_node (LtWeightEdits *edits,
                             int32_t        node_id)
{
  add_node_edit (edits, node_id, LT_NODE_BYPASS);
}

gboolean
lt_weight_edits_is_bypassed (const LtWeightEdits *edits,
                             int32_t              node_id)
{
  for (guint i = 0; i < edits->nodes->len; i++)
    {
      const node_edit *e = &g_array_index (edits->nodes, node_edit, i);
      if (e->node_id == node_id)
        return e->change == LT_NODE_BYPASS;
    }
  return FALSE;
}

void
lt_weight_edits_clip_to_relu (LtWeightEdits *edits,
                              int32_t        node_id)
{
  g_return_if_fail (lt_graph_get_node (edits->graph, node_id)->op == LT_OP_Clip);
  add_node_edit (edits, node_id, LT_NODE_CLIP_TO_RELU);
}

gboolean
lt_weight_edits_write (const LtWeightEdits *edits,
                       const lt_model      *model,
                       const char          *path,
                       GError             **error)
{
  g_autofree lt_initializer_values *values = g_new0 (lt_initializer_values, MAX (edits->edits->len, 1));
  g_autofree lt_node_edit          *nodes = g_new0 (lt_node_edit, MAX (edits->nodes->len, 1));
  lt_error                          err;

  g_return_val_if_fail (lt_model_get_graph (model) == edits->graph, FALSE);
  for (guint i = 0; i < edits->edits->len; i++)
    {
      const edit *e = g_ptr_array_index (edits->edits, i);
      values[i] = (lt_initializer_values){ e->name, e->values, e->count, e->bias_of };
    }
  for (guint i = 0; i < edits->nodes->len; i++)
    {
      const node_edit *e = &g_array_index (edits->nodes, node_edit, i);
      const lt_node   *node = lt_graph_get_node (edits->graph, e->node_id);
      nodes[i] = (lt_node_edit){ lt_graph_get_value (edits->graph, node->outputs[0])->name, e->change };
    }
  lt_error_clear (&err);
  if (lt_onnx_export_edits (model, values, edits->edits->len, nodes, edits->nodes->len, path, &err) != LT_OK)
    {
      lt_engine_error_propagate (error, &err);
      return FALSE;
    }
  return TRUE;
}
