/* lt-graph-view.c — draws an LtGraphScene and lets the user move around it
 *
 * Drawing (lt_graph_view_render) works in screen pixels: every item and
 * edge is culled against the visible rectangle; all visible edges go into
 * one cairo node; boxes are colour nodes; text is only laid out at zoom
 * levels where it is readable (level of detail), so a frame costs about the
 * same at any graph size.  The minimap is a texture drawn once per scene.
 *
 * Invariants: `scene` is NULL or fully laid out; `selected` is -1 or a valid
 * item of `scene`; `history` holds (zoom, x, y) triples of earlier views.
 */
#include "config.h"

#include "lt-graph-view.h"

#include <adwaita.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>

#define MIN_ZOOM          0.02
#define MAX_ZOOM          8.0
#define ZOOM_STEP         1.25
#define TEXT_MIN_ZOOM     0.35  /* below this, boxes only */
#define LABEL_MIN_ZOOM    0.7   /* edge shape labels from here */
#define MINIMAP_SIZE      180.f
#define MINIMAP_MARGIN    12.f
#define HISTORY_MAX       64

struct _LtGraphView
{
  GtkWidget parent_instance;

  /* Owned */
  LtGraphScene  *scene;
  GCancellable  *layout_cancellable;
  GdkTexture    *minimap;
  GArray        *history;      /* doubles: zoom, x, y */
  GArray        *selection;    /* item indices */
  double        *overlay_values;
  guint          n_overlay_values;
  char         **overlay_labels;

  double         zoom;
  double         x, y;         /* graph coordinates at the top-left corner */
  int            selected;
  int            hovered;
  gboolean       busy;
  double         progress;
  gboolean       splines;
  gboolean       fit_pending;  /* zoom to fit once the widget has a size */
  LtGraphOverlay overlay;

  /* Gesture state */
  double         drag_x, drag_y;
  double         pointer_x, pointer_y; /* last pointer position, for zooming */
  gboolean       rubber_band;
  double         band_x0, band_y0, band_x1, band_y1;
};

G_DEFINE_FINAL_TYPE (LtGraphView, lt_graph_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ZOOM,
  PROP_SELECTED_ITEM,
  PROP_BUSY,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- colours ------------------------------------------------------------ */

typedef struct
{
  const char *ops;   /* space-separated op types */
  GdkRGBA     light;
  GdkRGBA     dark;
} OpFamily;

static const OpFamily op_families[] = {
  { " Conv ConvTranspose ConvInteger QLinearConv MatMul Gemm MatMulInteger QLinearMatMul Attention ",
    { 0.80f, 0.87f, 0.98f, 1 }, { 0.16f, 0.27f, 0.45f, 1 } },
  { " Relu LeakyRelu Sigmoid Tanh Softmax LogSoftmax Gelu Elu Selu HardSigmoid HardSwish Clip Erf PRelu Mish Softplus ",
    { 0.98f, 0.84f, 0.80f, 1 }, { 0.47f, 0.22f, 0.18f, 1 } },
  { " BatchNormalization LayerNormalization InstanceNormalization GroupNormalization LRN Dropout ",
    { 0.82f, 0.94f, 0.82f, 1 }, { 0.18f, 0.38f, 0.20f, 1 } },
  { " MaxPool AveragePool GlobalAveragePool GlobalMaxPool ReduceMean ReduceSum ReduceMax ",
    { 0.92f, 0.86f, 0.98f, 1 }, { 0.33f, 0.23f, 0.45f, 1 } },
  { " QuantizeLinear DequantizeLinear DynamicQuantizeLinear ",
    { 0.99f, 0.93f, 0.75f, 1 }, { 0.45f, 0.37f, 0.12f, 1 } },
};

static const GdkRGBA other_light = { 0.93f, 0.93f, 0.92f, 1 };
static const GdkRGBA other_dark = { 0.27f, 0.27f, 0.29f, 1 };

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static GdkRGBA
op_colour (const char *op_type)
{
  gboolean dark = is_dark ();
  char     key[80];

  g_snprintf (key, sizeof key, " %s ", op_type);
  for (guint i = 0; i < G_N_ELEMENTS (op_families); i++)
    if (strstr (op_families[i].ops, key) != NULL)
      return dark ? op_families[i].dark : op_families[i].light;
  return dark ? other_dark : other_light;
}

/* Categorical colours for the backend overlay (readable in both styles). */
static const GdkRGBA category_colours[] = {
  { 0.21f, 0.52f, 0.89f, 1 }, { 0.20f, 0.82f, 0.48f, 1 }, { 0.96f, 0.76f, 0.07f, 1 },
  { 0.88f, 0.11f, 0.14f, 1 }, { 0.57f, 0.25f, 0.67f, 1 }, { 0.40f, 0.26f, 0.13f, 1 },
};

/* Green (low) to red (high) through yellow, t in [0, 1]. */
static GdkRGBA
ramp_colour (double t)
{
  GdkRGBA c = { 0, 0, 0.2f, 1 };

  t = CLAMP (t, 0.0, 1.0);
  c.red = (float) (t < 0.5 ? 2 * t : 1.0) * 0.9f;
  c.green = (float) (t < 0.5 ? 1.0 : 2 * (1 - t)) * 0.75f;
  return c;
}

static void
overlay_range (LtGraphView *self,
               double      *lo,
               double      *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint i = 0; i < self->n_overlay_values; i++)
    if (!isnan (self->overlay_values[i]))
      {
        *lo = MIN (*lo, self->overlay_values[i]);
        *hi = MAX (*hi, self->overlay_values[i]);
      }
}

