/* test-digits.c — the accuracy check model (tests/data/digits, written by
 * make-digits.py): the engine's f32 session gives PyTorch's top-1 class for
 * every held-out sample, and logits within float rounding of PyTorch's.
 * The held-out accuracy is reported as a test message. */
#include "session-util.h"

#include <math.h>

static LtArray *
load_npy (const char *name)
{
  g_autofree char *path = test_digits_path (name);
  g_autoptr (GError) error = NULL;
  LtArray *array = lt_npy_load (path, &error);

  g_assert_no_error (error);
  return array;
}

static void
test_digits_f32_matches_torch (void)
{
  g_autofree char *model_path = test_digits_path ("digits-cnn.onnx");
  g_autoptr (LtArray) images = load_npy ("heldout-images.npy");
  g_autoptr (LtArray) labels = load_npy ("heldout-labels.npy");
  g_autoptr (LtArray) torch_pred = load_npy ("torch-predictions.npy");
  g_autoptr (LtArray) torch_logits = load_npy ("torch-logits.npy");
  g_autofree float *logits = NULL;
  const int64_t    *label, *pred;
  const float      *expected;
  lt_model         *model = NULL;
  lt_error          err;
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

  lt_error_clear (&err);
  if (lt_model_load (model_path, NULL, &model, &err) != LT_OK)
    g_error ("%s: %s", err.file, err.message);
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/digits/f32-matches-torch", test_digits_f32_matches_torch);
  return g_test_run ();
}
