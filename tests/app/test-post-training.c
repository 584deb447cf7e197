/* test-post-training.c — cross-layer equalization and bias correction:
 * the equalized model computes the same function, its paired channel
 * ranges are equal, per-tensor weight quantization loses less on a model
 * made unbalanced on purpose, BatchNormalization is folded exactly, ReLU6
 * becomes Relu only when asked, high biases are absorbed, bias correction
 * shrinks the mean output shift that 4-bit weights cause on the digits
 * model, and the values writer refuses bad edits by name without leaving a
 * file. */
#include "lt-bias-correction.h"
#include "lt-equalize.h"
#include "session-util.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <math.h>

static char *
scratch_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("lathe-post-training-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* A copy of `src` in `dir` (bias correction writes next to the model). */
static char *
copy_into (const char *src,
           const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *base = g_path_get_basename (src);
  char            *dst = g_build_filename (dir, base, NULL);
  gsize            len;

  g_assert_true (g_file_get_contents (src, &data, &len, &error));
  g_assert_true (g_file_set_contents (dst, data, (gssize) len, &error));
  return dst;
}

static lt_model *
equalize_with (lt_model                *model,
               const LtEqualizeOptions *options,
               const char              *path,
               LtEqualizeReport        *report)
{
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (lt_model_get_graph (model));
  g_autoptr (GError) error = NULL;

  lt_equalize (lt_model_get_graph (model), options, edits, report);
  g_assert_true (lt_weight_edits_write (edits, model, path, &error));
  g_assert_no_error (error);
  return test_load_model (path);
}

static lt_model *
equalize_into (lt_model         *model,
               const char       *path,
               LtEqualizeReport *report)
{
  return equalize_with (model, NULL, path, report);
}

/* max |a - b| / max |a| */
static double
relative_difference (const float *a,
                     const float *b,
                     uint64_t     n)
{
  double diff = 0, scale = 0;

  for (uint64_t i = 0; i < n; i++)
    {
      diff = MAX (diff, fabs ((double) a[i] - b[i]));
      scale = MAX (scale, fabs ((double) a[i]));
    }
  return diff / scale;
}

static LtArray *
random_input (const lt_model *model,
              int64_t         batch)
{
  const lt_graph *graph = lt_model_get_graph (model);
  uint32_t        n;
  const lt_value *input = lt_graph_get_value (graph, lt_graph_get_inputs (graph, &n)[0]);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  LtArray *array = g_new0 (LtArray, 1);
  float   *data;

  array->dtype = LT_DTYPE_F32;
  array->rank = (guint) input->shape.rank;
  array->count = 1;
  for (int32_t d = 0; d < input->shape.rank; d++)
    {
      array->dims[d] = input->shape.dims[d].size > 0 ? input->shape.dims[d].size : batch;
      array->count *= (guint64) array->dims[d];
    }
  data = g_new (float, array->count);
  for (guint64 i = 0; i < array->count; i++)
    data[i] = (float) g_rand_double_range (rand, -1, 1);
  array->data = g_bytes_new_take (data, array->count * sizeof (float));
  return array;
}

static void
assert_same_function (const char *model_path,
                      guint       expected_pairs)
{
  g_autofree char *dir = scratch_dir ();
  g_autofree char *out = g_build_filename (dir, "equalized.onnx", NULL);
  lt_model        *model = test_load_model (model_path);
  LtEqualizeReport report;
  lt_model        *equalized = equalize_into (model, out, &report);
  g_autoptr (LtArray) input = random_input (model, 4);
  uint64_t          n_a, n_b;
  g_autofree float *a = test_run_f32 (model, input, NULL, NULL, &n_a);
  g_autofree float *b = test_run_f32 (equalized, input, NULL, NULL, &n_b);

  g_assert_cmpuint (report.n_pairs, ==, expected_pairs);
  g_assert_cmpuint (n_a, ==, n_b);
  g_assert_cmpfloat (relative_difference (a, b, n_a), <, 1e-4);
  lt_equalize_report_clear (&report);
  lt_model_unref (equalized);
  lt_model_unref (model);
  test_remove_tree (dir);
}

static void
test_cle_keeps_function_digits (void)
{
  g_autofree char *path = test_digits_path ("digits-cnn.onnx");

  assert_same_function (path, 1);
}

static void
test_cle_keeps_function_demo (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);

  assert_same_function (path, 1);
}

