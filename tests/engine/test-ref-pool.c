/* test-ref-pool.c — reference pools on hand-checked cases. */
#include "ref-harness.h"

static const float iota9[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };

static void
run_max_pool_2x2 (int64_t        storage_order,
                  const int64_t *want_indices)
{
  ref_case       c;
  int64_t        xd[4] = { 1, 1, 3, 3 }, yd[4] = { 1, 1, 2, 2 }, kernel[2] = { 2, 2 };
  float          want[4] = { 4, 5, 7, 8 };
  const int64_t *indices;

  ref_case_init (&c, "MaxPool", 12);
  ref_case_attr_ints (&c, "kernel_shape", 2, kernel);
  ref_case_attr_int (&c, "storage_order", storage_order);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  ref_case_output (&c, LT_DTYPE_I64, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MaxPool)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  indices = c.outputs[1].data;
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (indices[i], ==, want_indices[i]);
  ref_case_clear (&c);
}

static void
test_max_pool_indices (void)
{
  static const int64_t row_major[4] = { 4, 5, 7, 8 };
  /* (h, w) -> w * 3 + h */
  static const int64_t column_major[4] = { 4, 7, 5, 8 };

  run_max_pool_2x2 (0, row_major);
  run_max_pool_2x2 (1, column_major);
}

static void
run_pool_1d (const char    *op,
             const float   *x,
             int64_t        len,
             int64_t        kernel,
             int64_t        stride,
             const int64_t *pads,
             bool           ceil_mode,
             bool           include_pad,
             const float   *want,
             int64_t        out_len)
{
  ref_case c;
  int64_t  xd[3] = { 1, 1, len }, yd[3] = { 1, 1, out_len };

  ref_case_init (&c, op, 19);
  ref_case_attr_ints (&c, "kernel_shape", 1, &kernel);
  ref_case_attr_ints (&c, "strides", 1, &stride);
  if (pads)
    ref_case_attr_ints (&c, "pads", 2, pads);
  ref_case_attr_int (&c, "ceil_mode", ceil_mode);
  ref_case_attr_int (&c, "count_include_pad", include_pad);
  ref_case_input (&c, LT_DTYPE_F32, 3, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 3, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (lt_op_lookup ("", op))), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, (size_t) out_len, 1e-7, 0);
  ref_case_clear (&c);
}

static void
test_pool_ceil_and_pads (void)
{
  static const float   x5[5] = { 1, 2, 3, 4, 5 }, x3[3] = { 1, 2, 3 };
  static const float   floor_max[2] = { 2, 4 }, ceil_max[3] = { 2, 4, 5 };
  static const int64_t pads[2] = { 1, 1 };
  static const float   avg_exclude[4] = { 1, 1.5f, 2.5f, 3 };
  static const float   avg_include[4] = { 0.5f, 1.5f, 2.5f, 1.5f };

  run_pool_1d ("MaxPool", x5, 5, 2, 2, NULL, false, false, floor_max, 2);
  run_pool_1d ("MaxPool", x5, 5, 2, 2, NULL, true, false, ceil_max, 3);
  run_pool_1d ("AveragePool", x3, 3, 2, 1, pads, false, false, avg_exclude, 4);
  run_pool_1d ("AveragePool", x3, 3, 2, 1, pads, false, true, avg_include, 4);
}

static void
test_max_pool_uint8 (void)
{
  ref_case       c;
  int64_t        xd[3] = { 1, 1, 4 }, yd[3] = { 1, 1, 2 }, kernel[1] = { 2 }, strides[1] = { 2 };
  uint8_t        x[4] = { 7, 200, 255, 3 };
  const uint8_t *y;

  ref_case_init (&c, "MaxPool", 12);
  ref_case_attr_ints (&c, "kernel_shape", 1, kernel);
  ref_case_attr_ints (&c, "strides", 1, strides);
  ref_case_input (&c, LT_DTYPE_U8, 3, xd, x);
  ref_case_output (&c, LT_DTYPE_U8, 3, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MaxPool)), ==, LT_OK);
  y = c.outputs[0].data;
  g_assert_cmpuint (y[0], ==, 200);
  g_assert_cmpuint (y[1], ==, 255);
  ref_case_clear (&c);
}

static void
test_global_pools (void)
{
  static const float x[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const float want_avg[2] = { 2.5f, 6.5f }, want_max[2] = { 4, 8 };
  int64_t            xd[4] = { 1, 2, 2, 2 }, yd[4] = { 1, 2, 1, 1 };
  ref_case           c;

  ref_case_init (&c, "GlobalAveragePool", 1);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GlobalAveragePool)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want_avg, 2, 0, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "GlobalMaxPool", 1);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GlobalMaxPool)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want_max, 2, 0, 0);
  ref_case_clear (&c);
}

static void
test_pool_bad_attributes (void)
{
  ref_case c;
  int64_t  xd[4] = { 1, 1, 3, 3 }, yd[4] = { 1, 1, 2, 2 }, kernel[2] = { 2, 2 };

  ref_case_init (&c, "MaxPool", 12);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MaxPool)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "kernel_shape"));
  ref_case_clear (&c);

  ref_case_init (&c, "AveragePool", 11);
  ref_case_attr_ints (&c, "kernel_shape", 2, kernel);
  ref_case_attr_string (&c, "auto_pad", "SAME");
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, iota9);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_AveragePool)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "auto_pad"));
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/pool/max-indices", test_max_pool_indices);
  g_test_add_func ("/ref/pool/ceil-and-pads", test_pool_ceil_and_pads);
  g_test_add_func ("/ref/pool/max-uint8", test_max_pool_uint8);
  g_test_add_func ("/ref/pool/global", test_global_pools);
  g_test_add_func ("/ref/pool/bad-attributes", test_pool_bad_attributes);
  return g_test_run ();
}
