/* test-calib.c — calibration: histogram merges are exact, each method on
 * data with a known answer, the statistics file round trip and merge
 * refusals, every kind of bad sample refused by name and kept out of
 * the statistics, and a run's statistics equal counting every value. */
#include "lt-calib-encode.h"
#include "lt-calibrate.h"
#include "test-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

/* Deterministic N(0, 1) values (Box–Muller on a fixed-seed GRand). */
static float *
normal_values (guint n,
               guint seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float *values = g_new (float, n);

  for (guint i = 0; i < n; i++)
    {
      double u = g_rand_double_range (rand, 1e-12, 1.0), v = g_rand_double (rand);
      values[i] = (float) (sqrt (-2 * log (u)) * cos (2 * G_PI * v));
    }
  return values;
}

static void
assert_stats_equal (const LtTensorStats *a,
                    const LtTensorStats *b)
{
  g_assert_cmpuint (a->count, ==, b->count);
  g_assert_cmpuint (a->n_nonfinite, ==, b->n_nonfinite);
  g_assert_true (a->min == b->min && a->max == b->max);
  g_assert_cmpmem (a->bins, LT_HISTOGRAM_BINS * sizeof (guint64), b->bins, LT_HISTOGRAM_BINS * sizeof (guint64));
}

static void
test_merge_exact (void)
{
  const guint       n = 30000;
  g_autofree float *values = normal_values (n, 7);
  LtTensorStats     whole, parts[3], merged;

  values[5] = NAN;
  values[6] = INFINITY;
  values[7] = -0.0f;
  lt_tensor_stats_init (&whole);
  lt_tensor_stats_add (&whole, values, n);
  for (guint k = 0; k < 3; k++)
    {
      lt_tensor_stats_init (&parts[k]);
      lt_tensor_stats_add (&parts[k], values + k * n / 3, n / 3);
    }
  /* Merged in another order than the data came. */
  lt_tensor_stats_init (&merged);
  lt_tensor_stats_merge (&merged, &parts[2]);
  lt_tensor_stats_merge (&merged, &parts[0]);
  lt_tensor_stats_merge (&merged, &parts[1]);
  assert_stats_equal (&whole, &merged);
  g_assert_cmpuint (whole.count, ==, n - 2);
  g_assert_cmpuint (whole.n_nonfinite, ==, 2);
  for (guint k = 0; k < 3; k++)
    lt_tensor_stats_clear (&parts[k]);
  lt_tensor_stats_clear (&whole);
  lt_tensor_stats_clear (&merged);
}

/* Split over 3 threads (an uneven split) equals one thread, bit for bit. */
static void
test_parallel_exact (void)
{
  const guint       n = 1000003;
  g_autofree float *values = normal_values (n, 9);
  LtStatsWorkers   *workers = lt_stats_workers_new (3);
  LtTensorStats     serial, parallel;

  values[n - 1] = NAN;
  lt_tensor_stats_init (&serial);
  lt_tensor_stats_init (&parallel);
  lt_tensor_stats_add (&serial, values, n);
  lt_tensor_stats_add_parallel (&parallel, values, n, workers);
  assert_stats_equal (&serial, &parallel);
  lt_tensor_stats_clear (&serial);
  lt_tensor_stats_clear (&parallel);
  lt_stats_workers_free (workers);
}

/* Values that exercise every kind of float32 encoding: random bit patterns
 * (NaNs with payloads, ±inf, denormals, every exponent), normal values,
 * runs of one value (repeated bins), ±0, the smallest and largest
 * magnitudes. */
static float *
mixed_values (guint n,
              guint seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  const float specials[] = { NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e-45f, -1e-45f, 1.17e-38f, -5e-39f, FLT_MAX, -FLT_MAX, FLT_MIN };
  float      *values = normal_values (n, seed);

  for (guint i = 0; i < n; i++)
    {
      guint32 bits = g_rand_int (rand);
      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:
          memcpy (&values[i], &bits, sizeof bits);
          break;
        case 1:
          values[i] = specials[bits % G_N_ELEMENTS (specials)];
          break;
        case 2:
          if (i > 0)
            values[i] = values[i - 1];
          break;
        default:
          break;
        }
    }
  return values;
}

/* Counting then clamping in the same pass adds what plain counting adds
 * (`expected`) and leaves, bit for bit, what a Relu or Clip computes. */
