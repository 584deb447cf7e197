/* test-encodings.c — reading, writing and converting encodings files:
 * the published sample in all three layouts, per-channel, per-block and
 * LPBQ conversions, the opposite-sign file, atomic writes, and one test
 * case per kind of bad file, each checking the error names the file, the
 * tensor and the field. */
#include "lt-encodings-io.h"
#include "lt-encodings-lint.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static char *
data_path (const char *name)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", "data", "encodings", name, NULL);
}

static LtEncodingSet *
read_fixture (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr (GError) error = NULL;
  LtEncodingSet *set = lt_encodings_read_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

static lt_model *
load_demo_model (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  lt_model        *model = NULL;
  lt_error         err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (path, NULL, &model, &err), ==, LT_OK);
  return model;
}

/* Writes `set` as `format` and reads it back. */
static LtEncodingSet *
write_and_read (const LtEncodingSet *set,
                LtEncodingsFormat    format,
                char               **text_out)
{
  g_autoptr (GError) error = NULL;
  char          *text = lt_encodings_write_data (set, format, NULL, &error);
  LtEncodingSet *back;

  g_assert_no_error (error);
  back = lt_encodings_read_data (text, strlen (text), "written", &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->format, ==, format);
  *text_out = text;
  return back;
}

/* Bit-level equality of everything an encoding holds. */
static void
assert_same_encodings (const LtEncodingSet *a,
                       const LtEncodingSet *b)
{
  g_assert_cmpuint (a->encodings->len, ==, b->encodings->len);
  for (guint i = 0; i < a->encodings->len; i++)
    {
      const LtEncoding *x = g_ptr_array_index (a->encodings, i);
      const LtEncoding *y = g_ptr_array_index (b->encodings, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->dtype, ==, y->dtype);
      g_assert_cmpuint (x->bitwidth, ==, y->bitwidth);
      g_assert_cmpint (x->granularity, ==, y->granularity);
      g_assert_cmpint (x->is_symmetric, ==, y->is_symmetric);
      g_assert_cmpuint (x->n_values, ==, y->n_values);
      g_assert_cmpuint (x->block_size, ==, y->block_size);
      g_assert_cmpuint (x->n_block_int_scales, ==, y->n_block_int_scales);
      g_assert_cmpint (x->axis, ==, y->axis);
      g_assert_cmpint (x->block_axis, ==, y->block_axis);
      g_assert_cmpuint (x->n_blocks, ==, y->n_blocks);
      g_assert_cmpuint (x->rank, ==, y->rank);
      if (x->n_values)
        {
          g_assert_cmpmem (x->scale, x->n_values * sizeof (float), y->scale, y->n_values * sizeof (float));
          g_assert_cmpmem (x->offset, x->n_values * sizeof (gint64), y->offset, y->n_values * sizeof (gint64));
          g_assert_cmpmem (x->min, x->n_values * sizeof (double), y->min, y->n_values * sizeof (double));
          g_assert_cmpmem (x->max, x->n_values * sizeof (double), y->max, y->n_values * sizeof (double));
        }
      if (x->n_block_int_scales)
        g_assert_cmpmem (x->block_int_scale, x->n_block_int_scales * sizeof (gint64), y->block_int_scale,
                         y->n_block_int_scales * sizeof (gint64));
    }
}

/* write → read → write gives the same text, and values survive exactly. */
static void
assert_round_trip (const LtEncodingSet *set,
                   LtEncodingsFormat    format,
                   const lt_graph      *graph)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr (LtEncodingSet) back = write_and_read (set, format, &first);
  g_autoptr (LtEncodingSet) again = NULL;

  if (graph)
    lt_encodings_resolve (back, graph);
  assert_same_encodings (set, back);
  again = write_and_read (back, format, &second);
  g_assert_cmpstr (first, ==, second);
}

