/* lt-window.c — the main window: loads a model in a worker thread and shows
 * its name and size. */
#include "config.h"

#include "lt-window.h"

#include "lt-engine-error.h"

#include <glib/gi18n.h>
#include <lt/lt.h>

struct _LtWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *title;
  AdwStatusPage  *status_page;

  /* Owned */
  lt_model     *model;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (LtWindow, lt_window, ADW_TYPE_APPLICATION_WINDOW)

static void
load_model_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  lt_model   *model = NULL;
  lt_error    err;

  (void) source;
  (void) cancellable;
  lt_error_clear (&err);
  if (lt_model_load (path, NULL, &model, &err) != LT_OK)
    {
      GError *error = NULL;
      lt_engine_error_propagate (&error, &err);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, model, (GDestroyNotify) lt_model_unref);
}

static void
show_model (LtWindow   *self,
            const char *path)
{
  const lt_graph  *graph = lt_model_get_graph (self->model);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr (GHashTable) ops = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *description = NULL;
  uint32_t         n_nodes = lt_graph_get_n_nodes (graph);

  for (uint32_t i = 0; i < n_nodes; i++)
    g_hash_table_add (ops, (gpointer) lt_graph_get_node (graph, (int32_t) i)->op_type);
  description = g_strdup_printf (ngettext ("%u node, %u distinct op", "%u nodes, %u distinct ops", n_nodes),
                                 n_nodes, g_hash_table_size (ops));
  adw_window_title_set_title (self->title, basename);
  adw_window_title_set_subtitle (self->title, description);
  adw_status_page_set_title (self->status_page, basename);
  adw_status_page_set_description (self->status_page, description);
}

static void
load_model_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LtWindow *self = LT_WINDOW (source);
  g_autoptr (GError) error = NULL;
  lt_model *model = g_task_propagate_pointer (G_TASK (result), &error);

  (void) user_data;
  if (model == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_title (self->status_page, _("The model could not be opened"));
      adw_status_page_set_description (self->status_page, error->message);
      return;
    }
  lt_model_unref (self->model);
  self->model = model;
  show_model (self, g_task_get_task_data (G_TASK (result)));
}

void
lt_window_open_file (LtWindow *self,
                     GFile    *file)
{
  g_autoptr (GTask) task = NULL;
  char *path = g_file_get_path (file);

  g_return_if_fail (LT_IS_WINDOW (self));
  if (path == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  adw_status_page_set_title (self->status_page, _("Opening…"));
  task = g_task_new (self, self->cancellable, load_model_done, NULL);
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, load_model_thread);
}

static void
lt_window_dispose (GObject *object)
{
  LtWindow *self = LT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
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
  gtk_widget_class_bind_template_child (widget_class, LtWindow, status_page);
}

static void
lt_window_init (LtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LtWindow *
lt_window_new (LtApplication *application)
{
  return g_object_new (LT_TYPE_WINDOW, "application", application, NULL);
}
