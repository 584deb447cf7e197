/* lt-window-actions.c — LtWindow's actions: open, open the demo, find,
 * close, cancel, zoom, undo and redo, export, overlays, and their keys.
 *
 * Undo (Ctrl+Z) and Redo (Shift+Ctrl+Z) act on the document: the project's
 * edit log when a project is open.  Zoom and scroll are not edits; Alt+Left
 * goes back to the previous view at any time, and Ctrl+Z does too when a
 * bare model is shown, since there is nothing else to undo then.
 */
#include "config.h"

#include "lt-window-private.h"

#include <glib/gi18n.h>

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               LtWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      lt_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LtWindow             *self = LT_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) models = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) projects = gtk_file_filter_new ();

  (void) action_name;
  (void) parameter;
  dialog = gtk_file_chooser_native_new (_("Open a Model or Project"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("ONNX models and Lathe projects"));
  gtk_file_filter_add_pattern (filter, "*.onnx");
  gtk_file_filter_add_pattern (filter, "*.lathe");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_filter_set_name (models, _("ONNX models"));
  gtk_file_filter_add_pattern (models, "*.onnx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), models);
  gtk_file_filter_set_name (projects, _("Lathe projects"));
  gtk_file_filter_add_pattern (projects, "*.lathe");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), projects);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The installed demo, or the source tree's when running uninstalled. */
static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *installed = PKGDATADIR "/demo/small-cnn.onnx";
  g_autoptr (GFile) file = g_file_new_for_path (g_file_test (installed, G_FILE_TEST_EXISTS) ? installed : SOURCE_DEMO_MODEL);

  (void) action_name;
  (void) parameter;
  lt_window_open_file (LT_WINDOW (widget), file);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LtWindow *self = LT_WINDOW (widget);

  (void) action_name;
  (void) parameter;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  (void) action_name;
  (void) parameter;
  gtk_window_close (GTK_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LtWindow *self = LT_WINDOW (widget);

  (void) action_name;
  (void) parameter;
  lt_window_stop_loading (self);
  lt_graph_view_cancel_layout (self->graph_view);
  /* a model whose layout was cancelled is not shown: back to the start */
  if (self->model != NULL && lt_graph_view_get_scene (self->graph_view) == NULL)
    lt_window_set_document (self, NULL, NULL);
  lt_window_update_progress (self);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LtGraphView *view = LT_WINDOW (widget)->graph_view;

  (void) parameter;
  if (g_str_equal (action_name, "graph.zoom-in"))
    lt_graph_view_zoom_in (view);
  else if (g_str_equal (action_name, "graph.zoom-out"))
    lt_graph_view_zoom_out (view);
  else if (g_str_equal (action_name, "graph.zoom-reset"))
    lt_graph_view_zoom_reset (view);
  else if (g_str_equal (action_name, "graph.zoom-fit"))
    lt_graph_view_zoom_to_fit (view);
  else
    lt_graph_view_undo_view_change (view);
}

static void
undo_redo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LtWindow *self = LT_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  gboolean  undo = g_str_equal (action_name, "win.undo");

  (void) parameter;
  if (self->project == NULL)
    {
      if (undo)
        lt_graph_view_undo_view_change (self->graph_view);
      return;
    }
  /* the project's `changed` signal updates the window */
  if (!(undo ? lt_project_undo (self->project, &error) : lt_project_redo (self->project, &error)))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 LtWindow        *self)
{
  const char *kind = g_object_get_data (G_OBJECT (dialog), "kind");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GError) error = NULL;

      if (!lt_graph_view_export (self->graph_view, file,
                                 g_str_has_prefix (kind, "svg") ? LT_GRAPH_EXPORT_SVG : LT_GRAPH_EXPORT_PNG,
                                 g_str_has_suffix (kind, "graph"), &error))
        adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      else
        adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Exported")));
    }
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LtWindow             *self = LT_WINDOW (widget);
  const char           *kind = g_variant_get_string (parameter, NULL);
  GtkFileChooserNative *dialog;
  g_autofree char      *name = NULL;

  (void) action_name;
  if (lt_graph_view_get_scene (self->graph_view) == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Export the Graph"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("graph.%s", g_str_has_prefix (kind, "svg") ? "svg" : "png");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data_full (G_OBJECT (dialog), "kind", g_strdup (kind), g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
overlay_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  static const char *names[] = { "none", "backend", "quant-error", "latency" };
  LtWindow          *self = LT_WINDOW (widget);
  const char        *name = g_variant_get_string (parameter, NULL);

  (void) action_name;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      lt_graph_view_set_overlay (self->graph_view, (LtGraphOverlay) i, NULL, 0, NULL);
  gtk_widget_action_set_enabled (widget, "win.overlay", TRUE);
}

void
lt_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.overlay", "s", overlay_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.undo-view", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_redo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_redo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "win.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "graph.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "graph.undo-view", NULL);
}
