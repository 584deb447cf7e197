/* bench-render.c — frames per second of LtGraphView while panning and
 * zooming, rendered off-screen
 *
 * Usage: bench-render MODEL.onnx [FRAMES]
 * Shows the model in a 1280×800 window, then for each zoom level draws
 * FRAMES frames, each panned a little further: the widget's snapshot()
 * vfunc (what the screen gets) builds the render nodes, and the window's
 * GskRenderer (GL under Xvfb with Mesa's llvmpipe, or cairo with
 * GSK_RENDERER=cairo) renders them to a texture, read back to memory.
 * Prints the snapshot time, the whole frame time and frames per second.
 *
 * Each frame allocates a new window-sized texture, which drawing to a
 * window never does.  glibc would hand those megabytes back to the system
 * after every frame and fault them in again (2.5x the cost of a blank
 * frame, depending on what the process allocated before), so the bench
 * keeps freed memory in the heap: it measures drawing, not the C
 * library's trimming heuristics.
 */
#include "lt-graph-view.h"

#include <adwaita.h>
#include <malloc.h>
#include <stdio.h>

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int    argc,
      char **argv)
{
  static const double zooms[] = { 0.05, 0.2, 0.5, 1.0, 2.0 };
  GtkWidget   *window;
  GtkWidget   *view;
  lt_model    *model = NULL;
  lt_error     err;
  GskRenderer *renderer;
  int          frames = argc > 2 ? atoi (argv[2]) : 120;
  gint64       start;

  mallopt (M_MMAP_THRESHOLD, 64 << 20);
  mallopt (M_TRIM_THRESHOLD, 256 << 20);
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s MODEL.onnx [FRAMES]\n", argv[0]);
      return 2;
    }
  gtk_init ();
  adw_init ();
  if (lt_model_load (argv[1], NULL, &model, &err) != LT_OK)
    {
      fprintf (stderr, "%s\n", err.message);
      return 1;
    }
  window = gtk_window_new ();
  view = lt_graph_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  start = g_get_monotonic_time ();
  lt_graph_view_set_model (LT_GRAPH_VIEW (view), model);
  while (lt_graph_view_get_busy (LT_GRAPH_VIEW (view)) || gtk_widget_get_width (view) < 100)
    g_main_context_iteration (NULL, TRUE);
  printf ("model: %u nodes; load-to-laid-out %.0f ms (layout in a worker thread)\n",
          lt_graph_get_n_nodes (lt_model_get_graph (model)), (g_get_monotonic_time () - start) / 1000.0);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  printf ("renderer: %s, %d×%d\n", G_OBJECT_TYPE_NAME (renderer), gtk_widget_get_width (view), gtk_widget_get_height (view));
  {
    /* The floor: one full-size colour node through the same renderer and
     * read-back, to tell drawing cost from the renderer's own. */
    GskRenderNode *blank = gsk_color_node_new (&(GdkRGBA) { 1, 1, 1, 1 }, &GRAPHENE_RECT_INIT (0, 0, 1280, 800));
    gint64         t0 = g_get_monotonic_time ();

    for (int f = 0; f < frames; f++)
      g_object_unref (gsk_renderer_render_texture (renderer, blank, &GRAPHENE_RECT_INIT (0, 0, 1280, 800)));
    printf ("empty frame (render + read-back only): %.2f ms\n", (g_get_monotonic_time () - t0) / 1000.0 / frames);
    gsk_render_node_unref (blank);
  }
  printf ("%8s %12s %10s %8s\n", "zoom", "snapshot ms", "ms/frame", "fps");
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      const LtGraphScene *scene = lt_graph_view_get_scene (LT_GRAPH_VIEW (view));
      double              total = 0;
      double              snapshotting = 0;

      lt_graph_view_set_zoom (LT_GRAPH_VIEW (view), zooms[z]);
      for (int f = 0; f < frames; f++)
        {
          /* pan diagonally through the middle of the graph */
          double       t = (double) f / frames;
          GtkSnapshot *snapshot;
          GskRenderNode *node;
          GdkTexture  *texture;
          gint64       t0;

          lt_graph_view_set_offset (LT_GRAPH_VIEW (view), scene->width * (0.2 + 0.6 * t) - 640 / zooms[z],
                                    scene->height * (0.2 + 0.6 * t) - 400 / zooms[z]);
          spin ();
          t0 = g_get_monotonic_time ();
          snapshot = gtk_snapshot_new ();
          GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
          node = gtk_snapshot_free_to_node (snapshot);
          snapshotting += (g_get_monotonic_time () - t0) / 1000.0;
          texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (view),
                                                                                     gtk_widget_get_height (view)));
          total += (g_get_monotonic_time () - t0) / 1000.0;
          g_object_unref (texture);
          gsk_render_node_unref (node);
        }
      printf ("%8.2f %12.2f %10.2f %8.0f\n", zooms[z], snapshotting / frames, total / frames, 1000.0 * frames / total);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  lt_model_unref (model);
  return 0;
}