/* The fill of an item, from the overlay when it has a value. */
static GdkRGBA
item_fill (LtGraphView       *self,
           const LtSceneItem *item,
           double             lo,
           double             hi)
{
  const lt_graph *graph = lt_model_get_graph (self->scene->model);

  if (item->kind != LT_SCENE_ITEM_NODE)
    return is_dark () ? (GdkRGBA) { 0.20f, 0.20f, 0.22f, 1 } : (GdkRGBA) { 1, 1, 1, 1 };
  if (self->overlay != LT_GRAPH_OVERLAY_NONE && (guint) item->id < self->n_overlay_values &&
      !isnan (self->overlay_values[item->id]))
    {
      double v = self->overlay_values[item->id];

      if (self->overlay == LT_GRAPH_OVERLAY_BACKEND)
        return category_colours[(guint) MAX (v, 0) % G_N_ELEMENTS (category_colours)];
      return ramp_colour (hi > lo ? (v - lo) / (hi - lo) : 0);
    }
  return op_colour (lt_graph_get_node (graph, item->id)->op_type);
}

static GdkRGBA
foreground (LtGraphView *self)
{
  GdkRGBA c;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &c);
  return c;
}

static GdkRGBA
accent (void)
{
  return is_dark () ? (GdkRGBA) { 0.47f, 0.68f, 0.93f, 1 } : (GdkRGBA) { 0.11f, 0.44f, 0.85f, 1 };
}

/* ---- drawing ------------------------------------------------------------ */

typedef struct
{
  double x, y, zoom;
  int    width, height;
} Viewport;

static inline void
to_screen (const Viewport *vp,
           double          gx,
           double          gy,
           double         *sx,
           double         *sy)
{
  *sx = (gx - vp->x) * vp->zoom;
  *sy = (gy - vp->y) * vp->zoom;
}

static gboolean
item_visible (const Viewport    *vp,
              const LtSceneItem *item)
{
  return item->x + item->width >= vp->x && item->y + item->height >= vp->y &&
         item->x <= vp->x + vp->width / vp->zoom && item->y <= vp->y + vp->height / vp->zoom;
}

/* Whether the part of the points between first and last (inclusive) may
 * show in the viewport. */
static gboolean
points_visible (const Viewport *vp,
                const float    *p,
                guint           first,
                guint           last)
{
  float x0 = p[2 * first], x1 = x0, y0 = p[2 * first + 1], y1 = y0;

  for (guint i = first + 1; i <= last; i++)
    {
      x0 = MIN (x0, p[2 * i]);
      x1 = MAX (x1, p[2 * i]);
      y0 = MIN (y0, p[2 * i + 1]);
      y1 = MAX (y1, p[2 * i + 1]);
    }
  return x1 >= vp->x && y1 >= vp->y && x0 <= vp->x + vp->width / vp->zoom &&
         y0 <= vp->y + vp->height / vp->zoom;
}

static gboolean
edge_visible (const LtGraphScene *scene,
              const Viewport     *vp,
              const LtSceneEdge  *edge)
{
  return points_visible (vp, scene->points + 2 * edge->first_point, edge->first_drawn, edge->n_points - 1);
}

/* A polyline, or a Catmull-Rom spline through its points drawn as Béziers,
 * from point `first`; segments outside the viewport are left out, so a
 * route crossing the whole graph costs only what shows. */
static void
path_edge (cairo_t           *cr,
           const Viewport    *vp,
           const float       *p,
           guint              first,
           guint              n,
           gboolean           splines)
{
  gboolean pen_down = FALSE;

  for (guint i = first + 1; i < n; i++)
    {
      guint  before = i >= 2 ? i - 2 : 0;
      guint  after = MIN (i + 1, n - 1);
      double ax, ay, bx, by;

      /* a spline segment stays within the hull of its four control points */
      if (!points_visible (vp, p, splines ? MAX (before, first) : i - 1, splines ? after : i))
        {
          pen_down = FALSE;
          continue;
        }
      to_screen (vp, p[2 * (i - 1)], p[2 * (i - 1) + 1], &ax, &ay);
      to_screen (vp, p[2 * i], p[2 * i + 1], &bx, &by);
      if (!pen_down)
        cairo_move_to (cr, ax, ay);
      pen_down = TRUE;
      if (!splines || n == 2)
        cairo_line_to (cr, bx, by);
      else
        {
          double px, py, nx, ny;

          to_screen (vp, p[2 * before], p[2 * before + 1], &px, &py);
          to_screen (vp, p[2 * after], p[2 * after + 1], &nx, &ny);
          cairo_curve_to (cr,
                          ax + (bx - px) / 6, ay + (by - py) / 6,
                          bx - (nx - ax) / 6, by - (ny - ay) / 6,
                          bx, by);
        }
    }
}

static gboolean
edge_touches_selection (LtGraphView       *self,
                        const LtSceneEdge *edge)
{
  return self->selected >= 0 && (edge->from == (guint) self->selected || edge->to == (guint) self->selected);
}

