/* lt-graph-view.c — LtGraphView's state and input: zoom, scroll and their
 * history, selection, the layout job, export, pointer and keyboard
 * (drawing is in lt-graph-view-draw.c).
 *
 * Invariants: `scene` is NULL or fully laid out; `selected` is -1 or a valid
 * item of `scene`; `history` holds (zoom, x, y) triples of earlier views.
 */
#include "config.h"

#include "lt-graph-view.h"
#include "lt-graph-view-private.h"

#include <adwaita.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>

#define MIN_ZOOM          0.02
#define MAX_ZOOM          8.0
#define ZOOM_STEP         1.25
#define HISTORY_MAX       64


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
  if (!lt_graph_view_is_dark ())
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
      graphene_rect_t bounds = lt_graph_view_minimap_bounds (self);

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
