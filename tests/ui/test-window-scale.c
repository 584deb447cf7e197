/* test-window-scale.c — the graph at 200 % scale, light and dark
 * (run with GDK_SCALE=2 under Xvfb; tests/ui/meson.build sets it)
 *
 * Opens the demo model and checks that the window's scale factor is 2.  The
 * graph view is rendered as the window's renderer draws it on screen (the
 * widget's snapshot, under the surface's scale) and once more at 1×; the
 * 2× texture must be twice the view's logical size, and inside every node
 * box that is fully in view both renders must hold label pixels (pixels
 * that differ from the box's fill), with about four times as many at 2×
 * (glyphs drawn at twice the size in both directions).  Labels must contrast with their boxes, darker than the fill in
 * the light style and lighter in the dark one (AdwStyleManager forced).
 */
#include "lt-window.h"
#include "ui-test-util.h"

/* Box edges (border and rounded corners) left out of the count, in
 * logical pixels. */
#define BOX_INSET 3
/* A channel difference from the fill that counts as a label pixel. */
#define INK_THRESHOLD 64

typedef struct
{
  int     width, height, stride;
  guchar *pixels; /* B, G, R, A premultiplied (GDK_MEMORY_DEFAULT) */
} Image;

typedef struct
{
  guint64 ink;      /* label pixels */
  double  ink_luma; /* their summed luminance */
  guint64 fill;     /* fill pixels */
  double  fill_luma;
} InkCount;

static void
count_paint (GdkFrameClock *clock,
             guint         *painted)
{
  (void) clock;
  (*painted)++;
}

/* Lets the window draw the view as it now is (two frames painted). */
static void
wait_for_frames (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint          painted = 0;
  gulong         handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &painted);
  gtk_widget_queue_draw (widget);
  /* each turn asks for one more frame until two were painted */
  SPIN_UNTIL (painted >= 2 || (gtk_widget_queue_draw (widget), FALSE));
  g_signal_handler_disconnect (clock, handler);
}

/* The view drawn at `scale` by the window's renderer. */
static Image
render_view (GtkWidget *view,
             int        scale)
{
  int            w = gtk_widget_get_width (view);
  int            h = gtk_widget_get_height (view);
  GdkPaintable  *paintable = gtk_widget_paintable_new (view);
  GtkSnapshot   *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture    *texture;
  Image          image;

  gtk_snapshot_scale (snapshot, (float) scale, (float) scale);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (view)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, (float) (w * scale), (float) (h * scale)));
  image.width = gdk_texture_get_width (texture);
  image.height = gdk_texture_get_height (texture);
  image.stride = image.width * 4;
  image.pixels = g_malloc ((gsize) image.stride * (gsize) image.height);
  gdk_texture_download (texture, image.pixels, (gsize) image.stride);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return image;
}

static double
luma (const guchar *p)
{
  return (0.0722 * p[0] + 0.7152 * p[1] + 0.2126 * p[2]) / 255.0;
}

/* Counts label pixels inside the box at logical (x, y, w, h): the box's
 * fill is its most frequent colour. */
static InkCount
count_ink (const Image *image,
           int          scale,
           double       x,
           double       y,
           double       w,
           double       h)
{
  int          x0 = (int) ((x + BOX_INSET) * scale), x1 = (int) ((x + w - BOX_INSET) * scale);
  int          y0 = (int) ((y + BOX_INSET) * scale), y1 = (int) ((y + h - BOX_INSET) * scale);
  g_autoptr (GHashTable) histogram = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer       key, value;
  guint32        fill = 0;
  guint          best = 0;
  InkCount       count = { 0 };

  for (int yy = y0; yy < y1; yy++)
    for (int xx = x0; xx < x1; xx++)
      {
        const guchar *p = image->pixels + yy * image->stride + xx * 4;
        guint32       colour = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16;
        guint         n = GPOINTER_TO_UINT (g_hash_table_lookup (histogram, GUINT_TO_POINTER (colour)));

        g_hash_table_insert (histogram, GUINT_TO_POINTER (colour), GUINT_TO_POINTER (n + 1));
      }
  g_hash_table_iter_init (&iter, histogram);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > best)
      {
        best = GPOINTER_TO_UINT (value);
        fill = GPOINTER_TO_UINT (key);
      }
  for (int yy = y0; yy < y1; yy++)
    for (int xx = x0; xx < x1; xx++)
      {
        const guchar *p = image->pixels + yy * image->stride + xx * 4;
        int           diff = MAX (MAX (abs (p[0] - (int) (fill & 0xff)), abs (p[1] - (int) (fill >> 8 & 0xff))),
                                  abs (p[2] - (int) (fill >> 16 & 0xff)));

        if (diff > INK_THRESHOLD)
          {
            count.ink++;
            count.ink_luma += luma (p);
          }
        else if (diff == 0)
          {
            count.fill++;
            count.fill_luma += luma (p);
          }
      }
  return count;
}

