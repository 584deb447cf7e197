/* lt-window.c — the main window: start page, graph, inspector, search,
 * recent files and drop (loading and the status line are in
 * lt-window-load.c, actions in lt-window-actions.c)
 *
 * A model loads in a GTask thread and is laid out in another (LtGraphView);
 * the window shows progress with a Cancel button and never blocks.
 */
#include "config.h"

#include "lt-window.h"
#include "lt-window-private.h"

#include "lt-graph-view.h"
#include "lt-inspector.h"

#include <glib/gi18n.h>

#define MAX_SEARCH_RESULTS 200
#define MAX_RECENT         6

G_DEFINE_FINAL_TYPE (LtWindow, lt_window, ADW_TYPE_APPLICATION_WINDOW)

lt_model *
lt_window_get_model (LtWindow *self)
{
  g_return_val_if_fail (LT_IS_WINDOW (self), NULL);
  return self->model;
}

LtProject *
lt_window_get_project (LtWindow *self)
{
  g_return_val_if_fail (LT_IS_WINDOW (self), NULL);
  return self->project;
}

gboolean
lt_window_get_busy (LtWindow *self)
{
  g_return_val_if_fail (LT_IS_WINDOW (self), FALSE);
  return self->load_cancellable != NULL || lt_graph_view_get_busy (self->graph_view);
}

LtGraphView *
lt_window_get_graph_view (LtWindow *self)
{
  g_return_val_if_fail (LT_IS_WINDOW (self), NULL);
  return self->graph_view;
}

LtInspector *
lt_window_get_inspector (LtWindow *self)
{
  g_return_val_if_fail (LT_IS_WINDOW (self), NULL);
  return self->inspector;
}

/* ---- search -------------------------------------------------------------- */

static gboolean
item_matches (const LtGraphScene *scene,
              guint               item,
              const char         *needle)
{
  const lt_graph    *graph = lt_model_get_graph (scene->model);
  const LtSceneItem *it = &scene->items[item];
  g_autofree char   *name = lt_graph_scene_dup_item_name (scene, item);
  g_autofree char   *folded = g_utf8_casefold (name, -1);

  if (strstr (folded, needle) != NULL)
    return TRUE;
  if (it->kind == LT_SCENE_ITEM_NODE)
    {
      const lt_node   *node = lt_graph_get_node (graph, it->id);
      g_autofree char *op = g_utf8_casefold (node->op_type, -1);

      if (strstr (op, needle) != NULL)
        return TRUE;
      for (guint o = 0; o < node->n_outputs; o++)
        {
          g_autofree char *tensor = NULL;

          if (node->outputs[o] < 0)
            continue;
          tensor = g_utf8_casefold (lt_graph_get_value (graph, node->outputs[o])->name, -1);
          if (strstr (tensor, needle) != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

static void
on_search_changed (LtWindow *self)
{
  const LtGraphScene *scene = lt_graph_view_get_scene (self->graph_view);
  const char         *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char    *needle = g_utf8_casefold (text, -1);
  GtkWidget          *child;
  guint               found = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->search_results))) != NULL)
    gtk_list_box_remove (self->search_results, child);
  if (scene == NULL || text[0] == '\0')
    {
      gtk_stack_set_visible_child_name (self->sidebar, "inspector");
      return;
    }
  for (guint i = 0; i < scene->n_items && found < MAX_SEARCH_RESULTS; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *label = NULL;
      GtkWidget       *row;

      if (!item_matches (scene, i, needle))
        continue;
      name = lt_graph_scene_dup_item_name (scene, i);
      if (scene->items[i].kind == LT_SCENE_ITEM_NODE)
        label = g_strdup_printf ("%s · %s",
                                 lt_graph_get_node (lt_model_get_graph (scene->model), scene->items[i].id)->op_type,
                                 name);
      else
        label = g_strdup_printf (scene->items[i].kind == LT_SCENE_ITEM_INPUT ? _("Input · %s") : _("Output · %s"), name);
      row = gtk_label_new (label);
      gtk_label_set_xalign (GTK_LABEL (row), 0);
      gtk_label_set_ellipsize (GTK_LABEL (row), PANGO_ELLIPSIZE_MIDDLE);
      g_object_set_data (G_OBJECT (row), "item", GUINT_TO_POINTER (i));
      gtk_list_box_append (self->search_results, row);
      found++;
    }
  if (found == 0)
    {
      GtkWidget *row = gtk_label_new (_("No matches"));

      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->search_results, row);
      gtk_list_box_row_set_activatable (gtk_list_box_get_row_at_index (self->search_results, 0), FALSE);
    }
  gtk_stack_set_visible_child_name (self->sidebar, "search");
}