static void
test_published_sample (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("published-0.6.1.json");
  const LtEncoding *encoding = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "20");

  g_assert_cmpint (set->format, ==, LT_ENCODINGS_FORMAT_0_6_1);
  g_assert_cmpuint (set->warnings->len, ==, 0);
  g_assert_nonnull (encoding);
  g_assert_cmpuint (encoding->bitwidth, ==, 8);
  g_assert_false (encoding->is_symmetric);
  g_assert_true (encoding->scale[0] == (float) 0.018501389771699905);
  g_assert_cmpint (encoding->offset[0], ==, -114);
  g_assert_true (encoding->min[0] == -2.109158515930176);
  g_assert_true (encoding->max[0] == 2.6086959838867188);
  g_assert_cmpuint (set->activation_bitwidth, ==, 8);
  g_assert_cmpuint (set->bias_bitwidth, ==, 32);
  g_assert_nonnull (set->quantizer_args);
  /* The invariant min = offset * scale holds within half a step. */
  g_assert_cmpfloat (fabs (encoding->offset[0] * (double) encoding->scale[0] - encoding->min[0]), <=, encoding->scale[0] / 2);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_0_6_1, NULL);
}

/* 1.0.0 and 2.0.0 hold no min/max: they come back derived from the grid,
 * which for the published sample is within half a step of the file's. */
static void
test_published_sample_other_formats (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("published-0.6.1.json");
  LtEncodingsFormat formats[] = { LT_ENCODINGS_FORMAT_1_0_0, LT_ENCODINGS_FORMAT_2_0_0 };

  lt_encoding_derive_min_max (g_ptr_array_index (set->encodings, 0));
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *text = NULL;
      g_autoptr (LtEncodingSet) back = write_and_read (set, formats[f], &text);
      const LtEncoding *encoding = g_ptr_array_index (back->encodings, 0);
      g_autofree char  *again_text = NULL;
      g_autoptr (LtEncodingSet) again = NULL;

      g_assert_true (encoding->scale[0] == (float) 0.018501389771699905);
      g_assert_cmpint (encoding->offset[0], ==, -114);
      g_assert_false (encoding->is_symmetric);
      g_assert_cmpfloat (fabs (encoding->min[0] - -2.109158515930176), <=, encoding->scale[0] / 2);
      g_assert_cmpfloat (fabs (encoding->max[0] - 2.6086959838867188), <=, encoding->scale[0] / 2);
      if (formats[f] == LT_ENCODINGS_FORMAT_2_0_0)
        {
          g_assert_nonnull (strstr (text, "\"y_zero_point\":\t114"));
          lt_encoding_set_move (back, g_ptr_array_index (back->encodings, 0), LT_ENCODING_SECTION_ACTIVATION);
        }
      assert_same_encodings (set, back);
      again = write_and_read (back, formats[f], &again_text);
      g_assert_cmpstr (text, ==, again_text);
    }
}

static void
test_per_channel_conversions (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("per-channel-1.0.0.json");
  lt_model         *model = load_demo_model ();
  const lt_graph   *graph = lt_model_get_graph (model);
  const LtEncoding *weight = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, "fc.weight");
  g_autofree char  *v2 = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (weight->granularity, ==, LT_ENCODING_PER_CHANNEL);
  g_assert_cmpuint (weight->n_values, ==, 10);
  g_assert_true (weight->scale[3] == 0.02f);
  /* Without the model the axis of a 1.0.0 entry is unknown: 2.0.0 refuses. */
  v2 = lt_encodings_write_data (set, LT_ENCODINGS_FORMAT_2_0_0, NULL, &error);
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "fc.weight"));
  g_assert_null (v2);

  assert_round_trip (set, LT_ENCODINGS_FORMAT_1_0_0, NULL);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_0_6_1, NULL);
  lt_encodings_resolve (set, graph);
  g_assert_cmpint (weight->axis, ==, 0); /* Gemm with transB=1 */
  assert_round_trip (set, LT_ENCODINGS_FORMAT_2_0_0, graph);
  lt_model_unref (model);
}