static void
draw_edges (LtGraphView    *self,
            GtkSnapshot    *snapshot,
            const Viewport *vp)
{
  const LtGraphScene *scene = self->scene;
  GdkRGBA             fg = foreground (self);
  GdkRGBA             hi = accent ();
  cairo_t            *cr;
  double              arrow = 6 * MAX (vp->zoom, 0.5);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, vp->width, vp->height));
  cairo_set_line_width (cr, MAX (1.0, 1.5 * vp->zoom));
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint e = 0; e < scene->n_edges; e++)
        {
          const LtSceneEdge *edge = &scene->edges[e];
          const float       *p = scene->points + 2 * edge->first_point;
          double             ex, ey;

          if (edge->n_points < 2 || edge_touches_selection (self, edge) != (pass == 1) ||
              !edge_visible (scene, vp, edge))
            continue;
          path_edge (cr, vp, p, edge->first_drawn, edge->n_points, self->splines);
          if (vp->zoom >= TEXT_MIN_ZOOM)
            {
              /* arrow head at the target, pointing along the last segment */
              double px, py, len, ux, uy;

              to_screen (vp, p[2 * edge->n_points - 2], p[2 * edge->n_points - 1], &ex, &ey);
              to_screen (vp, p[2 * edge->n_points - 4], p[2 * edge->n_points - 3], &px, &py);
              len = MAX (hypot (ex - px, ey - py), 1e-6);
              ux = (ex - px) / len;
              uy = (ey - py) / len;
              cairo_move_to (cr, ex, ey);
              cairo_line_to (cr, ex - arrow * ux + arrow * 0.5 * uy, ey - arrow * uy - arrow * 0.5 * ux);
              cairo_move_to (cr, ex, ey);
              cairo_line_to (cr, ex - arrow * ux - arrow * 0.5 * uy, ey - arrow * uy + arrow * 0.5 * ux);
            }
        }
      if (pass == 0)
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.45);
      else
        {
          cairo_set_source_rgba (cr, hi.red, hi.green, hi.blue, 1);
          cairo_set_line_width (cr, MAX (2.0, 2.5 * vp->zoom));
        }
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
append_text (GtkSnapshot          *snapshot,
             PangoLayout          *layout,
             const char           *text,
             double                x,
             double                y,
             double                width,
             double                zoom,
             const GdkRGBA        *colour)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_scale (snapshot, (float) zoom, (float) zoom);
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

/* Output shapes on edges leaving an item, for the first edge of each value. */
static void
draw_edge_labels (LtGraphView    *self,
                  GtkSnapshot    *snapshot,
                  const Viewport *vp,
                  PangoLayout    *layout)
{
  const LtGraphScene *scene = self->scene;
  GdkRGBA             fg = foreground (self);
  int                 last_value = -1;

  fg.alpha = 0.7f;
  for (guint e = 0; e < scene->n_edges; e++)
    {
      const LtSceneEdge *edge = &scene->edges[e];
      const float       *p = scene->points + 2 * edge->first_point;
      const lt_shape    *type_shape;
      lt_dtype           dtype;
      char               shape[96];
      double             sx, sy;

      if (edge->value == last_value || edge->n_points < 2 || !edge_visible (scene, vp, edge))
        continue;
      lt_graph_scene_get_value_type (scene, edge->value, &dtype, &type_shape);
      if (type_shape->rank < 0)
        continue;
      last_value = edge->value;
      lt_shape_format (type_shape, shape, sizeof shape);
      to_screen (vp, p[0] + 4, p[1] + 2, &sx, &sy);
      append_text (snapshot, layout, shape, sx, sy, 160, vp->zoom * 0.75, &fg);
    }
}

static void
draw_items (LtGraphView    *self,
            GtkSnapshot    *snapshot,
            const Viewport *vp,
            PangoLayout    *layout,
            PangoLayout    *bold)
{
  const LtGraphScene *scene = self->scene;
  const lt_graph     *graph = lt_model_get_graph (scene->model);
  gboolean            detail = vp->zoom >= TEXT_MIN_ZOOM;
  GdkRGBA             fg = foreground (self);
  GdkRGBA             hi = accent ();
  GdkRGBA             border = fg;
  double              lo, top;
  g_autoptr (GHashTable) in_band = g_hash_table_new (NULL, NULL);

  border.alpha = 0.35f;
  overlay_range (self, &lo, &top);
  for (guint i = 0; self->selection != NULL && i < self->selection->len; i++)
    g_hash_table_add (in_band, GINT_TO_POINTER (g_array_index (self->selection, int, i)));
  for (guint i = 0; i < scene->n_items; i++)
    {
      const LtSceneItem *item = &scene->items[i];
      GdkRGBA            fill;
      double             sx, sy;
      graphene_rect_t    r;
      gboolean           selected = (int) i == self->selected || g_hash_table_contains (in_band, GINT_TO_POINTER (i));

      if (!item_visible (vp, item))
        continue;
      to_screen (vp, item->x, item->y, &sx, &sy);
      r = GRAPHENE_RECT_INIT ((float) sx, (float) sy, (float) (item->width * vp->zoom),
                              (float) (item->height * vp->zoom));
      fill = item_fill (self, item, lo, top);
      if (!detail)
        {
          gtk_snapshot_append_color (snapshot, selected ? &hi : &fill, &r);
          continue;
        }
      {
        GskRoundedRect rr;
        float          radius = (float) ((item->kind == LT_SCENE_ITEM_NODE ? 6 : item->height / 2) * vp->zoom);
        float          bw = selected ? 2.5f : 1.f;
        const GdkRGBA *bc = selected ? &hi : &border;
        const GdkRGBA  colours[4] = { *bc, *bc, *bc, *bc };

        gsk_rounded_rect_init_from_rect (&rr, &r, radius);
        gtk_snapshot_push_rounded_clip (snapshot, &rr);
        gtk_snapshot_append_color (snapshot, &fill, &r);
        gtk_snapshot_pop (snapshot);
        gtk_snapshot_append_border (snapshot, &rr, (float[4]) { bw, bw, bw, bw }, colours);
      }
      if (item->kind == LT_SCENE_ITEM_NODE)
        {
          const lt_node *node = lt_graph_get_node (graph, item->id);

          append_text (snapshot, bold, node->op_type, sx + 8 * vp->zoom, sy + 5 * vp->zoom,
                       item->width - 16, vp->zoom, &fg);
          append_text (snapshot, layout, node->name, sx + 8 * vp->zoom, sy + 25 * vp->zoom,
                       item->width - 16, vp->zoom, &fg);
        }
      else
        {
          g_autofree char *name = lt_graph_scene_dup_item_name (scene, i);

          append_text (snapshot, layout, name, sx + 12 * vp->zoom, sy + 7 * vp->zoom,
                       item->width - 24, vp->zoom, &fg);
        }
    }
}

