/* test-window.c — the studio's widgets under a real display (Xvfb)
 *
 * Opens the demo model and a conformance model, selects, searches, zooms
 * and undoes, moves the selection with the keyboard, exports a PNG and
 * checks its pixels, opens a corrupt file and checks the error dialog,
 * opens projects (undo and redo of their edits; locked, foreign, future and
 * changed-model projects refused with the previous state kept), cancels the
 * load of a large model, and builds and destroys each widget.
 */
#include "config.h"

#include "chain-model.h"
#include "ui-test-util.h"
#include "lt-graph-view.h"
#include "lt-inspector.h"
#include "lt-window.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

static LtWindow *
open_window (const char *path)
{
  LtWindow *window = lt_window_new (NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  gtk_window_present (GTK_WINDOW (window));
  lt_window_open_file (window, file);
  SPIN_UNTIL (!lt_window_get_busy (window));
  return window;
}

static char *
demo_path (void)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
}

static int
find_item (const LtGraphScene *scene,
           const char         *op_type)
{
  for (guint i = 0; i < scene->n_items; i++)
    if (scene->items[i].kind == LT_SCENE_ITEM_NODE &&
        g_str_equal (lt_graph_get_node (lt_model_get_graph (scene->model), scene->items[i].id)->op_type, op_type))
      return (int) i;
  return -1;
}

static GtkWidget *
find_descendant (GtkWidget *root,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The list box of search results (the sidebar one). */
static GtkWidget *
find_search_results (GtkWidget *root)
{
  if (GTK_IS_LIST_BOX (root) && gtk_widget_has_css_class (root, "navigation-sidebar"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_search_results (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
destroy_window (LtWindow *window)
{
  GtkWidget *weak = GTK_WIDGET (window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  SPIN_UNTIL (weak == NULL);
}

static void
test_open_demo_and_inspect (void)
{
  g_autofree char    *path = demo_path ();
  LtWindow           *window = open_window (path);
  LtGraphView        *view = lt_window_get_graph_view (window);
  const LtGraphScene *scene = lt_graph_view_get_scene (view);
  int                 gemm;

  g_assert_nonnull (lt_window_get_model (window));
  g_assert_nonnull (scene);
  /* 7 nodes, one input, one output */
  g_assert_cmpuint (scene->n_items, ==, 9);
  gemm = find_item (scene, "Gemm");
  g_assert_cmpint (gemm, >=, 0);
  lt_graph_view_set_selected_item (view, gemm);
  g_assert_cmpstr (lt_inspector_get_title (lt_window_get_inspector (window)), ==, "Gemm");
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (view)));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Selected: Gemm node fc, 3 inputs, 1 outputs");
  destroy_window (window);
}

static void
test_keyboard_moves_along_edges (void)
{
  g_autofree char    *path = demo_path ();
  LtWindow           *window = open_window (path);
  LtGraphView        *view = lt_window_get_graph_view (window);
  const LtGraphScene *scene = lt_graph_view_get_scene (view);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
  GtkEventController *keys = NULL;
  gboolean            handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        keys = c;
    }
  g_assert_nonnull (keys);
  lt_graph_view_set_selected_item (view, find_item (scene, "Flatten"));
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (lt_graph_view_get_selected_item (view), ==, find_item (scene, "Gemm"));
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Up, 0, 0, &handled);
  g_assert_cmpint (lt_graph_view_get_selected_item (view), ==, find_item (scene, "Flatten"));
  destroy_window (window);
}

static void
test_search (void)
{
  g_autofree char *path = demo_path ();
  LtWindow        *window = open_window (path);
  GtkWidget       *entry = find_descendant (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
  GtkWidget       *results;
  GtkListBoxRow   *row;
  int              rows = 0;
  const LtGraphScene *scene = lt_graph_view_get_scene (lt_window_get_graph_view (window));

  g_assert_nonnull (entry);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "relu");
  /* search-changed is delayed by the entry */
  results = find_search_results (GTK_WIDGET (window));
  g_assert_nonnull (results);
  SPIN_UNTIL (gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), 0) != NULL);
  while ((row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), rows)) != NULL)
    rows++;
  /* relu1, relu2 (op type and names) */
  g_assert_cmpint (rows, ==, 2);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (lt_graph_view_get_selected_item (lt_window_get_graph_view (window)), ==, find_item (scene, "Relu"));
  destroy_window (window);
}

