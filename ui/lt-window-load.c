/* lt-window-load.c — what LtWindow shows: loading a model or a project off
 * the main thread, the title and status line, and following the project.
 *
 * A `.lathe` file is opened as a project (lt_project_open, then its model
 * through lt_project_load_model); any other file as an ONNX model.  Both run
 * in a GTask thread whose GCancellable is the engine's abort callback, so
 * Cancel stops the load itself, not only its result.  A load that fails
 * leaves the window as it was and explains why in a dialog; for a project
 * that cannot be written (locked, read-only, from a newer Lathe) the dialog
 * offers to open it read-only.  Invariants: `model` and `project` are what
 * is shown (`project` NULL for a bare model); `load_cancellable` belongs to
 * the load in flight, if any.
 */
#include "config.h"

#include "lt-window-private.h"

#include "lt-model-load.h"

#include <glib/gi18n.h>

/* What a load thread is asked for. */
typedef struct
{
  char    *path;
  gboolean project;   /* a .lathe file */
  gboolean read_only; /* open the project read-only */
} LoadRequest;

/* What it returns. */
typedef struct
{
  lt_model  *model;
  LtProject *project; /* NULL for a bare model */
} LoadResult;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->path);
  g_free (request);
}

static void
load_result_free (LoadResult *result)
{
  if (result == NULL)
    return;
  lt_model_unref (result->model);
  g_clear_object (&result->project);
  g_free (result);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const LoadRequest *request = task_data;
  LoadResult        *result = g_new0 (LoadResult, 1);
  GError            *error = NULL;

  (void) source;
  if (request->project)
    {
      result->project = lt_project_open (request->path,
                                         request->read_only ? LT_PROJECT_OPEN_READ_ONLY : LT_PROJECT_OPEN_DEFAULT,
                                         &error);
      if (result->project != NULL)
        result->model = lt_project_load_model (result->project, cancellable, NULL, &error);
    }
  else
    result->model = lt_load_model_cancellable (request->path, cancellable, &error);
  if (result->model == NULL)
    {
      load_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

void
lt_window_update_progress (LtWindow *self)
{
  gboolean loading = self->load_cancellable != NULL;
  gboolean busy = loading || lt_graph_view_get_busy (self->graph_view);

  gtk_widget_set_visible (self->progress_box, busy);
  gtk_label_set_label (self->progress_label, loading ? _("Opening…") : _("Laying out the graph…"));
  if (!loading)
    gtk_progress_bar_set_fraction (self->progress_bar, lt_graph_view_get_progress (self->graph_view));
  if (busy)
    gtk_stack_set_visible_child_name (self->stack, "graph");
  else if (self->model == NULL)
    gtk_stack_set_visible_child_name (self->stack, "start");
}

static gboolean
pulse_progress (gpointer user_data)
{
  LtWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

void
lt_window_stop_loading (LtWindow *self)
{
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
}

/* 950, 12.3 k, 4.5 M, 1.2 G */
static char *
format_count (uint64_t n)
{
  if (n < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  if (n < 1000000)
    return g_strdup_printf ("%.1f k", n / 1e3);
  if (n < 1000000000)
    return g_strdup_printf ("%.1f M", n / 1e6);
  return g_strdup_printf ("%.1f G", n / 1e9);
}

/* The model's file name: the one the project records (an embedded model
 * is loaded from a temporary copy), else the file loaded. */
static char *
dup_model_name (LtWindow *self)
{
  if (self->project != NULL)
    {
      g_autoptr (LtProjectModel) info = lt_project_get_model (self->project, NULL);

      if (info != NULL)
        return g_path_get_basename (info->path);
    }
  return g_path_get_basename (lt_model_get_path (self->model));
}

/* Title: the project (or model) file; subtitle: the model file of a
 * project, else the graph's name.  Status line: "name · 12 nodes · 1.2 M
 * parameters · opset 17". */
void
lt_window_update_status_line (LtWindow *self)
{
  const lt_graph  *graph;
  uint64_t         parameters = 0;
  g_autofree char *name = NULL;
  g_autofree char *model_name = NULL;
  g_autofree char *count = NULL;
  g_autofree char *opset = NULL;
  g_autofree char *text = NULL;
  uint32_t         n_nodes;

  if (self->model == NULL)
    {
      gtk_label_set_label (self->status_line, _("No model"));
      adw_window_title_set_title (self->title, _("Lathe"));
      adw_window_title_set_subtitle (self->title, NULL);
      return;
    }
  graph = lt_model_get_graph (self->model);
  n_nodes = lt_graph_get_n_nodes (graph);
  for (uint32_t v = 0; v < lt_graph_get_n_values (graph); v++)
    {
      const lt_value *value = lt_graph_get_value (graph, (int32_t) v);

      if (value->constant != NULL)
        parameters += value->constant->count;
    }
  model_name = dup_model_name (self);
  name = self->project != NULL ? g_path_get_basename (lt_project_get_path (self->project)) : g_strdup (model_name);
  count = format_count (parameters);
  opset = g_strdup_printf ("%" G_GINT64_FORMAT, lt_model_get_opset_version (self->model, ""));
  text = g_strdup_printf (ngettext ("%s · %u node · %s parameters · opset %s",
                                    "%s · %u nodes · %s parameters · opset %s", n_nodes),
                          model_name, n_nodes, count, opset);
  gtk_label_set_label (self->status_line, text);
  adw_window_title_set_title (self->title, name);
  if (self->project == NULL)
    adw_window_title_set_subtitle (self->title, lt_graph_get_name (graph));
  else if (lt_project_is_read_only (self->project))
    {
      g_autofree char *subtitle = g_strdup_printf (_("%s (read-only)"), model_name);

      adw_window_title_set_subtitle (self->title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->title, model_name);
}

/* Undo and redo follow the project's edit log; without a project, Undo
 * goes back to the previous view and there is nothing to redo. */
void
lt_window_update_edit_actions (LtWindow *self)
{
  gboolean editable = self->project != NULL && !lt_project_is_read_only (self->project);

  gtk_widget_set_visible (self->edit_buttons, self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 self->project == NULL || (editable && lt_project_can_undo (self->project)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", editable && lt_project_can_redo (self->project));
}

static void
on_project_changed (LtWindow           *self,
                    const char         *kind,
                    const char * const *subjects)
{
  (void) kind;
  (void) subjects;
  lt_window_update_edit_actions (self);
  lt_window_update_status_line (self);
}

void
lt_window_set_document (LtWindow  *self,
                        lt_model  *model,
                        LtProject *project)
{
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_pointer (&self->model, lt_model_unref);
  self->model = model;
  self->project = project;
  if (project != NULL)
    g_signal_connect_swapped (project, "changed", G_CALLBACK (on_project_changed), self);
  lt_inspector_show_item (self->inspector, NULL, -1);
  lt_graph_view_set_model (self->graph_view, model);
  lt_window_update_status_line (self);
  lt_window_update_edit_actions (self);
}

static void open_path (LtWindow   *self,
                       const char *path,
                       gboolean    read_only);

static void
on_error_response (AdwMessageDialog *dialog,
                   const char       *response,
                   LtWindow         *self)
{
  if (g_str_equal (response, "read-only"))
    open_path (self, g_object_get_data (G_OBJECT (dialog), "path"), TRUE);
}

/* Errors after which the project can still be viewed read-only. */
static gboolean
can_open_read_only (const GError *error)
{
  return g_error_matches (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_LOCKED) ||
         g_error_matches (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_READ_ONLY) ||
         g_error_matches (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_FUTURE_VERSION);
}

static void
show_load_error (LtWindow     *self,
                 const char   *path,
                 const GError *error)
{
  g_autofree char *basename = g_path_get_basename (path);
  GtkWidget       *dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, error->message);

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Could not open “%s”"), basename);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (can_open_read_only (error))
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "read-only", _("Open _Read-Only"));
      g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_error_response), self, 0);
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LtWindow          *self = LT_WINDOW (source);
  const LoadRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  LoadResult        *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char   *uri = NULL;

  (void) user_data;
  if (g_task_get_cancellable (G_TASK (result)) != self->load_cancellable)
    {
      load_result_free (loaded); /* cancelled or superseded */
      return;
    }
  lt_window_stop_loading (self);
  if (loaded == NULL)
    {
      show_load_error (self, request->path, error);
      lt_window_update_progress (self);
      return;
    }
  lt_window_set_document (self, g_steal_pointer (&loaded->model), g_steal_pointer (&loaded->project));
  load_result_free (loaded);
  lt_window_update_progress (self);
  uri = g_filename_to_uri (request->path, NULL, NULL);
  if (uri != NULL)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
open_path (LtWindow   *self,
           const char *path,
           gboolean    read_only)
{
  g_autoptr (GTask) task = NULL;
  LoadRequest *request = g_new0 (LoadRequest, 1);

  request->path = g_strdup (path);
  request->project = g_str_has_suffix (path, ".lathe");
  request->read_only = read_only;
  lt_window_stop_loading (self);
  self->load_cancellable = g_cancellable_new ();
  self->pulse_source = g_timeout_add (100, pulse_progress, self);
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_thread);
  lt_window_update_progress (self);
}

void
lt_window_open_file (LtWindow *self,
                     GFile    *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (LT_IS_WINDOW (self));
  path = g_file_get_path (file);
  if (path == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Only local files can be opened")));
      return;
    }
  /* the window holds the project's lock: opening it again would be refused
   * as if another instance had it */
  if (self->project != NULL)
    {
      g_autoptr (GFile) shown = g_file_new_for_path (lt_project_get_path (self->project));

      if (g_file_equal (file, shown))
        return;
    }
  open_path (self, path, FALSE);
}
