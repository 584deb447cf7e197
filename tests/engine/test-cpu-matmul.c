/* test-cpu-matmul.c — the fast Gemm and MatMul kernels against the
 * reference ones.
 *
 * Gemm: random M, N, K (odd sizes), transA/transB, alpha, beta, every shape
 * of C that broadcasts, B constant or computed.  MatMul: 1-D operands,
 * batched and broadcast batch axes, a constant 2-D B folded into one GEMM.
 * Every ISA path (scalar, AVX2, AVX-512 where the CPU has them), with and without a pool.
 */
#include "fast-case.h"

#include "backends/cpu/cpu-isa.h"

static void
check_random_gemms (lt_threadpool *pool)
{
  GRand *rand = g_rand_new_with_seed (4242);

  for (int iteration = 0; iteration < 120; iteration++)
    {
      int64_t  m = g_rand_int_range (rand, 1, 40), n = g_rand_int_range (rand, 1, 70);
      int64_t  k = g_rand_int_range (rand, 1, 300);
      bool     trans_a = g_rand_boolean (rand), trans_b = g_rand_boolean (rand);
      int      c_kind = g_rand_int_range (rand, 0, 6); /* none, [N], [M,N], [1,N], [M,1], [1] */
      int64_t  a_dims[2] = { trans_a ? k : m, trans_a ? m : k };
      int64_t  b_dims[2] = { trans_b ? n : k, trans_b ? k : n };
      int64_t  c_dims[6][2] = { { 0, 0 }, { n, 0 }, { m, n }, { 1, n }, { m, 1 }, { 1, 0 } };
      int      c_rank[6] = { 0, 1, 2, 2, 2, 1 };
      int64_t  y_dims[2] = { m, n };
      float   *a = fast_random_floats (rand, m * k), *b = fast_random_floats (rand, k * n);
      float   *c_data = fast_random_floats (rand, m * n);
      ref_case c;

      ref_case_init (&c, "Gemm", 13);
      ref_case_attr_int (&c, "transA", trans_a);
      ref_case_attr_int (&c, "transB", trans_b);
      ref_case_attr_float (&c, "alpha", g_rand_boolean (rand) ? 1.0f : 0.5f);
      ref_case_attr_float (&c, "beta", g_rand_boolean (rand) ? 1.0f : -2.0f);
      ref_case_input (&c, LT_DTYPE_F32, 2, a_dims, a);
      ref_case_input (&c, LT_DTYPE_F32, 2, b_dims, b);
      if (c_kind != 0)
        ref_case_input (&c, LT_DTYPE_F32, c_rank[c_kind], c_dims[c_kind], c_data);
      ref_case_output (&c, LT_DTYPE_F32, 2, y_dims);
      fast_case_build (&c, g_rand_boolean (rand) ? 1u << 1 : 0);
      lt_cpu_isa_set_limit ((lt_cpu_isa) (iteration % (LT_CPU_ISA_MAX + 1)));
      fast_case_compare (&c, LT_OP_Gemm, "lt_f32_gemm_op", pool, 1e-4, 1e-4);
      ref_case_clear (&c);
      g_free (a);
      g_free (b);
      g_free (c_data);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  g_rand_free (rand);
}

static void
test_gemm (void)
{
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  check_random_gemms (NULL);
  check_random_gemms (pool);
  lt_threadpool_free (pool);
}

/* Random batch axes for A and B that broadcast (some 1s, some missing). */
static void
random_matmul_shapes (GRand   *rand,
                      int32_t *a_rank,
                      int64_t *a_dims,
                      int32_t *b_rank,
                      int64_t *b_dims,
                      int32_t *y_rank,
                      int64_t *y_dims)
{
  int64_t m = g_rand_int_range (rand, 1, 30), k = g_rand_int_range (rand, 1, 90), n = g_rand_int_range (rand, 1, 50);
  int32_t batch_rank = g_rand_int_range (rand, 0, 4);
  int32_t a_batch = g_rand_int_range (rand, 0, batch_rank + 1), b_batch = g_rand_int_range (rand, 0, batch_rank + 1);
  int64_t batch[3];
  bool    a_vector = g_rand_int_range (rand, 0, 6) == 0, b_vector = g_rand_int_range (rand, 0, 6) == 0;

  if (g_rand_boolean (rand))
    a_batch = batch_rank;
  else
    b_batch = batch_rank;
  for (int32_t i = 0; i < batch_rank; i++)
    batch[i] = g_rand_int_range (rand, 1, 4);
  *a_rank = 0;
  for (int32_t i = batch_rank - a_batch; i < batch_rank && !a_vector; i++)
    a_dims[(*a_rank)++] = g_rand_int_range (rand, 0, 3) == 0 ? 1 : batch[i];
  if (!a_vector)
    a_dims[(*a_rank)++] = m;
  a_dims[(*a_rank)++] = k;
  *b_rank = 0;
  for (int32_t i = batch_rank - b_batch; i < batch_rank && !b_vector; i++)
    b_dims[(*b_rank)++] = g_rand_int_range (rand, 0, 3) == 0 ? 1 : batch[i];
  b_dims[(*b_rank)++] = k;
  if (!b_vector)
    b_dims[(*b_rank)++] = n;
  /* The output's batch axes: the broadcast of both operands'. */
  {
    int32_t a_b = *a_rank - (a_vector ? 1 : 2), b_b = *b_rank - (b_vector ? 1 : 2);
    int32_t out_b = a_b > b_b ? a_b : b_b;

    *y_rank = 0;
    for (int32_t i = 0; i < out_b; i++)
      {
        int32_t ai = i - (out_b - a_b), bi = i - (out_b - b_b);
        int64_t ad = ai >= 0 ? a_dims[ai] : 1, bd = bi >= 0 ? b_dims[bi] : 1;

        y_dims[(*y_rank)++] = ad > bd ? ad : bd;
      }
    if (!a_vector)
      y_dims[(*y_rank)++] = m;
    if (!b_vector)
      y_dims[(*y_rank)++] = n;
  }
}

static void
test_matmul (void)
{
  GRand         *rand = g_rand_new_with_seed (99);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 200; iteration++)
    {
      int32_t  a_rank, b_rank, y_rank;
      int64_t  a_dims[LT_MAX_RANK], b_dims[LT_MAX_RANK], y_dims[LT_MAX_RANK];
      uint64_t a_count = 1, b_count = 1;
      float   *a, *b;
      ref_case c;

      random_matmul_shapes (rand, &a_rank, a_dims, &b_rank, b_dims, &y_rank, y_dims);
      for (int32_t i = 0; i < a_rank; i++)
        a_count *= a_dims[i];
      for (int32_t i = 0; i < b_rank; i++)
        b_count *= b_dims[i];
      a = fast_random_floats (rand, a_count);
      b = fast_random_floats (rand, b_count);
      ref_case_init (&c, "MatMul", 13);
      ref_case_input (&c, LT_DTYPE_F32, a_rank, a_dims, a);
      ref_case_input (&c, LT_DTYPE_F32, b_rank, b_dims, b);
      ref_case_output (&c, LT_DTYPE_F32, y_rank, y_dims);
      fast_case_build (&c, g_rand_boolean (rand) ? 1u << 1 : 0);
      lt_cpu_isa_set_limit ((lt_cpu_isa) (iteration % (LT_CPU_ISA_MAX + 1)));
      fast_case_compare (&c, LT_OP_MatMul, "lt_f32_matmul", iteration % 3 == 0 ? NULL : pool, 1e-4, 1e-4);
      ref_case_clear (&c);
      g_free (a);
      g_free (b);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

/* A batched B computed at run time and too large to read in place (over
 * 512 KiB per batch): packed on each run, on every ISA path. */
static void
test_matmul_large_b (void)
{
  GRand         *rand = g_rand_new_with_seed (512);
  int64_t        a_dims[3] = { 2, 5, 300 }, b_dims[3] = { 2, 300, 480 }, y_dims[3] = { 2, 5, 480 };
  float         *a = fast_random_floats (rand, 2 * 5 * 300), *b = fast_random_floats (rand, 2 * 300 * 480);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int isa = LT_CPU_ISA_SCALAR; isa <= LT_CPU_ISA_MAX; isa++)
    {
      ref_case c;

      ref_case_init (&c, "MatMul", 13);
      ref_case_input (&c, LT_DTYPE_F32, 3, a_dims, a);
      ref_case_input (&c, LT_DTYPE_F32, 3, b_dims, b);
      ref_case_output (&c, LT_DTYPE_F32, 3, y_dims);
      fast_case_build (&c, 0);
      lt_cpu_isa_set_limit ((lt_cpu_isa) isa);
      fast_case_compare (&c, LT_OP_MatMul, "lt_f32_matmul", isa % 2 ? pool : NULL, 1e-4, 1e-4);
      ref_case_clear (&c);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  lt_threadpool_free (pool);
  g_free (a);
  g_free (b);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/gemm-op/random", test_gemm);
  g_test_add_func ("/cpu/matmul/random", test_matmul);
  g_test_add_func ("/cpu/matmul/large-b-packed", test_matmul_large_b);
  return g_test_run ();
}
