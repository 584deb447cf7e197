/* test-ref-resize.c — reference Resize, Upsample and Einsum on hand-checked cases. */
#include "ref-harness.h"

/* Resizes a 1-D signal given `scale`; returns the case for inspection. */
static void
run_resize (ref_case    *c,
            const char  *mode,
            const char  *coord,
            const char  *nearest,
            const float *x,
            int64_t      in_len,
            float        scale,
            int64_t      out_len)
{
  int64_t xd[1] = { in_len }, sd[1] = { 1 }, yd[1] = { out_len };
  float   scales[1] = { scale };

  ref_case_init (c, "Resize", 13);
  ref_case_attr_string (c, "mode", mode);
  ref_case_attr_string (c, "coordinate_transformation_mode", coord);
  if (nearest)
    ref_case_attr_string (c, "nearest_mode", nearest);
  ref_case_input (c, LT_DTYPE_F32, 1, xd, x);
  ref_case_input (c, LT_DTYPE_UNDEFINED, 0, NULL, NULL);
  ref_case_input (c, LT_DTYPE_F32, 1, sd, scales);
  ref_case_output (c, LT_DTYPE_F32, 1, yd);
  g_assert_cmpint (ref_case_run (c, lt_cpu_reference_kernel (LT_OP_Resize)), ==, LT_OK);
}

static void
test_resize_nearest (void)
{
  static const float x[2] = { 1, 2 };
  /* asymmetric: sources 0, 0.5, 1, 1.5 */
  static const float prefer_floor[4] = { 1, 1, 2, 2 }, prefer_ceil[4] = { 1, 2, 2, 2 };
  ref_case           c;

  run_resize (&c, "nearest", "asymmetric", "round_prefer_floor", x, 2, 2, 4);
  ref_assert_floats (c.outputs[0].data, prefer_floor, 4, 0, 0);
  ref_case_clear (&c);
  run_resize (&c, "nearest", "asymmetric", "round_prefer_ceil", x, 2, 2, 4);
  ref_assert_floats (c.outputs[0].data, prefer_ceil, 4, 0, 0);
  ref_case_clear (&c);
}

static void
test_resize_linear (void)
{
  static const float x[2] = { 0, 10 };
  /* half_pixel sources -0.25, 0.25, 0.75, 1.25, clamped at the edges */
  static const float half_pixel[4] = { 0, 2.5f, 7.5f, 10 };
  static const float corners[3] = { 0, 5, 10 };
  ref_case           c;

  run_resize (&c, "linear", "half_pixel", NULL, x, 2, 2, 4);
  ref_assert_floats (c.outputs[0].data, half_pixel, 4, 1e-6, 0);
  ref_case_clear (&c);
  run_resize (&c, "linear", "align_corners", NULL, x, 2, 1.5f, 3);
  ref_assert_floats (c.outputs[0].data, corners, 3, 1e-6, 0);
  ref_case_clear (&c);
}

static void
test_resize_cubic (void)
{
  static const float x[4] = { 0, 1, 4, 9 };
  ref_case           c;
  const float       *y;

  /* source 1.5: weights -0.09375, 0.59375, 0.59375, -0.09375 (A = -0.75) */
  run_resize (&c, "cubic", "asymmetric", NULL, x, 4, 2, 8);
  y = c.outputs[0].data;
  g_assert_cmpfloat_with_epsilon (y[2], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (y[3], 2.125, 1e-6);
  ref_case_clear (&c);
}

static void
test_resize_bad_mode (void)
{
  ref_case c;
  int64_t  xd[1] = { 2 };
  float    x[2] = { 0 };

  ref_case_init (&c, "Resize", 13);
  ref_case_attr_string (&c, "mode", "bilinear");
  ref_case_input (&c, LT_DTYPE_F32, 1, xd, x);
  ref_case_output (&c, LT_DTYPE_F32, 1, xd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Resize)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "mode"));
  ref_case_clear (&c);
}

