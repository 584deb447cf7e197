/* test-ref-conv.c — reference Conv and ConvTranspose on hand-checked cases. */
#include "ref-harness.h"

static const float iota9[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
static const float ones9[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };

static void
test_conv_2d_bias (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 1, 3, 3 }, wd[4] = { 1, 1, 2, 2 }, bd[1] = { 1 }, yd[4] = { 1, 1, 2, 2 };
  float    bias[1] = { 1 };
  float    want[4] = { 9, 13, 21, 25 }; /* 2x2 window sums of 0..8, plus 1 */

  ref_case_init (&c, "Conv", 11);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_input (&c, LT_DTYPE_F32, 4, wd, ones9);
  ref_case_input (&c, LT_DTYPE_F32, 1, bd, bias);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_conv_pads_strides (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 1, 3, 3 }, wd[4] = { 1, 1, 3, 3 }, yd[4] = { 1, 1, 2, 2 };
  int64_t  pads[4] = { 1, 1, 1, 1 }, strides[2] = { 2, 2 };
  /* 3x3 windows centred on the corners: only 2x2 of each is inside. */
  float want[4] = { 8, 12, 20, 24 };

  ref_case_init (&c, "Conv", 11);
  ref_case_attr_ints (&c, "pads", 4, pads);
  ref_case_attr_ints (&c, "strides", 2, strides);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_input (&c, LT_DTYPE_F32, 4, wd, ones9);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_conv_depthwise (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 2, 1, 2 }, wd[4] = { 2, 1, 1, 1 }, yd[4] = { 1, 2, 1, 2 };
  float    x[4] = { 1, 2, 3, 4 }, w[2] = { 2, 10 }, want[4] = { 2, 4, 30, 40 };

  ref_case_init (&c, "Conv", 11);
  ref_case_attr_int (&c, "group", 2);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 4, wd, w);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_conv_1d_dilation (void)
{
  ref_case c;
  int64_t  xd[3] = { 1, 1, 5 }, wd[3] = { 1, 1, 2 }, yd[3] = { 1, 1, 3 }, dil[1] = { 2 };
  float    x[5] = { 1, 2, 4, 8, 16 }, w[2] = { 1, -1 };
  float    want[3] = { 1 - 4, 2 - 8, 4 - 16 }; /* x[i] - x[i + 2] */

  ref_case_init (&c, "Conv", 11);
  ref_case_attr_ints (&c, "dilations", 1, dil);
  ref_case_input (&c, LT_DTYPE_F32, 3, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 3, wd, w);
  ref_case_output (&c, LT_DTYPE_F32, 3, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 3, 0, 0);
  ref_case_clear (&c);
}

static void
run_same (const char  *mode,
          const float *want)
{
  ref_case c;
  int64_t  xd[3] = { 1, 1, 4 }, wd[3] = { 1, 1, 2 };
  float    x[4] = { 1, 2, 3, 4 }, w[2] = { 1, 1 };

  ref_case_init (&c, "Conv", 11);
  ref_case_attr_string (&c, "auto_pad", mode);
  ref_case_input (&c, LT_DTYPE_F32, 3, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 3, wd, w);
  ref_case_output (&c, LT_DTYPE_F32, 3, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_conv_auto_pad (void)
{
  /* One padding element in all: at the end for SAME_UPPER, at the start
   * for SAME_LOWER. */
  static const float upper[4] = { 3, 5, 7, 4 };
  static const float lower[4] = { 1, 3, 5, 7 };

  run_same ("SAME_UPPER", upper);
  run_same ("SAME_LOWER", lower);
}

static void
test_conv_3d (void)
{
  ref_case c;
  int64_t  xd[5] = { 1, 1, 2, 2, 2 }, yd[5] = { 1, 1, 1, 1, 1 };
  float    x[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, want[1] = { 36 };

  ref_case_init (&c, "Conv", 11);
  ref_case_input (&c, LT_DTYPE_F32, 5, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 5, xd, ones9);
  ref_case_output (&c, LT_DTYPE_F32, 5, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 1, 0, 0);
  ref_case_clear (&c);
}

static void
test_conv_bad_attributes (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 1, 3, 3 }, wd[4] = { 1, 1, 2, 2 }, yd[4] = { 1, 1, 2, 2 };
  int64_t  strides[3] = { 1, 1, 1 };

  ref_case_init (&c, "Conv", 11);
  ref_case_attr_int (&c, "group", 0);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_input (&c, LT_DTYPE_F32, 4, wd, ones9);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "group"));
  ref_case_clear (&c);

  ref_case_init (&c, "Conv", 11);
  ref_case_attr_ints (&c, "strides", 3, strides);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_input (&c, LT_DTYPE_F32, 4, wd, ones9);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Conv)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "strides"));
  ref_case_clear (&c);
}

