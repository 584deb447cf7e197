/* test-ref-reduce.c — reference reductions, ArgMax/ArgMin, CumSum and TopK
 * on hand-checked cases. */
#include "ref-harness.h"

#include <math.h>

/* [[1, -2, 3], [4, 5, -6]] */
static const float m23[6] = { 1, -2, 3, 4, 5, -6 };

static void
run_reduce (const char    *op,
            int64_t        opset,
            const int64_t *axes,
            int            n_axes,
            bool           keepdims,
            const float   *want,
            int32_t        out_rank,
            const int64_t *out_dims)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, ad[1] = { n_axes };
  uint64_t count = 1;
  bool     axes_input = opset >= (g_str_equal (op, "ReduceSum") ? 13 : 18);

  ref_case_init (&c, op, opset);
  ref_case_attr_int (&c, "keepdims", keepdims);
  if (axes && !axes_input)
    ref_case_attr_ints (&c, "axes", n_axes, axes);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  if (axes && axes_input)
    ref_case_input (&c, LT_DTYPE_I64, 1, ad, axes);
  ref_case_output (&c, LT_DTYPE_F32, out_rank, out_dims);
  for (int32_t i = 0; i < out_rank; i++)
    count *= (uint64_t) out_dims[i];
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (lt_op_lookup ("", op))), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, count, 1e-6, 0);
  ref_case_clear (&c);
}

static void
test_reduce_kinds (void)
{
  static const int64_t rows[1] = { 1 }, cols[1] = { 0 }, d2[1] = { 2 }, d3[1] = { 3 }, d21[2] = { 2, 1 };
  static const float   sum_rows[2] = { 2, 3 }, sum_cols[3] = { 5, 3, -3 };
  static const float   l1[2] = { 6, 15 }, sq[2] = { 14, 77 }, max[2] = { 3, 5 }, min[2] = { -2, -6 };
  static const float   prod[2] = { -6, -120 }, mean[2] = { 2.0f / 3, 1 };
  float                l2[2] = { sqrtf (14), sqrtf (77) };
  float                lse[2] = { logf (expf (1) + expf (-2) + expf (3)), logf (expf (4) + expf (5) + expf (-6)) };
  static const float   all[1] = { 5 };

  run_reduce ("ReduceSum", 11, rows, 1, false, sum_rows, 1, d2);
  run_reduce ("ReduceSum", 13, cols, 1, false, sum_cols, 1, d3);
  run_reduce ("ReduceSum", 13, rows, 1, true, sum_rows, 2, d21);
  run_reduce ("ReduceSum", 13, NULL, 0, false, all, 0, NULL);
  run_reduce ("ReduceL1", 13, rows, 1, false, l1, 1, d2);
  run_reduce ("ReduceL2", 13, rows, 1, false, l2, 1, d2);
  run_reduce ("ReduceSumSquare", 13, rows, 1, false, sq, 1, d2);
  run_reduce ("ReduceLogSumExp", 13, rows, 1, false, lse, 1, d2);
  run_reduce ("ReduceMax", 18, rows, 1, false, max, 1, d2);
  run_reduce ("ReduceMin", 13, rows, 1, false, min, 1, d2);
  run_reduce ("ReduceProd", 13, rows, 1, false, prod, 1, d2);
  run_reduce ("ReduceMean", 13, rows, 1, false, mean, 1, d2);
}

static void
test_reduce_noop_and_bad_axes (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, bad[1] = { 2 }, ad[1] = { 1 };

  /* noop_with_empty_axes and no axes: the input unchanged */
  ref_case_init (&c, "ReduceSum", 13);
  ref_case_attr_int (&c, "noop_with_empty_axes", 1);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ReduceSum)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, m23, 6, 0, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "ReduceMax", 13);
  ref_case_attr_ints (&c, "axes", 1, bad);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ReduceMax)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "out of range"));
  ref_case_clear (&c);

  /* axes given as data are checked in run */
  ref_case_init (&c, "ReduceSum", 13);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 1, ad, bad);
  ref_case_output (&c, LT_DTYPE_F32, 1, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ReduceSum)), ==, LT_ERR_RUNTIME);
  ref_case_clear (&c);
}