/* Renders the view at 1× and 2× and checks sizes and labels; `dark` says
 * which way the labels must contrast with their boxes. */
static void
check_labels (LtWindow *window,
              gboolean  dark)
{
  LtGraphView        *view = lt_window_get_graph_view (window);
  const LtGraphScene *scene = lt_graph_view_get_scene (view);
  int                 w = gtk_widget_get_width (GTK_WIDGET (view));
  int                 h = gtk_widget_get_height (GTK_WIDGET (view));
  int                 scale = gtk_widget_get_scale_factor (GTK_WIDGET (view));
  Image               one, two;
  guint64             ink1 = 0, ink2 = 0;
  double              ink_luma = 0, fill_luma = 0;
  guint64             fill = 0;
  guint               boxes = 0;
  double              zoom = lt_graph_view_get_zoom (view), ox, oy;

  g_assert_cmpint (scale, ==, 2);
  wait_for_frames (GTK_WIDGET (view));
  lt_graph_view_get_offset (view, &ox, &oy);
  one = render_view (GTK_WIDGET (view), 1);
  two = render_view (GTK_WIDGET (view), scale);
  g_assert_cmpint (one.width, ==, w);
  g_assert_cmpint (one.height, ==, h);
  g_assert_cmpint (two.width, ==, 2 * w);
  g_assert_cmpint (two.height, ==, 2 * h);

  for (guint i = 0; i < scene->n_items; i++)
    {
      const LtSceneItem *item = &scene->items[i];
      double             x = (item->x - ox) * zoom, y = (item->y - oy) * zoom;
      double             bw = item->width * zoom, bh = item->height * zoom;
      InkCount           c1, c2;

      if (item->kind != LT_SCENE_ITEM_NODE || x < 0 || y < 0 || x + bw > w || y + bh > h)
        continue;
      c1 = count_ink (&one, 1, x, y, bw, bh);
      c2 = count_ink (&two, 2, x, y, bw, bh);
      g_assert_cmpuint (c1.ink, >, 20);
      g_assert_cmpuint (c2.ink, >, 20);
      ink1 += c1.ink;
      ink2 += c2.ink;
      ink_luma += c2.ink_luma;
      fill_luma += c2.fill_luma;
      fill += c2.fill;
      boxes++;
    }
  g_test_message ("%s: %u boxes, label pixels %" G_GUINT64_FORMAT " at 1x, %" G_GUINT64_FORMAT " at 2x; "
                  "luminance of labels %.2f, of fills %.2f",
                  dark ? "dark" : "light", boxes, ink1, ink2, ink_luma / ink2, fill_luma / fill);
  g_assert_cmpuint (boxes, >=, 4);
  g_assert_cmpfloat ((double) ink2 / (double) ink1, >, 2.5);
  g_assert_cmpfloat ((double) ink2 / (double) ink1, <, 6.0);
  if (dark)
    g_assert_cmpfloat (ink_luma / ink2, >, fill_luma / fill + 0.25);
  else
    g_assert_cmpfloat (ink_luma / ink2, <, fill_luma / fill - 0.25);
  g_free (one.pixels);
  g_free (two.pixels);
}

static void
test_demo_at_200_percent (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AdwStyleManager *styles = adw_style_manager_get_default ();
  LtWindow        *window = lt_window_new (NULL);
  GtkWidget       *weak = GTK_WIDGET (window);
  LtGraphView     *view = lt_window_get_graph_view (window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpint (gtk_widget_get_scale_factor (GTK_WIDGET (window)), ==, 2);
  lt_window_open_file (window, file);
  SPIN_UNTIL (lt_window_get_model (window) != NULL && !lt_window_get_busy (window) &&
              gtk_widget_get_width (GTK_WIDGET (view)) > 100);
  /* from the graph's top-left corner, at a zoom that shows labels */
  lt_graph_view_set_zoom (view, 0.8);
  lt_graph_view_set_offset (view, 0, 0);

  adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (styles));
  check_labels (window, FALSE);
  adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (styles));
  check_labels (window, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  SPIN_UNTIL (weak == NULL);
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/window-scale/demo-at-200-percent", test_demo_at_200_percent);
  return g_test_run ();
}