static const float *
constant_of (const lt_model   *model,
             const char       *name,
             const lt_tensor **tensor)
{
  const lt_graph *graph = lt_model_get_graph (model);
  int32_t         id = lt_graph_find_value (graph, name);

  g_assert_cmpint (id, >=, 0);
  *tensor = lt_graph_get_value (graph, id)->constant;
  g_assert_nonnull (*tensor);
  g_assert_cmpint ((*tensor)->dtype, ==, LT_DTYPE_F32);
  return (*tensor)->data;
}

/* Largest |w| of output channel o of a Conv weight [O, I, k, k] (a
 * Conv's output channel), or of input channel o (`input` TRUE). */
static double
conv_channel_range (const lt_tensor *t,
                    guint            o,
                    gboolean         input)
{
  guint64 per_out = t->count / (guint64) t->dims[0], kernel = per_out / (guint64) t->dims[1];
  double  r = 0;

  for (guint64 i = 0; i < t->count; i++)
    {
      float w;
      memcpy (&w, (const char *) t->data + i * sizeof w, sizeof w);
      if ((input ? (i % per_out) / kernel : i / per_out) == o)
        r = MAX (r, fabs (w));
    }
  return r;
}

/* After equalization r1_i / s_i == r2_i * s_i: the ranges of conv1's
 * output channel i and conv2's input channel i are equal. */
static void
test_cle_equalizes_ranges (void)
{
  g_autofree char *path = test_digits_path ("digits-cnn.onnx");
  g_autofree char *dir = scratch_dir ();
  g_autofree char *out = g_build_filename (dir, "equalized.onnx", NULL);
  lt_model        *model = test_load_model (path);
  LtEqualizeReport report;
  lt_model        *equalized = equalize_into (model, out, &report);
  const lt_tensor *w1, *w2, *o1, *o2;
  guint            unequal_before = 0;

  constant_of (equalized, "conv1.weight", &w1);
  constant_of (equalized, "conv2.weight", &w2);
  constant_of (model, "conv1.weight", &o1);
  constant_of (model, "conv2.weight", &o2);
  g_assert_cmpint (w1->dims[0], ==, w2->dims[1]);
  for (guint i = 0; i < (guint) w1->dims[0]; i++)
    {
      double r1 = conv_channel_range (w1, i, FALSE), r2 = conv_channel_range (w2, i, TRUE);
      double before1 = conv_channel_range (o1, i, FALSE), before2 = conv_channel_range (o2, i, TRUE);

      g_assert_cmpfloat (fabs (r1 - r2), <=, 1e-5 * r1);
      /* Both become the geometric mean of the ranges before. */
      g_assert_cmpfloat (fabs (r1 - sqrt (before1 * before2)), <=, 1e-5 * r1);
      unequal_before += fabs (before1 - before2) > 1e-3 * before1;
    }
  g_assert_cmpuint (unequal_before, >, 0);
  lt_equalize_report_clear (&report);
  lt_model_unref (equalized);
  lt_model_unref (model);
  test_remove_tree (dir);
}

/* 10 log10 (Σ w² / Σ (w − q(w))²) over conv1's weights, quantized per
 * tensor at `bits`. */
static double
weight_sqnr (lt_model *model,
             guint     bits)
{
  const lt_graph      *graph = lt_model_get_graph (model);
  LtCalibEncodeOptions encode = { .weight_bitwidth = bits, .weight_symmetric = TRUE, .bias_bitwidth = 32 };
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (graph);
  const lt_value *w = lt_graph_get_value (graph, lt_graph_find_value (graph, "conv1.weight"));
  const float    *q;
  double          signal = 0, noise = 0;

  encode.activations.bitwidth = 8;
  lt_fake_quantize_weights (graph, &encode, edits);
  q = lt_weight_edits_get (edits, w);
  for (guint64 i = 0; i < w->constant->count; i++)
    {
      float x;
      memcpy (&x, (const char *) w->constant->data + i * sizeof x, sizeof x);
      signal += (double) x * x;
      noise += ((double) x - q[i]) * ((double) x - q[i]);
    }
  return 10 * log10 (signal / noise);
}

/* The digits model with conv1's output channel i multiplied by 2^(i%8-4)
 * and conv2's input channel i divided by as much: the same function, very
 * unequal channel ranges. */
