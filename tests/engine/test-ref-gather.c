/* test-ref-gather.c — reference gathers, scatters, layout and generator ops
 * on hand-checked cases, and index errors that must not touch memory. */
#include "ref-harness.h"

/* [[1, 2, 3], [4, 5, 6]] */
static const float m23[6] = { 1, 2, 3, 4, 5, 6 };

static void
test_gather_elements (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, id[2] = { 2, 2 };
  int64_t  idx[4] = { 2, 0, -1, 1 }, bad[4] = { 0, 3, 0, 0 };
  float    want[4] = { 3, 1, 6, 5 }; /* per row, along axis 1 */

  ref_case_init (&c, "GatherElements", 13);
  ref_case_attr_int (&c, "axis", 1);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, idx);
  ref_case_output (&c, LT_DTYPE_F32, 2, id);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GatherElements)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 4, 0, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "GatherElements", 13);
  ref_case_attr_int (&c, "axis", 1);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, bad);
  ref_case_output (&c, LT_DTYPE_F32, 2, id);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GatherElements)), ==, LT_ERR_RUNTIME);
  g_assert_nonnull (strstr (c.err.message, "out of range"));
  ref_case_clear (&c);
}

static void
test_gather_nd_batch (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, id[2] = { 2, 1 }, yd[1] = { 2 };
  int64_t  idx[2] = { 2, 0 };
  float    want[2] = { 3, 4 }; /* batch 0 picks [0][2], batch 1 picks [1][0] */

  ref_case_init (&c, "GatherND", 12);
  ref_case_attr_int (&c, "batch_dims", 1);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, idx);
  ref_case_output (&c, LT_DTYPE_F32, 1, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GatherND)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 2, 0, 0);
  ref_case_clear (&c);
}

static void
run_scatter_nd (const char  *reduction,
                const float *want)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, id[2] = { 2, 1 }, ud[2] = { 2, 3 };
  int64_t  idx[2] = { 1, 1 }; /* row 1 twice */
  float    updates[6] = { 1, 1, 1, 2, 2, 2 };

  ref_case_init (&c, "ScatterND", 18);
  ref_case_attr_string (&c, "reduction", reduction);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, idx);
  ref_case_input (&c, LT_DTYPE_F32, 2, ud, updates);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ScatterND)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 6, 0, 0);
  ref_case_clear (&c);
}

static void
test_scatter_nd_reductions (void)
{
  static const float add[6] = { 1, 2, 3, 7, 8, 9 }, mul[6] = { 1, 2, 3, 8, 10, 12 };

  run_scatter_nd ("add", add);
  run_scatter_nd ("mul", mul);
}

static void
test_scatter_elements (void)
{
  ref_case c;
  int64_t  xd[2] = { 2, 3 }, id[2] = { 1, 2 }, idx[2] = { 1, 0 }, bad[2] = { -3, 0 };
  float    updates[2] = { 10, 20 }, want[6] = { 1, 20, 3, 10, 5, 6 };

  /* axis 0: updates[0][j] goes to row idx[j] of column j */
  ref_case_init (&c, "ScatterElements", 16);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, idx);
  ref_case_input (&c, LT_DTYPE_F32, 2, id, updates);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ScatterElements)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 6, 0, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "ScatterElements", 16);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, bad);
  ref_case_input (&c, LT_DTYPE_F32, 2, id, updates);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ScatterElements)), ==, LT_ERR_RUNTIME);
  ref_case_clear (&c);

  ref_case_init (&c, "ScatterElements", 16);
  ref_case_attr_string (&c, "reduction", "avg");
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 2, id, idx);
  ref_case_input (&c, LT_DTYPE_F32, 2, id, updates);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_ScatterElements)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "reduction"));
  ref_case_clear (&c);
}

static void
run_depth_to_space (const char  *mode,
                    const float *want)
{
  ref_case c;
  int64_t  xd[4] = { 1, 8, 1, 1 }, yd[4] = { 1, 2, 2, 2 };
  float    x[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

  ref_case_init (&c, "DepthToSpace", 13);
  ref_case_attr_int (&c, "blocksize", 2);
  ref_case_attr_string (&c, "mode", mode);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_DepthToSpace)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 8, 0, 0);
  ref_case_clear (&c);
}

static void
test_depth_space (void)
{
  /* DCR: depth = block * C + c; CRD: depth = c * 4 + block */
  static const float dcr[8] = { 0, 2, 4, 6, 1, 3, 5, 7 };
  static const float crd[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
  ref_case           c;
  int64_t            xd[4] = { 1, 2, 2, 2 }, yd[4] = { 1, 8, 1, 1 };

  run_depth_to_space ("DCR", dcr);
  run_depth_to_space ("CRD", crd);
  /* SpaceToDepth undoes DepthToSpace in DCR */
  ref_case_init (&c, "SpaceToDepth", 13);
  ref_case_attr_int (&c, "blocksize", 2);
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, dcr);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_SpaceToDepth)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, crd, 8, 0, 0);
  ref_case_clear (&c);
}

