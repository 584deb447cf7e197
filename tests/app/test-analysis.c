/* test-analysis.c — quantization analysis (app/analysis) on the digits
 * model with encodings from the app's own calibration: more bits give
 * less error on every tensor, a layer made coarse on purpose comes out
 * worst in both tables, runs that change nothing show the SQNR cap, and
 * bad encodings and samples are refused by name.  The quantize-dequantize
 * arithmetic is checked on hand-computed values. */
#include "analysis-test-util.h"
#include "test-util.h"

#include "lt-analysis.h"
#include "lt-encodings-io.h"
#include "lt-fake-quant.h"

#include <math.h>
#include <string.h>

/* ---- quantize-dequantize ---------------------------------------------------- */

static LtEncoding *
int_encoding (const char           *name,
              guint                 bitwidth,
              LtEncodingGranularity granularity,
              guint                 n_values,
              const float          *scale,
              const gint64         *offset)
{
  LtEncoding *encoding = lt_encoding_new (name, LT_ENCODING_SECTION_PARAM, n_values);

  encoding->bitwidth = bitwidth;
  encoding->granularity = granularity;
  encoding->axis = 0;
  for (guint i = 0; i < n_values; i++)
    {
      encoding->scale[i] = scale[i];
      encoding->offset[i] = offset[i];
    }
  lt_encoding_derive_min_max (encoding);
  return encoding;
}

static void
test_fake_quant_values (void)
{
  /* 8 bits, scale 0.5, offset -10: grid [-5, 122.5]; halves round to even. */
  const float  scale[1] = { 0.5f };
  const gint64 offset[1] = { -10 };
  const float  in[7] = { 0.2f, 0.25f, 0.75f, -7.0f, 200.0f, 1.3f, -5.0f };
  const float  expected[7] = { 0.0f, 0.0f, 1.0f, -5.0f, 122.5f, 1.5f, -5.0f };
  float        out[7];
  g_autoptr (LtEncoding) encoding = int_encoding ("t", 8, LT_ENCODING_PER_TENSOR, 1, scale, offset);
  g_autoptr (LtFakeQuant) quant = lt_fake_quant_new (encoding, 0, NULL, NULL);

  lt_fake_quant_apply (quant, in, out, G_N_ELEMENTS (in));
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    g_assert_cmpfloat (out[i], ==, expected[i]);
  /* In place gives the same. */
  memcpy (out, in, sizeof out);
  lt_fake_quant_apply (quant, out, out, G_N_ELEMENTS (in));
  g_assert_cmpfloat (out[3], ==, -5.0f);
}

static void
test_fake_quant_per_channel (void)
{
  /* [2, 3]: channel 0 on a grid of 1, channel 1 on a grid of 0.25; both
   * 4-bit symmetric (offset -8). */
  const float   scale[2] = { 1.0f, 0.25f };
  const gint64  offset[2] = { -8, -8 };
  const int64_t dims[2] = { 2, 3 };
  const float   in[6] = { 1.4f, -9.0f, 2.6f, 1.4f, -9.0f, 0.1f };
  const float   expected[6] = { 1.0f, -8.0f, 3.0f, 1.5f, -2.0f, 0.0f };
  float         out[6];
  g_autoptr (LtEncoding) encoding = int_encoding ("w", 4, LT_ENCODING_PER_CHANNEL, 2, scale, offset);
  g_autoptr (LtFakeQuant) quant = lt_fake_quant_new (encoding, 2, dims, NULL);
  g_autoptr (GError) error = NULL;
  const int64_t wrong[2] = { 3, 2 };

  g_assert_false (lt_fake_quant_is_per_tensor (quant));
  lt_fake_quant_apply (quant, in, out, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat (out[i], ==, expected[i]);

  /* Three channels in the tensor, two in the encoding: refused by name. */
  g_assert_null (lt_fake_quant_new (encoding, 2, wrong, &error));
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "w: "));
}