/* A 1.0.0 PER_BLOCK entry: fc.weight [10, 64], 2 blocks of 32 per row. */
static void
test_per_block_conversions (void)
{
  g_autoptr (GString) text = g_string_new ("{\"version\": \"1.0.0\", \"param_encodings\": [{\"name\": \"fc.weight\", \"dtype\": \"INT\", "
                                           "\"enc_type\": \"PER_BLOCK\", \"bw\": 4, \"is_sym\": true, \"block_size\": 32, \"scale\": [");
  g_autoptr (LtEncodingSet) set = NULL;
  g_autoptr (GError) error = NULL;
  lt_model         *model = load_demo_model ();
  const LtEncoding *weight;

  for (guint i = 0; i < 20; i++)
    g_string_append_printf (text, "%s%g", i ? ", " : "", 0.001 * (i + 1));
  g_string_append (text, "], \"offset\": [");
  for (guint i = 0; i < 20; i++)
    g_string_append_printf (text, "%s-8", i ? ", " : "");
  g_string_append (text, "]}]}");
  set = lt_encodings_read_data (text->str, text->len, "per-block.json", &error);
  g_assert_no_error (error);
  weight = g_ptr_array_index (set->encodings, 0);
  g_assert_cmpint (weight->granularity, ==, LT_ENCODING_PER_BLOCK);
  g_assert_cmpuint (weight->n_blocks, ==, 0);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_1_0_0, NULL);
  lt_encodings_resolve (set, lt_model_get_graph (model));
  g_assert_cmpuint (weight->n_blocks, ==, 2);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_2_0_0, lt_model_get_graph (model));
  g_assert_null (lt_encodings_write_data (set, LT_ENCODINGS_FORMAT_0_6_1, NULL, &error));
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  lt_model_unref (model);
}

/* Blocks along axis 0 (a [64, 3] MatMul-style weight in blocks of 32):
 * y_scale rows are blocks, columns channels; held channel-major. */
static void
test_per_block_axis_0 (void)
{
  const char  *text = "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"w\", \"output_dtype\": \"uint8\", "
                      "\"y_scale\": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], \"y_zero_point\": [[1, 2, 3], [4, 5, 6]], "
                      "\"axis\": 0, \"block_size\": 32}]}";
  const float  expected_scale[] = { 0.1f, 0.4f, 0.2f, 0.5f, 0.3f, 0.6f };
  const gint64 expected_offset[] = { -1, -4, -2, -5, -3, -6 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = lt_encodings_read_data (text, strlen (text), "axis0.json", &error);
  const LtEncoding *w;
  g_autofree char  *written = NULL;
  g_autoptr (LtEncodingSet) back = NULL;

  g_assert_no_error (error);
  w = g_ptr_array_index (set->encodings, 0);
  g_assert_cmpint (w->granularity, ==, LT_ENCODING_PER_BLOCK);
  g_assert_cmpint (w->axis, ==, 1);
  g_assert_cmpint (w->block_axis, ==, 0);
  g_assert_cmpuint (w->n_blocks, ==, 2);
  g_assert_cmpmem (w->scale, sizeof expected_scale, expected_scale, sizeof expected_scale);
  g_assert_cmpmem (w->offset, sizeof expected_offset, expected_offset, sizeof expected_offset);
  back = write_and_read (set, LT_ENCODINGS_FORMAT_2_0_0, &written);
  g_assert_nonnull (strstr (written, "[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]"));
  assert_same_encodings (set, back);
}

static void
test_lpbq (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("lpbq-1.0.0.json");
  const LtEncoding *weight = g_ptr_array_index (set->encodings, 0);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (weight->granularity, ==, LT_ENCODING_LPBQ);
  g_assert_cmpuint (weight->compressed_bitwidth, ==, 4);
  g_assert_cmpuint (weight->n_block_int_scales, ==, 20);
  g_assert_cmpuint (weight->n_blocks, ==, 2);
  g_assert_cmpint (weight->block_int_scale[19], ==, 13);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_1_0_0, NULL);
  text = lt_encodings_write_data (set, LT_ENCODINGS_FORMAT_0_6_1, NULL, &error);
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_null (text);
}