static char *
write_unbalanced (lt_model   *model,
                  const char *dir)
{
  const lt_graph *graph = lt_model_get_graph (model);
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (graph);
  g_autoptr (GError) error = NULL;
  const lt_value *w1 = lt_graph_get_value (graph, lt_graph_find_value (graph, "conv1.weight"));
  const lt_value *b1 = lt_graph_get_value (graph, lt_graph_find_value (graph, "conv1.bias"));
  const lt_value *w2 = lt_graph_get_value (graph, lt_graph_find_value (graph, "conv2.weight"));
  float          *v1 = lt_weight_edits_get (edits, w1), *vb = lt_weight_edits_get (edits, b1), *v2 = lt_weight_edits_get (edits, w2);
  guint64         channels = (guint64) w1->constant->dims[0];
  guint64         per_out1 = w1->constant->count / channels;
  guint64         per_out2 = w2->constant->count / (guint64) w2->constant->dims[0], kernel2 = per_out2 / channels;
  char           *path = g_build_filename (dir, "unbalanced.onnx", NULL);

  for (guint64 i = 0; i < w1->constant->count; i++)
    v1[i] = ldexpf (v1[i], (int) ((i / per_out1) % 8) - 4);
  for (guint64 c = 0; c < channels; c++)
    vb[c] = ldexpf (vb[c], (int) (c % 8) - 4);
  for (guint64 i = 0; i < w2->constant->count; i++)
    v2[i] = ldexpf (v2[i], 4 - (int) (((i % per_out2) / kernel2) % 8));
  g_assert_true (lt_weight_edits_write (edits, model, path, &error));
  return path;
}

static void
test_cle_improves_per_tensor_sqnr (void)
{
  g_autofree char *path = test_digits_path ("digits-cnn.onnx");
  g_autofree char *dir = scratch_dir ();
  g_autofree char *out = g_build_filename (dir, "equalized.onnx", NULL);
  lt_model        *model = test_load_model (path);
  g_autofree char *unbalanced_path = write_unbalanced (model, dir);
  lt_model        *unbalanced = test_load_model (unbalanced_path);
  LtEqualizeReport report;
  lt_model        *equalized = equalize_into (unbalanced, out, &report);
  double           before = weight_sqnr (unbalanced, 8), after = weight_sqnr (equalized, 8);

  g_test_message ("conv1 weights, 8-bit per tensor: SQNR %.1f dB unbalanced, %.1f dB after equalization (%.1f dB as trained)",
                  before, after, weight_sqnr (model, 8));
  g_assert_cmpfloat (after, >, before + 3);
  lt_equalize_report_clear (&report);
  lt_model_unref (equalized);
  lt_model_unref (unbalanced);
  lt_model_unref (model);
  test_remove_tree (dir);
}

/* A dataset of one .npy holding a whole digits split. */
static LtDataset *
digits_dataset (const char     *dir,
                const lt_graph *graph,
                const char     *split)
{
  g_autofree char *file = g_strconcat (split, "-images.npy", NULL);
  g_autofree char *images = test_digits_path (file);
  g_autofree char *data_dir = g_build_filename (dir, split, NULL);
  g_autofree char *copy = NULL;
  g_autoptr (GError) error = NULL;
  LtDataset *dataset;

  g_assert_cmpint (g_mkdir (data_dir, 0755), ==, 0);
  copy = copy_into (images, data_dir);
  dataset = lt_dataset_open (data_dir, graph, NULL, &error);
  g_assert_no_error (error);
  return dataset;
}

/* Mean over channels of |E[y_q] − E[y_fp]| for the model's output, with
 * every Conv/Gemm weight quantized per tensor at 4 bits. */
static double
mean_output_shift (lt_model   *reference,
                   lt_model   *model,
                   LtDataset  *dataset,
                   const char *dir)
{
  const lt_graph      *graph = lt_model_get_graph (model);
  LtCalibEncodeOptions encode = { .weight_bitwidth = 4, .bias_bitwidth = 32 };
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (graph);
  g_autoptr (GError) error = NULL;
  g_autofree char *q_path = g_build_filename (dir, "quantized.onnx", NULL);
  uint32_t         n_outputs;
  const char      *name = lt_graph_get_value (graph, lt_graph_get_outputs (graph, &n_outputs)[0])->name;
  double          *fp = NULL, *q = NULL;
  guint            n_fp = 0, n_q = 0;
  double           shift = 0;
  lt_model        *quantized;

  encode.activations.bitwidth = 8;
  lt_fake_quantize_weights (graph, &encode, edits);
  g_assert_true (lt_weight_edits_write (edits, model, q_path, &error));
  quantized = test_load_model (q_path);
  g_assert_true (lt_channel_means (reference, dataset, &name, 1, 2, &fp, &n_fp, &error));
  g_assert_true (lt_channel_means (quantized, dataset, &name, 1, 2, &q, &n_q, &error));
  g_assert_cmpuint (n_fp, ==, n_q);
  g_assert_cmpuint (n_fp, ==, 10);
  for (guint c = 0; c < n_fp; c++)
    shift += fabs (q[c] - fp[c]) / n_fp;
  g_free (fp);
  g_free (q);
  lt_model_unref (quantized);
  return shift;
}