static void
test_fake_quant_per_block (void)
{
  /* [2, 4] with blocks of 2 on axis 1: scales c0b0 1, c0b1 2, c1b0 0.5,
   * c1b1 4, all 8-bit with offset -128. */
  const float   scale[4] = { 1.0f, 2.0f, 0.5f, 4.0f };
  const gint64  offset[4] = { -128, -128, -128, -128 };
  const int64_t dims[2] = { 2, 4 };
  const float   in[8] = { 1.3f, 1.3f, 1.3f, 1.3f, 1.3f, 1.3f, 1.3f, 1.3f };
  const float   expected[8] = { 1.0f, 1.0f, 2.0f, 2.0f, 1.5f, 1.5f, 0.0f, 0.0f };
  float         out[8];
  g_autoptr (LtEncoding) encoding = int_encoding ("w", 8, LT_ENCODING_PER_BLOCK, 4, scale, offset);
  g_autoptr (LtFakeQuant) quant = NULL;

  encoding->block_axis = 1;
  encoding->block_size = 2;
  encoding->n_blocks = 2;
  quant = lt_fake_quant_new (encoding, 2, dims, NULL);
  g_assert_nonnull (quant);
  lt_fake_quant_apply (quant, in, out, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, expected[i]);
}

static void
test_fake_quant_float_and_lpbq (void)
{
  const float  scale[1] = { 1.0f };
  const gint64 offset[1] = { 0 };
  const float  in[2] = { 1.0f + 1.0f / 4096, 3.14159265f };
  float        out[2];
  g_autoptr (LtEncoding) half = int_encoding ("h", 16, LT_ENCODING_PER_TENSOR, 1, scale, offset);
  g_autoptr (LtEncoding) lpbq = int_encoding ("l", 8, LT_ENCODING_LPBQ, 1, scale, offset);
  g_autoptr (LtFakeQuant) quant = NULL;
  g_autoptr (GError) error = NULL;

  half->dtype = LT_ENCODING_DTYPE_FLOAT;
  quant = lt_fake_quant_new (half, 0, NULL, NULL);
  lt_fake_quant_apply (quant, in, out, 2);
  g_assert_cmpfloat (out[0], ==, 1.0f); /* under half's precision at 1 */
  g_assert_cmpfloat (out[1], ==, 3.140625f);
  g_assert_null (lt_fake_quant_new (lpbq, 0, NULL, &error));
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "LPBQ"));
}

/* ---- the analysis on the digits model -------------------------------------------- */

typedef AnalysisFixture Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  (void) data;
  analysis_fixture_set_up (f, 3, 16);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  (void) data;
  analysis_fixture_tear_down (f);
}

static LtAnalysisReport *
analyze_on (Fixture          *f,
            LtEncodingSet    *set,
            LtAnalysisBackend backend,
            LtAnalysisMode    mode,
            gboolean          sensitivity,
            GError          **error)
{
  g_autoptr (LtDataset) dataset = lt_dataset_open (f->dataset_dir, lt_model_get_graph (f->model), NULL, NULL);
  LtAnalysisOptions options = { .mode = mode, .backend = backend, .sensitivity = sensitivity, .n_threads = 1 };

  g_assert_nonnull (dataset);
  return lt_analysis_run (f->model, set, dataset, &options, error);
}

static LtAnalysisReport *
analyze (Fixture       *f,
         LtEncodingSet *set,
         LtAnalysisMode mode,
         gboolean       sensitivity,
         GError       **error)
{
  return analyze_on (f, set, LT_ANALYSIS_BACKEND_SIMULATION, mode, sensitivity, error);
}

static const LtTensorError *
find_tensor (const LtAnalysisReport *report,
             const char             *name)
{
  for (guint i = 0; i < report->tensors->len; i++)
    {
      const LtTensorError *row = g_ptr_array_index (report->tensors, i);
      if (strcmp (row->name, name) == 0)
        return row;
    }
  g_error ("no row for %s", name);
  return NULL;
}