/* 1.0.0 LPBQ → 2.0.0 needs the weight's layout from the model: fc.weight
 * [10, 64] (Gemm, transB=1) has channels on axis 0, blocks on axis 1. */
static void
test_lpbq_2_0_0 (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("lpbq-1.0.0.json");
  LtEncoding *weight = g_ptr_array_index (set->encodings, 0);
  lt_model   *model = load_demo_model ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = lt_encodings_write_data (set, LT_ENCODINGS_FORMAT_2_0_0, NULL, &error);

  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_null (text);
  g_clear_error (&error);
  lt_encodings_resolve (set, lt_model_get_graph (model));
  g_assert_cmpint (weight->axis, ==, 0);
  g_assert_cmpint (weight->block_axis, ==, 1);
  g_assert_cmpuint (weight->rank, ==, 2);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_2_0_0, lt_model_get_graph (model));
  text = lt_encodings_write_data (set, LT_ENCODINGS_FORMAT_2_0_0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\"output_dtype\":\t\"int4\""));
  g_assert_nonnull (strstr (text, "\"per_channel_float_scale\":\t[[0.001], [0.002], "));
  g_assert_nonnull (strstr (text, "\"per_block_int_scale\":\t[[1, 2], [3, 4], "));
  lt_model_unref (model);
}

static void
test_opposite_sign (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("opposite-sign.json");
  const LtEncoding *encoding = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "relu1");

  g_assert_cmpint (encoding->offset[0], ==, -127);
  g_assert_true (encoding->min[0] == -2.5);
  g_assert_cmpuint (set->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (set->warnings, 0), "relu1"));
  g_assert_nonnull (strstr (g_ptr_array_index (set->warnings, 0), "opposite sign"));
}

/* The QNN sign convention itself: a positive offset whose product with the
 * scale is the file's min stays as it is (no flip without evidence). */
static void
test_sign_kept_when_consistent (void)
{
  const char *text = "{\"version\": \"0.6.1\", \"activation_encodings\": {\"a\": [{\"bitwidth\": 8, \"dtype\": \"int\", "
                     "\"is_symmetric\": \"False\", \"min\": 0.1, \"max\": 2.65, \"offset\": 10, \"scale\": 0.01}]}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = lt_encodings_read_data (text, strlen (text), "kept.json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (((LtEncoding *) g_ptr_array_index (set->encodings, 0))->offset[0], ==, 10);
  g_assert_cmpuint (set->warnings->len, ==, 0);
  /* ... and 2.0.0, which has no zero point for it, refuses it. */
  g_assert_null (lt_encodings_write_data (set, LT_ENCODINGS_FORMAT_2_0_0, NULL, &error));
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "\"a\""));
}