static void
check_add_then_clamp (const float         *values,
                      guint                n,
                      const LtTensorStats *expected,
                      LtStatsWorkers      *workers)
{
  const float       bounds[][2] = { { 0, INFINITY }, { 0, 6 }, { -0.3f, 0.71f } };
  g_autofree float *counted = g_new (float, n);
  g_autofree float *clamped = g_new (float, n);

  for (guint b = 0; b < G_N_ELEMENTS (bounds); b++)
    {
      float         lo = bounds[b][0], hi = bounds[b][1];
      LtTensorStats stats;

      for (guint i = 0; i < n; i++)
        {
          float y = values[i] < lo ? lo : values[i];
          clamped[i] = y > hi ? hi : y;
        }
      memcpy (counted, values, n * sizeof *counted);
      lt_tensor_stats_init (&stats);
      g_assert_true (lt_tensor_stats_add_then_clamp (&stats, counted, n, lo, hi, workers));
      assert_stats_equal (expected, &stats);
      g_assert_cmpmem (counted, n * sizeof *counted, clamped, n * sizeof *clamped);
      lt_tensor_stats_clear (&stats);
    }
}

/* The counting kernels (the vector one where the CPU has it, the scalar one
 * with LATHE_CPU_ISA=scalar, on one thread and split over two) give the same
 * statistics as the plain loop, one value at a time, over every kind of
 * value, and clamp in the same pass exactly as a Relu or Clip would. */
static void
test_fast_count_exact (void)
{
  const guint       n = 300007, plain_chunk = 1000; /* below the size where the split histograms start */
  g_autofree float *values = mixed_values (n, 11);
  LtTensorStats     plain, whole, twice;

  lt_tensor_stats_init (&plain);
  for (guint start = 0; start < n; start += plain_chunk)
    lt_tensor_stats_add (&plain, values + start, MIN (plain_chunk, n - start));
  g_assert_cmpuint (plain.n_nonfinite, >, 0);
  lt_tensor_stats_init (&whole);
  lt_tensor_stats_add (&whole, values, n);
  assert_stats_equal (&plain, &whole);
  lt_tensor_stats_init (&twice);
  lt_tensor_stats_merge (&twice, &plain);
  lt_tensor_stats_merge (&twice, &plain);
  for (guint isa = 0; isa < 2; isa++)
    {
      if (isa == 1)
        g_setenv ("LATHE_CPU_ISA", "scalar", TRUE);
      for (guint threads = 1; threads <= 2; threads++)
        {
          LtStatsWorkers *workers = lt_stats_workers_new (threads);
          LtTensorStats   fast;

          g_test_message ("%s kernel, %u thread(s)", isa == 1 ? "scalar" : "default", threads);
          lt_tensor_stats_init (&fast);
          /* Twice: the scratch histograms must be back to zeros between calls. */
          lt_tensor_stats_add_parallel (&fast, values, n, workers);
          lt_tensor_stats_add_parallel (&fast, values, n, workers);
          assert_stats_equal (&twice, &fast);
          lt_tensor_stats_clear (&fast);
          check_add_then_clamp (values, n, &plain, workers);
          lt_stats_workers_free (workers);
        }
    }
  g_unsetenv ("LATHE_CPU_ISA");
  lt_tensor_stats_clear (&plain);
  lt_tensor_stats_clear (&whole);
  lt_tensor_stats_clear (&twice);
}

/* Statistics of clamped values taken from their input's histogram equal
 * counting the clamped values (Relu's bounds, a Clip's, bounds inside a
 * bin), and the histogram is not kept across a NaN. */
