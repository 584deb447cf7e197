/* test-htp-requant.c — the htp backend's fixed-point requantization against
 * exact and double-precision models, on edge cases and a fixed-seed sweep. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "backends/htp/requant.h"

/* Ratios that stress the split: powers of two, values next to them, the
 * extremes of the accepted range, and a few ordinary scale ratios. */
static const double edge_ratios[] = {
  0x1p-32,
  0x1.8p-32,
  0x1p-20,
  1e-6,
  0.0007843,
  0.00392157,
  0.1,
  0.25,
  0.5,
  0.49999999999,
  0.50000000001,
  0.75,
  0.9999999999,
  1.0,
  1.0000000001,
  1.5,
  2.0,
  3.0,
  255.0,
  65535.0,
  0x1p20,
  0x1.fffffffcp30,
  0x1p30,
};

static const int64_t edge_accs[] = {
  0,
  1,
  -1,
  2,
  -2,
  3,
  -3,
  127,
  -128,
  255,
  32767,
  -32768,
  65535,
  1 << 20,
  -(1 << 20),
  0x3fffffff,
  -0x40000000,
  INT32_MAX,
  INT32_MIN,
  INT32_MAX - 1,
  INT32_MIN + 1,
};

/* The exact value the integer path must give: acc · m / 2^s rounded half
 * away from zero, computed with 64-bit-mantissa long doubles (|acc · m| <
 * 2^62 is exact there, a division by a power of two too). */
static int64_t
exact_model (lt_requant rq,
             int64_t    acc)
{
  long double v = (long double) acc * rq.multiplier;

  v = ldexpl (v, -rq.shift);
  v = roundl (v); /* half away from zero */
  if (v > INT32_MAX)
    return INT32_MAX;
  if (v < INT32_MIN)
    return INT32_MIN;
  return (int64_t) v;
}

static void
check_split (double ratio)
{
  lt_requant rq;
  lt_error   err;

  g_assert_cmpint (lt_requant_from_ratio (ratio, &rq, "t", &err), ==, LT_OK);
  g_assert_cmpint (rq.multiplier, >=, 1 << 30);
  g_assert_cmpint (rq.shift, >=, 0);
  g_assert_cmpint (rq.shift, <=, 62);
  /* The multiplier is the mantissa rounded to 31 bits: relative error at
   * most 2^-31. */
  g_assert_cmpfloat (fabs (ldexp (rq.multiplier, -rq.shift) - ratio), <=, ratio * 0x1p-31);
}

static void
check_against_models (double  ratio,
                      int64_t acc)
{
  lt_requant rq;
  int32_t    got;
  double     real;

  g_assert_cmpint (lt_requant_from_ratio (ratio, &rq, "t", NULL), ==, LT_OK);
  got = lt_requant_apply (rq, acc);
  g_assert_cmpint (got, ==, exact_model (rq, acc));
  /* Against the real product: the rounding's 0.5 plus the multiplier's
   * error |acc| · ratio · 2^-31, unless the result saturated. */
  real = (double) acc * ratio;
  if (fabs (real) < 2147483000.0)
    g_assert_cmpfloat (fabs (got - real), <=, 0.5 + fabs (real) * 0x1p-31 + 1e-9);
}

static void
test_split_edges (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (edge_ratios); i++)
    check_split (edge_ratios[i]);
}

static void
test_split_sweep (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (int i = 0; i < 100000; i++)
    check_split (exp2 (g_rand_double_range (rand, -32, 30.99)));
  g_rand_free (rand);
}

static void
test_split_refused (void)
{
  const double bad[] = { -1e-9, -1.0, NAN, INFINITY, 0x1p31, 1e12, 0x1.ffffffffcp30 };
  lt_requant   rq;
  lt_error     err;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      lt_error_clear (&err);
      g_assert_cmpint (lt_requant_from_ratio (bad[i], &rq, "conv.weight", &err), ==, LT_ERR_UNSUPPORTED);
      g_assert_cmpstr (err.subject, ==, "conv.weight");
      g_assert_nonnull (strstr (err.message, "fixed-point multiplier"));
    }
}

static void
test_tiny_ratio_is_zero (void)
{
  lt_requant rq;

  g_assert_cmpint (lt_requant_from_ratio (0x1p-33, &rq, "t", NULL), ==, LT_OK);
  g_assert_cmpint (lt_requant_from_ratio (0.0, &rq, "t", NULL), ==, LT_OK);
  g_assert_cmpint (rq.multiplier, ==, 0);
  g_assert_cmpint (lt_requant_apply (rq, INT32_MAX), ==, 0);
  g_assert_cmpint (lt_requant_apply (rq, INT32_MIN), ==, 0);
}