static void
test_from_min_max (void)
{
  const struct
  {
    double min, max;
    guint  bitwidth;
  } cases[] = {
    { -2.109158515930176, 2.6086959838867188, 8 },
    { 0.5, 1.0, 8 },    /* widened down to 0 */
    { -3.0, -1.0, 16 }, /* widened up to 0 */
    { 0.0, 1e-6, 8 },   /* widened to 1e-4 */
    { -1.0, 1.0, 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      float  scale;
      gint64 offset;
      double min, max;

      lt_encoding_from_min_max (cases[i].min, cases[i].max, cases[i].bitwidth, &scale, &offset, &min, &max);
      g_assert_cmpint (offset, <=, 0);
      g_assert_cmpint (offset, >=, -(gint64) lt_encoding_grid_max (cases[i].bitwidth));
      g_assert_true (min == offset * (double) scale);
      g_assert_cmpfloat (max - min, >=, LT_ENCODING_MIN_RANGE * (1 - 1e-6));
      g_assert_cmpfloat (min, <=, MIN (cases[i].min, 0) + scale / 2.0);
      g_assert_cmpfloat (max, >=, MAX (cases[i].max, 0) - scale / 2.0);
    }
}

/* A symlink at the destination is replaced, not followed, and a failed
 * write leaves nothing behind. */
static void
test_atomic_write (void)
{
  g_autoptr (LtEncodingSet) set = read_fixture ("published-0.6.1.json");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lathe-encodings-XXXXXX", &error);
  g_autofree char *victim = g_build_filename (dir, "victim.txt", NULL);
  g_autofree char *link = g_build_filename (dir, "out.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "out.json", NULL);
  g_autofree char *contents = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (victim, "keep", -1, NULL));
  g_assert_cmpint (symlink (victim, link), ==, 0);
  g_assert_true (lt_encodings_write_file (set, LT_ENCODINGS_FORMAT_1_0_0, link, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep");

  g_assert_false (lt_encodings_write_file (set, LT_ENCODINGS_FORMAT_1_0_0, missing, NULL, &error));
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_IO);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_unlink (link);
  g_unlink (victim);
  g_rmdir (dir);
}

static void
test_too_large (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  int              fd = g_file_open_tmp ("lathe-large-XXXXXX.json", &path, &error);

  g_assert_no_error (error);
  /* A sparse file: large on disk in name only. */
  g_assert_cmpint (ftruncate (fd, (off_t) LT_ENCODINGS_MAX_FILE_BYTES + 1), ==, 0);
  close (fd);
  g_assert_null (lt_encodings_read_file (path, &error));
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, path));
  g_unlink (path);
}

/* No "version": the 0.4 layout (0.6.1 without dtype); a dict with only
 * min/max gets its grid computed, with a warning. */
static void
test_version_0_4_and_min_max_only (void)
{
  const char *text = "{\"activation_encodings\": {\"a\": [{\"bitwidth\": 8, \"is_symmetric\": \"False\", \"min\": -1.0, "
                     "\"max\": 3.0}]}, \"param_encodings\": {\"w\": [{\"bitwidth\": 4, \"is_symmetric\": \"True\", "
                     "\"min\": -0.8, \"max\": 0.7, \"offset\": -8, \"scale\": 0.1}]}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = lt_encodings_read_data (text, strlen (text), "v04.json", &error);
  const LtEncoding *a, *w;

  g_assert_no_error (error);
  g_assert_cmpint (set->format, ==, LT_ENCODINGS_FORMAT_0_4);
  a = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "a");
  w = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, "w");
  g_assert_cmpint (a->dtype, ==, LT_ENCODING_DTYPE_INT);
  g_assert_true (a->scale[0] == (float) (4.0 / 255));
  g_assert_cmpint (a->offset[0], ==, -64);
  g_assert_true (a->min[0] == a->offset[0] * (double) a->scale[0]);
  g_assert_cmpuint (set->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (set->warnings, 0), "\"a\""));
  g_assert_true (w->is_symmetric);
  g_assert_cmpint (w->offset[0], ==, -8);
  assert_round_trip (set, LT_ENCODINGS_FORMAT_0_6_1, NULL);
}

static void
test_nesting_too_deep (void)
{
  g_autoptr (GString) text = g_string_new ("{\"version\": \"0.6.1\", \"quantizer_args\": {\"x\": ");
  g_autoptr (GError) error = NULL;
  g_autoptr (LtEncodingSet) set = NULL;

  for (guint i = 0; i < 1001; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 1001; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}}");
  set = lt_encodings_read_data (text->str, text->len, "deep.json", &error);
  g_assert_null (set);
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_SYNTAX);
}

/* ---- bad files --------------------------------------------------------- */

typedef struct
{
  const char      *name;
  const char      *text;
  LtEncodingsError code;
  const char      *tensor; /* expected in the message, or NULL */
  const char      *field;  /* expected in the message, or NULL */
} BadFile;

#define V061(entry) "{\"version\": \"0.6.1\", \"activation_encodings\": {\"t20\": [" entry "]}}"
#define GOOD_061    "\"bitwidth\": 8, \"dtype\": \"int\", \"is_symmetric\": \"False\", \"offset\": -114, \"min\": -2.1, \"max\": 2.6"
#define V100(entry) "{\"version\": \"1.0.0\", \"param_encodings\": [{\"name\": \"w1\", \"dtype\": \"INT\", " entry "}]}"