static void
test_bias_correction_reduces_shift (void)
{
  g_autofree char     *src = test_digits_path ("digits-cnn.onnx");
  g_autofree char     *dir = scratch_dir ();
  g_autofree char     *path = copy_into (src, dir);
  g_autofree char     *out = g_build_filename (dir, "corrected.onnx", NULL);
  lt_model            *model = test_load_model (path);
  LtDataset           *dataset = digits_dataset (dir, lt_model_get_graph (model), "train");
  LtDataset           *heldout = digits_dataset (dir, lt_model_get_graph (model), "heldout");
  LtCalibEncodeOptions encode = { .weight_bitwidth = 4, .bias_bitwidth = 32 };
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (lt_model_get_graph (model));
  g_autoptr (GError) error = NULL;
  LtBiasCorrectionReport report;
  lt_model              *corrected;
  double                 before, after;

  encode.activations.bitwidth = 8;
  g_assert_true (lt_bias_correct (model, dataset, &encode, 2, edits, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_layers, ==, 3);
  g_assert_cmpuint (report.n_runs, ==, 4); /* float, then depths 1, 2, 3 */
  g_assert_true (lt_weight_edits_write (edits, model, out, &error));
  corrected = test_load_model (out);
  /* Measured on the held-out split: the training split, which the
   * correction saw, would show its last layer's shift as exactly 0. */
  before = mean_output_shift (model, model, heldout, dir);
  after = mean_output_shift (model, corrected, heldout, dir);
  g_test_message ("digits logits (held out), 4-bit per-tensor weights: mean |E[y_q] - E[y_fp]| %.5f before, %.5f after bias correction",
                  before, after);
  g_assert_cmpfloat (after, <, 0.5 * before);
  /* No temporary model left next to the model. */
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".lathe-fake-quant"));
  }
  lt_bias_correction_report_clear (&report);
  lt_dataset_free (heldout);
  lt_dataset_free (dataset);
  lt_model_unref (corrected);
  lt_model_unref (model);
  test_remove_tree (dir);
}

static char *
layer_chain_path (void)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", "layer-chain.onnx", NULL);
}

/* Conv → depthwise Conv → Conv and Gemm → Gemm (transB on one side only):
 * three pairs, the same function. */
static void
test_cle_keeps_function_chain (void)
{
  g_autofree char *path = layer_chain_path ();

  assert_same_function (path, 3);
}

static char *
app_test_path (const char *name)
{
  return g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "app", name, NULL);
}

/* A model equalized with some options into a scratch folder. */
typedef struct
{
  char            *dir;
  lt_model        *model;   /* the original */
  lt_model        *written; /* the equalized model, read back */
  LtEqualizeReport report;
} cle_run;

static void
cle_run_start (cle_run                 *run,
               const char              *model_name,
               const LtEqualizeOptions *options)
{
  g_autofree char *path = app_test_path (model_name);
  g_autofree char *out = NULL;

  run->dir = scratch_dir ();
  out = g_build_filename (run->dir, "equalized.onnx", NULL);
  run->model = test_load_model (path);
  run->written = equalize_with (run->model, options, out, &run->report);
}

static void
cle_run_finish (cle_run *run)
{
  lt_equalize_report_clear (&run->report);
  lt_model_unref (run->written);
  lt_model_unref (run->model);
  test_remove_tree (run->dir);
  g_free (run->dir);
}

static guint
count_ops (const lt_model *model,
           int32_t         op)
{
  const lt_graph *graph = lt_model_get_graph (model);
  guint           n = 0;

  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
    n += lt_graph_get_node (graph, id)->op == op;
  return n;
}

/* max relative difference of the models' first outputs on one random
 * input */
static double
output_difference (lt_model *a,
                   lt_model *b)
{
  g_autoptr (LtArray) input = random_input (a, 1);
  uint64_t          n_a, n_b;
  g_autofree float *ya = test_run_f32 (a, input, NULL, NULL, &n_a);
  g_autofree float *yb = test_run_f32 (b, input, NULL, NULL, &n_b);

  g_assert_cmpuint (n_a, ==, n_b);
  return relative_difference (ya, yb, n_a);
}

static float
element (const lt_tensor *t,
         guint64          i)
{
  float x;

  memcpy (&x, (const char *) t->data + i * sizeof x, sizeof x);
  return x;
}

