/* test-digits.c — the accuracy check model (tests/data/digits, written by
 * make-digits.py): the engine's f32 session gives PyTorch's top-1 class for
 * every held-out sample, and logits within float rounding of PyTorch's.
 * Quantized on the NPU runner (calibrated on the training split): int8
 * per-channel weights with percentile activations stay within 1 point of
 * the f32 top-1 on the held-out split, 16-bit activations within 0.2.
 * The accuracies are reported as test messages. */
#include "htp-util.h"
#include "test-util.h"

#include <math.h>

static LtArray *
load_digits_npy (const char *name)
{
  g_autofree char *path = test_digits_path (name);

  return test_load_npy (path);
}

static void
test_digits_f32_matches_torch (void)
{
  g_autofree char *model_path = test_digits_path ("digits-cnn.onnx");
  g_autoptr (LtArray) images = load_digits_npy ("heldout-images.npy");
  g_autoptr (LtArray) labels = load_digits_npy ("heldout-labels.npy");
  g_autoptr (LtArray) torch_pred = load_digits_npy ("torch-predictions.npy");
  g_autoptr (LtArray) torch_logits = load_digits_npy ("torch-logits.npy");
  g_autofree float *logits = NULL;
  const int64_t    *label, *pred;
  const float      *expected;
  lt_model         *model = NULL;
  uint64_t          count = 0, n;
  guint             correct = 0, torch_correct = 0;
  double            max_diff = 0.0;

  g_assert_cmpint (images->rank, ==, 4);
  n = (uint64_t) images->dims[0];
  g_assert_cmpuint (n, >, 100);
  g_assert_cmpuint (labels->count, ==, n);
  g_assert_cmpuint (torch_pred->count, ==, n);
  g_assert_cmpuint (torch_logits->count, ==, n * 10);
  g_assert_cmpint (labels->dtype, ==, LT_DTYPE_I64);
  g_assert_cmpint (torch_pred->dtype, ==, LT_DTYPE_I64);

  model = test_load_model (model_path);
  logits = test_run_f32 (model, images, NULL, NULL, &count);
  lt_model_unref (model);
  g_assert_cmpuint (count, ==, n * 10);

  label = g_bytes_get_data (labels->data, NULL);
  pred = g_bytes_get_data (torch_pred->data, NULL);
  expected = g_bytes_get_data (torch_logits->data, NULL);
  for (uint64_t i = 0; i < n; i++)
    {
      guint top1 = test_argmax (logits + i * 10, 10);

      if ((int64_t) top1 != pred[i])
        g_error ("sample %" G_GUINT64_FORMAT ": the engine says %u, PyTorch %" G_GINT64_FORMAT, i, top1, pred[i]);
      correct += (int64_t) top1 == label[i];
      torch_correct += pred[i] == label[i];
      for (guint k = 0; k < 10; k++)
        max_diff = MAX (max_diff, fabs ((double) logits[i * 10 + k] - (double) expected[i * 10 + k]));
    }
  g_assert_cmpuint (correct, ==, torch_correct);
  g_assert_cmpfloat (max_diff, <, 1e-4);
  g_test_message ("held-out top-1: engine %.2f%%, PyTorch %.2f%% (%" G_GUINT64_FORMAT " samples); largest logit difference %.3g",
                  100.0 * correct / (double) n, 100.0 * torch_correct / (double) n, n, max_diff);
  /* A model that learned nothing would agree with itself too. */
  g_assert_cmpfloat (100.0 * correct / (double) n, >, 90.0);
}

/* Held-out top-1 accuracy in percent of `n` rows of 10 logits. */
static double
top1_percent (const float   *logits,
              const LtArray *labels,
              uint64_t       n)
{
  const int64_t *label = g_bytes_get_data (labels->data, NULL);
  guint          correct = 0;

  for (uint64_t i = 0; i < n; i++)
    correct += (int64_t) test_argmax (logits + i * 10, 10) == label[i];
  return 100.0 * correct / (double) n;
}

/* Calibrates on the whole training split (one batch), runs the held-out
 * split on the NPU runner and on the f32 engine, and checks the quantized
 * top-1 is within `points` of the f32 one. */
static void
check_quantized_accuracy (guint  act_bitwidth,
                          double points)
{
  g_autofree char *model_path = test_digits_path ("digits-cnn.onnx");
  g_autofree char *train = test_digits_path ("train-images.npy");
  g_autoptr (LtArray) images = load_digits_npy ("heldout-images.npy");
  g_autoptr (LtArray) labels = load_digits_npy ("heldout-labels.npy");
  g_autoptr (LtEncodingSet) set = NULL;
  g_autofree float    *f32 = NULL, *quantized = NULL;
  const char          *samples[] = { train, NULL };
  LtCalibEncodeOptions options = {
    .activations = { .method = LT_CALIB_METHOD_PERCENTILE, .percentile = 99.99, .bitwidth = act_bitwidth },
    .weight_bitwidth = 8,
    .weight_symmetric = TRUE,
    .per_channel = TRUE,
    .bias_bitwidth = 32,
  };
  lt_model *model = NULL;
  uint64_t  count = 0, n = (uint64_t) images->dims[0];
  double    f32_top1, quantized_top1;

  model = test_load_model (model_path);
  set = test_calibrate (model, samples, &options);
  f32 = test_run_f32 (model, images, NULL, NULL, &count);
  g_assert_cmpuint (count, ==, n * 10);
  quantized = test_run_htp (model, set, images, &count, NULL);
  g_assert_cmpuint (count, ==, n * 10);
  lt_model_unref (model);

  f32_top1 = top1_percent (f32, labels, n);
  quantized_top1 = top1_percent (quantized, labels, n);
  g_test_message ("held-out top-1: f32 %.2f%%, NPU with %u-bit activations and int8 per-channel weights %.2f%%",
                  f32_top1, act_bitwidth, quantized_top1);
  g_assert_cmpfloat (fabs (quantized_top1 - f32_top1), <=, points);
}

static void
test_digits_int8_within_one_point (void)
{
  check_quantized_accuracy (8, 1.0);
}

static void
test_digits_a16_within_a_fifth (void)
{
  check_quantized_accuracy (16, 0.2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/digits/f32-matches-torch", test_digits_f32_matches_torch);
  g_test_add_func ("/digits/htp-int8-percentile", test_digits_int8_within_one_point);
  g_test_add_func ("/digits/htp-a16", test_digits_a16_within_a_fifth);
  return g_test_run ();
}