static void
test_zoom_and_undo (void)
{
  g_autofree char *path = demo_path ();
  LtWindow        *window = open_window (path);
  LtGraphView     *view = lt_window_get_graph_view (window);
  double           zoom = lt_graph_view_get_zoom (view);
  double           x, y, x2, y2;

  lt_graph_view_get_offset (view, &x, &y);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.zoom-in", NULL);
  g_assert_cmpfloat (lt_graph_view_get_zoom (view), >, zoom);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.zoom-out", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.zoom-out", NULL);
  g_assert_cmpfloat (lt_graph_view_get_zoom (view), <, zoom);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo-view", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo-view", NULL);
  g_assert_cmpfloat (lt_graph_view_get_zoom (view), >, zoom);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo-view", NULL);
  g_assert_cmpfloat_with_epsilon (lt_graph_view_get_zoom (view), zoom, 1e-9);
  lt_graph_view_get_offset (view, &x2, &y2);
  g_assert_cmpfloat_with_epsilon (x, x2, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, y2, 1e-6);
  g_assert_false (lt_graph_view_undo_view_change (view));

  /* with a bare model, Ctrl+Z (win.undo) goes back to the previous view */
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.zoom-in", NULL);
  g_assert_cmpfloat (lt_graph_view_get_zoom (view), >, zoom);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_cmpfloat_with_epsilon (lt_graph_view_get_zoom (view), zoom, 1e-9);
  destroy_window (window);
}

static void
test_export_png (void)
{
  g_autofree char *path = demo_path ();
  LtWindow        *window = open_window (path);
  LtGraphView     *view = lt_window_get_graph_view (window);
  g_autofree char *dir = g_dir_make_tmp ("lathe-export-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "graph.png", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (png);
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  const guchar *pixels;
  int           stride, channels;

  SPIN_UNTIL (gtk_widget_get_width (GTK_WIDGET (view)) > 100);
  g_assert_true (lt_graph_view_export (view, file, LT_GRAPH_EXPORT_PNG, FALSE, &error));
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, gtk_widget_get_width (GTK_WIDGET (view)));
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, gtk_widget_get_height (GTK_WIDGET (view)));
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  for (int yy = 0; yy < gdk_pixbuf_get_height (pixbuf); yy += 3)
    for (int xx = 0; xx < gdk_pixbuf_get_width (pixbuf); xx += 3)
      {
        const guchar *p = pixels + yy * stride + xx * channels;

        g_hash_table_add (colours, GUINT_TO_POINTER (p[0] << 16 | p[1] << 8 | p[2]));
      }
  /* background, boxes of several op colours, edges, anti-aliased text */
  g_assert_cmpuint (g_hash_table_size (colours), >, 20);

  /* the whole graph, as SVG */
  {
    g_autofree char *svg_path = g_build_filename (dir, "graph.svg", NULL);
    g_autoptr (GFile) svg_file = g_file_new_for_path (svg_path);
    g_autofree char *svg = NULL;

    g_assert_true (lt_graph_view_export (view, svg_file, LT_GRAPH_EXPORT_SVG, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
    g_assert_nonnull (strstr (svg, "<svg"));
    g_unlink (svg_path);
  }
  g_unlink (png);
  g_rmdir (dir);
  destroy_window (window);
}

static void
test_demo_from_start_page (void)
{
  LtWindow *window = lt_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (lt_window_get_model (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL);
  SPIN_UNTIL (lt_window_get_model (window) != NULL && !lt_window_get_busy (window));
  g_assert_cmpuint (lt_graph_get_n_nodes (lt_model_get_graph (lt_window_get_model (window))), ==, 7);
  destroy_window (window);
}

/* Whether some pixel of a PNG has the latency ramp's top colour,
 * ramp_colour (1) = (0.9, 0, 0.2). */
static gboolean
has_ramp_top_colour (const char *png)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (png, &error);

  g_assert_no_error (error);
  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        const guchar *p = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) +
                          x * gdk_pixbuf_get_n_channels (pixbuf);

        if (p[0] > 220 && p[0] < 240 && p[1] < 10 && p[2] > 40 && p[2] < 62)
          return TRUE;
      }
  return FALSE;
}

