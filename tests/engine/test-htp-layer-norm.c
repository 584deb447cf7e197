/* test-htp-layer-norm.c — the htp integer LayerNormalization against the
 * f32 reference.
 *
 * Its extra error, on top of the half output step (htp-case.h): the mean is
 * kept to 2^-5 of an input step and the normalized value n to 2^-12; the
 * integer square root is exact to 2^-12 of σ.  With rows whose spread is at
 * least a few input steps (σ >= 4 steps here), |Δn| <= 2^-5 / 4 + 2^-11 <
 * 2^-6, so |Δy| <= 2^-6 · max |gamma|. */
#include "htp-case.h"

#include <math.h>

static void
test_layer_norm_random (void)
{
  GRand *rand = g_rand_new_with_seed (77);

  for (int iter = 0; iter < 40; iter++)
    {
      int64_t  C = g_rand_int_range (rand, 8, 200), dims[2] = { g_rand_int_range (rand, 1, 5), C };
      float    eps = iter % 2 ? 1e-5f : 1e-2f;
      bool     with_beta = iter % 3 != 0;
      double   max_gamma = 0;
      qt       x, g, b, y;
      ref_case c;
      float   *ref;
      lt_error err;

      qt_activation (&x, rand, random_activation_dtype (rand), 2, dims, -g_rand_double_range (rand, 0.5, 4), g_rand_double_range (rand, 0.5, 4));
      qt_weights (&g, rand, 8, 1, &C, 0, g_rand_boolean (rand) ? C : 1);
      for (int64_t i = 0; i < C; i++)
        max_gamma = MAX (max_gamma, fabs (g.real[i]));
      ref_case_init (&c, "LayerNormalization", 17);
      ref_case_attr_float (&c, "epsilon", eps);
      ref_case_input (&c, LT_DTYPE_F32, 2, dims, x.real);
      ref_case_input (&c, LT_DTYPE_F32, 1, &C, g.real);
      if (with_beta)
        {
          /* beta in scale 2^-12 · gamma_scale[i] */
          qt_bias (&b, rand, C, 0x1p-12, &g);
          ref_case_input (&c, LT_DTYPE_F32, 1, &C, b.real);
        }
      ref_case_output (&c, LT_DTYPE_F32, 2, dims);
      ref = run_reference (&c);
      qt_output_for (&y, random_activation_dtype (rand), 2, dims, ref, 1.0);
      g_assert_cmpint (lt_htp_layer_norm (&x.t, &g.t, with_beta ? &b.t : NULL, eps, &y.t, &err), ==, LT_OK);
      assert_within_bound_plus (&y, ref, 0x1p-6 * max_gamma);
      g_free (ref);
      qt_clear (&x);
      qt_clear (&g);
      qt_clear (&y);
      if (with_beta)
        qt_clear (&b);
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/layer-norm/random", test_layer_norm_random);
  return g_test_run ();
}
