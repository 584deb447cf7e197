/* lt-graph-view-private.h — LtGraphView's fields and the entry points its
 * drawing file (lt-graph-view-draw.c) shares with lt-graph-view.c. */
#pragma once

#include "lt-graph-view.h"

G_BEGIN_DECLS

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

/* The widget's snapshot() vfunc. */
void            lt_graph_view_snapshot (GtkWidget   *widget,
                                        GtkSnapshot *snapshot);
/* Where the minimap sits, in widget pixels (valid once it was drawn). */
graphene_rect_t lt_graph_view_minimap_bounds (LtGraphView *self);
gboolean        lt_graph_view_is_dark (void);

G_END_DECLS