/* Attributes and output shapes of the hovered node, in a card beside it. */
static void
draw_hover_card (LtGraphView    *self,
                 GtkSnapshot    *snapshot,
                 const Viewport *vp,
                 PangoLayout    *layout)
{
  const LtSceneItem *item;
  const lt_graph    *graph;
  const lt_node     *node;
  g_autoptr (GString) text = g_string_new (NULL);
  GdkRGBA            bg = is_dark () ? (GdkRGBA) { 0.14f, 0.14f, 0.16f, 0.95f } : (GdkRGBA) { 1, 1, 1, 0.95f };
  GdkRGBA            fg = foreground (self);
  double             sx, sy;
  int                w, h;

  if (self->hovered < 0 || self->scene->items[self->hovered].kind != LT_SCENE_ITEM_NODE)
    return;
  item = &self->scene->items[self->hovered];
  graph = lt_model_get_graph (self->scene->model);
  node = lt_graph_get_node (graph, item->id);
  for (guint a = 0; a < node->n_attrs && a < 6; a++)
    {
      const lt_attr *attr = &node->attrs[a];

      g_string_append_printf (text, "%s = ", attr->name);
      switch (attr->type)
        {
        case LT_ATTR_INT:
          g_string_append_printf (text, "%" G_GINT64_FORMAT, attr->v.i);
          break;
        case LT_ATTR_FLOAT:
          g_string_append_printf (text, "%g", attr->v.f);
          break;
        case LT_ATTR_STRING:
          g_string_append (text, attr->v.s.data);
          break;
        case LT_ATTR_INTS:
          for (guint k = 0; k < attr->count && k < 8; k++)
            g_string_append_printf (text, k ? ", %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, attr->v.ints[k]);
          break;
        default:
          g_string_append (text, "…");
          break;
        }
      g_string_append_c (text, '\n');
    }
  for (guint o = 0; o < node->n_outputs; o++)
    {
      g_autofree char *type = NULL;

      if (node->outputs[o] < 0)
        continue;
      type = lt_graph_scene_format_value_type (self->scene, node->outputs[o]);
      g_string_append_printf (text, "→ %s\n", type);
    }
  if (text->len == 0)
    return;
  g_string_truncate (text, text->len - 1);
  pango_layout_set_text (layout, text->str, -1);
  pango_layout_set_width (layout, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  to_screen (vp, item->x + item->width, item->y, &sx, &sy);
  sx += 8;
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT ((float) sx, (float) sy, w + 16.f, h + 12.f));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) sx + 8, (float) sy + 6));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}

static void
render_scene (LtGraphView    *self,
              GtkSnapshot    *snapshot,
              const Viewport *vp)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoLayout *bold = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (bold, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_ellipsize (bold, PANGO_ELLIPSIZE_END);

  draw_edges (self, snapshot, vp);
  if (vp->zoom >= LABEL_MIN_ZOOM)
    draw_edge_labels (self, snapshot, vp, layout);
  draw_items (self, snapshot, vp, layout, bold);
  g_object_unref (layout);
  g_object_unref (bold);
}

GskRenderNode *
lt_graph_view_render (LtGraphView *self,
                      double       x,
                      double       y,
                      double       zoom,
                      int          width,
                      int          height)
{
  GtkSnapshot *snapshot;
  Viewport     vp = { x, y, zoom, width, height };

  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), NULL);
  if (self->scene == NULL || width <= 0 || height <= 0)
    return NULL;
  snapshot = gtk_snapshot_new ();
  render_scene (self, snapshot, &vp);
  return gtk_snapshot_free_to_node (snapshot);
}

/* The minimap texture: every box as a dot, once per scene and style. */
static void
ensure_minimap (LtGraphView *self)
{
  const LtGraphScene *scene = self->scene;
  double              scale = MINIMAP_SIZE / MAX (MAX (scene->width, scene->height), 1.f);
  int                 w = MAX (1, (int) ceil (scene->width * scale));
  int                 h = MAX (1, (int) ceil (scene->height * scale));
  cairo_surface_t    *surface;
  cairo_t            *cr;
  GBytes             *bytes;
  double              lo, hi;

  if (self->minimap != NULL)
    return;
  overlay_range (self, &lo, &hi);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  for (guint i = 0; i < scene->n_items; i++)
    {
      const LtSceneItem *item = &scene->items[i];
      GdkRGBA            c = item_fill (self, item, lo, hi);

      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, item->x * scale, item->y * scale,
                       MAX (1.0, item->width * scale), MAX (1.0, item->height * scale));
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * h);
  self->minimap = gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes,
                                          cairo_image_surface_get_stride (surface));
  g_bytes_unref (bytes);
  cairo_surface_destroy (surface);
}

static graphene_rect_t
minimap_bounds (LtGraphView *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  int tw = gdk_texture_get_width (self->minimap);
  int th = gdk_texture_get_height (self->minimap);

  return GRAPHENE_RECT_INIT (w - tw - MINIMAP_MARGIN, h - th - MINIMAP_MARGIN, tw, th);
}

static void
draw_minimap (LtGraphView *self,
              GtkSnapshot *snapshot)
{
  graphene_rect_t bounds;
  GdkRGBA         bg = is_dark () ? (GdkRGBA) { 0.1f, 0.1f, 0.11f, 0.85f } : (GdkRGBA) { 0.98f, 0.98f, 0.98f, 0.9f };
  GdkRGBA         hi = accent ();
  double          scale;
  graphene_rect_t view;

  ensure_minimap (self);
  bounds = minimap_bounds (self);
  if (bounds.size.width * 2 > gtk_widget_get_width (GTK_WIDGET (self)))
    return;
  scale = bounds.size.width / MAX (self->scene->width, 1.f);
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (bounds.origin.x - 4, bounds.origin.y - 4,
                                                                 bounds.size.width + 8, bounds.size.height + 8));
  gtk_snapshot_append_texture (snapshot, self->minimap, &bounds);
  view = GRAPHENE_RECT_INIT ((float) (bounds.origin.x + self->x * scale), (float) (bounds.origin.y + self->y * scale),
                             (float) (gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom * scale),
                             (float) (gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom * scale));
  graphene_rect_intersection (&view, &bounds, &view);
  {
    GskRoundedRect rr;
    const GdkRGBA  colours[4] = { hi, hi, hi, hi };

    gsk_rounded_rect_init_from_rect (&rr, &view, 0);
    gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1.5f, 1.5f, 1.5f, 1.5f }, colours);
  }
}

