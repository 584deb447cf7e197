/* test-ref-gemm.c — reference Gemm, MatMul and MatMulInteger on hand-checked cases. */
#include "ref-harness.h"

static const float a23[6] = { 1, 2, 3, 4, 5, 6 };   /* [[1,2,3],[4,5,6]] */
static const float a23_t[6] = { 1, 4, 2, 5, 3, 6 }; /* the same, stored transposed */
static const float b32[6] = { 1, 2, 3, 4, 5, 6 };   /* [[1,2],[3,4],[5,6]] */

static void
test_gemm_plain (void)
{
  ref_case c;
  int64_t  ad[2] = { 2, 3 }, bd[2] = { 3, 2 }, yd[2] = { 2, 2 };
  float    want[4] = { 22, 28, 49, 64 };

  ref_case_init (&c, "Gemm", 13);
  ref_case_input (&c, LT_DTYPE_F32, 2, ad, a23);
  ref_case_input (&c, LT_DTYPE_F32, 2, bd, b32);
  ref_case_output (&c, LT_DTYPE_F32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Gemm)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_gemm_trans_alpha_beta_bias (void)
{
  ref_case c;
  int64_t  ad[2] = { 3, 2 }, bd[2] = { 3, 2 }, cd[1] = { 2 }, yd[2] = { 2, 2 };
  float    bias[2] = { 1, 10 };
  /* 0.5 * [[22,28],[49,64]] + 2 * [1, 10] on every row */
  float want[4] = { 13, 34, 26.5f, 52 };

  ref_case_init (&c, "Gemm", 13);
  ref_case_attr_int (&c, "transA", 1);
  ref_case_attr_float (&c, "alpha", 0.5f);
  ref_case_attr_float (&c, "beta", 2.0f);
  ref_case_input (&c, LT_DTYPE_F32, 2, ad, a23_t);
  ref_case_input (&c, LT_DTYPE_F32, 2, bd, b32);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, bias);
  ref_case_output (&c, LT_DTYPE_F32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Gemm)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_gemm_trans_b_column_bias (void)
{
  ref_case c;
  int64_t  ad[2] = { 2, 3 }, bd[2] = { 2, 3 }, cd[2] = { 2, 1 }, yd[2] = { 2, 2 };
  float    bias[2] = { 100, 200 };
  /* A * A^T = [[14, 32], [32, 77]], plus 100 on row 0 and 200 on row 1 */
  float want[4] = { 114, 132, 232, 277 };

  ref_case_init (&c, "Gemm", 13);
  ref_case_attr_int (&c, "transB", 1);
  ref_case_input (&c, LT_DTYPE_F32, 2, ad, a23);
  ref_case_input (&c, LT_DTYPE_F32, 2, bd, a23);
  ref_case_input (&c, LT_DTYPE_F32, 2, cd, bias);
  ref_case_output (&c, LT_DTYPE_F32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Gemm)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_gemm_bad_bias (void)
{
  ref_case c;
  int64_t  ad[2] = { 2, 3 }, bd[2] = { 3, 2 }, cd[1] = { 3 }, yd[2] = { 2, 2 };
  float    bias[3] = { 0 };

  ref_case_init (&c, "Gemm", 13);
  ref_case_input (&c, LT_DTYPE_F32, 2, ad, a23);
  ref_case_input (&c, LT_DTYPE_F32, 2, bd, b32);
  ref_case_input (&c, LT_DTYPE_F32, 1, cd, bias);
  ref_case_output (&c, LT_DTYPE_F32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Gemm)), ==, LT_ERR_SHAPE);
  g_assert_nonnull (strstr (c.err.message, "broadcasts"));
  ref_case_clear (&c);
}

static void
test_matmul_vectors (void)
{
  ref_case c;
  int64_t  v3[1] = { 3 }, m22[2] = { 2, 2 }, v2[1] = { 2 };
  float    x[3] = { 1, 2, 3 }, y[3] = { 4, 5, 6 }, dot[1] = { 32 };
  float    m[4] = { 1, 2, 3, 4 }, ones[2] = { 1, 1 }, rows[2] = { 3, 7 };

  ref_case_init (&c, "MatMul", 13);
  ref_case_input (&c, LT_DTYPE_F32, 1, v3, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, v3, y);
  ref_case_output (&c, LT_DTYPE_F32, 0, NULL);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MatMul)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, dot, 1, 0, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "MatMul", 13);
  ref_case_input (&c, LT_DTYPE_F32, 2, m22, m);
  ref_case_input (&c, LT_DTYPE_F32, 1, v2, ones);
  ref_case_output (&c, LT_DTYPE_F32, 1, v2);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MatMul)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, rows, 2, 0, 0);
  ref_case_clear (&c);
}

