/* lt-inspector.h — the sidebar describing the selected node or tensor. */
#pragma once

#include "lt-graph-scene.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LT_TYPE_INSPECTOR (lt_inspector_get_type ())
G_DECLARE_FINAL_TYPE (LtInspector, lt_inspector, LT, INSPECTOR, GtkWidget)

GtkWidget *lt_inspector_new (void);

/* Shows an item of `scene` (a node, or a graph input or output as a
 * tensor); -1 or a NULL scene clears it.  Keeps a reference to the scene's
 * model while shown. */
void lt_inspector_show_item (LtInspector        *self,
                             const LtGraphScene *scene,
                             int                 item);

/* The title line shown ("Conv", a tensor name, or "Nothing selected"). */
const char *lt_inspector_get_title (LtInspector *self);

G_END_DECLS