static void
draw_legend (LtGraphView *self,
             GtkSnapshot *snapshot)
{
  static const char *titles[] = { NULL, N_("Backend"), N_("Quantization error"), N_("Latency (ms)") };
  g_autoptr (GString) text = g_string_new (_(titles[self->overlay]));
  PangoLayout *layout;
  GdkRGBA      bg = is_dark () ? (GdkRGBA) { 0.1f, 0.1f, 0.11f, 0.9f } : (GdkRGBA) { 0.98f, 0.98f, 0.98f, 0.92f };
  GdkRGBA      fg = foreground (self);
  int          w, h;
  float        x = MINIMAP_MARGIN, y;

  if (self->overlay == LT_GRAPH_OVERLAY_NONE)
    return;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  if (self->overlay == LT_GRAPH_OVERLAY_BACKEND)
    {
      for (guint i = 0; self->overlay_labels != NULL && self->overlay_labels[i] != NULL; i++)
        g_string_append_printf (text, "\n     %s", self->overlay_labels[i]);
    }
  else
    {
      double lo, hi;

      overlay_range (self, &lo, &hi);
      if (lo <= hi)
        g_string_append_printf (text, "\n%.3g … %.3g", lo, hi);
      else
        g_string_append_printf (text, "\n%s", _("No data yet"));
    }
  pango_layout_set_text (layout, text->str, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  y = gtk_widget_get_height (GTK_WIDGET (self)) - h - 24 - MINIMAP_MARGIN;
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (x, y, w + 24.f, h + 24.f));
  if (self->overlay == LT_GRAPH_OVERLAY_BACKEND)
    {
      int line = h / (int) MAX (1u, g_strv_length (self->overlay_labels ? self->overlay_labels : (char *[]) { NULL }) + 1);

      for (guint i = 0; self->overlay_labels != NULL && self->overlay_labels[i] != NULL; i++)
        gtk_snapshot_append_color (snapshot, &category_colours[i % G_N_ELEMENTS (category_colours)],
                                   &GRAPHENE_RECT_INIT (x + 12, y + 12 + line * (i + 1) + 3, 14, line - 6.f));
    }
  else
    for (int i = 0; i < 32; i++)
      {
        GdkRGBA c = ramp_colour (i / 31.0);

        gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (x + 12 + i * (w / 32.f), y + h + 14, w / 32.f + 0.5f, 6));
      }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 12, y + 8));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
lt_graph_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  LtGraphView *self = LT_GRAPH_VIEW (widget);

  (void) height;
  (void) baseline;
  if (self->fit_pending && self->scene != NULL && width > 0)
    {
      self->fit_pending = FALSE;
      lt_graph_view_zoom_to_fit (self);
      g_array_set_size (self->history, 0);
    }
}

static void
lt_graph_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  LtGraphView *self = LT_GRAPH_VIEW (widget);
  Viewport     vp = { self->x, self->y, self->zoom,
                      gtk_widget_get_width (widget), gtk_widget_get_height (widget) };

  if (self->scene == NULL || vp.width <= 0 || vp.height <= 0)
    return;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, vp.width, vp.height));
  render_scene (self, snapshot, &vp);
  {
    PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);

    draw_hover_card (self, snapshot, &vp, layout);
    g_object_unref (layout);
  }
  if (self->rubber_band)
    {
      GdkRGBA         hi = accent ();
      graphene_rect_t band = GRAPHENE_RECT_INIT ((float) MIN (self->band_x0, self->band_x1),
                                                 (float) MIN (self->band_y0, self->band_y1),
                                                 (float) fabs (self->band_x1 - self->band_x0),
                                                 (float) fabs (self->band_y1 - self->band_y0));

      hi.alpha = 0.2f;
      gtk_snapshot_append_color (snapshot, &hi, &band);
    }
  draw_minimap (self, snapshot);
  draw_legend (self, snapshot);
  gtk_snapshot_pop (snapshot);
}

/* ---- view state ---------------------------------------------------------- */

static void
push_history (LtGraphView *self)
{
  double entry[3] = { self->zoom, self->x, self->y };

  if (self->history->len >= 3 * HISTORY_MAX)
    g_array_remove_range (self->history, 0, 3);
  if (self->history->len >= 3)
    {
      double *last = &g_array_index (self->history, double, self->history->len - 3);

      if (last[0] == entry[0] && last[1] == entry[1] && last[2] == entry[2])
        return;
    }
  g_array_append_vals (self->history, entry, 3);
}

/* Sets zoom keeping the graph point under (px, py) in widget pixels fixed. */
static void
zoom_at (LtGraphView *self,
         double       zoom,
         double       px,
         double       py)
{
  double gx, gy;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (zoom == self->zoom)
    return;
  gx = self->x + px / self->zoom;
  gy = self->y + py / self->zoom;
  self->zoom = zoom;
  self->x = gx - px / zoom;
  self->y = gy - py / zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_centred (LtGraphView *self,
              double       zoom)
{
  push_history (self);
  zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

double
lt_graph_view_get_zoom (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), 1.0);
  return self->zoom;
}

void
lt_graph_view_set_zoom (LtGraphView *self,
                        double       zoom)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  zoom_centred (self, zoom);
}

void
lt_graph_view_zoom_in (LtGraphView *self)
{
  lt_graph_view_set_zoom (self, self->zoom * ZOOM_STEP);
}

