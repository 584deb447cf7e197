/* lt-graph-scene.c — turns a model's graph into boxes and edges and lays
 * them out with lt-graph-layout.
 *
 * Item order: inputs, then nodes in topological order, then outputs; the
 * layout keeps that order as its starting point, which already reads well
 * for most models.
 */
#include "config.h"

#include "lt-graph-scene.h"

#include "lt-engine-error.h"
#include "lt-graph-layout.h"

#include <glib/gi18n.h>

typedef struct
{
  GCancellable *cancellable;
  void        (*progress) (double fraction, gpointer user_data);
  gpointer      user_data;
} ProgressBridge;

static bool
report_progress (double  fraction,
                 void   *user_data)
{
  ProgressBridge *bridge = user_data;

  if (bridge->progress != NULL)
    bridge->progress (fraction, bridge->user_data);
  return !g_cancellable_is_cancelled (bridge->cancellable);
}

static void
add_item (GArray         *items,
          LtSceneItemKind kind,
          int32_t         id)
{
  LtSceneItem item = { kind, id, 0, 0, LT_SCENE_NODE_WIDTH,
                       kind == LT_SCENE_ITEM_NODE ? LT_SCENE_NODE_HEIGHT : LT_SCENE_PORT_HEIGHT };

  g_array_append_val (items, item);
}

static void
add_edge (GArray  *edges,
          uint32_t from,
          uint32_t to,
          int32_t  value)
{
  LtSceneEdge edge = { from, to, value, 0, 0, 0 };

  g_array_append_val (edges, edge);
}

/* Items and edges in the order described above. */
static void
collect_items (LtGraphScene *scene,
               GArray       *items,
               GArray       *edges)
{
  const lt_graph *graph = lt_model_get_graph (scene->model);
  uint32_t        n_nodes = lt_graph_get_n_nodes (graph);
  uint32_t        n_values = lt_graph_get_n_values (graph);
  const int32_t  *order = lt_graph_get_order (graph);
  g_autofree int32_t *item_of_input = g_new (int32_t, n_values);
  const int32_t *ids;
  uint32_t       n;

  for (uint32_t v = 0; v < n_values; v++)
    item_of_input[v] = -1;
  ids = lt_graph_get_inputs (graph, &n);
  for (uint32_t i = 0; i < n; i++)
    {
      item_of_input[ids[i]] = (int32_t) items->len;
      add_item (items, LT_SCENE_ITEM_INPUT, ids[i]);
    }
  scene->item_of_node = g_new (int32_t, n_nodes + 1);
  for (uint32_t i = 0; i < n_nodes; i++)
    {
      scene->item_of_node[order[i]] = (int32_t) items->len;
      add_item (items, LT_SCENE_ITEM_NODE, order[i]);
    }
  for (uint32_t i = 0; i < n_nodes; i++)
    {
      const lt_node *node = lt_graph_get_node (graph, order[i]);

      for (uint32_t k = 0; k < node->n_inputs; k++)
        {
          int32_t         v = node->inputs[k];
          const lt_value *value;

          if (v < 0)
            continue;
          value = lt_graph_get_value (graph, v);
          if (value->producer >= 0)
            add_edge (edges, scene->item_of_node[value->producer], scene->item_of_node[order[i]], v);
          else if (item_of_input[v] >= 0)
            add_edge (edges, item_of_input[v], scene->item_of_node[order[i]], v);
        }
    }
  ids = lt_graph_get_outputs (graph, &n);
  for (uint32_t i = 0; i < n; i++)
    {
      const lt_value *value = lt_graph_get_value (graph, ids[i]);
      uint32_t        item = items->len;

      add_item (items, LT_SCENE_ITEM_OUTPUT, ids[i]);
      if (value->producer >= 0)
        add_edge (edges, scene->item_of_node[value->producer], item, ids[i]);
      else if (item_of_input[ids[i]] >= 0)
        add_edge (edges, item_of_input[ids[i]], item, ids[i]);
    }
}