static void
on_search_result_activated (LtWindow      *self,
                            GtkListBoxRow *row)
{
  GtkWidget *label = gtk_list_box_row_get_child (row);

  if (g_object_get_data (G_OBJECT (label), "item") == NULL &&
      gtk_list_box_row_get_index (row) == 0 && !gtk_list_box_row_get_activatable (row))
    return;
  lt_graph_view_set_selected_item (self->graph_view, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "item")));
  gtk_widget_grab_focus (GTK_WIDGET (self->graph_view));
}

static void
on_search_activate (LtWindow *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->search_results, 0);

  if (first != NULL && gtk_list_box_row_get_activatable (first))
    on_search_result_activated (self, first);
}

static void
on_search_mode (LtWindow *self)
{
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    gtk_stack_set_visible_child_name (self->sidebar, "inspector");
}

/* ---- recent files and drop ------------------------------------------------ */

static void
fill_recent_list (LtWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint  shown = 0;

  for (GList *l = items; l != NULL && shown < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char    *uri = gtk_recent_info_get_uri (info);
      GtkWidget     *row;

      if (!(g_str_has_suffix (uri, ".onnx") || g_str_has_suffix (uri, ".lathe")) || !gtk_recent_info_exists (info))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), gtk_recent_info_get_display_name (info));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "uri", g_strdup (uri), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), shown > 0);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
on_recent_activated (LtWindow      *self,
                     GtkListBoxRow *row)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_object_get_data (G_OBJECT (row), "uri"));

  lt_window_open_file (self, file);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LtWindow      *self)
{
  GSList *files;

  (void) target;
  (void) x;
  (void) y;
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  lt_window_open_file (self, files->data);
  g_slist_free (files);
  return TRUE;
}

/* ---- GObject --------------------------------------------------------------- */

static void
on_view_busy (LtWindow *self)
{
  lt_window_update_progress (self);
}

static void
on_view_selection (LtWindow *self)
{
  lt_inspector_show_item (self->inspector, lt_graph_view_get_scene (self->graph_view),
                          lt_graph_view_get_selected_item (self->graph_view));
  gtk_stack_set_visible_child_name (self->sidebar, "inspector");
}

static void
on_spline_setting (LtWindow *self)
{
  lt_graph_view_set_spline_edges (self->graph_view, g_settings_get_boolean (self->settings, "spline-edges"));
}

static void
lt_window_dispose (GObject *object)
{
  LtWindow *self = LT_WINDOW (object);

  lt_window_stop_loading (self);
  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set (self->settings, "window-size", "(ii)", width, height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
    }
  g_clear_object (&self->settings);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_pointer (&self->model, lt_model_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), LT_TYPE_WINDOW);
  G_OBJECT_CLASS (lt_window_parent_class)->dispose (object);
}

static void
lt_window_class_init (LtWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lt_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lathestudio/Lathe/ui/lt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LtWindow, title);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, edit_buttons);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, find_button);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, graph_view);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, search_results);
  gtk_widget_class_bind_template_child (widget_class, LtWindow, status_line);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_result_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_activated);

  lt_window_class_add_actions (widget_class);

  g_type_ensure (LT_TYPE_GRAPH_VIEW);
  g_type_ensure (LT_TYPE_INSPECTOR);
}

static void
lt_window_init (LtWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  GtkDropTarget         *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self->find_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (on_search_mode), self);
  g_signal_connect_swapped (self->graph_view, "notify::busy", G_CALLBACK (on_view_busy), self);
  g_signal_connect_swapped (self->graph_view, "notify::progress", G_CALLBACK (on_view_busy), self);
  g_signal_connect_swapped (self->graph_view, "notify::selected-item", G_CALLBACK (on_view_selection), self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* Settings are optional so an uninstalled build runs without the schema. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "io.github.lathestudio.Lathe", TRUE);
  if (schema != NULL)
    {
      int width, height;

      self->settings = g_settings_new_full (schema, NULL, NULL);
      g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
      gtk_window_set_default_size (GTK_WINDOW (self), width, height);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_signal_connect_swapped (self->settings, "changed::spline-edges", G_CALLBACK (on_spline_setting), self);
      on_spline_setting (self);
    }
  fill_recent_list (self);
  lt_window_update_edit_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "start");
}

LtWindow *
lt_window_new (LtApplication *application)
{
  return g_object_new (LT_TYPE_WINDOW, "application", application, NULL);
}