static void
test_matmul_batch_broadcast (void)
{
  ref_case c;
  int64_t  ad[4] = { 2, 1, 1, 2 }, bd[3] = { 3, 2, 1 }, yd[4] = { 2, 3, 1, 1 };
  float    a[4] = { 1, 2, 3, 4 };          /* two 1x2 rows: [1,2] and [3,4] */
  float    b[6] = { 1, 0, 0, 1, 1, 1 };    /* three 2x1 columns */
  float    want[6] = { 1, 2, 3, 3, 4, 7 }; /* every row against every column */

  ref_case_init (&c, "MatMul", 13);
  ref_case_input (&c, LT_DTYPE_F32, 4, ad, a);
  ref_case_input (&c, LT_DTYPE_F32, 3, bd, b);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MatMul)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 6, 0, 0);
  ref_case_clear (&c);
}

static void
test_matmul_inner_mismatch (void)
{
  ref_case c;
  int64_t  ad[2] = { 2, 3 }, yd[2] = { 2, 3 };

  ref_case_init (&c, "MatMul", 13);
  ref_case_input (&c, LT_DTYPE_F32, 2, ad, a23);
  ref_case_input (&c, LT_DTYPE_F32, 2, ad, a23);
  ref_case_output (&c, LT_DTYPE_F32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MatMul)), ==, LT_ERR_SHAPE);
  g_assert_nonnull (strstr (c.err.message, "inner"));
  ref_case_clear (&c);
}

static void
run_matmul_integer (const int64_t *a_zero_dims,
                    const uint8_t *a_zero,
                    const int32_t *want,
                    lt_status      expect)
{
  ref_case c;
  int64_t  ad[2] = { 2, 2 }, bd[2] = { 2, 1 }, yd[2] = { 2, 1 }, one[1] = { 1 };
  uint8_t  a[4] = { 10, 20, 30, 40 };
  int8_t   b[2] = { -1, 2 }, b_zero[1] = { -2 };

  ref_case_init (&c, "MatMulInteger", 10);
  ref_case_input (&c, LT_DTYPE_U8, 2, ad, a);
  ref_case_input (&c, LT_DTYPE_I8, 2, bd, b);
  ref_case_input (&c, LT_DTYPE_U8, 1, a_zero_dims, a_zero);
  ref_case_input (&c, LT_DTYPE_I8, 1, one, b_zero);
  ref_case_output (&c, LT_DTYPE_I32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_MatMulInteger)), ==, expect);
  if (expect == LT_OK)
    {
      const int32_t *y = c.outputs[0].data;
      g_assert_cmpint (y[0], ==, want[0]);
      g_assert_cmpint (y[1], ==, want[1]);
    }
  ref_case_clear (&c);
}

static void
test_matmul_integer (void)
{
  static const int64_t scalar[1] = { 1 }, per_row[1] = { 2 }, bad[1] = { 3 };
  static const uint8_t z_scalar[1] = { 10 }, z_rows[2] = { 10, 30 }, z_bad[3] = { 0 };
  /* B - zb = [1, 4]: rows of A - za = [0, 10] and [20, 30], or [0, 10] twice */
  static const int32_t want_scalar[2] = { 40, 140 }, want_rows[2] = { 40, 40 };

  run_matmul_integer (scalar, z_scalar, want_scalar, LT_OK);
  run_matmul_integer (per_row, z_rows, want_rows, LT_OK);
  run_matmul_integer (bad, z_bad, NULL, LT_ERR_UNSUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/gemm/plain", test_gemm_plain);
  g_test_add_func ("/ref/gemm/trans-alpha-beta-bias", test_gemm_trans_alpha_beta_bias);
  g_test_add_func ("/ref/gemm/trans-b-column-bias", test_gemm_trans_b_column_bias);
  g_test_add_func ("/ref/gemm/bad-bias", test_gemm_bad_bias);
  g_test_add_func ("/ref/matmul/vectors", test_matmul_vectors);
  g_test_add_func ("/ref/matmul/batch-broadcast", test_matmul_batch_broadcast);
  g_test_add_func ("/ref/matmul/inner-mismatch", test_matmul_inner_mismatch);
  g_test_add_func ("/ref/matmul-integer/zero-points", test_matmul_integer);
  return g_test_run ();
}