void
lt_graph_view_zoom_out (LtGraphView *self)
{
  lt_graph_view_set_zoom (self, self->zoom / ZOOM_STEP);
}

void
lt_graph_view_zoom_reset (LtGraphView *self)
{
  lt_graph_view_set_zoom (self, 1.0);
}

void
lt_graph_view_get_offset (LtGraphView *self,
                          double      *x,
                          double      *y)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  *x = self->x;
  *y = self->y;
}

void
lt_graph_view_set_offset (LtGraphView *self,
                          double       x,
                          double       y)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  push_history (self);
  self->x = x;
  self->y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Whole graph in view, at most at zoom 1, centred horizontally. */
void
lt_graph_view_zoom_to_fit (LtGraphView *self)
{
  int    w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 200);
  int    h = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 200);
  double zoom;

  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  if (self->scene == NULL)
    return;
  push_history (self);
  zoom = MIN (1.0, MIN ((w - 40) / MAX (self->scene->width, 1.f), (h - 40) / MAX (self->scene->height, 1.f)));
  /* A tall model fitted entirely would be unreadable: keep text legible
   * and start at the top. */
  zoom = CLAMP (MAX (zoom, 0.5), MIN_ZOOM, MAX_ZOOM);
  self->zoom = zoom;
  self->x = self->scene->width / 2 - w / 2.0 / zoom;
  self->y = -20 / zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
lt_graph_view_undo_view_change (LtGraphView *self)
{
  double *last;
  double  zoom;

  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), FALSE);
  if (self->history->len < 3)
    return FALSE;
  last = &g_array_index (self->history, double, self->history->len - 3);
  zoom = self->zoom;
  self->zoom = last[0];
  self->x = last[1];
  self->y = last[2];
  g_array_set_size (self->history, self->history->len - 3);
  if (zoom != self->zoom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* Scrolls so an item is visible, keeping the zoom. */
static void
reveal_item (LtGraphView *self,
             int          item)
{
  const LtSceneItem *it = &self->scene->items[item];
  double             w = gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom;
  double             h = gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom;

  if (it->x >= self->x && it->y >= self->y && it->x + it->width <= self->x + w &&
      it->y + it->height <= self->y + h)
    return;
  push_history (self);
  self->x = it->x + it->width / 2 - w / 2;
  self->y = it->y + it->height / 2 - h / 2;
}

static void
update_accessible_description (LtGraphView *self)
{
  g_autofree char *text = NULL;

  if (self->scene != NULL && self->selected >= 0)
    {
      const LtSceneItem *item = &self->scene->items[self->selected];
      g_autofree char   *name = lt_graph_scene_dup_item_name (self->scene, self->selected);

      if (item->kind == LT_SCENE_ITEM_NODE)
        {
          const lt_node *node = lt_graph_get_node (lt_model_get_graph (self->scene->model), item->id);

          text = g_strdup_printf (_("Selected: %s node %s, %u inputs, %u outputs"),
                                  node->op_type, name, node->n_inputs, node->n_outputs);
        }
      else
        text = g_strdup_printf (item->kind == LT_SCENE_ITEM_INPUT ? _("Selected: graph input %s")
                                                                  : _("Selected: graph output %s"),
                                name);
    }
  else
    text = g_strdup (_("No node selected"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

int
lt_graph_view_get_selected_item (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), -1);
  return self->selected;
}

void
lt_graph_view_set_selected_item (LtGraphView *self,
                                 int          item)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  if (self->scene == NULL || item < 0 || (guint) item >= self->scene->n_items)
    item = -1;
  if (item == self->selected)
    return;
  self->selected = item;
  g_array_set_size (self->selection, 0);
  if (item >= 0)
    {
      g_array_append_val (self->selection, item);
      reveal_item (self, item);
    }
  update_accessible_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GArray *
lt_graph_view_get_selection (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), NULL);
  return self->selection;
}

void
lt_graph_view_set_spline_edges (LtGraphView *self,
                                gboolean     splines)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  splines = !!splines;
  if (splines == self->splines)
    return;
  self->splines = splines;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lt_graph_view_set_overlay (LtGraphView        *self,
                           LtGraphOverlay      overlay,
                           const double       *values,
                           guint               n_values,
                           const char * const *labels)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  self->overlay = overlay;
  g_clear_pointer (&self->overlay_values, g_free);
  g_clear_pointer (&self->overlay_labels, g_strfreev);
  self->overlay_values = values != NULL ? g_memdup2 (values, n_values * sizeof (double)) : NULL;
  self->n_overlay_values = values != NULL ? n_values : 0;
  self->overlay_labels = g_strdupv ((char **) labels);
  g_clear_object (&self->minimap);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

LtGraphOverlay
lt_graph_view_get_overlay (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), LT_GRAPH_OVERLAY_NONE);
  return self->overlay;
}

/* ---- layout job ---------------------------------------------------------- */

typedef struct
{
  GWeakRef view;
  double   fraction;
} ProgressUpdate;

static gboolean
apply_progress (gpointer data)
{
  ProgressUpdate *update = data;
  g_autoptr (LtGraphView) self = g_weak_ref_get (&update->view);

  if (self != NULL && self->busy)
    {
      self->progress = update->fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  g_weak_ref_clear (&update->view);
  g_free (update);
  return G_SOURCE_REMOVE;
}

static void
post_progress (double   fraction,
               gpointer user_data)
{
  ProgressUpdate *update = g_new0 (ProgressUpdate, 1);

  g_weak_ref_init (&update->view, user_data);
  update->fraction = fraction;
  g_idle_add (apply_progress, update);
}

static void
layout_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError       *error = NULL;
  LtGraphScene *scene = lt_graph_scene_new (task_data, cancellable, post_progress, source, &error);

  if (scene == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, scene, (GDestroyNotify) lt_graph_scene_free);
}