static void
test_clamped_exact (void)
{
  const guint       n = 300007;
  g_autofree float *values = normal_values (n, 5);
  g_autofree float *clamped = g_new (float, n);
  LtStatsWorkers   *workers = lt_stats_workers_new (2);
  const float       bounds[][2] = { { 0, INFINITY }, { 0, 6 }, { -0.3f, 0.71f }, { -1e-41f, 1e-41f }, { 2.5f, 2.5f } };

  values[0] = 0.0f;
  values[1] = -1e-42f; /* a denormal below 0 */
  values[2] = 5e-39f;
  for (guint b = 0; b < G_N_ELEMENTS (bounds); b++)
    {
      LtTensorStats input, derived, counted;
      float         lo = bounds[b][0], hi = bounds[b][1];

      lt_tensor_stats_init (&input);
      lt_tensor_stats_init (&derived);
      lt_tensor_stats_init (&counted);
      for (guint i = 0; i < n; i++)
        clamped[i] = values[i] < lo ? lo : values[i] > hi ? hi : values[i];
      lt_tensor_stats_add_parallel (&input, values, n, workers);
      g_assert_true (lt_tensor_stats_add_clamped (&derived, workers, n, lo, hi));
      lt_tensor_stats_add (&counted, clamped, n);
      assert_stats_equal (&derived, &counted);
      /* Used once: a second clamp needs the input counted again. */
      g_assert_false (lt_tensor_stats_add_clamped (&derived, workers, n, lo, hi));
      lt_tensor_stats_clear (&input);
      lt_tensor_stats_clear (&derived);
      lt_tensor_stats_clear (&counted);
    }
  {
    LtTensorStats input, derived;
    values[7] = NAN;
    lt_tensor_stats_init (&input);
    lt_tensor_stats_init (&derived);
    lt_tensor_stats_add_parallel (&input, values, n, workers);
    g_assert_false (lt_tensor_stats_add_clamped (&derived, workers, n, 0, INFINITY));
    g_assert_cmpuint (derived.count, ==, 0);
    lt_tensor_stats_clear (&input);
  }
  lt_stats_workers_free (workers);
}

static void
count_every_value (void            *user_data,
                   const lt_graph  *graph,
                   int32_t          value_id,
                   const lt_tensor *value)
{
  LtCalibStats *stats = user_data;

  if (value->dtype == LT_DTYPE_F32)
    lt_tensor_stats_add (lt_calib_stats_ensure (stats, lt_graph_get_value (graph, value_id)->name), value->data,
                         value->count);
}

/* lt_calibrate_collect (Relu and Clip outputs from their inputs'
 * histograms, fused activations clamped by the observer, large tensors
 * split over threads) gives what counting every value a node makes
 * gives, on one thread and on two. */
static void
test_collect_equals_counting (void)
{
  g_autofree char *model_path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", "layer-chain.onnx", NULL);
  g_autofree char *dir = g_dir_make_tmp ("lathe-calib-XXXXXX", NULL);
  g_autofree char *sample = g_build_filename (dir, "x.npy", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LtDataset) dataset = NULL;
  g_autoptr (LtCalibStats) counted = lt_calib_stats_new ("", 1, 1, 1);
  g_autofree float  *values = normal_values (3 * 64 * 64, 17);
  lt_tensor          t = { .name = "x", .dtype = LT_DTYPE_F32, .rank = 4, .dims = { 1, 3, 64, 64 }, .count = 3 * 64 * 64 };
  LtCalibrateOptions options = { .shard = 1, .shard_count = 1 };
  lt_session_options session_options = { .n_threads = 1, .observer_fn = count_every_value };
  lt_session        *session = NULL;
  lt_model          *model = NULL;
  const lt_graph    *graph;

  g_assert_cmpint (lt_model_load (model_path, NULL, &model, NULL), ==, LT_OK);
  graph = lt_model_get_graph (model);
  for (guint i = 0; i < t.count; i++)
    values[i] = 4 * values[i];
  t.data = values;
  t.nbytes = t.count * sizeof (float);
  g_assert_true (lt_npy_save (sample, &t, &error));
  dataset = lt_dataset_open (dir, graph, NULL, &error);
  g_assert_no_error (error);
  session_options.observer_data = counted;
  g_assert_cmpint (lt_session_new (model, &session_options, &session, NULL), ==, LT_OK);
  g_assert_cmpint (lt_session_reshape (session, NULL, NULL), ==, LT_OK);
  g_assert_cmpint (lt_session_bind_input (session, 0, values, t.nbytes, NULL), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, NULL), ==, LT_OK);
  for (options.n_threads = 1; options.n_threads <= 2; options.n_threads++)
    {
      g_autoptr (LtCalibStats) collected = lt_calibrate_collect (model, "", dataset, &options, &error);
      guint n_compared = 0;

      g_assert_no_error (error);
      for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
        {
          const char          *name = lt_graph_get_value (graph, lt_graph_get_node (graph, id)->outputs[0])->name;
          const LtTensorStats *a = lt_calib_stats_lookup (collected, name), *b = lt_calib_stats_lookup (counted, name);
          g_assert_nonnull (a);
          g_assert_nonnull (b);
          assert_stats_equal (a, b);
          n_compared++;
        }
      g_assert_cmpuint (n_compared, ==, 11);
    }
  lt_session_free (session);
  lt_model_unref (model);
  g_unlink (sample);
  g_rmdir (dir);
}

