/* test-ref-quant.c — reference QuantizeLinear, DequantizeLinear,
 * QLinearMatMul and QLinearConv on hand-checked cases. */
#include "ref-harness.h"

static void
test_quantize_round_and_saturate (void)
{
  ref_case c;
  int64_t  xd[1] = { 6 };
  /* x / 0.5 = 5, 7, -5, 600, -600, 3: ties to even, then + 10, saturated */
  float          x[6] = { 2.5f, 3.5f, -2.5f, 300, -300, 1.5f }, scale = 0.5f;
  uint8_t        zero = 10, want[6] = { 15, 17, 5, 255, 0, 13 };
  const uint8_t *y;

  ref_case_init (&c, "QuantizeLinear", 13);
  ref_case_input (&c, LT_DTYPE_F32, 1, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &scale);
  ref_case_input (&c, LT_DTYPE_U8, 0, NULL, &zero);
  ref_case_output (&c, LT_DTYPE_U8, 1, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_QuantizeLinear)), ==, LT_OK);
  y = c.outputs[0].data;
  for (int i = 0; i < 6; i++)
    g_assert_cmpuint (y[i], ==, want[i]);
  ref_case_clear (&c);
}

static void
test_quantize_ties_to_even (void)
{
  ref_case      c;
  int64_t       xd[1] = { 4 };
  float         x[4] = { 0.5f, 1.5f, -0.5f, -1.5f }, scale = 1;
  int8_t        zero = 0, want[4] = { 0, 2, 0, -2 };
  const int8_t *y;

  ref_case_init (&c, "QuantizeLinear", 13);
  ref_case_input (&c, LT_DTYPE_F32, 1, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &scale);
  ref_case_input (&c, LT_DTYPE_I8, 0, NULL, &zero);
  ref_case_output (&c, LT_DTYPE_I8, 1, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_QuantizeLinear)), ==, LT_OK);
  y = c.outputs[0].data;
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (y[i], ==, want[i]);
  ref_case_clear (&c);
}

static void
test_dequantize_per_axis (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 2 }, cd[1] = { 2 };
  int8_t   x[4] = { 1, 2, 3, 4 }, zero[2] = { 1, -1 };
  float    scale[2] = { 2, 0.5f };
  float    want[4] = { 0, 1.5f, 4, 2.5f }; /* axis 1: columns (x - z) * s */

  ref_case_init (&c, "DequantizeLinear", 13);
  ref_case_attr_int (&c, "axis", 1);
  ref_case_input (&c, LT_DTYPE_I8, 2, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, scale);
  ref_case_input (&c, LT_DTYPE_I8, 1, cd, zero);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_DequantizeLinear)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_qdq_bad_parameters (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 2 }, cd[1] = { 3 };
  int8_t   x[4] = { 0 }, zero[3] = { 0 };
  float    scale[3] = { 1, 1, 1 };

  /* per-axis parameters must have one entry per channel of the axis */
  ref_case_init (&c, "DequantizeLinear", 13);
  ref_case_input (&c, LT_DTYPE_I8, 2, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, scale);
  ref_case_input (&c, LT_DTYPE_I8, 1, cd, zero);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_DequantizeLinear)), ==, LT_ERR_SHAPE);
  ref_case_clear (&c);

  ref_case_init (&c, "DequantizeLinear", 13);
  ref_case_attr_int (&c, "axis", 2);
  ref_case_input (&c, LT_DTYPE_I8, 2, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, scale);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_DequantizeLinear)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "axis"));
  ref_case_clear (&c);
}

static void
test_qlinear_matmul (void)
{
  ref_case c;
  int64_t  ad[2] = { 1, 2 }, bd[2] = { 2, 1 }, yd[2] = { 1, 1 };
  uint8_t  a[2] = { 12, 14 }, b[2] = { 3, 5 }, a_zero = 10, b_zero = 1, y_zero = 100;
  float    a_scale = 0.5f, b_scale = 0.25f, y_scale = 0.125f;
  /* (2 * 2 + 4 * 4) = 20, times 0.5 * 0.25 / 0.125 = 1, plus 100 */
  const uint8_t *y;

  ref_case_init (&c, "QLinearMatMul", 10);
  ref_case_input (&c, LT_DTYPE_U8, 2, ad, a);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &a_scale);
  ref_case_input (&c, LT_DTYPE_U8, 0, NULL, &a_zero);
  ref_case_input (&c, LT_DTYPE_U8, 2, bd, b);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &b_scale);
  ref_case_input (&c, LT_DTYPE_U8, 0, NULL, &b_zero);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &y_scale);
  ref_case_input (&c, LT_DTYPE_U8, 0, NULL, &y_zero);
  ref_case_output (&c, LT_DTYPE_U8, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_QLinearMatMul)), ==, LT_OK);
  y = c.outputs[0].data;
  g_assert_cmpuint (y[0], ==, 120);
  ref_case_clear (&c);
}

static void
test_qlinear_conv (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 1, 1, 3 }, wd[4] = { 2, 1, 1, 2 }, yd[4] = { 1, 2, 1, 2 }, cd[1] = { 2 };
  uint8_t  x[3] = { 5, 6, 8 }, x_zero = 4, y_zero = 0;
  int8_t   w[4] = { 1, 1, 2, -2 }, w_zero[2] = { 0, 1 };
  int32_t  bias[2] = { 0, 10 };
  float    x_scale = 1, w_scale[2] = { 1, 0.5f }, y_scale = 1;
  /* x - 4 = [1, 2, 4]; channel 0: w [1, 1] -> 3, 6; channel 1: w - 1 = [1, -3],
   * (1 - 6 + 10) * 0.5 = 2.5 -> 2 (ties to even), (2 - 12 + 10) * 0.5 = 0 */
  uint8_t        want[4] = { 3, 6, 2, 0 };
  const uint8_t *y;

  ref_case_init (&c, "QLinearConv", 10);
  ref_case_input (&c, LT_DTYPE_U8, 4, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &x_scale);
  ref_case_input (&c, LT_DTYPE_U8, 0, NULL, &x_zero);
  ref_case_input (&c, LT_DTYPE_I8, 4, wd, w);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, w_scale);
  ref_case_input (&c, LT_DTYPE_I8, 1, cd, w_zero);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &y_scale);
  ref_case_input (&c, LT_DTYPE_U8, 0, NULL, &y_zero);
  ref_case_input (&c, LT_DTYPE_I32, 1, cd, bias);
  ref_case_output (&c, LT_DTYPE_U8, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_QLinearConv)), ==, LT_OK);
  y = c.outputs[0].data;
  for (int i = 0; i < 4; i++)
    g_assert_cmpuint (y[i], ==, want[i]);
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/quant/round-and-saturate", test_quantize_round_and_saturate);
  g_test_add_func ("/ref/quant/ties-to-even", test_quantize_ties_to_even);
  g_test_add_func ("/ref/quant/dequantize-per-axis", test_dequantize_per_axis);
  g_test_add_func ("/ref/quant/bad-parameters", test_qdq_bad_parameters);
  g_test_add_func ("/ref/quant/qlinear-matmul", test_qlinear_matmul);
  g_test_add_func ("/ref/quant/qlinear-conv", test_qlinear_conv);
  return g_test_run ();
}