static void
run_arg (const char    *op,
         bool           select_last,
         const int64_t *want)
{
  ref_case       c;
  int64_t        xd[2] = { 2, 3 }, yd[2] = { 2, 1 };
  float          x[6] = { 1, 7, 7, 0, 0, -1 };
  const int64_t *y;

  ref_case_init (&c, op, 13);
  ref_case_attr_int (&c, "axis", 1);
  ref_case_attr_int (&c, "select_last_index", select_last);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, x);
  ref_case_output (&c, LT_DTYPE_I64, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (lt_op_lookup ("", op))), ==, LT_OK);
  y = c.outputs[0].data;
  g_assert_cmpint (y[0], ==, want[0]);
  g_assert_cmpint (y[1], ==, want[1]);
  ref_case_clear (&c);
}

static void
test_arg_max_min (void)
{
  static const int64_t max_first[2] = { 1, 0 }, max_last[2] = { 2, 1 };
  static const int64_t min_first[2] = { 0, 2 }, min_last[2] = { 0, 2 };

  run_arg ("ArgMax", false, max_first);
  run_arg ("ArgMax", true, max_last);
  run_arg ("ArgMin", false, min_first);
  run_arg ("ArgMin", true, min_last);
}

static void
run_cumsum (bool         exclusive,
            bool         reverse,
            const float *want)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, ad[1] = { 1 }, axis[1] = { -1 };

  ref_case_init (&c, "CumSum", 14);
  ref_case_attr_int (&c, "exclusive", exclusive);
  ref_case_attr_int (&c, "reverse", reverse);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 1, ad, axis);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_CumSum)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 6, 0, 0);
  ref_case_clear (&c);
}

static void
test_cumsum (void)
{
  static const float plain[6] = { 1, -1, 2, 4, 9, 3 };
  static const float excl[6] = { 0, 1, -1, 0, 4, 9 };
  static const float rev[6] = { 2, 1, 3, 3, -1, -6 };
  static const float excl_rev[6] = { 1, 3, 0, -1, -6, 0 };

  run_cumsum (false, false, plain);
  run_cumsum (true, false, excl);
  run_cumsum (false, true, rev);
  run_cumsum (true, true, excl_rev);
}

static void
run_topk (bool           largest,
          int64_t        k,
          const float   *want,
          const int64_t *want_idx,
          lt_status      expect)
{
  ref_case       c;
  int64_t        xd[1] = { 5 }, kd[1] = { 1 }, yd[1] = { k };
  float          x[5] = { 3, 9, 3, 1, 9 };
  const int64_t *idx;

  ref_case_init (&c, "TopK", 11);
  ref_case_attr_int (&c, "largest", largest);
  ref_case_input (&c, LT_DTYPE_F32, 1, xd, x);
  ref_case_input (&c, LT_DTYPE_I64, 1, kd, &k);
  ref_case_output (&c, LT_DTYPE_F32, 1, yd);
  ref_case_output (&c, LT_DTYPE_I64, 1, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_TopK)), ==, expect);
  if (expect == LT_OK)
    {
      ref_assert_floats (c.outputs[0].data, want, (size_t) k, 0, 0);
      idx = c.outputs[1].data;
      for (int64_t i = 0; i < k; i++)
        g_assert_cmpint (idx[i], ==, want_idx[i]);
    }
  ref_case_clear (&c);
}

static void
test_topk (void)
{
  /* ties go to the lower index */
  static const float   top3[3] = { 9, 9, 3 }, bottom3[3] = { 1, 3, 3 };
  static const int64_t top3_idx[3] = { 1, 4, 0 }, bottom3_idx[3] = { 3, 0, 2 };

  run_topk (true, 3, top3, top3_idx, LT_OK);
  run_topk (false, 3, bottom3, bottom3_idx, LT_OK);
  /* K larger than the axis is a data error, not an overrun */
  run_topk (true, 6, NULL, NULL, LT_ERR_RUNTIME);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/reduce/kinds", test_reduce_kinds);
  g_test_add_func ("/ref/reduce/noop-and-bad-axes", test_reduce_noop_and_bad_axes);
  g_test_add_func ("/ref/reduce/arg-max-min", test_arg_max_min);
  g_test_add_func ("/ref/scan/cumsum", test_cumsum);
  g_test_add_func ("/ref/scan/topk", test_topk);
  return g_test_run ();
}