/* Each value lies in the range of the bin it was counted in. */
static void
test_bin_ranges (void)
{
  const float   values[] = { 0.0f, 1e-30f, 0.1f, 1.0f, 1.5f, 3.0e38f, -2.5f, -1e-3f };
  LtTensorStats stats;
  double        lo, hi;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      lt_tensor_stats_init (&stats);
      lt_tensor_stats_add (&stats, &values[i], 1);
      for (guint b = 0; b < LT_HISTOGRAM_BINS; b++)
        if (stats.bins[b] != 0)
          {
            g_assert_true (lt_histogram_bin_range (b, &lo, &hi));
            g_assert_cmpfloat (lo, <=, values[i]);
            g_assert_cmpfloat (values[i], <=, hi);
            g_assert_cmpfloat (hi - lo, <=, fabs (values[i]) / 64 + 1e-37);
          }
      lt_tensor_stats_clear (&stats);
    }
  g_assert_false (lt_tensor_stats_add_bin (&stats, 255u << LT_HISTOGRAM_MANTISSA_BITS, 1)); /* +inf's bin */
  lt_tensor_stats_clear (&stats);
}

static void
range_of (const float  *values,
          guint         n,
          LtCalibMethod method,
          double       *min,
          double       *max)
{
  LtTensorStats        stats;
  LtCalibMethodOptions options = { .method = method, .percentile = 99.0, .bitwidth = 8 };

  lt_tensor_stats_init (&stats);
  lt_tensor_stats_add (&stats, values, n);
  lt_calib_method_range (&stats, &options, min, max);
  lt_tensor_stats_clear (&stats);
}

static void
test_min_max (void)
{
  const float values[] = { 0.25f, -3.125f, 7.75f, 1.0f, 0.0f };
  double      min, max;

  range_of (values, G_N_ELEMENTS (values), LT_CALIB_METHOD_MIN_MAX, &min, &max);
  g_assert_cmpfloat (min, ==, -3.125);
  g_assert_cmpfloat (max, ==, 7.75);
}

/* 100,000 evenly spaced values in [-1, 1): the 1st and 99th percentiles
 * are -0.98 and 0.98, found within a bin's width (1/64 of the value). */
static void
test_percentile (void)
{
  const guint       n = 100000;
  g_autofree float *values = g_new (float, n);
  double            min, max;

  for (guint i = 0; i < n; i++)
    values[i] = -1.0f + 2.0f * (float) i / n;
  range_of (values, n, LT_CALIB_METHOD_PERCENTILE, &min, &max);
  g_assert_cmpfloat_with_epsilon (max, 0.98, 0.98 / 64);
  g_assert_cmpfloat_with_epsilon (min, -0.98, 0.98 / 64);
}

/* 10^6 values evenly spread over [-1, 1) and one outlier at 20.  Min-max
 * keeps the outlier.  On an 8-bit grid the expected squared error of a
 * clip at M is (20 - M)^2 + 10^6 ((M + 1) / 255)^2 / 12, least at M = 8.2:
 * MSE clips there, well under the outlier and above the bulk.  Entropy
 * clips near the bulk. */
static void
test_clip_outlier (void)
{
  const guint       n = 1000000;
  g_autofree float *values = g_new (float, n);
  double            min, max;

  for (guint i = 0; i < n; i++)
    values[i] = -1.0f + 2.0f * (float) i / n;
  values[n / 2] = 20.0f;
  range_of (values, n, LT_CALIB_METHOD_MIN_MAX, &min, &max);
  g_assert_cmpfloat (max, ==, 20.0);
  range_of (values, n, LT_CALIB_METHOD_MSE, &min, &max);
  g_assert_cmpfloat_with_epsilon (max, 8.2, 0.5);
  g_assert_cmpfloat_with_epsilon (min, -1.0, 0.05);
  range_of (values, n, LT_CALIB_METHOD_ENTROPY, &min, &max);
  g_assert_cmpfloat (max, <, 2.0);
  g_assert_cmpfloat (max, >, 0.9);
}

static LtCalibStats *
small_stats (guint shard,
             guint seed)
{
  LtCalibStats     *stats = lt_calib_stats_new ("abc", 4, shard, 2);
  g_autofree float *values = normal_values (1000, seed);

  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "t"), values, 1000);
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "u/v"), values, 10);
  lt_calib_stats_reject (stats, "bad.png", "truncated");
  stats->n_samples_used = 1;
  return stats;
}