/* Rows sorted worst first, cosines in range. */
static void
check_report_shape (const LtAnalysisReport *report)
{
  for (guint i = 0; i < report->tensors->len; i++)
    {
      const LtTensorError *row = g_ptr_array_index (report->tensors, i);
      g_assert_cmpfloat (row->cosine, >=, -1.0);
      g_assert_cmpfloat (row->cosine, <=, 1.0);
      g_assert_cmpfloat (row->sqnr_db, <=, LT_ANALYSIS_SQNR_CAP_DB);
      g_assert_cmpfloat (row->max_abs_error, >=, 0.0);
      if (i > 0)
        g_assert_cmpfloat (((const LtTensorError *) g_ptr_array_index (report->tensors, i - 1))->sqnr_db, <=, row->sqnr_db);
    }
  for (guint i = 1; report->layers != NULL && i < report->layers->len; i++)
    g_assert_cmpfloat (((const LtLayerSensitivity *) g_ptr_array_index (report->layers, i - 1))->only_sqnr_db, <=,
                       ((const LtLayerSensitivity *) g_ptr_array_index (report->layers, i))->only_sqnr_db);
}

/* Reports for two encoding sets in one mode, both sorted and in range. */
static void
analyze_pair (Fixture           *f,
              LtEncodingSet     *set_a,
              LtEncodingSet     *set_b,
              LtAnalysisMode     mode,
              LtAnalysisReport **report_a,
              LtAnalysisReport **report_b)
{
  g_autoptr (GError) error = NULL;

  *report_a = analyze (f, set_a, mode, FALSE, &error);
  g_assert_no_error (error);
  *report_b = analyze (f, set_b, mode, FALSE, &error);
  g_assert_no_error (error);
  check_report_shape (*report_a);
  check_report_shape (*report_b);
  g_assert_cmpuint ((*report_a)->tensors->len, ==, (*report_b)->tensors->len);
}

/* 16-bit encodings give a higher SQNR than 8-bit ones on every tensor. */
static void
test_more_bits_less_error (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (LtEncodingSet) set8 = analysis_test_calibrate (f->model, f->dataset_dir, 8, 8);
  g_autoptr (LtEncodingSet) set16 = analysis_test_calibrate (f->model, f->dataset_dir, 16, 16);
  g_autoptr (LtAnalysisReport) report8 = NULL;
  g_autoptr (LtAnalysisReport) report16 = NULL;

  (void) data;
  analyze_pair (f, set8, set16, LT_ANALYSIS_MODE_ALL, &report8, &report16);
  g_assert_cmpuint (report8->n_samples, ==, 3);
  /* image, 7 node outputs, 3 weights and 3 biases. */
  g_assert_cmpuint (report8->tensors->len, ==, 14);
  for (guint i = 0; i < report8->tensors->len; i++)
    {
      const LtTensorError *row8 = g_ptr_array_index (report8->tensors, i);
      const LtTensorError *row16 = find_tensor (report16, row8->name);
      g_test_message ("%-24s 8 bits %6.2f dB, 16 bits %6.2f dB", row8->name, row8->sqnr_db, row16->sqnr_db);
      g_assert_true (row8->quantized);
      g_assert_cmpfloat (row16->sqnr_db, >, row8->sqnr_db);
      g_assert_cmpfloat (row8->sqnr_db, <, LT_ANALYSIS_SQNR_CAP_DB);
    }
  g_assert_cmpfloat (lt_error_sums_sqnr_db (&report16->outputs), >, lt_error_sums_sqnr_db (&report8->outputs) + 20);
}

/* Scales every value of an encoding by `factor` (the range widens, zero
 * stays on the grid). */
static void
widen (LtEncodingSet    *set,
       LtEncodingSection section,
       const char       *name,
       float             factor)
{
  LtEncoding *encoding = lt_encoding_set_lookup (set, section, name);

  g_assert_nonnull (encoding);
  for (guint i = 0; i < encoding->n_values; i++)
    encoding->scale[i] *= factor;
  lt_encoding_derive_min_max (encoding);
  encoding->has_min_max = FALSE;
}