static void
test_upsample (void)
{
  ref_case c;
  int64_t  xd[2] = { 1, 2 }, yd[2] = { 1, 6 }, sd[1] = { 2 };
  float    x[2] = { 1, 2 }, scales[2] = { 1, 3 }, want[6] = { 1, 1, 1, 2, 2, 2 };

  ref_case_init (&c, "Upsample", 9);
  ref_case_input (&c, LT_DTYPE_F32, 2, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 1, sd, scales);
  ref_case_output (&c, LT_DTYPE_F32, 2, yd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Upsample)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want, 6, 0, 0);
  ref_case_clear (&c);
}

static lt_status
run_einsum (const char    *equation,
            const int64_t *a_dims,
            int32_t        a_rank,
            const float   *a,
            const int64_t *b_dims,
            int32_t        b_rank,
            const float   *b,
            const int64_t *y_dims,
            int32_t        y_rank,
            const float   *want)
{
  ref_case  c;
  lt_status st;

  ref_case_init (&c, "Einsum", 12);
  ref_case_attr_string (&c, "equation", equation);
  ref_case_input (&c, LT_DTYPE_F32, a_rank, a_dims, a);
  if (b)
    ref_case_input (&c, LT_DTYPE_F32, b_rank, b_dims, b);
  ref_case_output (&c, LT_DTYPE_F32, y_rank, y_dims);
  st = ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_Einsum));
  if (st == LT_OK)
    ref_assert_floats (c.outputs[0].data, want, c.outputs[0].count, 0, 0);
  ref_case_clear (&c);
  return st;
}

static void
test_einsum (void)
{
  static const float   m22[4] = { 1, 2, 3, 4 }, v2[2] = { 5, 6 };
  static const float   transposed[4] = { 1, 3, 2, 4 }, diagonal[2] = { 1, 4 }, trace[1] = { 5 };
  static const float   product[4] = { 7, 10, 15, 22 }, matvec[2] = { 17, 39 }, dot[1] = { 61 };
  static const int64_t d22[2] = { 2, 2 }, d2[1] = { 2 }, d122[3] = { 1, 2, 2 };

  g_assert_cmpint (run_einsum ("ij->ji", d22, 2, m22, NULL, 0, NULL, d22, 2, transposed), ==, LT_OK);
  g_assert_cmpint (run_einsum ("ii->i", d22, 2, m22, NULL, 0, NULL, d2, 1, diagonal), ==, LT_OK);
  g_assert_cmpint (run_einsum ("ii", d22, 2, m22, NULL, 0, NULL, NULL, 0, trace), ==, LT_OK);
  /* implicit output: the letters used once, in order */
  g_assert_cmpint (run_einsum ("ij,jk", d22, 2, m22, d22, 2, m22, d22, 2, product), ==, LT_OK);
  g_assert_cmpint (run_einsum ("...ij,...j->...i", d122, 3, m22, d2, 1, v2, (const int64_t[]){ 1, 2 }, 2, matvec),
                   ==, LT_OK);
  g_assert_cmpint (run_einsum ("i,i->", d2, 1, v2, d2, 1, v2, NULL, 0, dot), ==, LT_OK);
  g_assert_cmpint (run_einsum ("i,i,i->i", d2, 1, v2, d2, 1, v2, d2, 1, v2), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpint (run_einsum ("i1->i", d22, 2, m22, NULL, 0, NULL, d2, 1, diagonal), ==, LT_ERR_INVALID_MODEL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/resize/nearest", test_resize_nearest);
  g_test_add_func ("/ref/resize/linear", test_resize_linear);
  g_test_add_func ("/ref/resize/cubic", test_resize_cubic);
  g_test_add_func ("/ref/resize/bad-mode", test_resize_bad_mode);
  g_test_add_func ("/ref/resize/upsample", test_upsample);
  g_test_add_func ("/ref/einsum/forms", test_einsum);
  return g_test_run ();
}