static void
set_busy (LtGraphView *self,
          gboolean     busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  self->progress = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
layout_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  LtGraphView  *self = LT_GRAPH_VIEW (source);
  g_autoptr (GError) error = NULL;
  LtGraphScene *scene = g_task_propagate_pointer (G_TASK (result), &error);

  (void) user_data;
  if (g_task_get_cancellable (G_TASK (result)) != self->layout_cancellable)
    {
      lt_graph_scene_free (scene); /* superseded by a newer model */
      return;
    }
  set_busy (self, FALSE);
  if (scene == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("graph layout failed: %s", error->message);
      return;
    }
  g_clear_pointer (&self->scene, lt_graph_scene_free);
  g_clear_object (&self->minimap);
  self->scene = scene;
  self->selected = -1;
  self->hovered = -1;
  g_array_set_size (self->selection, 0);
  g_array_set_size (self->history, 0);
  self->fit_pending = TRUE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      lt_graph_view_zoom_to_fit (self);
      g_array_set_size (self->history, 0);
      self->fit_pending = FALSE;
    }
  update_accessible_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lt_graph_view_set_model (LtGraphView *self,
                         lt_model    *model)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  lt_graph_view_cancel_layout (self);
  if (model == NULL)
    {
      g_clear_pointer (&self->scene, lt_graph_scene_free);
      g_clear_object (&self->minimap);
      self->selected = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  self->layout_cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  task = g_task_new (self, self->layout_cancellable, layout_done, NULL);
  g_task_set_task_data (task, lt_model_ref (model), (GDestroyNotify) lt_model_unref);
  g_task_run_in_thread (task, layout_thread);
}

void
lt_graph_view_cancel_layout (LtGraphView *self)
{
  g_return_if_fail (LT_IS_GRAPH_VIEW (self));
  if (self->layout_cancellable != NULL)
    g_cancellable_cancel (self->layout_cancellable);
  g_clear_object (&self->layout_cancellable);
  set_busy (self, FALSE);
}

gboolean
lt_graph_view_get_busy (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), FALSE);
  return self->busy;
}

double
lt_graph_view_get_progress (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), 0);
  return self->progress;
}

const LtGraphScene *
lt_graph_view_get_scene (LtGraphView *self)
{
  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), NULL);
  return self->scene;
}

/* ---- export -------------------------------------------------------------- */

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  return g_output_stream_write_all (closure, data, length, NULL, NULL, NULL)
             ? CAIRO_STATUS_SUCCESS
             : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
lt_graph_view_export (LtGraphView        *self,
                      GFile              *file,
                      LtGraphExportFormat format,
                      gboolean            whole,
                      GError            **error)
{
  g_autoptr (GFileOutputStream) stream = NULL;
  g_autoptr (GCancellable) abandon = g_cancellable_new ();
  g_autoptr (GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t         *cr;
  cairo_status_t   status;
  double           x = self->x, y = self->y, zoom = self->zoom;
  int              w = gtk_widget_get_width (GTK_WIDGET (self));
  int              h = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (LT_IS_GRAPH_VIEW (self), FALSE);
  if (self->scene == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("There is no graph to export"));
      return FALSE;
    }
  if (whole)
    {
      /* Zoom 1, scaled down so a raster stays within 8192 pixels a side. */
      double margin = 16;

      zoom = format == LT_GRAPH_EXPORT_PNG ? MIN (1.0, 8192 / (MAX (self->scene->width, self->scene->height) + 2 * margin)) : 1.0;
      x = y = -margin;
      w = (int) ceil ((self->scene->width + 2 * margin) * zoom);
      h = (int) ceil ((self->scene->height + 2 * margin) * zoom);
    }
  node = lt_graph_view_render (self, x, y, zoom, w, h);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  if (format == LT_GRAPH_EXPORT_SVG)
    surface = cairo_svg_surface_create_for_stream (write_to_stream, stream, w, h);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  if (!is_dark ())
    cairo_set_source_rgb (cr, 1, 1, 1);
  else
    cairo_set_source_rgb (cr, 0.14, 0.14, 0.15);
  cairo_paint (cr);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  if (format == LT_GRAPH_EXPORT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_to_stream, stream);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *path = g_file_get_parse_name (file);

      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}

/* ---- input --------------------------------------------------------------- */

