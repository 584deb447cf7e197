/* screenshot-window.c — renders the main window with a model open to a PNG
 * (the metainfo screenshot).  Not a test; run under Xvfb:
 *   xvfb-run -a _build/tests/ui/screenshot-window MODEL.onnx OUT.png [dark]
 */
#include "lt-window.h"

#include <stdio.h>

int
main (int    argc,
      char **argv)
{
  LtWindow      *window;
  g_autoptr (GFile) file = NULL;
  GdkPaintable  *paintable;
  GtkSnapshot   *snapshot;
  GskRenderNode *node;
  GdkTexture    *texture;
  const LtGraphScene *scene;
  gint64         settle;
  int            w, h;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s MODEL.onnx OUT.png [dark]\n", argv[0]);
      return 2;
    }
  gtk_init ();
  adw_init ();
  if (argc > 3 && g_str_equal (argv[3], "dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  window = lt_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (argv[1]);
  lt_window_open_file (window, file);
  while (lt_window_get_model (window) == NULL || lt_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
  scene = lt_graph_view_get_scene (lt_window_get_graph_view (window));
  for (guint i = 0; i < scene->n_items; i++)
    if (scene->items[i].kind == LT_SCENE_ITEM_NODE)
      {
        lt_graph_view_set_selected_item (lt_window_get_graph_view (window), (int) i);
        break;
      }
  settle = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE);
  w = gtk_widget_get_width (GTK_WIDGET (window));
  h = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!gdk_texture_save_to_png (texture, argv[2]))
    {
      fprintf (stderr, "could not write %s\n", argv[2]);
      return 1;
    }
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
