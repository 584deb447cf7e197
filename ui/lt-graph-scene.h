/* lt-graph-scene.h — what the graph view draws: boxes and routed edges for
 * one graph of a model, laid out
 *
 * GLib only (no GTK), built in a worker thread and then read-only, so the
 * view, the minimap, exports and tests share it.  The boxes are the graph's
 * inputs (not initializers), its nodes and its outputs; an edge joins the
 * box that produces a value to each box that uses it.
 */
#pragma once

#include <gio/gio.h>
#include <lt/lt.h>

G_BEGIN_DECLS

/* Box sizes in graph units (pixels at zoom 1). */
#define LT_SCENE_NODE_WIDTH  168.f
#define LT_SCENE_NODE_HEIGHT 48.f
#define LT_SCENE_PORT_HEIGHT 32.f

typedef enum
{
  LT_SCENE_ITEM_NODE,   /* an operator: `id` is the node id */
  LT_SCENE_ITEM_INPUT,  /* a graph input: `id` is the value id */
  LT_SCENE_ITEM_OUTPUT, /* a graph output: `id` is the value id */
} LtSceneItemKind;

typedef struct
{
  LtSceneItemKind kind;
  int32_t         id;
  float           x, y;   /* top-left corner */
  float           width, height;
} LtSceneItem;

typedef struct
{
  uint32_t from, to;      /* item indices */
  int32_t  value;         /* the value it carries */
  uint32_t first_point;   /* into LtGraphScene.points (pairs of floats) */
  uint32_t n_points;
  /* Edges leaving one box share a trunk (see lt-graph-layout.h): the longest
   * has the whole route and draws the trunk; the others have only their
   * end and draw from this point on (the points before it give a curve its
   * direction).  A route need not start at its source. */
  uint32_t first_drawn;
} LtSceneEdge;

typedef struct
{
  lt_model    *model;     /* owned reference */
  uint32_t     n_items;
  LtSceneItem *items;
  int32_t     *item_of_node; /* node id → item index */
  uint32_t     n_edges;
  LtSceneEdge *edges;
  float       *points;
  float        width, height;
  lt_shape_inference *shapes;  /* inferred types, or NULL when inference failed */
} LtGraphScene;

/* Lays out the main graph of `model` (may take a while: call from a worker
 * thread).  Returns NULL and sets `error` when cancelled or out of memory.
 * `progress` (may be NULL) is called from the calling thread. */
LtGraphScene *lt_graph_scene_new (lt_model      *model,
                                  GCancellable  *cancellable,
                                  void         (*progress) (double fraction, gpointer user_data),
                                  gpointer       user_data,
                                  GError       **error);

void lt_graph_scene_free (LtGraphScene *scene);

/* The item under a point in graph units, or -1. */
int32_t lt_graph_scene_item_at (const LtGraphScene *scene,
                                float               x,
                                float               y);

/* The dtype and shape of a value: inferred when inference succeeded (it
 * runs with the declared input types, not strictly, so values it cannot
 * infer keep what the file declares), declared otherwise. */
void lt_graph_scene_get_value_type (const LtGraphScene *scene,
                                    int32_t             value,
                                    lt_dtype           *dtype,
                                    const lt_shape    **shape);

/* "float 1x3x224x224" (for a sequence or optional "sequence of float
 * 1x3", "optional float 1x3", ...), newly allocated. */
char *lt_graph_scene_format_value_type (const LtGraphScene *scene,
                                        int32_t             value);

/* A label for an item: the node's name (or "<op> #<id>"), or the value's. */
char *lt_graph_scene_dup_item_name (const LtGraphScene *scene,
                                    uint32_t            item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtGraphScene, lt_graph_scene_free)

G_END_DECLS
