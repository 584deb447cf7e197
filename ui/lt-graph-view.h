/* lt-graph-view.h — the model graph: layered drawing, zoom, pan, selection,
 * overlays and export. */
#pragma once

#include "lt-graph-scene.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LT_TYPE_GRAPH_VIEW (lt_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (LtGraphView, lt_graph_view, LT, GRAPH_VIEW, GtkWidget)

/* What the node fill colour shows.  The values come from later analyses
 * (lt_graph_view_set_overlay_values); without values nodes keep their op
 * colours. */
typedef enum
{
  LT_GRAPH_OVERLAY_NONE,
  LT_GRAPH_OVERLAY_BACKEND,      /* categorical: value = backend index */
  LT_GRAPH_OVERLAY_QUANT_ERROR,  /* continuous, low is good */
  LT_GRAPH_OVERLAY_LATENCY,      /* continuous, milliseconds */
} LtGraphOverlay;

typedef enum
{
  LT_GRAPH_EXPORT_PNG,
  LT_GRAPH_EXPORT_SVG,
} LtGraphExportFormat;

GtkWidget *lt_graph_view_new (void);

/* Lays out `model` in a worker thread (busy and progress properties follow
 * it), then shows it.  NULL clears the view.  A layout still running is
 * cancelled. */
void                lt_graph_view_set_model (LtGraphView *self,
                                             lt_model    *model);
void                lt_graph_view_cancel_layout (LtGraphView *self);
gboolean            lt_graph_view_get_busy (LtGraphView *self);
double              lt_graph_view_get_progress (LtGraphView *self);
const LtGraphScene *lt_graph_view_get_scene (LtGraphView *self);

/* Zoom factor, 1 = one graph unit per pixel; clamped to [0.02, 8]. */
double   lt_graph_view_get_zoom (LtGraphView *self);
void     lt_graph_view_set_zoom (LtGraphView *self,
                                 double       zoom);
void     lt_graph_view_zoom_in (LtGraphView *self);
void     lt_graph_view_zoom_out (LtGraphView *self);
void     lt_graph_view_zoom_reset (LtGraphView *self);
void     lt_graph_view_zoom_to_fit (LtGraphView *self);
/* Graph coordinates at the view's top-left corner. */
void     lt_graph_view_get_offset (LtGraphView *self,
                                   double      *x,
                                   double      *y);
void     lt_graph_view_set_offset (LtGraphView *self,
                                   double       x,
                                   double       y);
/* Zoom and scroll changes are recorded; this restores the one before the
 * last.  FALSE when there is nothing to undo. */
gboolean lt_graph_view_undo_view_change (LtGraphView *self);

/* Selected scene item (-1 for none); selecting scrolls it into view. */
int      lt_graph_view_get_selected_item (LtGraphView *self);
void     lt_graph_view_set_selected_item (LtGraphView *self,
                                          int          item);
/* Items caught by the last rubber band (or the selected one), borrowed. */
GArray  *lt_graph_view_get_selection (LtGraphView *self);

void     lt_graph_view_set_spline_edges (LtGraphView *self,
                                         gboolean     splines);

/* Colours nodes by `values` (one per node id of the main graph, copied;
 * NAN for none).  `labels` names the categories of the BACKEND overlay
 * (NULL-terminated, copied).  Shows a legend. */
void     lt_graph_view_set_overlay (LtGraphView        *self,
                                    LtGraphOverlay      overlay,
                                    const double       *values,
                                    guint               n_values,
                                    const char * const *labels);
LtGraphOverlay lt_graph_view_get_overlay (LtGraphView *self);

/* Draws the graph region whose top-left corner is (x, y) in graph units at
 * `zoom` into a `width` × `height` pixel node; what the view and exports
 * draw.  NULL when nothing is shown. */
GskRenderNode *lt_graph_view_render (LtGraphView *self,
                                     double       x,
                                     double       y,
                                     double       zoom,
                                     int          width,
                                     int          height);

/* Writes the visible area (`whole` FALSE) or the whole graph as PNG or SVG.
 * Writes to a temporary file and renames it, so a failure leaves nothing
 * behind. */
gboolean lt_graph_view_export (LtGraphView        *self,
                               GFile              *file,
                               LtGraphExportFormat format,
                               gboolean            whole,
                               GError            **error);

G_END_DECLS