/* conv1's folded weights and bias are W·k and (b − mean)·k + B with k =
 * scale / sqrt (var + 1e-5), computed here from the original model. */
static void
assert_conv1_folded (const lt_model *model,
                     const lt_model *folded)
{
  const lt_tensor *w, *b, *fw, *fb, *scale, *beta, *mean, *var;

  constant_of (model, "conv1.w", &w);
  constant_of (model, "conv1.b", &b);
  constant_of (model, "bn1.scale", &scale);
  constant_of (model, "bn1.B", &beta);
  constant_of (model, "bn1.mean", &mean);
  constant_of (model, "bn1.var", &var);
  constant_of (folded, "conv1.w", &fw);
  constant_of (folded, "conv1.b", &fb);
  for (guint64 o = 0; o < (guint64) w->dims[0]; o++)
    {
      guint64 per_out = w->count / (guint64) w->dims[0];
      double  k = element (scale, o) / sqrt ((double) element (var, o) + 1e-5);

      g_assert_cmpfloat_with_epsilon (element (fb, o), (element (b, o) - element (mean, o)) * k + element (beta, o), 1e-6);
      for (guint64 i = o * per_out; i < (o + 1) * per_out; i++)
        g_assert_cmpfloat_with_epsilon (element (fw, i), element (w, i) * k, 1e-6 * fabs (element (w, i) * k) + 1e-12);
    }
}

/* Conv → BN → Clip (0, 6) → depthwise Conv → BN → Clip → Conv → BN (graph
 * output): without clip_to_relu every normalization is folded, the Clips
 * stay, no pair is equalized and both are counted, and the function is the
 * same.  A session folds a BatchNormalization after a Conv itself
 * (exec/fold.h), so the original model runs folded too: conv1's folded
 * values are also checked against the formula. */
static void
test_cle_folds_batchnorm (void)
{
  cle_run         run;
  const lt_graph *graph;
  uint32_t        n_outputs;
  double          diff;

  cle_run_start (&run, "bn-relu6-chain.onnx", NULL);
  graph = lt_model_get_graph (run.written);
  diff = output_difference (run.model, run.written);
  g_assert_cmpuint (run.report.n_folded, ==, 3);
  g_assert_cmpuint (run.report.n_pairs, ==, 0);
  g_assert_cmpuint (run.report.n_clip_pairs, ==, 2);
  g_assert_cmpuint (run.report.n_clips_replaced, ==, 0);
  g_assert_cmpuint (run.report.skipped->len, ==, 0);
  g_assert_cmpuint (count_ops (run.written, LT_OP_BatchNormalization), ==, 0);
  g_assert_cmpuint (count_ops (run.written, LT_OP_Clip), ==, 2);
  g_assert_cmpuint (count_ops (run.written, LT_OP_Conv), ==, 3);
  /* The graph output keeps its name; the normalizations' parameters are gone. */
  g_assert_cmpstr (lt_graph_get_value (graph, lt_graph_get_outputs (graph, &n_outputs)[0])->name, ==, "y");
  g_assert_cmpint (lt_graph_find_value (graph, "bn2.var"), <, 0);
  g_assert_cmpint (lt_graph_find_value (graph, "c3"), <, 0);
  assert_conv1_folded (run.model, run.written);
  g_test_message ("BatchNormalization folded: max relative output difference %.3g", diff);
  g_assert_cmpfloat (diff, <, 1e-5);
  cle_run_finish (&run);
}

/* Largest |w| of output channel o of a Conv weight. */
static double
out_channel_range (const lt_model *model,
                   const char     *weight,
                   guint           o)
{
  const lt_tensor *t;

  constant_of (model, weight, &t);
  return conv_channel_range (t, o, FALSE);
}

/* With clip_to_relu both Clips become Relu and both pairs are equalized:
 * conv1's output channel i and the depthwise Conv's channel i end with the
 * same range, as do the depthwise channel i and conv3's input channel i. */