/* Latency overlay: the slowest node is drawn in the ramp's top colour,
 * which the operator colours never use. */
static void
test_overlay_colours_nodes (void)
{
  g_autofree char *path = demo_path ();
  LtWindow        *window = open_window (path);
  LtGraphView     *view = lt_window_get_graph_view (window);
  g_autofree char *dir = g_dir_make_tmp ("lathe-overlay-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "overlay.png", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (png);
  g_autoptr (GError) error = NULL;
  double           latency[7] = { 1, 2, 3, 4, 5, 6, 7 };

  g_assert_true (lt_graph_view_export (view, file, LT_GRAPH_EXPORT_PNG, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (has_ramp_top_colour (png));
  lt_graph_view_set_overlay (view, LT_GRAPH_OVERLAY_LATENCY, latency, G_N_ELEMENTS (latency), NULL);
  g_assert_cmpint (lt_graph_view_get_overlay (view), ==, LT_GRAPH_OVERLAY_LATENCY);
  g_assert_true (lt_graph_view_export (view, file, LT_GRAPH_EXPORT_PNG, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (has_ramp_top_colour (png));
  g_unlink (png);
  g_rmdir (dir);
  destroy_window (window);
}

/* The message dialog that a failed open presents, waited for. */
static AdwMessageDialog *
wait_for_dialog (void)
{
  AdwMessageDialog *dialog = NULL;

  for (guint i = 0; i < 100 && dialog == NULL; i++)
    {
      GListModel *toplevels = gtk_window_get_toplevels (); /* borrowed */

      for (guint k = 0; k < g_list_model_get_n_items (toplevels); k++)
        {
          g_autoptr (GObject) w = g_list_model_get_item (toplevels, k);

          if (ADW_IS_MESSAGE_DIALOG (w))
            dialog = ADW_MESSAGE_DIALOG (w);
        }
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_nonnull (dialog);
  return dialog;
}

/* Opens `path` in `window`: a dialog must name `name` in its heading and
 * body (and `also` in its body when not NULL), and the window keep its
 * model.  Returns the dialog, for the caller to check and close. */
static AdwMessageDialog *
expect_refused (LtWindow   *window,
                const char *path,
                const char *name,
                const char *also)
{
  lt_model         *before = lt_window_get_model (window);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;

  lt_window_open_file (window, file);
  SPIN_UNTIL (!lt_window_get_busy (window));
  dialog = wait_for_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), name));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), name));
  if (also != NULL)
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), also));
  g_assert_true (lt_window_get_model (window) == before);
  g_assert_null (lt_window_get_project (window));
  return dialog;
}

static void
test_corrupt_file_keeps_state (void)
{
  g_autofree char *path = demo_path ();
  LtWindow        *window = open_window (path);
  g_autofree char *dir = g_dir_make_tmp ("lathe-corrupt-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "broken.onnx", NULL);

  g_assert_true (g_file_set_contents (bad, "\x0a\xff\xff\xff\x0f garbage", -1, NULL));
  gtk_window_destroy (GTK_WINDOW (expect_refused (window, bad, "broken.onnx", NULL)));
  g_unlink (bad);
  g_rmdir (dir);
  destroy_window (window);
}

/* ---- projects ------------------------------------------------------------ */

static void
remove_dir (const char *dir)
{
  GDir       *listing = g_dir_open (dir, 0, NULL);
  const char *entry;

  g_assert_nonnull (listing);
  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, entry, NULL);

      g_unlink (child);
    }
  g_dir_close (listing);
  g_rmdir (dir);
}

