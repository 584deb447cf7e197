/* test-htp-resize.c — the htp integer Resize against the f32 reference.
 *
 * Nearest runs on exact ratios (2× up and down), where the source index
 * has no rounding to disagree on.  Bilinear's extra error over the half
 * output step (htp-case.h): the Q16 source coordinate is off by at most
 * 2^-17, which moves the value by at most 2^-17 of the input's range, and
 * the Q8 sum by 2^-9 of an input step: extra 2^-8 · x_scale + 2^-15 · range. */
#include "htp-case.h"

static void
run_case (GRand               *rand,
          lt_htp_resize_mode   mode,
          lt_htp_resize_coords coords,
          const int64_t       *xd,
          const int64_t       *yd)
{
  static const char *coord_names[] = { "half_pixel", "asymmetric", "align_corners" };
  int64_t            four = 4;
  qt                 x, y;
  ref_case           c;
  float             *ref;
  lt_error           err;
  double             lo = -g_rand_double_range (rand, 0, 2), hi = g_rand_double_range (rand, 0.5, 2);

  qt_activation (&x, rand, random_activation_dtype (rand), 4, xd, lo, hi);
  ref_case_init (&c, "Resize", 19);
  ref_case_attr_string (&c, "mode", mode == LT_HTP_RESIZE_LINEAR ? "linear" : "nearest");
  ref_case_attr_string (&c, "coordinate_transformation_mode", coord_names[coords]);
  ref_case_attr_string (&c, "nearest_mode", mode == LT_HTP_RESIZE_NEAREST_FLOOR ? "floor" : "round_prefer_floor");
  ref_case_input (&c, LT_DTYPE_F32, 4, xd, x.real);
  ref_case_input (&c, LT_DTYPE_UNDEFINED, 0, NULL, NULL);
  ref_case_input (&c, LT_DTYPE_UNDEFINED, 0, NULL, NULL);
  ref_case_input (&c, LT_DTYPE_I64, 1, &four, yd);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  ref = run_reference (&c);
  qt_output_for (&y, random_activation_dtype (rand), 4, yd, ref, 1.0);
  g_assert_cmpint (lt_htp_resize (&x.t, mode, coords, &y.t, &err), ==, LT_OK);
  assert_within_bound_plus (&y, ref, 0x1p-8 * x.scale[0] + 0x1p-15 * (hi - lo));
  g_free (ref);
  qt_clear (&x);
  qt_clear (&y);
}

static void
test_resize_nearest (void)
{
  GRand  *rand = g_rand_new_with_seed (90);
  int64_t small[4] = { 1, 2, 3, 4 }, big[4] = { 1, 2, 6, 8 };

  for (int coords = 0; coords < 2; coords++)
    {
      run_case (rand, LT_HTP_RESIZE_NEAREST_FLOOR, coords, small, big);
      run_case (rand, LT_HTP_RESIZE_NEAREST_FLOOR, coords, big, small);
      run_case (rand, LT_HTP_RESIZE_NEAREST_ROUND_PREFER_FLOOR, coords, small, big);
    }
  g_rand_free (rand);
}

static void
test_resize_linear (void)
{
  GRand *rand = g_rand_new_with_seed (91);

  for (int iter = 0; iter < 30; iter++)
    {
      int64_t xd[4] = { g_rand_int_range (rand, 1, 3), g_rand_int_range (rand, 1, 4), g_rand_int_range (rand, 1, 9), g_rand_int_range (rand, 1, 9) };
      int64_t yd[4] = { xd[0], xd[1], g_rand_int_range (rand, 1, 17), g_rand_int_range (rand, 1, 17) };
      run_case (rand, LT_HTP_RESIZE_LINEAR, iter % 3, xd, yd);
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/resize/nearest", test_resize_nearest);
  g_test_add_func ("/htp/resize/linear", test_resize_linear);
  return g_test_run ();
}
