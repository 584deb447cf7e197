/* test-cpu-gemm.c — the packed f32 GEMM against a double-precision loop.
 *
 * Random shapes (fixed seed) with odd sizes that leave partial tiles, k
 * across the blocking step, both transposes, every epilogue part (alpha,
 * row/column/full bias, clamp), B packed or read in place, with and
 * without a thread pool, each edge tile checked to write nothing outside
 * C, on each microkernel this CPU can run (scalar always, AVX2 and
 * AVX-512 where present).
 */
#include "backends/cpu/f32-gemm.h"
#include "exec/threadpool.h"

#include <glib.h>
#include <math.h>

static float
random_float (GRand *rand)
{
  return (float) g_rand_double_range (rand, -1.0, 1.0);
}

static void
check_random_products (const lt_f32_gemm_ukernel *ukernel,
                       lt_threadpool             *pool)
{
  GRand *rand = g_rand_new_with_seed (20261124);

  for (int iteration = 0; iteration < 120; iteration++)
    {
      size_t               m = g_rand_int_range (rand, 1, 70);
      size_t               n = g_rand_int_range (rand, 1, 300);
      size_t               k = iteration == 0 ? 0 : g_rand_int_range (rand, 1, 600);
      bool                 trans_a = g_rand_boolean (rand), trans_b = g_rand_boolean (rand);
      int                  bias_kind = g_rand_int_range (rand, 0, 4); /* none, per row, per column, full */
      float               *a = g_new (float, m *k + 1), *b = g_new (float, k *n + 1);
      /* C has 3 spare columns per row and one spare row, all holding a
       * sentinel: edge tiles must write only inside the product */
      size_t               ldc = n + 3;
      float               *bias = g_new (float, m *n), *c = g_new (float, (m + 1) * ldc);
      float               *packed_a = g_new (float, lt_f32_gemm_packed_a_size (ukernel, m, k) + 1);
      float               *packed_b = g_new (float, lt_f32_gemm_packed_b_size (ukernel, k, n) + 1);
      lt_f32_gemm_epilogue epilogue = lt_f32_gemm_epilogue_identity ();

      for (size_t i = 0; i < m * k; i++)
        a[i] = random_float (rand);
      for (size_t i = 0; i < k * n; i++)
        b[i] = random_float (rand);
      for (size_t i = 0; i < m * n; i++)
        bias[i] = random_float (rand);
      for (size_t i = 0; i < (m + 1) * ldc; i++)
        c[i] = 1234.5f;
      epilogue.alpha = g_rand_boolean (rand) ? 1.0f : 0.75f;
      epilogue.bias = bias_kind == 0 ? NULL : bias;
      epilogue.bias_row_stride = bias_kind == 1 ? 1 : bias_kind == 3 ? n
                                                                     : 0;
      epilogue.bias_col_stride = bias_kind >= 2 ? 1 : 0;
      epilogue.bias_scale = 0.5f;
      if (g_rand_boolean (rand))
        {
          epilogue.min = -0.25f;
          epilogue.max = 2.0f;
        }

      lt_f32_gemm_pack_a (ukernel, m, k, a, trans_a ? m : k, trans_a, packed_a);
      /* half of the untransposed B are read in place instead of packed */
      if (!trans_b && iteration % 2 == 0)
        lt_f32_gemm_compute_direct_b (ukernel, m, n, k, packed_a, b, n, c, ldc, &epilogue, pool);
      else
        {
          lt_f32_gemm_pack_b (ukernel, k, n, b, trans_b ? k : n, trans_b, packed_b, pool);
          lt_f32_gemm_compute (ukernel, m, n, k, packed_a, packed_b, c, ldc, &epilogue, pool);
        }

      for (size_t i = 0; i < (m + 1) * ldc; i++)
        if (i / ldc == m || i % ldc >= n)
          g_assert_cmpfloat (c[i], ==, 1234.5f);

      for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
          {
            double want = 0.0;

            for (size_t p = 0; p < k; p++)
              want += (double) (trans_a ? a[p * m + i] : a[i * k + p]) * (trans_b ? b[j * k + p] : b[p * n + j]);
            want *= epilogue.alpha;
            if (epilogue.bias != NULL)
              want += 0.5 * bias[i * epilogue.bias_row_stride + j * epilogue.bias_col_stride];
            want = fmin (fmax (want, epilogue.min), epilogue.max);
            if (fabs (c[i * ldc + j] - want) > 1e-4 * (1.0 + sqrt ((double) k)))
              g_error ("%s: %zux%zux%zu (trans %d%d, bias %d, iteration %d): C[%zu][%zu] = %g, want %g", ukernel->name,
                       m, n, k, trans_a, trans_b, bias_kind, iteration, i, j, c[i * ldc + j], want);
          }
      g_free (a);
      g_free (b);
      g_free (bias);
      g_free (c);
      g_free (packed_a);
      g_free (packed_b);
    }
  g_rand_free (rand);
}

static void
test_gemm_isa (gconstpointer data)
{
  lt_cpu_isa     isa = GPOINTER_TO_INT (data);
  lt_threadpool *pool = NULL;

  if (lt_cpu_isa_get () < isa)
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  g_assert_cmpint (lt_threadpool_new (3, &pool, NULL), ==, LT_OK);
  check_random_products (lt_f32_gemm_ukernel_for (isa), NULL);
  check_random_products (lt_f32_gemm_ukernel_for (isa), pool);
  lt_threadpool_free (pool);
}

/* Capping the ISA makes the selection scalar whatever the CPU has; with
 * LATHE_CPU_ISA=scalar in the environment (the second registration of this
 * test) it stays scalar even when code lifts its own cap. */
static void
test_isa_limit (void)
{
  const char *env = g_getenv ("LATHE_CPU_ISA");

  lt_cpu_isa_set_limit (LT_CPU_ISA_SCALAR);
  g_assert_cmpint (lt_cpu_isa_get (), ==, LT_CPU_ISA_SCALAR);
  g_assert_cmpstr (lt_f32_gemm_ukernel_for (lt_cpu_isa_get ())->name, ==, "lt_f32_gemm_ukernel_4x4__scalar");
  lt_cpu_isa_set_limit (LT_CPU_ISA_AVX2);
  g_assert_cmpint (lt_cpu_isa_get (), <=, LT_CPU_ISA_AVX2);
  if (env == NULL && lt_cpu_isa_get () == LT_CPU_ISA_AVX2)
    g_assert_cmpstr (lt_f32_gemm_ukernel_for (lt_cpu_isa_get ())->name, ==, "lt_f32_gemm_ukernel_6x16__avx2");
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  if (env == NULL && lt_cpu_isa_get () == LT_CPU_ISA_AVX512)
    g_assert_cmpstr (lt_f32_gemm_ukernel_for (lt_cpu_isa_get ())->name, ==, "lt_f32_gemm_ukernel_8x32__avx512");
  if (g_strcmp0 (env, "scalar") == 0)
    g_assert_cmpint (lt_cpu_isa_get (), ==, LT_CPU_ISA_SCALAR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/cpu/gemm/scalar", GINT_TO_POINTER (LT_CPU_ISA_SCALAR), test_gemm_isa);
  g_test_add_data_func ("/cpu/gemm/avx2", GINT_TO_POINTER (LT_CPU_ISA_AVX2), test_gemm_isa);
  g_test_add_data_func ("/cpu/gemm/avx512", GINT_TO_POINTER (LT_CPU_ISA_AVX512), test_gemm_isa);
  g_test_add_func ("/cpu/gemm/isa-limit", test_isa_limit);
  return g_test_run ();
}
