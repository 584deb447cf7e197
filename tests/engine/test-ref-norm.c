/* test-ref-norm.c — reference normalizations and softmax on hand-checked cases. */
#include "ref-harness.h"

#include <math.h>

static void
test_batch_norm (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 2, 1, 1 }, cd[1] = { 2 };
  float    x[2] = { 1, 2 }, scale[2] = { 2, 3 }, b[2] = { 1, 1 }, mean[2] = { 0, 1 }, var[2] = { 1, 4 };
  float    want[2] = { 3, 2.5f }; /* (1-0)/1*2+1, (2-1)/2*3+1 */

  ref_case_init (&c, "BatchNormalization", 15);
  ref_case_attr_float (&c, "epsilon", 0);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, scale);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, b);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, mean);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, var);
  ref_case_output (&c, LT_DTYPE_F32, 4, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_BatchNormalization)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 2, 1e-7, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "BatchNormalization", 15);
  ref_case_attr_float (&c, "epsilon", -1);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  for (int i = 0; i < 4; i++)
    ref_case_input (&c, LT_DTYPE_F32, 1, cd, scale);
  ref_case_output (&c, LT_DTYPE_F32, 4, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_BatchNormalization)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "epsilon"));
  ref_case_clear (&c);
}

static void
test_batch_norm_training (void)
{
  ref_case c;
  int64_t  xd[4] = { 2, 1, 1, 1 }, cd[1] = { 1 };
  float    x[2] = { 1, 3 }, one[1] = { 1 }, zero[1] = { 0 };
  /* batch mean 2, variance 1; running = input * 0.5 + batch * 0.5 */
  float want_y[2] = { -1, 1 }, want_mean[1] = { 1 }, want_var[1] = { 1 };

  ref_case_init (&c, "BatchNormalization", 15);
  ref_case_attr_int (&c, "training_mode", 1);
  ref_case_attr_float (&c, "epsilon", 0);
  ref_case_attr_float (&c, "momentum", 0.5f);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, one);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, zero);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, zero);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, one);
  ref_case_output (&c, LT_DTYPE_F32, 4, xd);
  ref_case_output (&c, LT_DTYPE_F32, 1, cd);
  ref_case_output (&c, LT_DTYPE_F32, 1, cd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_BatchNormalization)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want_y, 2, 1e-7, 0);
  ref_assert_floats (c.outputs[1].data, want_mean, 1, 1e-7, 0);
  ref_assert_floats (c.outputs[2].data, want_var, 1, 1e-7, 0);
  ref_case_clear (&c);
}

static void
test_instance_norm (void)
{
  ref_case c;
  int64_t  xd[3] = { 1, 1, 2 }, cd[1] = { 1 };
  float    x[2] = { 1, 3 }, scale[1] = { 2 }, b[1] = { 0.5f };
  float    want[2] = { -1.5f, 2.5f }; /* mean 2, variance 1 */

  ref_case_init (&c, "InstanceNormalization", 6);
  ref_case_attr_float (&c, "epsilon", 0);
  ref_case_input (&c, LT_DTYPE_F32, 3, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, scale);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, b);
  ref_case_output (&c, LT_DTYPE_F32, 3, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_InstanceNormalization)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 2, 1e-7, 0);
  ref_case_clear (&c);
}

static void
test_layer_norm (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 2 }, sd[1] = { 2 }, md[2] = { 2, 1 };
  float    x[4] = { 1, 3, 0, 4 }, scale[2] = { 2, 1 }, b[2] = { 0, 10 };
  /* rows normalize to [-1, 1] (mean 2, variance 1 then 4) */
  float want[4] = { -2, 11, -2, 11 }, want_mean[2] = { 2, 2 }, want_inv[2] = { 1, 0.5f };

  ref_case_init (&c, "LayerNormalization", 17);
  ref_case_attr_float (&c, "epsilon", 0);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, sd, scale);
  ref_case_input (&c, LT_DTYPE_F32, 1, sd, b);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  ref_case_output (&c, LT_DTYPE_F32, 2, md);
  ref_case_output (&c, LT_DTYPE_F32, 2, md);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_LayerNormalization)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 1e-7, 0);
  ref_assert_floats (c.outputs[1].data, want_mean, 2, 1e-7, 0);
  ref_assert_floats (c.outputs[2].data, want_inv, 2, 1e-7, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "LayerNormalization", 17);
  ref_case_attr_int (&c, "axis", 2);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, sd, scale);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_LayerNormalization)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "axis"));
  ref_case_clear (&c);
}

static void
test_lrn (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 2, 1, 1 };
  float    x[2] = { 1, 2 };
  /* size 2: channel c sums squares of c and c + 1; 1 / (1 + 1*5), 2 / (1 + 1*4) */
  float want[2] = { 1.0f / 6.0f, 0.4f };

  ref_case_init (&c, "LRN", 13);
  ref_case_attr_int (&c, "size", 2);
  ref_case_attr_float (&c, "alpha", 2);
  ref_case_attr_float (&c, "beta", 1);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 4, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_LRN)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 2, 1e-6, 0);
  ref_case_clear (&c);
}

static void
run_softmax (const char  *op,
             int64_t      opset,
             int64_t      axis,
             const float *x,
             const float *want)
{
  ref_case c;
  int64_t  xd[2] = { 2, 2 };

  ref_case_init (&c, op, opset);
  ref_case_attr_int (&c, "axis", axis);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (lt_op_lookup ("", op))), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 1e-6, 1e-7);
  ref_case_clear (&c);
}

static void
test_softmax (void)
{
  float ln3 = logf (3), ln5 = logf (5);
  float rows[4] = { 0, ln3, ln3, 0 };
  float by_row[4] = { 0.25f, 0.75f, 0.75f, 0.25f };
  float by_col[4] = { 0.25f, 0.75f, 0.75f, 0.25f }; /* symmetric input */
  float flat[4] = { 0, 0, 0, ln5 };
  float flat_want[4] = { 0.125f, 0.125f, 0.125f, 0.625f };
  float log_by_row[4] = { logf (0.25f), logf (0.75f), logf (0.75f), logf (0.25f) };

  run_softmax ("Softmax", 13, -1, rows, by_row);
  run_softmax ("Softmax", 13, 0, rows, by_col);
  /* opset < 13 flattens to 2-D at axis: axis 0 makes one row of 4 */
  run_softmax ("Softmax", 11, 0, flat, flat_want);
  run_softmax ("LogSoftmax", 13, 1, rows, log_by_row);
}

static void
test_softmax_bad_axis (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 2 };
  float    x[4] = { 0 };

  ref_case_init (&c, "Softmax", 13);
  ref_case_attr_int (&c, "axis", -3);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Softmax)), ==, LT_ERR_INVALID_MODEL);
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/norm/batch", test_batch_norm);
  g_test_add_func ("/ref/norm/batch-training", test_batch_norm_training);
  g_test_add_func ("/ref/norm/instance", test_instance_norm);
  g_test_add_func ("/ref/norm/layer", test_layer_norm);
  g_test_add_func ("/ref/norm/lrn", test_lrn);
  g_test_add_func ("/ref/softmax/axes", test_softmax);
  g_test_add_func ("/ref/softmax/bad-axis", test_softmax_bad_axis);
  return g_test_run ();
}