static void
test_stats_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-calib-XXXXXX", NULL);
  g_autofree char *a_path = g_build_filename (dir, "a.json", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b.json", NULL);
  g_autoptr (LtCalibStats) a = small_stats (1, 11);
  g_autoptr (LtCalibStats) again = small_stats (1, 11);
  g_autoptr (LtCalibStats) other = small_stats (2, 12);
  g_autoptr (LtCalibStats) read = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;

  g_assert_true (lt_calib_stats_write_file (a, a_path, &error));
  read = lt_calib_stats_read_file (a_path, &error);
  g_assert_no_error (error);
  assert_stats_equal (lt_calib_stats_lookup (read, "t"), lt_calib_stats_lookup (a, "t"));
  g_assert_true (lt_calib_stats_write_file (read, b_path, &error));
  g_assert_true (g_file_get_contents (a_path, &first, NULL, NULL));
  g_assert_true (g_file_get_contents (b_path, &second, NULL, NULL));
  g_assert_cmpstr (first, ==, second);

  /* A shard twice, another model, another shard count: refused. */
  g_assert_false (lt_calib_stats_merge (read, again, "again.json", &error));
  g_assert_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "again.json"));
  g_clear_error (&error);
  g_free (other->model_sha256);
  other->model_sha256 = g_strdup ("def");
  g_assert_false (lt_calib_stats_merge (read, other, "other.json", &error));
  g_clear_error (&error);
  other->model_sha256 = (g_free (other->model_sha256), g_strdup ("abc"));
  other->shard_count = 3;
  g_assert_false (lt_calib_stats_merge (read, other, "other.json", &error));
  g_clear_error (&error);
  other->shard_count = 2;
  g_assert_true (lt_calib_stats_merge (read, other, "other.json", &error));
  g_assert_cmpuint (read->shards->len, ==, 2);
  g_assert_cmpuint (read->rejected->len, ==, 2);
  g_assert_cmpuint (lt_calib_stats_lookup (read, "t")->count, ==, 2000);

  /* A count that does not match the histogram is refused by field. */
  g_assert_true (g_file_set_contents (b_path, "{\"format\":\"lathe-calib-stats\",\"version\":1,\"model_sha256\":\"x\","
                                              "\"histogram\":{\"grid\":\"float32-top-bits\",\"mantissa_bits\":6},"
                                              "\"dataset_samples\":1,\"shard_count\":1,\"shards\":[1],\"samples_used\":1,"
                                              "\"rejected\":[],\"tensors\":[{\"name\":\"t\",\"count\":5,\"nonfinite\":0,"
                                              "\"min\":1,\"max\":1,\"bins\":[8128,4]}]}",
                                      -1, NULL));
  g_assert_null (lt_calib_stats_read_file (b_path, &error));
  g_assert_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "tensors[t]"));
  g_clear_error (&error);
  test_remove_tree (dir);
}

/* ---- bad samples -------------------------------------------------------- */

static void
write_npy (const char *path,
           const char *descr,
           const char *shape,
           gsize       data_bytes)
{
  g_autofree char *header = g_strdup_printf ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
  g_autoptr (GByteArray) file = g_byte_array_new ();
  guint8 prefix[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0 };
  g_autoptr (GString) padded = g_string_new (header);
  g_autofree guint8 *data = g_malloc0 (data_bytes + 1);

  while ((sizeof prefix + padded->len + 1) % 64 != 0)
    g_string_append_c (padded, ' ');
  g_string_append_c (padded, '\n');
  prefix[8] = (guint8) padded->len;
  prefix[9] = (guint8) (padded->len >> 8);
  g_byte_array_append (file, prefix, sizeof prefix);
  g_byte_array_append (file, (const guint8 *) padded->str, (guint) padded->len);
  g_byte_array_append (file, data, (guint) data_bytes);
  g_assert_true (g_file_set_contents (path, (const char *) file->data, file->len, NULL));
}

static void
append_png_chunk (GByteArray   *file,
                  const char   *type,
                  const guint8 *data,
                  guint32       length)
{
  guint8 be[4] = { length >> 24, length >> 16, length >> 8, length };
  uLong  crc = crc32 (0, (const Bytef *) type, 4);

  crc = crc32 (crc, data, length);
  g_byte_array_append (file, be, 4);
  g_byte_array_append (file, (const guint8 *) type, 4);
  g_byte_array_append (file, data, length);
  be[0] = (guint8) (crc >> 24), be[1] = (guint8) (crc >> 16), be[2] = (guint8) (crc >> 8), be[3] = (guint8) crc;
  g_byte_array_append (file, be, 4);
}

