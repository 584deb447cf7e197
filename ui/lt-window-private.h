/* lt-window-private.h — LtWindow's fields and the helpers its files share
 * (lt-window.c: search, recent files, state; lt-window-load.c: loading,
 * title and status line; lt-window-actions.c: actions). */
#pragma once

#include "lt-window.h"

G_BEGIN_DECLS

struct _LtWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle  *title;
  GtkWidget       *edit_buttons;
  GtkToggleButton *find_button;
  GtkSearchBar    *search_bar;
  GtkSearchEntry  *search_entry;
  AdwToastOverlay *toasts;
  GtkStack        *stack;
  GtkListBox      *recent_list;
  LtGraphView     *graph_view;
  GtkWidget       *progress_box;
  GtkLabel        *progress_label;
  GtkProgressBar  *progress_bar;
  GtkStack        *sidebar;
  LtInspector     *inspector;
  GtkListBox      *search_results;
  GtkLabel        *status_line;

  /* Owned */
  lt_model        *model;
  LtProject       *project;        /* NULL for a bare model */
  GCancellable    *load_cancellable;
  GSettings       *settings;       /* NULL when the schema is not installed */
  guint            pulse_source;
};

/* Cancels a load in flight, if any. */
void lt_window_stop_loading (LtWindow *self);
/* Shows or hides the progress bar and the start page from the state. */
void lt_window_update_progress (LtWindow *self);
/* Title and status line (name, nodes, parameters, opset) of the model. */
void lt_window_update_status_line (LtWindow *self);
/* Enables Undo and Redo from the project's edit log. */
void lt_window_update_edit_actions (LtWindow *self);
/* Shows `model` and `project` (both owned by the window from now on; either
 * may be NULL), dropping what was shown. */
void lt_window_set_document (LtWindow  *self,
                             lt_model  *model,
                             LtProject *project);
/* Installs the window's actions and their key bindings. */
void lt_window_class_add_actions (GtkWidgetClass *widget_class);

G_END_DECLS
