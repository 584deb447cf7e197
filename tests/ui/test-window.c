/* test-window.c — the studio's widgets under a real display (Xvfb)
 *
 * Opens the demo model and a conformance model, selects, searches, zooms
 * and undoes, moves the selection with the keyboard, exports a PNG and
 * checks its pixels, opens a corrupt file and checks the error dialog, and
 * builds and destroys each widget.
 */
#include "config.h"

#include "lt-graph-view.h"
#include "lt-inspector.h"
#include "lt-window.h"

#include <glib/gstdio.h>

/* Runs the main loop until `done` holds or 30 s pass. */
#define SPIN_UNTIL(done)                                                \
  G_STMT_START                                                          \
  {                                                                     \
    gint64 spin_deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC; \
    while (!(done) && g_get_monotonic_time () < spin_deadline)          \
      g_main_context_iteration (NULL, TRUE);                            \
    g_assert_true (done);                                               \
  }                                                                     \
  G_STMT_END

static gboolean
tick (gpointer data)
{
  (void) data;
  return G_SOURCE_CONTINUE;
}

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

static void
test_corrupt_file_keeps_state (void)
{
  g_autofree char *path = demo_path ();
  LtWindow        *window = open_window (path);
  lt_model        *before = lt_window_get_model (window);
  g_autofree char *dir = g_dir_make_tmp ("lathe-corrupt-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "broken.onnx", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (bad);
  AdwMessageDialog *dialog = NULL;

  g_assert_true (g_file_set_contents (bad, "\x0a\xff\xff\xff\x0f garbage", -1, NULL));
  lt_window_open_file (window, file);
  SPIN_UNTIL (!lt_window_get_busy (window));
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
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "broken.onnx"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "broken.onnx"));
  g_assert_true (lt_window_get_model (window) == before);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_unlink (bad);
  g_rmdir (dir);
  destroy_window (window);
}

static void
test_open_conformance_model (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_ONNX_TESTDATA"), "node",
                                            "test_conv_with_strides_padding", "model.onnx", NULL);
  LtWindow        *window;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("libonnx-testdata is not installed");
      return;
    }
  window = open_window (path);
  g_assert_nonnull (lt_window_get_model (window));
  g_assert_cmpint (find_item (lt_graph_view_get_scene (lt_window_get_graph_view (window)), "Conv"), >=, 0);
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
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_timeout_add (50, tick, NULL);
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
  return g_test_run ();
}