static void
test_apply_edges (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (edge_ratios); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (edge_accs); j++)
      check_against_models (edge_ratios[i], edge_accs[j]);
}

static void
test_apply_sweep (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (int i = 0; i < 200000; i++)
    {
      double  ratio = exp2 (g_rand_double_range (rand, -32, 8));
      int64_t acc = (int64_t) g_rand_int_range (rand, INT32_MIN, INT32_MAX) >> g_rand_int_range (rand, 0, 31);
      check_against_models (ratio, acc);
    }
  g_rand_free (rand);
}

/* Exact halves round away from zero; ratio 0.5 is m = 2^30, s = 31. */
static void
test_apply_ties (void)
{
  lt_requant rq;

  g_assert_cmpint (lt_requant_from_ratio (0.5, &rq, "t", NULL), ==, LT_OK);
  g_assert_cmpint (rq.multiplier, ==, 1 << 30);
  g_assert_cmpint (rq.shift, ==, 31);
  g_assert_cmpint (lt_requant_apply (rq, 1), ==, 1);
  g_assert_cmpint (lt_requant_apply (rq, -1), ==, -1);
  g_assert_cmpint (lt_requant_apply (rq, 3), ==, 2);
  g_assert_cmpint (lt_requant_apply (rq, -3), ==, -2);
  g_assert_cmpint (lt_requant_apply (rq, 4), ==, 2);
  g_assert_cmpint (lt_requant_from_ratio (0.25, &rq, "t", NULL), ==, LT_OK);
  g_assert_cmpint (lt_requant_apply (rq, 5), ==, 1); /* 1.25 */
  g_assert_cmpint (lt_requant_apply (rq, 6), ==, 2); /* 1.5 */
  g_assert_cmpint (lt_requant_apply (rq, -6), ==, -2);
  g_assert_cmpint (lt_requant_apply (rq, 7), ==, 2); /* 1.75 */
}

/* Accumulators beyond int32 saturate first; results beyond int32 too. */
static void
test_apply_saturation (void)
{
  lt_requant rq;

  g_assert_cmpint (lt_requant_from_ratio (1.0, &rq, "t", NULL), ==, LT_OK);
  g_assert_cmpint (lt_requant_apply (rq, (int64_t) 1 << 40), ==, INT32_MAX);
  g_assert_cmpint (lt_requant_apply (rq, -((int64_t) 1 << 40)), ==, INT32_MIN);
  g_assert_cmpint (lt_requant_from_ratio (3.0, &rq, "t", NULL), ==, LT_OK);
  g_assert_cmpint (lt_requant_apply (rq, 1 << 30), ==, INT32_MAX);
  g_assert_cmpint (lt_requant_apply (rq, -(1 << 30)), ==, INT32_MIN);
  g_assert_cmpint (lt_requant_apply (rq, 1000), ==, 3000);
}

static void
test_round_shift (void)
{
  g_assert_cmpint (lt_requant_round_shift (0, 5), ==, 0);
  g_assert_cmpint (lt_requant_round_shift (7, 0), ==, 7);
  g_assert_cmpint (lt_requant_round_shift (8, 4), ==, 1); /* 0.5 */
  g_assert_cmpint (lt_requant_round_shift (-8, 4), ==, -1);
  g_assert_cmpint (lt_requant_round_shift (7, 4), ==, 0);
  g_assert_cmpint (lt_requant_round_shift (-7, 4), ==, 0);
  g_assert_cmpint (lt_requant_round_shift (24, 4), ==, 2); /* 1.5 */
  g_assert_cmpint (lt_requant_round_shift (INT64_MAX, 62), ==, 2);
  g_assert_cmpint (lt_requant_round_shift (INT64_MIN + 1, 62), ==, -2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/requant/split-edges", test_split_edges);
  g_test_add_func ("/htp/requant/split-sweep", test_split_sweep);
  g_test_add_func ("/htp/requant/split-refused", test_split_refused);
  g_test_add_func ("/htp/requant/tiny-ratio", test_tiny_ratio_is_zero);
  g_test_add_func ("/htp/requant/apply-edges", test_apply_edges);
  g_test_add_func ("/htp/requant/apply-sweep", test_apply_sweep);
  g_test_add_func ("/htp/requant/apply-ties", test_apply_ties);
  g_test_add_func ("/htp/requant/apply-saturation", test_apply_saturation);
  g_test_add_func ("/htp/requant/round-shift", test_round_shift);
  return g_test_run ();
}