static void
check_widened_layer_worst (Fixture          *f,
                           LtEncodingSection section,
                           const char       *tensor,
                           const char       *layer)
{
  g_autoptr (LtEncodingSet) set = analysis_test_calibrate (f->model, f->dataset_dir, 8, 8);
  g_autoptr (LtAnalysisReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const LtLayerSensitivity *first;

  widen (set, section, tensor, 64);
  report = analyze (f, set, LT_ANALYSIS_MODE_ALL, TRUE, &error);
  g_assert_no_error (error);
  check_report_shape (report);
  g_assert_cmpstr (((const LtTensorError *) g_ptr_array_index (report->tensors, 0))->name, ==, tensor);
  g_assert_nonnull (report->layers);
  /* Conv, Relu, Conv, Relu, MaxPool, Flatten, Gemm and the input. */
  g_assert_cmpuint (report->layers->len, ==, 8);
  first = g_ptr_array_index (report->layers, 0);
  g_assert_cmpstr (first->name, ==, layer);
  /* Leaving that layer out helps most. */
  for (guint i = 1; i < report->layers->len; i++)
    g_assert_cmpfloat (first->all_but_sqnr_db, >, ((const LtLayerSensitivity *) g_ptr_array_index (report->layers, i))->all_but_sqnr_db);
}

/* A layer whose weights or output were given a 64× coarser grid is the
 * worst tensor and the first layer of the sensitivity ranking. */
static void
test_widened_layer_worst (Fixture      *f,
                          gconstpointer data)
{
  (void) data;
  check_widened_layer_worst (f, LT_ENCODING_SECTION_PARAM, "conv2.weight", "/conv2/Conv");
  check_widened_layer_worst (f, LT_ENCODING_SECTION_ACTIVATION, "/conv1/Conv_output_0", "/conv1/Conv");
}

/* Weights only: 16-bit weights beat 4-bit ones on every tensor, and
 * activations are compared but not rounded. */
static void
test_weights_only (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (LtEncodingSet) set4 = analysis_test_calibrate (f->model, f->dataset_dir, 8, 4);
  g_autoptr (LtEncodingSet) set16 = analysis_test_calibrate (f->model, f->dataset_dir, 8, 16);
  g_autoptr (LtAnalysisReport) report4 = NULL;
  g_autoptr (LtAnalysisReport) report16 = NULL;

  (void) data;
  analyze_pair (f, set4, set16, LT_ANALYSIS_MODE_WEIGHTS, &report4, &report16);
  for (guint i = 0; i < report4->tensors->len; i++)
    {
      const LtTensorError *row4 = g_ptr_array_index (report4->tensors, i);
      const LtTensorError *row16 = find_tensor (report16, row4->name);

      g_assert_cmpint (row4->quantized, ==, row4->kind == LT_ANALYSIS_TENSOR_WEIGHT);
      /* The input is not touched in this mode. */
      if (row4->kind == LT_ANALYSIS_TENSOR_INPUT)
        {
          g_assert_cmpfloat (row4->sqnr_db, ==, LT_ANALYSIS_SQNR_CAP_DB);
          continue;
        }
      g_assert_cmpfloat (row16->sqnr_db, >, row4->sqnr_db);
    }
}

/* Nothing quantized in the mode: every tensor and the outputs show the
 * cap, cosine 1, no error. */
static void
test_identical_runs_show_cap (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (LtEncodingSet) set = analysis_test_calibrate (f->model, f->dataset_dir, 8, 8);
  g_autoptr (LtAnalysisReport) report = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  /* Only the parameter encodings, analysed for activations. */
  for (guint i = set->encodings->len; i-- > 0;)
    {
      const LtEncoding *encoding = g_ptr_array_index (set->encodings, i);
      if (encoding->section != LT_ENCODING_SECTION_ACTIVATION)
        continue;
      g_hash_table_remove (set->by_name[LT_ENCODING_SECTION_ACTIVATION], encoding->name);
      g_ptr_array_remove_index (set->encodings, i);
    }
  report = analyze (f, set, LT_ANALYSIS_MODE_ACTIVATIONS, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->tensors->len, ==, 8);
  for (guint i = 0; i < report->tensors->len; i++)
    {
      const LtTensorError *row = g_ptr_array_index (report->tensors, i);
      g_assert_false (row->quantized);
      g_assert_cmpfloat (row->sqnr_db, ==, LT_ANALYSIS_SQNR_CAP_DB);
      g_assert_cmpfloat (row->cosine, ==, 1.0);
      g_assert_cmpfloat (row->max_abs_error, ==, 0.0);
    }
  g_assert_cmpfloat (lt_error_sums_sqnr_db (&report->outputs), ==, LT_ANALYSIS_SQNR_CAP_DB);
  g_assert_cmpuint (report->layers->len, ==, 0);
}

/* The NPU backend's integer runner on the same encodings gives the
 * simulation's numbers: to the last digit or nearly (they round the same
 * grids; only values at a rounding boundary may differ), with 8- and
 * 16-bit activations.  It takes mode all only, without sensitivity. */
static void
test_htp_backend (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  for (guint act_bitwidth = 8; act_bitwidth <= 16; act_bitwidth += 8)
    {
      g_autoptr (LtEncodingSet) set = analysis_test_calibrate (f->model, f->dataset_dir, act_bitwidth, 8);
      g_autoptr (LtAnalysisReport) simulated = analyze (f, set, LT_ANALYSIS_MODE_ALL, FALSE, &error);
      g_autoptr (LtAnalysisReport) htp = NULL;

      g_assert_no_error (error);
      htp = analyze_on (f, set, LT_ANALYSIS_BACKEND_HTP, LT_ANALYSIS_MODE_ALL, FALSE, &error);
      g_assert_no_error (error);
      check_report_shape (htp);
      g_assert_cmpint (htp->backend, ==, LT_ANALYSIS_BACKEND_HTP);
      g_assert_cmpuint (htp->tensors->len, ==, simulated->tensors->len);
      for (guint i = 0; i < htp->tensors->len; i++)
        {
          const LtTensorError *row = g_ptr_array_index (htp->tensors, i);
          const LtTensorError *sim = find_tensor (simulated, row->name);
          g_assert_cmpfloat (row->sqnr_db, <, LT_ANALYSIS_SQNR_CAP_DB);
          g_assert_cmpfloat_with_epsilon (row->sqnr_db, sim->sqnr_db, 0.1);
        }
      g_assert_cmpfloat_with_epsilon (lt_error_sums_sqnr_db (&htp->outputs), lt_error_sums_sqnr_db (&simulated->outputs), 0.1);
    }
  g_assert_null (analyze_on (f, NULL, LT_ANALYSIS_BACKEND_HTP, LT_ANALYSIS_MODE_WEIGHTS, FALSE, &error));
  g_assert_error (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_OPTIONS);
}

typedef struct
{
  guint         calls;
  guint         done;
  guint         total;
  GCancellable *cancel_at_3; /* cancelled when 3 runs are done */
} Progress;

static void
count_progress (guint    done,
                guint    total,
                gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (done, ==, progress->calls);
  progress->calls++;
  progress->done = done;
  progress->total = total;
  if (done == 3)
    g_cancellable_cancel (progress->cancel_at_3);
}

/* Progress counts every sample of every pass (the mode's, then two per
 * layer); a cancellation stops the run with G_IO_ERROR_CANCELLED. */
static void
test_progress_and_cancel (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (LtEncodingSet) set = analysis_test_calibrate (f->model, f->dataset_dir, 8, 8);
  g_autoptr (LtDataset) dataset = lt_dataset_open (f->dataset_dir, lt_model_get_graph (f->model), NULL, NULL);
  g_autoptr (LtAnalysisReport) report = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Progress          progress = { 0 };
  LtAnalysisOptions options = { .sensitivity = TRUE, .n_threads = 1, .progress = count_progress, .progress_data = &progress };

  (void) data;
  report = lt_analysis_run (f->model, set, dataset, &options, &error);
  g_assert_no_error (error);
  /* 3 samples, 1 + 2 × 8 layers passes. */
  g_assert_cmpuint (progress.total, ==, 3 * 17);
  g_assert_cmpuint (progress.done, ==, progress.total);
  g_assert_cmpuint (progress.calls, ==, progress.total + 1);

  progress = (Progress) { .cancel_at_3 = cancellable };
  options.cancellable = cancellable;
  g_clear_pointer (&report, lt_analysis_report_free);
  report = lt_analysis_run (f->model, set, dataset, &options, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (progress.done, ==, 3);
}

/* An encoding for a tensor the model lacks, a per-channel activation
 * encoding and a bad sample: each refused, naming what is wrong. */
static void
test_bad_inputs (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (LtEncodingSet) set = analysis_test_calibrate (f->model, f->dataset_dir, 8, 8);
  LtEncoding *stray = lt_encoding_new ("conv9.weight", LT_ENCODING_SECTION_PARAM, 1);
  LtEncoding *act = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, "/Relu_output_0");
  g_autoptr (LtAnalysisReport) report = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad_sample = g_build_filename (f->dataset_dir, "batch-99.npy", NULL);

  (void) data;
  stray->bitwidth = 8;
  stray->scale[0] = 0.1f;
  lt_encoding_derive_min_max (stray);
  g_assert_true (lt_encoding_set_add (set, stray));
  report = analyze (f, set, LT_ANALYSIS_MODE_ALL, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_ENCODINGS);
  g_assert_nonnull (strstr (error->message, "conv9.weight"));
  g_clear_error (&error);
  g_hash_table_remove (set->by_name[LT_ENCODING_SECTION_PARAM], "conv9.weight");
  g_ptr_array_remove (set->encodings, stray);

  /* Per channel on an activation: the simulation rounds activations per
   * tensor. */
  act->granularity = LT_ENCODING_PER_CHANNEL;
  report = analyze (f, set, LT_ANALYSIS_MODE_ALL, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "/Relu_output_0: "));
  g_clear_error (&error);
  act->granularity = LT_ENCODING_PER_TENSOR;

  /* A truncated .npy among the samples. */
  g_assert_true (g_file_set_contents (bad_sample, "\x93NUMPY\x01\x00", 8, NULL));
  report = analyze (f, set, LT_ANALYSIS_MODE_ALL, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, LT_ANALYSIS_ERROR, LT_ANALYSIS_ERROR_SAMPLE);
  g_assert_nonnull (strstr (error->message, "batch-99.npy"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/analysis/fake-quant/values", test_fake_quant_values);
  g_test_add_func ("/analysis/fake-quant/per-channel", test_fake_quant_per_channel);
  g_test_add_func ("/analysis/fake-quant/per-block", test_fake_quant_per_block);
  g_test_add_func ("/analysis/fake-quant/float-and-lpbq", test_fake_quant_float_and_lpbq);
  g_test_add ("/analysis/digits/more-bits-less-error", Fixture, NULL, fixture_set_up, test_more_bits_less_error, fixture_tear_down);
  g_test_add ("/analysis/digits/widened-layer-worst", Fixture, NULL, fixture_set_up, test_widened_layer_worst, fixture_tear_down);
  g_test_add ("/analysis/digits/weights-only", Fixture, NULL, fixture_set_up, test_weights_only, fixture_tear_down);
  g_test_add ("/analysis/digits/identical-runs-show-cap", Fixture, NULL, fixture_set_up, test_identical_runs_show_cap, fixture_tear_down);
  g_test_add ("/analysis/digits/htp-backend", Fixture, NULL, fixture_set_up, test_htp_backend, fixture_tear_down);
  g_test_add ("/analysis/digits/progress-and-cancel", Fixture, NULL, fixture_set_up, test_progress_and_cancel, fixture_tear_down);
  g_test_add ("/analysis/digits/bad-inputs", Fixture, NULL, fixture_set_up, test_bad_inputs, fixture_tear_down);
  return g_test_run ();
}