static void
test_cle_relu6_to_relu (void)
{
  LtEqualizeOptions options = { .clip_to_relu = TRUE };
  cle_run           run;
  const lt_tensor  *w3;

  cle_run_start (&run, "bn-relu6-chain.onnx", &options);
  g_assert_cmpuint (run.report.n_folded, ==, 3);
  g_assert_cmpuint (run.report.n_pairs, ==, 2);
  g_assert_cmpuint (run.report.n_clip_pairs, ==, 0);
  g_assert_cmpuint (run.report.n_clips_replaced, ==, 2);
  g_assert_cmpuint (count_ops (run.written, LT_OP_Clip), ==, 0);
  g_assert_cmpuint (count_ops (run.written, LT_OP_Relu), ==, 2);
  g_assert_cmpint (lt_graph_find_value (lt_model_get_graph (run.written), "relu6.max"), <, 0);
  constant_of (run.written, "conv3.w", &w3);
  for (guint i = 0; i < 8; i++)
    {
      double r1 = out_channel_range (run.written, "conv1.w", i), r2 = out_channel_range (run.written, "dw.w", i);
      double r3 = conv_channel_range (w3, i, TRUE);

      /* The two pairs share the depthwise layer, so the rounds stop once
       * every scale is within SETTLED_CHANGE of 1. */
      g_assert_cmpfloat (fabs (r1 - r2), <=, 1e-4 * r1);
      g_assert_cmpfloat (fabs (r2 - r3), <=, 1e-4 * r2);
    }
  cle_run_finish (&run);
}

/* Clip bounds given by Constant nodes are read; with clip_to_relu the
 * Constant nodes leave the written model with the Clip. */
static void
test_cle_relu6_constant_nodes (void)
{
  LtEqualizeOptions options = { .clip_to_relu = TRUE };
  cle_run           plain, replaced;

  cle_run_start (&plain, "relu6-constant-nodes.onnx", NULL);
  cle_run_start (&replaced, "relu6-constant-nodes.onnx", &options);
  g_assert_cmpuint (plain.report.n_pairs, ==, 0);
  g_assert_cmpuint (plain.report.n_clip_pairs, ==, 1);
  g_assert_cmpuint (count_ops (plain.written, LT_OP_Constant), ==, 2);
  g_assert_cmpuint (replaced.report.n_pairs, ==, 1);
  g_assert_cmpuint (replaced.report.n_clips_replaced, ==, 1);
  g_assert_cmpuint (count_ops (replaced.written, LT_OP_Clip), ==, 0);
  g_assert_cmpuint (count_ops (replaced.written, LT_OP_Constant), ==, 0);
  g_assert_cmpuint (count_ops (replaced.written, LT_OP_Relu), ==, 1);
  cle_run_finish (&replaced);
  cle_run_finish (&plain);
}

/* Channels 0-3 of the depthwise layer's normalization have a high bias
 * (B − 3|scale| = 2.7) that their outputs never go below on inputs in
 * [-1, 1] (make-batchnorm-models.py checks the bound), and conv3 has no
 * padding: absorbing moves 4 channels' bias into conv3 and keeps the
 * function.  conv1's channels have no high bias. */
static void
test_cle_absorbs_high_bias (void)
{
  LtEqualizeOptions plain_options = { .clip_to_relu = TRUE };
  LtEqualizeOptions options = { .clip_to_relu = TRUE, .absorb_high_bias = TRUE };
  cle_run           plain, absorbed;
  const lt_tensor  *b_plain, *b_absorbed;
  double            moved = 0, diff;

  cle_run_start (&plain, "bn-relu6-chain.onnx", &plain_options);
  cle_run_start (&absorbed, "bn-relu6-chain.onnx", &options);
  diff = output_difference (plain.written, absorbed.written);
  g_assert_cmpuint (plain.report.n_absorbed, ==, 0);
  g_assert_cmpuint (absorbed.report.n_absorbed, ==, 4);
  constant_of (plain.written, "conv3.b", &b_plain);
  constant_of (absorbed.written, "conv3.b", &b_absorbed);
  for (guint o = 0; o < 4; o++)
    moved = MAX (moved, fabs ((double) element (b_plain, o) - element (b_absorbed, o)));
  g_test_message ("high bias absorbed: conv3's bias moved by up to %.3g, max relative output difference %.3g", moved, diff);
  g_assert_cmpfloat (moved, >, 0.1);
  g_assert_cmpfloat (diff, <, 1e-5);
  cle_run_finish (&absorbed);
  cle_run_finish (&plain);
}