/* A well-formed PNG header claiming 60000x60000 RGB pixels. */
static void
write_huge_png (const char *path)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  const guint8        ihdr[13] = { 0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60, 8, 2, 0, 0, 0 };
  const guint8        idat[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
  g_autoptr (GByteArray) file = g_byte_array_new ();

  g_byte_array_append (file, signature, sizeof signature);
  append_png_chunk (file, "IHDR", ihdr, sizeof ihdr);
  append_png_chunk (file, "IDAT", idat, sizeof idat);
  append_png_chunk (file, "IEND", idat, 0); /* zlib's crc32 of a NULL buffer is 0, whatever the seed */
  g_assert_true (g_file_set_contents (path, (const char *) file->data, file->len, NULL));
}

static void
write_image (const char *path,
             const char *type)
{
  g_autoptr (GdkPixbuf) image = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr (GError) error = NULL;

  gdk_pixbuf_fill (image, 0x4080c0ff);
  g_assert_true (gdk_pixbuf_save (image, path, type, &error, NULL));
}

static void
test_bad_samples (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-calib-XXXXXX", NULL);
  g_autofree char *model_path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  const gsize      sample_bytes = 3 * 224 * 224 * 4;
  const char      *bad[][2] = {
         { "drawing.png", "not a PNG or JPEG" },
         { "cut.jpg", "truncated" },
         { "huge.png", "60000" },
         { "object.npy", "object" },
         { "short.npy", "bytes" },
         { "int64.npy", "int64" },
  };
  g_autoptr (LtDataset) dataset = NULL;
  g_autoptr (LtCalibStats) stats = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *jpeg = NULL;
  gsize              jpeg_len;
  lt_model          *model = NULL;
  lt_error           err;
  LtCalibrateOptions options = { .shard = 1, .shard_count = 1 };

#define IN_DIR(name) g_build_filename (dir, name, NULL)
  {
    g_autofree char *good_npy = IN_DIR ("good.npy"), *good_png = IN_DIR ("good.png"), *good_jpg = IN_DIR ("good.jpg");
    g_autofree char *svg = IN_DIR ("drawing.png"), *cut = IN_DIR ("cut.jpg"), *huge = IN_DIR ("huge.png");
    g_autofree char *object = IN_DIR ("object.npy"), *shortened = IN_DIR ("short.npy"), *int64 = IN_DIR ("int64.npy");

    write_npy (good_npy, "<f4", "(1, 3, 224, 224)", sample_bytes);
    write_image (good_png, "png");
    write_image (good_jpg, "jpeg");
    g_assert_true (g_file_set_contents (svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>", -1, NULL));
    g_assert_true (g_file_get_contents (good_jpg, &jpeg, &jpeg_len, NULL));
    g_assert_true (g_file_set_contents (cut, jpeg, (gssize) jpeg_len / 2, NULL));
    write_huge_png (huge);
    write_npy (object, "|O", "(1, 3, 224, 224)", 8);
    write_npy (shortened, "<f4", "(1, 3, 224, 224)", sample_bytes - 4);
    write_npy (int64, "<i8", "(1, 3, 224, 224)", sample_bytes * 2);
  }
#undef IN_DIR

  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (model_path, NULL, &model, &err), ==, LT_OK);
  dataset = lt_dataset_open (dir, lt_model_get_graph (model), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lt_dataset_get_n_samples (dataset), ==, 9);

  /* Each bad file alone: an error naming it and saying why. */
  for (guint i = 0; i < lt_dataset_get_n_samples (dataset); i++)
    {
      const char *name = lt_dataset_get_sample_name (dataset, i);
      g_autoptr (LtInputLine) line = lt_dataset_load (dataset, i, &error);
      gboolean is_bad = FALSE;

      for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
        if (strcmp (name, bad[b][0]) == 0)
          {
            is_bad = TRUE;
            g_assert_null (line);
            g_assert_nonnull (error);
            g_test_message ("%s: %s", name, error->message);
            g_assert_nonnull (strstr (error->message, name));
            g_assert_nonnull (strstr (error->message, bad[b][1]));
          }
      if (!is_bad)
        g_assert_no_error (error);
      g_clear_error (&error);
    }

  /* In a run: the three good samples enter, the six bad ones are listed. */
  stats = lt_calibrate_collect (model, "sha", dataset, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->n_samples_used, ==, 3);
  g_assert_cmpuint (stats->rejected->len, ==, G_N_ELEMENTS (bad));
  g_assert_cmpuint (lt_calib_stats_lookup (stats, "image")->count, ==, 3 * 3 * 224 * 224);
  lt_model_unref (model);
  test_remove_tree (dir);
}

/* Encodings for the demo model from synthetic statistics: per-channel
 * symmetric 4-bit weights, 16-bit activations, 32-bit biases with scale =
 * input scale × weight scale, Flatten sharing its input's encoding. */
static void
test_encode (void)
{
  g_autofree char *model_path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  const char      *activations[] = { "image", "conv1", "relu1", "conv2", "relu2", "pool", "logits" };
  g_autoptr (LtCalibStats) stats = lt_calib_stats_new ("sha", 1, 1, 1);
  g_autoptr (LtEncodingSet) set = NULL;
  g_autofree float    *values = normal_values (5000, 5);
  LtCalibEncodeOptions options = {
    .activations = { .method = LT_CALIB_METHOD_MIN_MAX, .bitwidth = 16 },
    .weight_bitwidth = 4,
    .weight_symmetric = TRUE,
    .per_channel = TRUE,
    .bias_bitwidth = 32,
  };
  const LtEncoding *input, *weight, *bias, *pool, *flat, *relu;
  lt_model         *model = NULL;
  lt_error          err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (model_path, NULL, &model, &err), ==, LT_OK);
  for (guint i = 0; i < G_N_ELEMENTS (activations); i++)
    lt_tensor_stats_add (lt_calib_stats_ensure (stats, activations[i]), values + i * 500, 500);
  set = lt_calib_encode (lt_model_get_graph (model), stats, &options);

  input = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "relu1");
  weight = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, "conv2.weight");
  bias = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, "conv2.bias");
  g_assert_nonnull (input);
  g_assert_nonnull (weight);
  g_assert_nonnull (bias);
  g_assert_cmpuint (input->bitwidth, ==, 16);
  g_assert_cmpuint (weight->bitwidth, ==, 4);
  g_assert_cmpuint (weight->n_values, ==, 64);
  g_assert_cmpint (weight->axis, ==, 0);
  g_assert_true (weight->is_symmetric);
  for (guint c = 0; c < weight->n_values; c++)
    {
      g_assert_cmpint (weight->offset[c], ==, -8);
      g_assert_cmpfloat (bias->scale[c], ==, input->scale[0] * weight->scale[c]);
      g_assert_cmpint (bias->offset[c], ==, -(gint64) 2147483648);
    }
  g_assert_cmpuint (bias->bitwidth, ==, 32);

  /* ReLU output from its own statistics (the grid moved by at most half a
   * step to put 0 on it); Flatten's copied from its input. */
  relu = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "relu1");
  g_assert_cmpfloat_with_epsilon (relu->min[0], lt_calib_stats_lookup (stats, "relu1")->min, relu->scale[0]);
  g_assert_cmpfloat_with_epsilon (relu->max[0], lt_calib_stats_lookup (stats, "relu1")->max, relu->scale[0]);
  pool = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "pool");
  flat = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "flat");
  g_assert_nonnull (flat);
  g_assert_true (flat->scale[0] == pool->scale[0] && flat->offset[0] == pool->offset[0]);
  g_assert_cmpuint (set->warnings->len, ==, 0);
  lt_model_unref (model);
}

