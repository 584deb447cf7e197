/* lt-graph-view-draw.c — how LtGraphView draws a scene
 *
 * Drawing (lt_graph_view_render) works in screen pixels: every item and
 * edge is culled against the visible rectangle; all visible edges go into
 * one cairo node; boxes are colour nodes; text is only laid out at zoom
 * levels where it is readable (level of detail), so a frame costs about the
 * same at any graph size.  The minimap is a texture drawn once per scene.
 */
#include "config.h"

#include "lt-graph-view-private.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#define TEXT_MIN_ZOOM     0.35  /* below this, boxes only */
#define LABEL_MIN_ZOOM    0.7   /* edge shape labels from here */
#define MINIMAP_SIZE      180.f
#define MINIMAP_MARGIN    12.f

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

gboolean
lt_graph_view_is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static GdkRGBA
op_colour (const char *op_type)
{
  gboolean dark = lt_graph_view_is_dark ();
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
    return lt_graph_view_is_dark () ? (GdkRGBA) { 0.20f, 0.20f, 0.22f, 1 } : (GdkRGBA) { 1, 1, 1, 1 };
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
  return lt_graph_view_is_dark () ? (GdkRGBA) { 0.47f, 0.68f, 0.93f, 1 } : (GdkRGBA) { 0.11f, 0.44f, 0.85f, 1 };
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
      const LtSceneItem *source = &scene->items[edge->from];
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
      /* at the source: a route may start further down its trunk */
      to_screen (vp, source->x + source->width / 2 + 4, source->y + source->height + 2, &sx, &sy);
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
  GdkRGBA            bg = lt_graph_view_is_dark () ? (GdkRGBA) { 0.14f, 0.14f, 0.16f, 0.95f } : (GdkRGBA) { 1, 1, 1, 0.95f };
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

graphene_rect_t
lt_graph_view_minimap_bounds (LtGraphView *self)
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
  GdkRGBA         bg = lt_graph_view_is_dark () ? (GdkRGBA) { 0.1f, 0.1f, 0.11f, 0.85f } : (GdkRGBA) { 0.98f, 0.98f, 0.98f, 0.9f };
  GdkRGBA         hi = accent ();
  double          scale;
  graphene_rect_t view;

  ensure_minimap (self);
  bounds = lt_graph_view_minimap_bounds (self);
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
  GdkRGBA      bg = lt_graph_view_is_dark () ? (GdkRGBA) { 0.1f, 0.1f, 0.11f, 0.9f } : (GdkRGBA) { 0.98f, 0.98f, 0.98f, 0.92f };
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
      /* the title line, then one line per category with a swatch */
      guint n_labels = self->overlay_labels != NULL ? g_strv_length (self->overlay_labels) : 0;
      int   line = h / (int) (n_labels + 1);

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

void
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

