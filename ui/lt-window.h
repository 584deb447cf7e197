/* lt-window.h — the studio's main window. */
#pragma once

#include "lt-application.h"
#include "lt-graph-view.h"
#include "lt-inspector.h"
#include "lt-project.h"

G_BEGIN_DECLS

#define LT_TYPE_WINDOW (lt_window_get_type ())
G_DECLARE_FINAL_TYPE (LtWindow, lt_window, LT, WINDOW, AdwApplicationWindow)

/* `application` may be NULL (tests). */
LtWindow *lt_window_new (LtApplication *application);

/* Loads a model, or a project (`*.lathe`) and its model, off the main
 * thread; the window shows it when done, or a dialog with the error, keeping
 * what it showed before. */
void lt_window_open_file (LtWindow *self,
                          GFile    *file);

/* The model shown (borrowed), or NULL. */
lt_model    *lt_window_get_model (LtWindow *self);
/* The project shown (borrowed), or NULL when none or a bare model. */
LtProject   *lt_window_get_project (LtWindow *self);
/* TRUE while a model loads or its graph is laid out. */
gboolean     lt_window_get_busy (LtWindow *self);
LtGraphView *lt_window_get_graph_view (LtWindow *self);
LtInspector *lt_window_get_inspector (LtWindow *self);

G_END_DECLS
