/* test-input-specs.c — input_specs.json: a complete spec becomes the image
 * options of the model's input and preprocesses an image as those options
 * do; every kind of bad file or mismatch with the model is refused naming
 * the file, the input and the field. */
#include "lt-input-specs.h"
#include "test-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  char     *dir;
  lt_model *model; /* the demo model: input "image", float [1, 3, 224, 224] */
} fixture;

static void
fixture_set_up (fixture      *f,
                gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  lt_error         err;

  (void) data;
  f->dir = g_dir_make_tmp ("lathe-input-specs-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (path, NULL, &f->model, &err), ==, LT_OK);
}

static void
fixture_tear_down (fixture      *f,
                   gconstpointer data)
{
  (void) data;
  lt_model_unref (f->model);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
write_specs (const fixture *f,
             const char    *text)
{
  char *path = g_build_filename (f->dir, "input_specs.json", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_complete_spec (fixture      *f,
                    gconstpointer data)
{
  g_autofree char *path = write_specs (f, "{\"image\": {\"shape\": [1, 3, 224, 224], \"dtype\": \"float32\", \"layout\": \"NCHW\","
                                          " \"encoding\": \"bgr\", \"resize\": 256, \"crop\": [224, 224], \"scale\": 0.5,"
                                          " \"mean\": [1, 2, 3], \"std\": 4}}");
  g_autoptr (GError) error = NULL;
  g_autoptr (LtInputSpecs) specs = lt_input_specs_read_file (path, &error);
  LtImageOptions image;

  (void) data;
  g_assert_no_error (error);
  lt_image_options_init (&image);
  g_assert_true (lt_input_specs_apply (specs, lt_model_get_graph (f->model), &image, &error));
  g_assert_cmpint (image.layout, ==, LT_IMAGE_LAYOUT_NCHW);
  g_assert_true (image.bgr);
  g_assert_cmpuint (image.resize, ==, 256);
  g_assert_cmpfloat (image.scale, ==, 0.5);
  g_assert_cmpfloat (image.mean[0], ==, 1);
  g_assert_cmpfloat (image.mean[2], ==, 3);
  g_assert_cmpfloat (image.std[1], ==, 4);
  g_assert_cmpuint (image.max_pixels, ==, LT_IMAGE_DEFAULT_MAX_PIXELS);
}

/* An image preprocessed with the spec equals one preprocessed with the
 * same options set by hand. */
static void
test_spec_preprocesses (fixture      *f,
                        gconstpointer data)
{
  g_autofree char *path = write_specs (f, "{\"image\": {\"encoding\": \"bgr\", \"mean\": [0.4, 0.5, 0.6], \"std\": [0.2, 0.3, 0.4]}}");
  g_autofree char *png = g_build_filename (f->dir, "sample.png", NULL);
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 300, 240);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtInputSpecs) specs = lt_input_specs_read_file (path, &error);
  const lt_graph *graph = lt_model_get_graph (f->model);
  uint32_t        n;
  const lt_value *input = lt_graph_get_value (graph, lt_graph_get_inputs (graph, &n)[0]);
  LtImageOptions  from_spec, by_hand;
  g_autoptr (LtArray) a = NULL;
  g_autoptr (LtArray) b = NULL;

  (void) data;
  gdk_pixbuf_fill (pixbuf, 0x2060a0ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, png, "png", &error, NULL));
  lt_image_options_init (&from_spec);
  g_assert_true (lt_input_specs_apply (specs, graph, &from_spec, &error));
  lt_image_options_init (&by_hand);
  by_hand.bgr = TRUE;
  by_hand.mean[0] = 0.4, by_hand.mean[1] = 0.5, by_hand.mean[2] = 0.6;
  by_hand.std[0] = 0.2, by_hand.std[1] = 0.3, by_hand.std[2] = 0.4;
  a = lt_image_sample_load (png, input, &from_spec, &error);
  g_assert_no_error (error);
  b = lt_image_sample_load (png, input, &by_hand, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (a->data, b->data));
  /* Channel 0 of the model is blue (0xa0) with the spec. */
  g_assert_cmpfloat_with_epsilon (((const float *) g_bytes_get_data (a->data, NULL))[0], (0xa0 / 255.0 - 0.4) / 0.2, 1e-5);
}

static void
assert_refused (fixture    *f,
                const char *text,
                const char *expected_part)
{
  g_autofree char *path = write_specs (f, text);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtInputSpecs) specs = lt_input_specs_read_file (path, &error);
  LtImageOptions image;

  lt_image_options_init (&image);
  if (specs != NULL)
    g_assert_false (lt_input_specs_apply (specs, lt_model_get_graph (f->model), &image, &error));
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, path) || strstr (error->message, expected_part) == NULL)
    g_error ("for %s: \"%s\" does not name the file and \"%s\"", text, error->message, expected_part);
}

static void
test_bad_specs (fixture      *f,
                gconstpointer data)
{
  (void) data;
  assert_refused (f, "[1, 2]", "top level");
  assert_refused (f, "{\"image\": {\"mean\": [1, 2]", "not valid JSON");
  assert_refused (f, "{\"image\": {\"colour\": \"rgb\"}}", "image: colour: unknown field");
  assert_refused (f, "{\"image\": {\"mean\": \"0.5\"}}", "image: mean:");
  assert_refused (f, "{\"image\": {\"mean\": [1, 2]}}", "image: mean:");
  assert_refused (f, "{\"image\": {\"std\": [1, 0, 1]}}", "image: std: must not be 0");
  assert_refused (f, "{\"image\": {\"layout\": \"nchw\"}}", "image: layout:");
  assert_refused (f, "{\"image\": {\"encoding\": \"yuv\"}}", "image: encoding:");
  assert_refused (f, "{\"image\": {\"resize\": 2.5}}", "image: resize:");
  assert_refused (f, "{\"image\": {\"resize\": -3}}", "image: resize:");
  assert_refused (f, "{\"image\": {\"dtype\": \"uint8\"}}", "image: dtype:");
  assert_refused (f, "{\"image\": {\"scale\": 0}}", "image: scale:");
  assert_refused (f, "{\"image\": 3}", "image: must be an object");
  assert_refused (f, "{\"image\": {\"resize\": 256, \"resize\": 300}}", "\"resize\" appears twice");
  assert_refused (f, "{\"image\": {}, \"image\": {}}", "\"image\" appears twice");
  assert_refused (f, "{\"pixels\": {}}", "pixels: the model has no input");
  assert_refused (f, "{\"image\": {\"shape\": [1, 3, 256, 256]}}", "image: shape: differs");
  assert_refused (f, "{\"image\": {\"crop\": [200, 200]}}", "image: crop: must be the input's height and width");
  assert_refused (f, "{\"image\": {\"crop\": [224]}}", "image: crop:");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/input-specs/complete", fixture, NULL, fixture_set_up, test_complete_spec, fixture_tear_down);
  g_test_add ("/input-specs/preprocesses", fixture, NULL, fixture_set_up, test_spec_preprocesses, fixture_tear_down);
  g_test_add ("/input-specs/refusals", fixture, NULL, fixture_set_up, test_bad_specs, fixture_tear_down);
  return g_test_run ();
}