/* Makes `name` in `dir`: a project for a copy of the demo model named after
 * it (embedded or recorded), holding one edit, an encoding of "image". */
static char *
make_project (const char *dir,
              const char *name,
              gboolean    embed)
{
  g_autofree char *demo = demo_path ();
  g_autofree char *model = g_strconcat (dir, G_DIR_SEPARATOR_S, name, ".onnx", NULL);
  char            *path = g_build_filename (dir, name, NULL);
  g_autofree char *bytes = NULL;
  g_autoptr (LtProject) project = NULL;
  g_autoptr (LtProjectEncoding) encoding = lt_project_encoding_new ("image", LT_PROJECT_SECTION_ACTIVATION, 1);
  g_autoptr (GError) error = NULL;
  gsize            length;

  g_assert_true (g_file_get_contents (demo, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (model, bytes, (gssize) length, NULL));
  project = lt_project_create (path, model, embed, &error);
  g_assert_no_error (error);
  encoding->bitwidth = 8;
  encoding->axis = -1;
  encoding->scale[0] = 0.05f;
  encoding->offset[0] = -128;
  g_assert_true (lt_project_set_encoding (project, encoding, &error));
  g_assert_no_error (error);
  return path;
}

static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_image_encoding (LtProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LtProjectEncoding) encoding = lt_project_get_encoding (project, "image", LT_PROJECT_SECTION_ACTIVATION, &error);

  g_assert_no_error (error);
  return encoding != NULL;
}

/* Ctrl+Z and Shift+Ctrl+Z walk the project's edit log and leave the view
 * alone; Alt+Left still undoes a view change; an edit made elsewhere
 * through the project updates the buttons (the `changed` signal). */
static void
test_project_undo_redo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-project-XXXXXX", NULL);
  g_autofree char *path = make_project (dir, "edits.lathe", TRUE);
  LtWindow        *window = open_window (path);
  LtProject       *project = lt_window_get_project (window);
  LtGraphView     *view = lt_window_get_graph_view (window);
  GtkWidget       *undo = find_action_button (GTK_WIDGET (window), "win.undo");
  GtkWidget       *redo = find_action_button (GTK_WIDGET (window), "win.redo");
  AdwWindowTitle  *title = ADW_WINDOW_TITLE (find_descendant (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE));
  g_autoptr (GError) error = NULL;
  double           zoom;

  g_assert_nonnull (project);
  /* opened again: the same project stays, not refused as locked */
  {
    g_autoptr (GFile) again = g_file_new_for_path (path);

    lt_window_open_file (window, again);
    g_assert_false (lt_window_get_busy (window));
    g_assert_true (lt_window_get_project (window) == project);
  }
  g_assert_cmpuint (lt_graph_get_n_nodes (lt_model_get_graph (lt_window_get_model (window))), ==, 7);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "edits.lathe");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "edits.lathe.onnx");
  g_assert_true (gtk_widget_is_visible (undo));
  g_assert_true (gtk_widget_get_sensitive (undo));
  g_assert_false (gtk_widget_get_sensitive (redo));

  gtk_widget_activate_action (GTK_WIDGET (view), "graph.zoom-in", NULL);
  zoom = lt_graph_view_get_zoom (view);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_false (has_image_encoding (project));
  g_assert_cmpfloat (lt_graph_view_get_zoom (view), ==, zoom);
  g_assert_false (gtk_widget_get_sensitive (undo));
  g_assert_true (gtk_widget_get_sensitive (redo));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL);
  g_assert_true (has_image_encoding (project));
  g_assert_true (gtk_widget_get_sensitive (undo));
  g_assert_false (gtk_widget_get_sensitive (redo));

  /* an edit made through the project: Redo's history is dropped */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_true (gtk_widget_get_sensitive (redo));
  g_assert_true (lt_project_set_backend_config (project, "{}", &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_get_sensitive (undo));
  g_assert_false (gtk_widget_get_sensitive (redo));

  /* the view's own history */
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo-view", NULL);
  g_assert_cmpfloat (lt_graph_view_get_zoom (view), <, zoom);

  destroy_window (window);
  remove_dir (dir);
}