static int
item_at_pixel (LtGraphView *self,
               double       px,
               double       py)
{
  if (self->scene == NULL)
    return -1;
  return lt_graph_scene_item_at (self->scene, (float) (self->x + px / self->zoom),
                                 (float) (self->y + py / self->zoom));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           LtGraphView              *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (self->scene == NULL)
    return FALSE;
  if (mods & GDK_CONTROL_MASK)
    {
      zoom_at (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer_x, self->pointer_y);
    }
  else
    {
      if (mods & GDK_SHIFT_MASK)
        dx = dy, dy = 0;
      self->x += dx * 40 / self->zoom;
      self->y += dy * 40 / self->zoom;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               LtGraphView    *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  self->drag_x = self->x;
  self->drag_y = self->y;
  self->rubber_band = (mods & GDK_SHIFT_MASK) != 0;
  self->band_x0 = self->band_x1 = x;
  self->band_y0 = self->band_y1 = y;
  if (!self->rubber_band)
    push_history (self);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LtGraphView    *self)
{
  (void) gesture;
  if (self->rubber_band)
    {
      self->band_x1 = self->band_x0 + dx;
      self->band_y1 = self->band_y0 + dy;
    }
  else
    {
      self->x = self->drag_x - dx / self->zoom;
      self->y = self->drag_y - dy / self->zoom;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             LtGraphView    *self)
{
  double gx0, gy0, gx1, gy1;
  int    last = -1;

  (void) gesture;
  if (!self->rubber_band || self->scene == NULL)
    return;
  self->rubber_band = FALSE;
  gx0 = self->x + MIN (self->band_x0, self->band_x0 + dx) / self->zoom;
  gx1 = self->x + MAX (self->band_x0, self->band_x0 + dx) / self->zoom;
  gy0 = self->y + MIN (self->band_y0, self->band_y0 + dy) / self->zoom;
  gy1 = self->y + MAX (self->band_y0, self->band_y0 + dy) / self->zoom;
  g_array_set_size (self->selection, 0);
  for (guint i = 0; i < self->scene->n_items; i++)
    {
      const LtSceneItem *it = &self->scene->items[i];
      int                index = (int) i;

      if (it->x >= gx0 && it->x + it->width <= gx1 && it->y >= gy0 && it->y + it->height <= gy1)
        {
          g_array_append_val (self->selection, index);
          last = index;
        }
    }
  if (last != self->selected)
    {
      self->selected = last;
      update_accessible_description (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_click (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          LtGraphView     *self)
{
  (void) gesture;
  (void) n_press;
  if (self->scene != NULL && self->minimap != NULL)
    {
      graphene_rect_t bounds = minimap_bounds (self);

      if (graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT ((float) x, (float) y)))
        {
          double scale = bounds.size.width / MAX (self->scene->width, 1.f);

          lt_graph_view_set_offset (self,
                                    (x - bounds.origin.x) / scale - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 / self->zoom,
                                    (y - bounds.origin.y) / scale - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 / self->zoom);
          return;
        }
    }
  lt_graph_view_set_selected_item (self, item_at_pixel (self, x, y));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           LtGraphView              *self)
{
  int item = item_at_pixel (self, x, y);

  (void) controller;
  self->pointer_x = x;
  self->pointer_y = y;
  if (item == self->hovered)
    return;
  self->hovered = item;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          LtGraphView              *self)
{
  (void) controller;
  self->hovered = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The neighbour of the selection along an edge (down: a consumer, up: a
 * producer) or in its row (left, right), nearest in x. */
static int
neighbour_item (LtGraphView *self,
                guint        keyval)
{
  const LtGraphScene *scene = self->scene;
  const LtSceneItem  *from = &scene->items[self->selected];
  int                 best = -1;
  double              best_distance = INFINITY;

  for (guint e = 0; e < scene->n_edges && (keyval == GDK_KEY_Down || keyval == GDK_KEY_Up); e++)
    {
      const LtSceneEdge *edge = &scene->edges[e];
      guint              other;

      if (keyval == GDK_KEY_Down && edge->from == (guint) self->selected)
        other = edge->to;
      else if (keyval == GDK_KEY_Up && edge->to == (guint) self->selected)
        other = edge->from;
      else
        continue;
      if (fabs (scene->items[other].x - from->x) < best_distance)
        {
          best_distance = fabs (scene->items[other].x - from->x);
          best = (int) other;
        }
    }
  for (guint i = 0; i < scene->n_items && (keyval == GDK_KEY_Left || keyval == GDK_KEY_Right); i++)
    {
      const LtSceneItem *it = &scene->items[i];
      double             d = keyval == GDK_KEY_Right ? it->x - from->x : from->x - it->x;

      if (fabs ((it->y + it->height / 2) - (from->y + from->height / 2)) < 1 && d > 0 && d < best_distance)
        {
          best_distance = d;
          best = (int) i;
        }
    }
  return best;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LtGraphView           *self)
{
  int next;

  (void) controller;
  (void) keycode;
  if (self->scene == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  if (keyval != GDK_KEY_Up && keyval != GDK_KEY_Down && keyval != GDK_KEY_Left && keyval != GDK_KEY_Right)
    return FALSE;
  if (self->selected < 0)
    {
      lt_graph_view_set_selected_item (self, 0);
      return TRUE;
    }
  next = neighbour_item (self, keyval);
  if (next >= 0)
    lt_graph_view_set_selected_item (self, next);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
lt_graph_view_dispose (GObject *object)
{
  LtGraphView *self = LT_GRAPH_VIEW (object);

  if (self->layout_cancellable != NULL)
    g_cancellable_cancel (self->layout_cancellable);
  g_clear_object (&self->layout_cancellable);
  g_clear_pointer (&self->scene, lt_graph_scene_free);
  g_clear_object (&self->minimap);
  G_OBJECT_CLASS (lt_graph_view_parent_class)->dispose (object);
}

static void
lt_graph_view_finalize (GObject *object)
{
  LtGraphView *self = LT_GRAPH_VIEW (object);

  g_array_unref (self->history);
  g_array_unref (self->selection);
  g_free (self->overlay_values);
  g_strfreev (self->overlay_labels);
  G_OBJECT_CLASS (lt_graph_view_parent_class)->finalize (object);
}

static void
lt_graph_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LtGraphView *self = LT_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_int (value, self->selected);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lt_graph_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LtGraphView *self = LT_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      lt_graph_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SELECTED_ITEM:
      lt_graph_view_set_selected_item (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lt_graph_view_class_init (LtGraphViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lt_graph_view_dispose;
  object_class->finalize = lt_graph_view_finalize;
  object_class->get_property = lt_graph_view_get_property;
  object_class->set_property = lt_graph_view_set_property;
  widget_class->snapshot = lt_graph_view_snapshot;
  widget_class->size_allocate = lt_graph_view_size_allocate;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_int ("selected-item", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "graphview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lt_graph_view_init (LtGraphView *self)
{
  GtkEventController *controller;
  GtkGesture         *gesture;

  self->zoom = 1.0;
  self->selected = -1;
  self->hovered = -1;
  self->splines = TRUE;
  self->history = g_array_new (FALSE, FALSE, sizeof (double));
  self->selection = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "released", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Model graph"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No node selected"),
                                  -1);
}

GtkWidget *
lt_graph_view_new (void)
{
  return g_object_new (LT_TYPE_GRAPH_VIEW, NULL);
}