static void
add_node (lt_graph          *graph,
          const char        *op_type,
          const char *const *inputs,
          guint              n_inputs,
          const char        *output,
          const lt_attr     *attrs,
          guint              n_attrs)
{
  lt_node_desc desc = { .name = output, .op_type = op_type, .domain = "", .opset = 13, .n_inputs = n_inputs, .inputs = inputs, .n_outputs = 1, .outputs = &output, .n_attrs = n_attrs, .attrs = attrs };

  g_assert_cmpint (lt_graph_add_node (graph, &desc, NULL, NULL), ==, LT_OK);
}

/* x → Relu → a, x → Abs → b, x → Reshape → c; Concat (a, b, c) → y.  a and
 * b take y's encoding; c keeps x's (a data-movement output); x keeps its
 * own (a graph input, used elsewhere too). */
static void
test_concat_shares (void)
{
  lt_graph   *graph = lt_graph_new (NULL);
  lt_shape    shape = { .rank = 2, .dims = { { 1, NULL }, { 4, NULL } } };
  const char *x[] = { "x" }, *reshape_in[] = { "x", "shape" }, *concat_in[] = { "a", "b", "c" };
  int64_t     target[2] = { 1, 4 };
  lt_tensor   target_tensor = { .name = "shape", .dtype = LT_DTYPE_I64, .rank = 1, .dims = { 2 }, .count = 2, .data = target, .nbytes = sizeof target };
  lt_attr     axis = { .name = "axis", .type = LT_ATTR_INT, .count = 1, .v.i = 1 };
  const float x_values[] = { -3, -1, 0.5f, 2 }, a_values[] = { 0, 0, 0.5f, 2 }, b_values[] = { 3, 1, 0.5f, 2 };
  float       y_values[12];
  g_autoptr (LtCalibStats) stats = lt_calib_stats_new ("sha", 1, 1, 1);
  g_autoptr (LtEncodingSet) set = NULL;
  LtCalibEncodeOptions options = { .activations = { .method = LT_CALIB_METHOD_MIN_MAX, .bitwidth = 8 },
                                   .weight_bitwidth = 8,
                                   .bias_bitwidth = 32 };
  const LtEncoding    *ex, *ea, *eb, *ec, *ey;

  g_assert_cmpint (lt_graph_add_input (graph, "x", LT_DTYPE_F32, &shape, NULL, NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_constant (graph, &target_tensor, NULL, NULL), ==, LT_OK);
  add_node (graph, "Relu", x, 1, "a", NULL, 0);
  add_node (graph, "Abs", x, 1, "b", NULL, 0);
  add_node (graph, "Reshape", reshape_in, 2, "c", NULL, 0);
  add_node (graph, "Concat", concat_in, 3, "y", &axis, 1);
  g_assert_cmpint (lt_graph_add_output (graph, "y", NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (graph, NULL), ==, LT_OK);

  memcpy (y_values, a_values, sizeof a_values);
  memcpy (y_values + 4, b_values, sizeof b_values);
  memcpy (y_values + 8, x_values, sizeof x_values);
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "x"), x_values, 4);
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "a"), a_values, 4);
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "b"), b_values, 4);
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "c"), x_values, 4);
  lt_tensor_stats_add (lt_calib_stats_ensure (stats, "y"), y_values, 12);
  set = lt_calib_encode (graph, stats, &options);

  ex = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "x");
  ea = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "a");
  eb = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "b");
  ec = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "c");
  ey = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "y");
  g_assert_true (ex != NULL && ea != NULL && eb != NULL && ec != NULL && ey != NULL);
  g_assert_cmpfloat (ey->min[0], <=, -2.9);
  g_assert_cmpfloat (ey->max[0], >=, 2.9);
  g_assert_true (ea->scale[0] == ey->scale[0] && ea->offset[0] == ey->offset[0]);
  g_assert_true (eb->scale[0] == ey->scale[0] && eb->offset[0] == ey->offset[0]);
  g_assert_true (ec->scale[0] == ex->scale[0] && ec->offset[0] == ex->offset[0]);
  g_assert_true (ex->scale[0] != ey->scale[0]);
  lt_graph_free (graph);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/calib/histogram/merge-exact", test_merge_exact);
  g_test_add_func ("/calib/histogram/bin-ranges", test_bin_ranges);
  g_test_add_func ("/calib/histogram/parallel-exact", test_parallel_exact);
  g_test_add_func ("/calib/histogram/fast-count-exact", test_fast_count_exact);
  g_test_add_func ("/calib/histogram/clamped-exact", test_clamped_exact);
  g_test_add_func ("/calib/collect/equals-counting", test_collect_equals_counting);
  g_test_add_func ("/calib/method/min-max", test_min_max);
  g_test_add_func ("/calib/method/percentile", test_percentile);
  g_test_add_func ("/calib/method/clip-outlier", test_clip_outlier);
  g_test_add_func ("/calib/stats/file-and-merge", test_stats_file);
  g_test_add_func ("/calib/dataset/bad-samples", test_bad_samples);
  g_test_add_func ("/calib/encode/demo-model", test_encode);
  g_test_add_func ("/calib/encode/concat-shares", test_concat_shares);
  return g_test_run ();
}