static void
set_pragma (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_project_refused_keeps_state (void)
{
  g_autofree char  *demo = demo_path ();
  g_autofree char  *dir = g_dir_make_tmp ("lathe-refused-XXXXXX", NULL);
  g_autofree char  *locked = make_project (dir, "locked.lathe", TRUE);
  g_autofree char  *foreign = make_project (dir, "foreign.lathe", TRUE);
  g_autofree char  *future = make_project (dir, "future.lathe", TRUE);
  g_autofree char  *changed = make_project (dir, "changed.lathe", FALSE);
  g_autofree char  *changed_model = g_strconcat (changed, ".onnx", NULL);
  g_autofree char  *sql = g_strdup_printf ("PRAGMA user_version = %d", LT_PROJECT_SCHEMA_VERSION + 1);
  g_autoptr (LtProject) holder = NULL;
  g_autoptr (GError) error = NULL;
  LtWindow         *window = open_window (demo);
  AdwMessageDialog *dialog;
  FILE             *model;

  set_pragma (foreign, "PRAGMA application_id = 1234");
  set_pragma (future, sql);
  model = fopen (changed_model, "ab");
  g_assert_nonnull (model);
  fputc (0, model);
  fclose (model);

  dialog = expect_refused (window, foreign, "foreign.lathe", "another application");
  g_assert_false (adw_message_dialog_has_response (dialog, "read-only"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  dialog = expect_refused (window, future, "future.lathe", "newer version");
  g_assert_true (adw_message_dialog_has_response (dialog, "read-only"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  dialog = expect_refused (window, changed, "changed.lathe", "changed.lathe.onnx");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* held by another instance: refused, then viewed read-only on request */
  holder = lt_project_open (locked, LT_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  dialog = expect_refused (window, locked, "locked.lathe", "another running instance");
  g_assert_true (adw_message_dialog_has_response (dialog, "read-only"));
  adw_message_dialog_response (dialog, "read-only");
  gtk_window_destroy (GTK_WINDOW (dialog));
  SPIN_UNTIL (lt_window_get_project (window) != NULL && !lt_window_get_busy (window));
  g_assert_true (lt_project_is_read_only (lt_window_get_project (window)));
  g_assert_false (gtk_widget_get_sensitive (find_action_button (GTK_WIDGET (window), "win.undo")));

  destroy_window (window);
  g_clear_object (&holder);
  remove_dir (dir);
}

/* ---- cancelling a load ---------------------------------------------------- */

/* Cancel stops the engine inside the load: the load thread (which holds a
 * reference to the window through its GTask) ends long before a whole load
 * of the same model would have. */
static void
test_cancel_large_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-cancel-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "chain.onnx", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  lt_model        *model = NULL;
  lt_error         err;
  LtWindow        *window;
  GtkWidget       *weak;
  gint64           start, full, cancelled;

  chain_model_write (path, 100000);
  lt_error_clear (&err);
  start = g_get_monotonic_time ();
  g_assert_cmpint (lt_model_load (path, NULL, &model, &err), ==, LT_OK);
  full = g_get_monotonic_time () - start;
  lt_model_unref (model);

  window = lt_window_new (NULL);
  weak = GTK_WIDGET (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
  gtk_window_present (GTK_WINDOW (window));
  lt_window_open_file (window, file);
  g_assert_true (lt_window_get_busy (window));
  start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
  g_assert_false (lt_window_get_busy (window));
  g_assert_null (lt_window_get_model (window));
  gtk_window_destroy (GTK_WINDOW (window));
  SPIN_UNTIL (weak == NULL);
  cancelled = g_get_monotonic_time () - start;
  g_test_message ("whole load %.0f ms, cancelled load ended after %.0f ms", full / 1e3, cancelled / 1e3);
  g_assert_cmpint (cancelled, <, full / 2);

  g_unlink (path);
  g_rmdir (dir);
}

/* A window on node/<name> of libonnx-testdata, or NULL (the test
 * skipped) when it is not installed. */
static LtWindow *
open_conformance_window (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_ONNX_TESTDATA"), "node", name, "model.onnx", NULL);
  LtWindow        *window;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("libonnx-testdata is not installed");
      return NULL;
    }
  window = open_window (path);
  g_assert_nonnull (lt_window_get_model (window));
  return window;
}

static void
test_open_conformance_model (void)
{
  LtWindow *window = open_conformance_window ("test_conv_with_strides_padding");

  if (window == NULL)
    return;
  g_assert_cmpint (find_item (lt_graph_view_get_scene (lt_window_get_graph_view (window)), "Conv"), >=, 0);
  destroy_window (window);
}

/* A sequence value is shown as one, not as the tensor type of its
 * elements. */
static void
test_sequence_value_type (void)
{
  LtWindow *window = open_conformance_window ("test_sequence_insert_at_back");

  if (window == NULL)
    return;
  {
    const LtGraphScene *scene = lt_graph_view_get_scene (lt_window_get_graph_view (window));
    int                 item = find_item (scene, "SequenceInsert");
    g_assert_cmpint (item, >=, 0);
    const lt_node   *node = lt_graph_get_node (lt_model_get_graph (scene->model), scene->items[item].id);
    g_autofree char *output = lt_graph_scene_format_value_type (scene, node->outputs[0]);
    g_autofree char *tensor = lt_graph_scene_format_value_type (scene, node->inputs[1]);

    g_assert_true (g_str_has_prefix (output, "sequence of int64"));
    g_assert_true (g_str_has_prefix (tensor, "int64"));
  }
  destroy_window (window);
}

static void
test_widgets_construct_and_destroy (void)
{
  GType types[] = { LT_TYPE_GRAPH_VIEW, LT_TYPE_INSPECTOR };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *window = gtk_window_new ();
      GtkWidget *widget = g_object_new (types[i], NULL);
      GtkWidget *weak = widget;

      g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &weak);
      gtk_window_set_child (GTK_WINDOW (window), widget);
      gtk_window_present (GTK_WINDOW (window));
      gtk_window_destroy (GTK_WINDOW (window));
      SPIN_UNTIL (weak == NULL);
    }
  destroy_window (lt_window_new (NULL));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              int        *count)
{
  (void) object;
  (void) pspec;
  (*count)++;
}

static void
test_zoom_notifies_once (void)
{
  GtkWidget *view = g_object_ref_sink (lt_graph_view_new ());
  int        count = 0;

  g_signal_connect (view, "notify::zoom", G_CALLBACK (count_notify), &count);
  lt_graph_view_set_zoom (LT_GRAPH_VIEW (view), 2.0);
  lt_graph_view_set_zoom (LT_GRAPH_VIEW (view), 2.0);
  g_assert_cmpint (count, ==, 1);
  g_object_unref (view);
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/window/widgets-construct-and-destroy", test_widgets_construct_and_destroy);
  g_test_add_func ("/window/zoom-notifies-once", test_zoom_notifies_once);
  g_test_add_func ("/window/open-demo-and-inspect", test_open_demo_and_inspect);
  g_test_add_func ("/window/keyboard-moves-along-edges", test_keyboard_moves_along_edges);
  g_test_add_func ("/window/search", test_search);
  g_test_add_func ("/window/zoom-and-undo", test_zoom_and_undo);
  g_test_add_func ("/window/export-png", test_export_png);
  g_test_add_func ("/window/demo-from-start-page", test_demo_from_start_page);
  g_test_add_func ("/window/overlay-colours-nodes", test_overlay_colours_nodes);
  g_test_add_func ("/window/corrupt-file-keeps-state", test_corrupt_file_keeps_state);
  g_test_add_func ("/window/open-conformance-model", test_open_conformance_model);
  g_test_add_func ("/window/sequence-value-type", test_sequence_value_type);
  g_test_add_func ("/window/project-undo-redo", test_project_undo_redo);
  g_test_add_func ("/window/project-refused-keeps-state", test_project_refused_keeps_state);
  g_test_add_func ("/window/cancel-large-load", test_cancel_large_load);
  return g_test_run ();
}
