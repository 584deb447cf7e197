/* test-htp-softmax.c — the htp integer Softmax against the f32 reference.
 *
 * Its extra error, on top of the half output step (htp-case.h): each exp
 * entry is rounded to 2^-16 of the row maximum's 2^15, so relative to a sum
 * of at least 2^15 a probability moves by at most 2^-16 · (1 + p) ≤ 2^-15;
 * the reciprocal's rounding is relative 2^-32, and the Q16 probability's
 * rounding 2^-17.  Extra bound: 2^-14. */
#include "htp-case.h"

static void
test_softmax_random (void)
{
  GRand *rand = g_rand_new_with_seed (55);

  for (int iter = 0; iter < 40; iter++)
    {
      int64_t         dims[2] = { g_rand_int_range (rand, 1, 6), g_rand_int_range (rand, 1, 300) };
      qt              x, y;
      ref_case        c;
      float          *ref;
      lt_htp_softmax *sm;
      lt_error        err;

      qt_activation (&x, rand, random_activation_dtype (rand), 2, dims, -g_rand_double_range (rand, 0.5, 12), g_rand_double_range (rand, 0.5, 12));
      ref_case_init (&c, "Softmax", 13);
      ref_case_input (&c, LT_DTYPE_F32, 2, dims, x.real);
      ref_case_output (&c, LT_DTYPE_F32, 2, dims);
      ref = run_reference (&c);
      /* Probabilities on [0, 1] in 8 or 16 bits. */
      qt_activation (&y, NULL, random_activation_dtype (rand), 2, dims, 0, 1);
      g_assert_cmpint (lt_htp_softmax_new (&x.t, &y.t, &sm, &err), ==, LT_OK);
      g_assert_cmpint (lt_htp_softmax_apply (sm, &x.t, &y.t, &err), ==, LT_OK);
      assert_within_bound_plus (&y, ref, 0x1p-14);
      lt_htp_softmax_free (sm);
      g_free (ref);
      qt_clear (&x);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

/* Equal inputs give equal shares; the maximum dominates a wide gap. */
static void
test_softmax_by_hand (void)
{
  int64_t         n = 4;
  qt              x, y;
  lt_htp_softmax *sm;

  qt_activation (&x, NULL, LT_DTYPE_U8, 1, &n, -10, 10);
  qt_activation (&y, NULL, LT_DTYPE_U16, 1, &n, 0, 1);
  g_assert_cmpint (lt_htp_softmax_new (&x.t, &y.t, &sm, NULL), ==, LT_OK);
  g_assert_cmpint (lt_htp_softmax_apply (sm, &x.t, &y.t, NULL), ==, LT_OK);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (qt_get (&y, i), ==, 16384); /* 0.25 · 65535 = 16383.75 */
  ((uint8_t *) x.t.data)[2] = 255;
  g_assert_cmpint (lt_htp_softmax_apply (sm, &x.t, &y.t, NULL), ==, LT_OK);
  g_assert_cmpint (qt_get (&y, 2), ==, 65535);
  g_assert_cmpint (qt_get (&y, 0), ==, 0);
  lt_htp_softmax_free (sm);
  qt_clear (&x);
  qt_clear (&y);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/softmax/by-hand", test_softmax_by_hand);
  g_test_add_func ("/htp/softmax/random", test_softmax_random);
  return g_test_run ();
}
