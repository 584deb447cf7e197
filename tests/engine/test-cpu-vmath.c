/* test-cpu-vmath.c — the vectorized exp and erf of every ISA build against
 * the C library's double exp and erf: a dense sweep of inputs, the special
 * values (±0, ±inf, NaN, overflow and underflow edges), odd lengths that
 * leave a scalar tail, and the sum vexp returns. */
#include "backends/cpu/f32-vmath.h"

#include <float.h>
#include <glib.h>
#include <math.h>

/* Inputs from lo to hi in `n` even steps, then the special values. */
static float *
sweep (float   lo,
       float   hi,
       size_t  n,
       size_t *count)
{
  static const float specials[] = { 0.0f, -0.0f, INFINITY, -INFINITY, NAN, 88.72f, 88.73f, 88.76f, 89.0f,
                                    -87.3f, -87.34f, -87.5f, -88.0f, -104.0f, -1e30f, 1e30f, 1e-30f, -1e-30f,
                                    0.4999999f, 0.5f, -0.5f, 3.9f, 4.0f, -6.0f };
  float             *x = g_new (float, n + G_N_ELEMENTS (specials));

  for (size_t i = 0; i < n; i++)
    x[i] = lo + (hi - lo) * (float) i / (float) (n - 1);
  for (size_t i = 0; i < G_N_ELEMENTS (specials); i++)
    x[n + i] = specials[i];
  *count = n + G_N_ELEMENTS (specials);
  return x;
}

static const lt_f32_vmath *
vmath_or_skip (gconstpointer data)
{
  lt_cpu_isa isa = GPOINTER_TO_INT (data);

  if (lt_cpu_isa_get () < isa)
    {
      g_test_skip ("this CPU lacks the instruction set");
      return NULL;
    }
  return lt_f32_vmath_for (isa);
}

static void
test_exp (gconstpointer data)
{
  const lt_f32_vmath *vmath = vmath_or_skip (data);
  size_t              n;
  float              *x, *y;
  double              worst_ulps = 0.0;

  if (vmath == NULL)
    return;
  x = sweep (-90.0f, 90.0f, 200003, &n);
  y = g_new (float, n);
  for (size_t shift = 0; shift < 2; shift++)
    {
      float returned = vmath->exp (n - shift, x + shift, 0.0f, y);

      for (size_t i = 0; i < n - shift; i++)
        {
          float  xi = x[i + shift];
          double expected = exp ((double) xi);

          if (isnan (xi))
            g_assert_true (isnan (y[i]));
          else if (expected > FLT_MAX)
            g_assert_true (isinf (y[i]) && y[i] > 0);
          else if (expected < FLT_MIN)
            g_assert_cmpfloat (y[i], ==, 0.0f);
          else
            {
              double ulp = nextafterf ((float) expected, INFINITY) - (float) expected;
              double ulps = fabs (y[i] - expected) / ulp;

              worst_ulps = fmax (worst_ulps, ulps);
              if (ulps > 2.0)
                g_error ("exp (%.9g) = %.9g, expected %.9g (%.2f ulp)", xi, y[i], expected, ulps);
            }
        }
      /* the inputs hold NaN and +inf */
      g_assert_false (isfinite (returned));
    }
  /* the returned sum on finite inputs, with a shift */
  {
    float  small[37];
    double expected = 0.0;

    for (size_t i = 0; i < G_N_ELEMENTS (small); i++)
      small[i] = (float) i / 7.0f;
    float returned = vmath->exp (G_N_ELEMENTS (small), small, 3.0f, y);
    for (size_t i = 0; i < G_N_ELEMENTS (small); i++)
      {
        expected += exp ((double) small[i] - 3.0);
        g_assert_cmpfloat_with_epsilon (y[i], exp ((double) small[i] - 3.0), 3e-7 * exp ((double) small[i] - 3.0));
      }
    g_assert_cmpfloat_with_epsilon (returned, expected, 1e-6 * expected);
  }
  g_test_message ("worst exp error: %.2f ulp", worst_ulps);
  g_free (x);
  g_free (y);
}

static void
test_erf (gconstpointer data)
{
  const lt_f32_vmath *vmath = vmath_or_skip (data);
  size_t              n;
  float              *x, *y;
  double              worst_abs = 0.0, worst_rel = 0.0;

  if (vmath == NULL)
    return;
  x = sweep (-7.0f, 7.0f, 300007, &n);
  y = g_new (float, n);
  /* odd starts and lengths leave scalar heads and tails */
  for (size_t shift = 0; shift < 3; shift++)
    {
      vmath->erf (n - shift, x + shift, y);
      for (size_t i = 0; i < n - shift; i++)
        {
          float  xi = x[i + shift];
          double expected = erf ((double) xi);
          double error = fabs (y[i] - expected);

          if (isnan (xi))
            {
              g_assert_true (isnan (y[i]));
              continue;
            }
          worst_abs = fmax (worst_abs, error);
          if (expected != 0.0)
            worst_rel = fmax (worst_rel, error / fabs (expected));
          if (error > 2e-7 || error > 1e-6 * fabs (expected))
            g_error ("erf (%.9g) = %.9g, expected %.9g", xi, y[i], expected);
        }
    }
  g_test_message ("worst erf error: %.3g absolute, %.3g relative", worst_abs, worst_rel);
  g_free (x);
  g_free (y);
}

/* In place (x == y), as the Erf and Exp kernels run. */
static void
test_in_place (gconstpointer data)
{
  const lt_f32_vmath *vmath = vmath_or_skip (data);
  float               values[45];

  if (vmath == NULL)
    return;
  for (size_t i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = (float) i / 10.0f - 2.0f;
  vmath->erf (G_N_ELEMENTS (values), values, values);
  for (size_t i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_cmpfloat_with_epsilon (values[i], erf ((float) i / 10.0f - 2.0f), 2e-7);
  vmath->exp (G_N_ELEMENTS (values), values, 0.0f, values);
  for (size_t i = 0; i < G_N_ELEMENTS (values); i++)
    {
      double expected = exp ((double) erf ((float) i / 10.0f - 2.0f));

      g_assert_cmpfloat_with_epsilon (values[i], expected, 1e-6 * expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    lt_cpu_isa  isa;
  } isas[] = {
    { "scalar", LT_CPU_ISA_SCALAR },
    { "avx2", LT_CPU_ISA_AVX2 },
    { "avx512", LT_CPU_ISA_AVX512 },
  };

  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (isas); i++)
    {
      g_autofree char *exp_path = g_strdup_printf ("/cpu/vmath/%s/exp", isas[i].name);
      g_autofree char *erf_path = g_strdup_printf ("/cpu/vmath/%s/erf", isas[i].name);
      g_autofree char *in_place_path = g_strdup_printf ("/cpu/vmath/%s/in-place", isas[i].name);

      g_test_add_data_func (exp_path, GINT_TO_POINTER (isas[i].isa), test_exp);
      g_test_add_data_func (erf_path, GINT_TO_POINTER (isas[i].isa), test_erf);
      g_test_add_data_func (in_place_path, GINT_TO_POINTER (isas[i].isa), test_in_place);
    }
  return g_test_run ();
}