static void
run_pad (const char  *mode,
         const float *want)
{
  ref_case c;
  int64_t  xd[1] = { 3 }, pd[1] = { 2 }, yd[1] = { 7 }, pads[2] = { 2, 2 };
  float    x[3] = { 1, 2, 3 }, value[1] = { 9 };

  ref_case_init (&c, "Pad", 18);
  ref_case_attr_string (&c, "mode", mode);
  ref_case_input (&c, LT_DTYPE_F32, 1, xd, x);
  ref_case_input (&c, LT_DTYPE_I64, 1, pd, pads);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, value);
  ref_case_output (&c, LT_DTYPE_F32, 1, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Pad)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 7, 0, 0);
  ref_case_clear (&c);
}

static void
test_pad_modes (void)
{
  static const float constant[7] = { 9, 9, 1, 2, 3, 9, 9 };
  static const float reflect[7] = { 3, 2, 1, 2, 3, 2, 1 };
  static const float edge[7] = { 1, 1, 1, 2, 3, 3, 3 };
  static const float wrap[7] = { 2, 3, 1, 2, 3, 1, 2 };

  run_pad ("constant", constant);
  run_pad ("reflect", reflect);
  run_pad ("edge", edge);
  run_pad ("wrap", wrap);
}

static void
test_pad_bad_pads (void)
{
  ref_case c;
  int64_t  xd[1] = { 3 }, pd[1] = { 2 }, yd[1] = { 3 };
  int64_t  pads[2] = { INT64_MIN, INT64_MAX }; /* each far beyond the extents */
  float    x[3] = { 1, 2, 3 };

  ref_case_init (&c, "Pad", 18);
  ref_case_input (&c, LT_DTYPE_F32, 1, xd, x);
  ref_case_input (&c, LT_DTYPE_I64, 1, pd, pads);
  ref_case_output (&c, LT_DTYPE_F32, 1, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Pad)), ==, LT_ERR_RUNTIME);
  g_assert_nonnull (strstr (c.err.message, "out of range"));
  ref_case_clear (&c);
}

static void
test_trilu_range_one_hot (void)
{
  ref_case       c;
  int64_t        xd[2] = { 2, 3 }, one[1] = { 1 }, k[1] = { 1 }, rd[1] = { 3 }, od[2] = { 2, 3 }, vd[1] = { 2 };
  float          upper_k1[6] = { 0, 2, 3, 0, 0, 6 };
  int32_t        start = 10, limit = 4, delta = -2;
  int64_t        indices[2] = { 2, -3 };
  float          depth = 3, values[2] = { 0, 5 }, hot[6] = { 0, 0, 5, 5, 0, 0 };
  const int32_t *r;

  ref_case_init (&c, "Trilu", 14);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, m23);
  ref_case_input (&c, LT_DTYPE_I64, 1, one, k);
  ref_case_output (&c, LT_DTYPE_F32, 2, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Trilu)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, upper_k1, 6, 0, 0);
  ref_case_clear (&c);

  ref_case_init (&c, "Range", 11);
  ref_case_input (&c, LT_DTYPE_I32, 0, NULL, &start);
  ref_case_input (&c, LT_DTYPE_I32, 0, NULL, &limit);
  ref_case_input (&c, LT_DTYPE_I32, 0, NULL, &delta);
  ref_case_output (&c, LT_DTYPE_I32, 1, rd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Range)), ==, LT_OK);
  r = c.outputs[0].data;
  g_assert_cmpint (r[0], ==, 10);
  g_assert_cmpint (r[1], ==, 8);
  g_assert_cmpint (r[2], ==, 6);
  ref_case_clear (&c);

  /* a negative index counts from depth: -3 + 3 = 0 */
  ref_case_init (&c, "OneHot", 11);
  ref_case_input (&c, LT_DTYPE_I64, 1, vd, indices);
  ref_case_input (&c, LT_DTYPE_F32, 0, NULL, &depth);
  ref_case_input (&c, LT_DTYPE_F32, 1, vd, values);
  ref_case_output (&c, LT_DTYPE_F32, 2, od);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_OneHot)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, hot, 6, 0, 0);
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/gather/elements", test_gather_elements);
  g_test_add_func ("/ref/gather/nd-batch", test_gather_nd_batch);
  g_test_add_func ("/ref/scatter/nd-reductions", test_scatter_nd_reductions);
  g_test_add_func ("/ref/scatter/elements", test_scatter_elements);
  g_test_add_func ("/ref/layout/depth-space", test_depth_space);
  g_test_add_func ("/ref/layout/pad-modes", test_pad_modes);
  g_test_add_func ("/ref/layout/pad-bad-pads", test_pad_bad_pads);
  g_test_add_func ("/ref/layout/trilu-range-one-hot", test_trilu_range_one_hot);
  return g_test_run ();
}