static gboolean
has_note (GPtrArray  *notes,
          const char *first,
          const char *second)
{
  for (guint i = 0; i < notes->len; i++)
    {
      const char *note = g_ptr_array_index (notes, i);
      if (strstr (note, first) != NULL && strstr (note, second) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A normalization with a computed scale, and one after a Conv whose
 * weights another Conv reads, stay, and that other Conv is in no pair;
 * the notes name them and why. */
static void
test_cle_batchnorm_refusals (void)
{
  cle_run run;

  cle_run_start (&run, "bn-refusals.onnx", NULL);
  for (guint i = 0; i < run.report.skipped->len; i++)
    g_test_message ("%s", (const char *) g_ptr_array_index (run.report.skipped, i));
  g_assert_cmpuint (run.report.n_folded, ==, 0);
  g_assert_cmpuint (run.report.n_pairs, ==, 0);
  g_assert_cmpuint (run.report.skipped->len, ==, 3);
  g_assert_true (has_note (run.report.skipped, "bn_computed", "bna.scale_computed"));
  g_assert_true (has_note (run.report.skipped, "bn_shared", "conv_b (ws) are shared"));
  g_assert_true (has_note (run.report.skipped, "conv_c and conv_d not equalized", "conv_c (ws) are shared"));
  g_assert_cmpuint (count_ops (run.written, LT_OP_BatchNormalization), ==, 2);
  cle_run_finish (&run);
}

/* On a model without BatchNormalization or ReLU6 between layers, the
 * options change nothing: the same bytes are written. */
static char *
written_bytes (const cle_run *run,
               gsize         *len)
{
  g_autofree char *path = g_build_filename (run->dir, "equalized.onnx", NULL);
  char            *bytes = NULL;

  g_assert_true (g_file_get_contents (path, &bytes, len, NULL));
  return bytes;
}

static void
test_cle_options_inert_without_relu6 (void)
{
  LtEqualizeOptions options = { .clip_to_relu = TRUE, .absorb_high_bias = TRUE };
  cle_run           plain, with_options;
  g_autofree char  *a = NULL, *b = NULL;
  gsize             a_len, b_len;

  cle_run_start (&plain, "layer-chain.onnx", NULL);
  cle_run_start (&with_options, "layer-chain.onnx", &options);
  a = written_bytes (&plain, &a_len);
  b = written_bytes (&with_options, &b_len);
  g_assert_cmpuint (plain.report.n_pairs, ==, 3);
  g_assert_cmpmem (a, a_len, b, b_len);
  cle_run_finish (&with_options);
  cle_run_finish (&plain);
}

/* `n` random samples of the model's one static input as .npy files. */
static LtDataset *
random_dataset (const char     *dir,
                const lt_graph *graph,
                guint           n)
{
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autoptr (GError) error = NULL;
  LtDataset      *dataset;
  uint32_t        n_inputs;
  const lt_value *input = lt_graph_get_value (graph, lt_graph_get_inputs (graph, &n_inputs)[0]);
  lt_tensor       t = { .name = input->name, .dtype = LT_DTYPE_F32, .rank = input->shape.rank, .count = 1 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);

  g_assert_cmpint (g_mkdir (data_dir, 0755), ==, 0);
  for (int32_t d = 0; d < t.rank; d++)
    t.count *= (uint64_t) (t.dims[d] = input->shape.dims[d].size);
  g_autofree float *values = g_new (float, t.count);
  t.data = values;
  t.nbytes = t.count * sizeof (float);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%02u.npy", i);
      g_autofree char *file = g_build_filename (data_dir, name, NULL);
      for (uint64_t k = 0; k < t.count; k++)
        values[k] = (float) g_rand_double_range (rand, 0, 1);
      g_assert_true (lt_npy_save (file, &t, &error));
    }
  dataset = lt_dataset_open (data_dir, graph, NULL, &error);
  g_assert_no_error (error);
  return dataset;
}

/* Layers without a bias get one; the written model runs. */
static void
test_bias_added_where_missing (void)
{
  g_autofree char     *src = layer_chain_path ();
  g_autofree char     *dir = scratch_dir ();
  g_autofree char     *path = copy_into (src, dir);
  g_autofree char     *out = g_build_filename (dir, "corrected.onnx", NULL);
  lt_model            *model = test_load_model (path);
  LtDataset           *dataset = random_dataset (dir, lt_model_get_graph (model), 4);
  LtCalibEncodeOptions encode = { .weight_bitwidth = 4, .bias_bitwidth = 32 };
  g_autoptr (LtWeightEdits) edits = lt_weight_edits_new (lt_model_get_graph (model));
  g_autoptr (GError) error = NULL;
  g_autoptr (LtArray) input = random_input (model, 1);
  LtBiasCorrectionReport report;
  lt_model              *written;
  const lt_graph        *graph;
  uint64_t               n;
  g_autofree float      *y = NULL;

  encode.activations.bitwidth = 8;
  g_assert_true (lt_bias_correct (model, dataset, &encode, 2, edits, &report, &error));
  g_assert_cmpuint (report.n_layers, ==, 5);
  g_assert_cmpuint (lt_weight_edits_get_n_edits (edits), ==, 5); /* four new biases and fc2.b */
  g_assert_true (lt_weight_edits_write (edits, model, out, &error));
  written = test_load_model (out);
  graph = lt_model_get_graph (written);
  for (int32_t id = 0; id < (int32_t) lt_graph_get_n_nodes (graph); id++)
    {
      const lt_node *node = lt_graph_get_node (graph, id);
      if (node->op == LT_OP_Conv || node->op == LT_OP_Gemm)
        {
          g_assert_cmpuint (node->n_inputs, ==, 3);
          g_assert_nonnull (lt_graph_get_value (graph, node->inputs[2])->constant);
        }
    }
  y = test_run_f32 (written, input, NULL, NULL, &n);
  g_assert_cmpuint (n, ==, 3);
  lt_bias_correction_report_clear (&report);
  lt_dataset_free (dataset);
  lt_model_unref (written);
  lt_model_unref (model);
  test_remove_tree (dir);
}

/* The writer refuses one value edit `v` or one node edit `e`, naming
 * `subject`, and leaves no file. */
static void
assert_edit_refused (const lt_model              *model,
                     const lt_initializer_values *v,
                     const lt_node_edit          *e,
                     const char                  *path,
                     const char                  *subject)
{
  lt_error err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_onnx_export_edits (model, v, v != NULL, e, e != NULL, path, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, subject);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_export_values_refusals (void)
{
  g_autofree char *src = test_digits_path ("digits-cnn.onnx");
  g_autofree char *dir = scratch_dir ();
  g_autofree char *out = g_build_filename (dir, "out.onnx", NULL);
  lt_model        *model = test_load_model (src);
  float            values[16] = { 0 };

  assert_edit_refused (model, &(lt_initializer_values){ "no.such.weight", values, 16, NULL }, NULL, out, "no.such.weight");
  assert_edit_refused (model, &(lt_initializer_values){ "conv1.bias", values, 15, NULL }, NULL, out, "conv1.bias");
  assert_edit_refused (model, &(lt_initializer_values){ "conv1.extra_bias", values, 16, "/conv1/Conv_output_0" }, NULL, out,
                       "/conv1/Conv_output_0");
  assert_edit_refused (model, &(lt_initializer_values){ "conv2.bias", values, 16, "/Relu_output_0" }, NULL, out,
                       "/Relu_output_0");
  lt_model_unref (model);
  test_remove_tree (dir);
}

static void
test_export_node_edit_refusals (void)
{
  g_autofree char *path = app_test_path ("bn-refusals.onnx");
  g_autofree char *dir = scratch_dir ();
  g_autofree char *out = g_build_filename (dir, "out.onnx", NULL);
  lt_model        *model = test_load_model (path);

  assert_edit_refused (model, NULL, &(lt_node_edit){ "no-such-output", LT_NODE_BYPASS }, out, "no-such-output");
  /* conv_c reads the graph input, which no node produces. */
  assert_edit_refused (model, NULL, &(lt_node_edit){ "cc", LT_NODE_BYPASS }, out, "cc");
  assert_edit_refused (model, NULL, &(lt_node_edit){ "ya", LT_NODE_CLIP_TO_RELU }, out, "ya");
  lt_model_unref (model);
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cle/keeps-function/digits", test_cle_keeps_function_digits);
  g_test_add_func ("/cle/keeps-function/demo", test_cle_keeps_function_demo);
  g_test_add_func ("/cle/keeps-function/conv-depthwise-gemm", test_cle_keeps_function_chain);
  g_test_add_func ("/cle/equalizes-ranges", test_cle_equalizes_ranges);
  g_test_add_func ("/cle/improves-per-tensor-sqnr", test_cle_improves_per_tensor_sqnr);
  g_test_add_func ("/cle/batchnorm/folded", test_cle_folds_batchnorm);
  g_test_add_func ("/cle/batchnorm/refusals", test_cle_batchnorm_refusals);
  g_test_add_func ("/cle/relu6-to-relu", test_cle_relu6_to_relu);
  g_test_add_func ("/cle/relu6-to-relu/constant-nodes", test_cle_relu6_constant_nodes);
  g_test_add_func ("/cle/absorbs-high-bias", test_cle_absorbs_high_bias);
  g_test_add_func ("/cle/options-inert-without-relu6", test_cle_options_inert_without_relu6);
  g_test_add_func ("/bias-correction/reduces-shift", test_bias_correction_reduces_shift);
  g_test_add_func ("/bias-correction/adds-missing-bias", test_bias_added_where_missing);
  g_test_add_func ("/export-values/refusals", test_export_values_refusals);
  g_test_add_func ("/export-values/node-edit-refusals", test_export_node_edit_refusals);
  return g_test_run ();
}