/* ConvTranspose of [1, 2, 3] with kernel [1, 1]: `attr` (may be NULL)
 * set to `values`, output of `out_len`. */
static void
run_transpose_1d (const char    *attr,
                  const int64_t *values,
                  int64_t        stride,
                  int64_t        out_len,
                  const float   *want,
                  lt_status      expect)
{
  ref_case c;
  int64_t  xd[3] = { 1, 1, 3 }, wd[3] = { 1, 1, 2 }, yd[3] = { 1, 1, out_len }, s[1] = { stride };
  float    x[3] = { 1, 2, 3 }, w[2] = { 1, 1 };

  ref_case_init (&c, "ConvTranspose", 11);
  ref_case_attr_ints (&c, "strides", 1, s);
  if (attr)
    ref_case_attr_ints (&c, attr, g_str_equal (attr, "pads") ? 2 : 1, values);
  ref_case_input (&c, LT_DTYPE_F32, 3, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 3, wd, w);
  ref_case_output (&c, LT_DTYPE_F32, 3, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ConvTranspose)), ==, expect);
  if (expect == LT_OK)
    ref_assert_floats (c.outputs[0].data, want, (size_t) out_len, 0, 0);
  ref_case_clear (&c);
}

static void
test_conv_transpose_1d (void)
{
  static const int64_t one[1] = { 1 }, two[1] = { 2 }, pads[2] = { 1, 1 }, shape7[1] = { 7 };
  static const float   overlap[4] = { 1, 3, 5, 3 };
  static const float   spread[6] = { 1, 1, 2, 2, 3, 3 };
  static const float   padded_out[7] = { 1, 1, 2, 2, 3, 3, 0 };
  static const float   cropped[4] = { 1, 2, 2, 3 };

  run_transpose_1d (NULL, NULL, 1, 4, overlap, LT_OK);
  run_transpose_1d (NULL, NULL, 2, 6, spread, LT_OK);
  run_transpose_1d ("output_padding", one, 2, 7, padded_out, LT_OK);
  run_transpose_1d ("output_shape", shape7, 2, 7, padded_out, LT_OK);
  run_transpose_1d ("pads", pads, 2, 4, cropped, LT_OK);
  /* output_padding must be smaller than the stride (or the dilation) */
  run_transpose_1d ("output_padding", two, 2, 8, NULL, LT_ERR_INVALID_MODEL);
  /* a wrong output extent is caught, not written past */
  run_transpose_1d (NULL, NULL, 2, 5, NULL, LT_ERR_SHAPE);
}

static void
test_conv_transpose_group_bias (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 2, 1, 2 }, wd[4] = { 2, 1, 1, 1 }, bd[1] = { 2 };
  float    x[4] = { 1, 2, 3, 4 }, w[2] = { 2, 10 }, b[2] = { 1, -1 };
  float    want[4] = { 3, 5, 29, 39 };

  ref_case_init (&c, "ConvTranspose", 11);
  ref_case_attr_int (&c, "group", 2);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 4, wd, w);
  ref_case_input (&c, LT_DTYPE_F32, 1, bd, b);
  ref_case_output (&c, LT_DTYPE_F32, 4, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ConvTranspose)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/conv/2d-bias", test_conv_2d_bias);
  g_test_add_func ("/ref/conv/pads-strides", test_conv_pads_strides);
  g_test_add_func ("/ref/conv/depthwise", test_conv_depthwise);
  g_test_add_func ("/ref/conv/1d-dilation", test_conv_1d_dilation);
  g_test_add_func ("/ref/conv/auto-pad", test_conv_auto_pad);
  g_test_add_func ("/ref/conv/3d", test_conv_3d);
  g_test_add_func ("/ref/conv/bad-attributes", test_conv_bad_attributes);
  g_test_add_func ("/ref/conv-transpose/1d", test_conv_transpose_1d);
  g_test_add_func ("/ref/conv-transpose/group-bias", test_conv_transpose_group_bias);
  return g_test_run ();
}