static const BadFile bad_files[] = {
  { "not-json", "{\"version\": ", LT_ENCODINGS_ERROR_SYNTAX, NULL, NULL },
  { "not-json-nan", V061 ("{" GOOD_061 ", \"scale\": NaN}"), LT_ENCODINGS_ERROR_SYNTAX, NULL, NULL },
  { "trailing-garbage", V061 ("{" GOOD_061 ", \"scale\": 0.0185}") " x", LT_ENCODINGS_ERROR_SYNTAX, NULL, NULL },
  { "bom", "\xEF\xBB\xBF{}", LT_ENCODINGS_ERROR_SYNTAX, NULL, NULL },
  { "invalid-utf8", "{\"version\": \"0.6.1\", \"activation_encodings\": {\"t\xff\": []}}", LT_ENCODINGS_ERROR_SYNTAX, NULL, NULL },
  { "nul-in-name", "{\"version\": \"0.6.1\", \"activation_encodings\": {\"t\\u0000x\": []}}", LT_ENCODINGS_ERROR_SYNTAX, NULL, NULL },
  { "duplicate-key", V061 ("{" GOOD_061 ", \"scale\": 0.0185, \"scale\": 0.5}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "duplicate-tensor", "{\"version\": \"0.6.1\", \"activation_encodings\": {\"t20\": [], \"t20\": []}}", LT_ENCODINGS_ERROR_INVALID, NULL, "t20" },
  { "duplicate-top-level", "{\"version\": \"0.6.1\", \"version\": \"1.0.0\"}", LT_ENCODINGS_ERROR_INVALID, NULL, "version" },
  { "bitwidth-0", V061 ("{\"bitwidth\": 0, \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "bitwidth-3", V061 ("{\"bitwidth\": 3, \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "bitwidth-33", V061 ("{\"bitwidth\": 33, \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "bitwidth-8.7", V061 ("{\"bitwidth\": 8.7, \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "bitwidth-string", V061 ("{\"bitwidth\": \"8\", \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "bitwidth-negative", V061 ("{\"bitwidth\": -8, \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "bw-8.7-v1", V100 ("\"enc_type\": \"PER_TENSOR\", \"bw\": 8.7, \"is_sym\": true, \"scale\": [0.1], \"offset\": [-128]"), LT_ENCODINGS_ERROR_INVALID, "w1", "bw" },
  { "scale-zero", V061 ("{" GOOD_061 ", \"scale\": 0}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "scale-negative", V061 ("{" GOOD_061 ", \"scale\": -0.0185}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "scale-overflow", V061 ("{" GOOD_061 ", \"scale\": 1e400}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "scale-over-float32", V061 ("{" GOOD_061 ", \"scale\": 1e39}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "scale-subnormal", V061 ("{" GOOD_061 ", \"scale\": 1e-40}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "scale-string", V061 ("{" GOOD_061 ", \"scale\": \"0.0185\"}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "min-above-max", V061 ("{\"bitwidth\": 8, \"offset\": -114, \"scale\": 0.0185, \"min\": 3.0, \"max\": 2.0}"), LT_ENCODINGS_ERROR_INVALID, "t20", "min" },
  { "min-overflow", V061 ("{\"bitwidth\": 8, \"offset\": -114, \"scale\": 0.0185, \"min\": -1e400, \"max\": 2.0}"), LT_ENCODINGS_ERROR_INVALID, "t20", "min" },
  { "offset-outside-grid", V061 ("{\"bitwidth\": 8, \"offset\": -300, \"scale\": 0.0185}"), LT_ENCODINGS_ERROR_INVALID, "t20", "offset" },
  { "offset-fraction", V061 ("{\"bitwidth\": 8, \"offset\": -114.5, \"scale\": 0.0185}"), LT_ENCODINGS_ERROR_INVALID, "t20", "offset" },
  { "is-symmetric-lowercase", V061 ("{" GOOD_061 ", \"scale\": 0.0185, \"is_symmetric\": \"true\"}"), LT_ENCODINGS_ERROR_INVALID, "t20", "is_symmetric" },
  { "is-symmetric-bool", "{\"version\": \"0.6.1\", \"activation_encodings\": {\"t20\": [{\"bitwidth\": 8, \"is_symmetric\": true, \"offset\": 0, \"scale\": 0.1}]}}",
    LT_ENCODINGS_ERROR_INVALID, "t20", "is_symmetric" },
  { "is-sym-string-v1", V100 ("\"enc_type\": \"PER_TENSOR\", \"bw\": 8, \"is_sym\": \"True\", \"scale\": [0.1], \"offset\": [-128]"), LT_ENCODINGS_ERROR_INVALID, "w1", "is_sym" },
  { "per-channel-length", V100 ("\"enc_type\": \"PER_CHANNEL\", \"bw\": 8, \"is_sym\": true, \"scale\": [0.1, 0.2, 0.3], \"offset\": [-128, -128]"), LT_ENCODINGS_ERROR_INVALID, "w1", "offset" },
  { "per-tensor-two-scales", V100 ("\"enc_type\": \"PER_TENSOR\", \"bw\": 8, \"is_sym\": true, \"scale\": [0.1, 0.2], \"offset\": [-128, -128]"), LT_ENCODINGS_ERROR_INVALID, "w1", "scale" },
  { "per-channel-mixed-bitwidth", V061 ("{\"bitwidth\": 8, \"offset\": 0, \"scale\": 0.1}, {\"bitwidth\": 16, \"offset\": 0, \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "bitwidth" },
  { "per-channel-min-max-mixed", V061 ("{" GOOD_061 ", \"scale\": 0.0185}, {\"bitwidth\": 8, \"dtype\": \"int\", \"is_symmetric\": \"False\", \"offset\": -114, \"scale\": 0.0185}"),
    LT_ENCODINGS_ERROR_INVALID, "t20", "min" },
  { "float-with-range", V061 ("{\"bitwidth\": 16, \"dtype\": \"float\", \"scale\": 0.1}"), LT_ENCODINGS_ERROR_INVALID, "t20", "scale" },
  { "per-block-no-block-size", V100 ("\"enc_type\": \"PER_BLOCK\", \"bw\": 4, \"is_sym\": true, \"scale\": [0.1, 0.2], \"offset\": [-8, -8]"), LT_ENCODINGS_ERROR_INVALID, "w1", "block_size" },
  { "lpbq-int-scales", V100 ("\"enc_type\": \"LPBQ\", \"bw\": 8, \"compressed_bw\": 4, \"block_size\": 32, \"is_sym\": true, \"scale\": [0.1, 0.2], \"offset\": [-128, -128], \"per_block_int_scale\": [1, 2, 3]"),
    LT_ENCODINGS_ERROR_INVALID, "w1", "per_block_int_scale" },
  { "unknown-field", V061 ("{" GOOD_061 ", \"scale\": 0.0185, \"zero_point\": 3}"), LT_ENCODINGS_ERROR_INVALID, "t20", "zero_point" },
  { "unknown-version", "{\"version\": \"3.1\"}", LT_ENCODINGS_ERROR_UNSUPPORTED, NULL, "version" },
  { "vector", V100 ("\"enc_type\": \"VECTOR\", \"bw\": 8, \"is_sym\": true, \"scale\": [0.1], \"offset\": [-128]"), LT_ENCODINGS_ERROR_UNSUPPORTED, "w1", "enc_type" },
  { "v2-no-axis", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"w2\", \"output_dtype\": \"int8\", \"y_scale\": [0.1, 0.2]}]}", LT_ENCODINGS_ERROR_INVALID, "w2", "axis" },
  { "v2-zero-point-range", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"a2\", \"output_dtype\": \"uint8\", \"y_scale\": 0.1, \"y_zero_point\": 256}]}", LT_ENCODINGS_ERROR_INVALID, "a2", "y_zero_point" },
  { "v2-dtype", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"a2\", \"output_dtype\": \"int7\", \"y_scale\": 0.1}]}", LT_ENCODINGS_ERROR_INVALID, "a2", "output_dtype" },
  { "v2-shape-mismatch", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"w2\", \"output_dtype\": \"int8\", \"y_scale\": [0.1, 0.2], \"y_zero_point\": [0], \"axis\": 0}]}", LT_ENCODINGS_ERROR_INVALID, "w2", "y_zero_point" },
  { "top-level-list", "[]", LT_ENCODINGS_ERROR_INVALID, NULL, NULL },
  { "v2-lpbq-float-scale-shape", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"w2\", \"output_dtype\": \"int4\", \"per_channel_float_scale\": [[0.1], [0.2], [0.3]], "
                                 "\"per_block_int_scale\": [[1, 2], [3, 4]], \"axis\": 1, \"block_size\": 32}]}",
    LT_ENCODINGS_ERROR_INVALID, "w2", "per_channel_float_scale" },
  { "v2-lpbq-int-scale-range", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"w2\", \"output_dtype\": \"int4\", \"per_channel_float_scale\": [[0.1], [0.2]], "
                               "\"per_block_int_scale\": [[1, 2], [3, 17]], \"axis\": 1, \"block_size\": 32}]}",
    LT_ENCODINGS_ERROR_INVALID, "w2", "per_block_int_scale" },
  { "v2-axis-range", "{\"version\": \"2.0.0\", \"encodings\": [{\"name\": \"w2\", \"output_dtype\": \"int8\", \"y_scale\": [0.1, 0.2], \"axis\": 9}]}", LT_ENCODINGS_ERROR_INVALID, "w2", "axis" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadFile *bad = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *display = g_strdup_printf ("%s.json", bad->name);
  g_autoptr (LtEncodingSet) set = lt_encodings_read_data (bad->text, strlen (bad->text), display, &error);
  g_autofree char *tensor = bad->tensor ? g_strdup_printf ("tensor \"%s\"", bad->tensor) : NULL;
  g_autofree char *field = bad->field ? g_strdup_printf ("field \"%s\"", bad->field) : NULL;

  g_assert_null (set);
  g_assert_error (error, LT_ENCODINGS_ERROR, (gint) bad->code);
  g_assert_true (g_str_has_prefix (error->message, display));
  if (tensor)
    g_assert_nonnull (strstr (error->message, tensor));
  if (field)
    g_assert_nonnull (strstr (error->message, field));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/encodings/published-sample/0.6.1", test_published_sample);
  g_test_add_func ("/encodings/published-sample/1.0.0-and-2.0.0", test_published_sample_other_formats);
  g_test_add_func ("/encodings/convert/per-channel", test_per_channel_conversions);
  g_test_add_func ("/encodings/convert/per-block", test_per_block_conversions);
  g_test_add_func ("/encodings/convert/per-block-axis-0", test_per_block_axis_0);
  g_test_add_func ("/encodings/convert/lpbq", test_lpbq);
  g_test_add_func ("/encodings/convert/lpbq-2.0.0", test_lpbq_2_0_0);
  g_test_add_func ("/encodings/sign/opposite", test_opposite_sign);
  g_test_add_func ("/encodings/sign/kept", test_sign_kept_when_consistent);
  g_test_add_func ("/encodings/from-min-max", test_from_min_max);
  g_test_add_func ("/encodings/write/atomic", test_atomic_write);
  g_test_add_func ("/encodings/read/0.4-and-min-max-only", test_version_0_4_and_min_max_only);
  g_test_add_func ("/encodings/bad/too-large", test_too_large);
  g_test_add_func ("/encodings/bad/nesting-too-deep", test_nesting_too_deep);
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/encodings/bad/%s", bad_files[i].name);

      g_test_add_data_func (path, &bad_files[i], test_bad_file);
    }
  return g_test_run ();
}