LtGraphScene *
lt_graph_scene_new (lt_model      *model,
                    GCancellable  *cancellable,
                    void         (*progress) (double fraction, gpointer user_data),
                    gpointer       user_data,
                    GError       **error)
{
  g_autoptr (LtGraphScene) scene = g_new0 (LtGraphScene, 1);
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (LtSceneItem));
  g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (LtSceneEdge));
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (float));
  ProgressBridge   bridge = { cancellable, progress, user_data };
  lt_graph_layout *layout;
  lt_error         err;

  scene->model = lt_model_ref (model);
  scene->shapes = lt_shape_inference_new (lt_model_get_graph (model));
  if (scene->shapes != NULL && lt_shape_inference_run (scene->shapes, NULL, false, &err) != LT_OK)
    {
      /* A contradiction in the model: show the declared types; the error
       * itself is reported where the model is checked. */
      g_debug ("shape inference: %s", err.message);
      g_clear_pointer (&scene->shapes, lt_shape_inference_free);
    }
  collect_items (scene, items, edges);
  layout = lt_graph_layout_new (items->len);
  if (layout == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", _("Out of memory laying out the graph"));
      return NULL;
    }
  for (uint32_t i = 0; i < items->len; i++)
    {
      LtSceneItem *item = &g_array_index (items, LtSceneItem, i);

      lt_graph_layout_set_node_size (layout, i, item->width, item->height);
    }
  for (uint32_t e = 0; e < edges->len; e++)
    {
      LtSceneEdge *edge = &g_array_index (edges, LtSceneEdge, e);

      lt_graph_layout_add_edge (layout, edge->from, edge->to, NULL, NULL);
    }
  lt_graph_layout_set_spacing (layout, 32.f, 56.f);
  if (lt_graph_layout_run (layout, report_progress, &bridge, &err) != LT_OK)
    {
      if (err.code == LT_ERR_CANCELLED)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Layout cancelled"));
      else
        lt_engine_error_propagate (error, &err);
      lt_graph_layout_free (layout);
      return NULL;
    }
  for (uint32_t i = 0; i < items->len; i++)
    {
      LtSceneItem *item = &g_array_index (items, LtSceneItem, i);
      float        cx, cy;

      lt_graph_layout_get_node_position (layout, i, &cx, &cy);
      item->x = cx - item->width / 2;
      item->y = cy - item->height / 2;
    }
  for (uint32_t e = 0; e < edges->len; e++)
    {
      LtSceneEdge *edge = &g_array_index (edges, LtSceneEdge, e);
      const float *p = lt_graph_layout_get_edge_points (layout, e, &edge->n_points);

      edge->first_point = points->len / 2;
      edge->first_drawn = lt_graph_layout_get_edge_first_own (layout, e);
      g_array_append_vals (points, p, 2 * edge->n_points);
    }
  lt_graph_layout_get_size (layout, &scene->width, &scene->height);
  lt_graph_layout_free (layout);

  scene->n_items = items->len;
  scene->items = (LtSceneItem *) g_array_free (g_steal_pointer (&items), FALSE);
  scene->n_edges = edges->len;
  scene->edges = (LtSceneEdge *) g_array_free (g_steal_pointer (&edges), FALSE);
  scene->points = (float *) g_array_free (g_steal_pointer (&points), FALSE);
  return g_steal_pointer (&scene);
}

void
lt_graph_scene_free (LtGraphScene *scene)
{
  if (scene == NULL)
    return;
  lt_shape_inference_free (scene->shapes);
  lt_model_unref (scene->model);
  g_free (scene->items);
  g_free (scene->item_of_node);
  g_free (scene->edges);
  g_free (scene->points);
  g_free (scene);
}

int32_t
lt_graph_scene_item_at (const LtGraphScene *scene,
                        float               x,
                        float               y)
{
  for (uint32_t i = 0; i < scene->n_items; i++)
    {
      const LtSceneItem *item = &scene->items[i];

      if (x >= item->x && x < item->x + item->width && y >= item->y && y < item->y + item->height)
        return (int32_t) i;
    }
  return -1;
}

void
lt_graph_scene_get_value_type (const LtGraphScene *scene,
                               int32_t             value,
                               lt_dtype           *dtype,
                               const lt_shape    **shape)
{
  if (scene->shapes != NULL)
    {
      const lt_value_type *type = lt_shape_inference_get (scene->shapes, value);

      *dtype = type->dtype;
      *shape = &type->shape;
      return;
    }
  *dtype = lt_graph_get_value (lt_model_get_graph (scene->model), value)->dtype;
  *shape = &lt_graph_get_value (lt_model_get_graph (scene->model), value)->shape;
}

char *
lt_graph_scene_format_value_type (const LtGraphScene *scene,
                                  int32_t             value)
{
  const lt_shape *shape;
  lt_dtype        dtype;
  char            text[128];

  lt_type_kind    kind = scene->shapes != NULL ? lt_shape_inference_get (scene->shapes, value)->kind
                                               : lt_graph_get_value (lt_model_get_graph (scene->model), value)->type_kind;

  lt_graph_scene_get_value_type (scene, value, &dtype, &shape);
  lt_shape_format (shape, text, sizeof text);
  switch (kind)
    {
    case LT_TYPE_SEQUENCE:
      /* Translators: a sequence of tensors, e.g. "sequence of float32 [2,3]" */
      return g_strdup_printf (_("sequence of %s %s"), lt_dtype_name (dtype), text);
    case LT_TYPE_OPTIONAL_TENSOR:
      /* Translators: a tensor that may be absent, e.g. "optional float32 [2,3]" */
      return g_strdup_printf (_("optional %s %s"), lt_dtype_name (dtype), text);
    case LT_TYPE_OPTIONAL_SEQUENCE:
      return g_strdup_printf (_("optional sequence of %s %s"), lt_dtype_name (dtype), text);
    case LT_TYPE_MAP:
      return g_strdup (_("map"));
    case LT_TYPE_TENSOR:
    default:
      return g_strdup_printf ("%s %s", lt_dtype_name (dtype), text);
    }
}

char *
lt_graph_scene_dup_item_name (const LtGraphScene *scene,
                              uint32_t            item)
{
  const lt_graph    *graph = lt_model_get_graph (scene->model);
  const LtSceneItem *it = &scene->items[item];
  char               buf[256];

  if (it->kind == LT_SCENE_ITEM_NODE)
    return g_strdup (lt_node_describe (graph, it->id, buf, sizeof buf));
  return g_strdup (lt_graph_get_value (graph, it->id)->name);
}
