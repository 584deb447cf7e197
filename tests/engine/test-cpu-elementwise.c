/* test-cpu-elementwise.c — the fast elementwise kernels against the
 * reference ones: Add/Sub/Mul/Div on every broadcast they accept (same
 * shape, scalar, last-axis bias, per-channel block, broadcast operand on
 * either side), shapes they must refuse, Relu, Clip with constant
 * bounds (one or both omitted), and Erf, Exp, Sigmoid, Tanh. */
#include "fast-case.h"

#include "backends/cpu/cpu-isa.h"

static const struct
{
  const char *op_type;
  lt_op       op;
  const char *kernel;
} binary_ops[] = {
  { "Add", LT_OP_Add, "lt_f32_add" },
  { "Sub", LT_OP_Sub, "lt_f32_sub" },
  { "Mul", LT_OP_Mul, "lt_f32_mul" },
  { "Div", LT_OP_Div, "lt_f32_div" },
};

/* A random output shape and a broadcast operand that is a block of it. */
static void
random_block_shapes (GRand   *rand,
                     int32_t *y_rank,
                     int64_t *y_dims,
                     int32_t *s_rank,
                     int64_t *s_dims)
{
  int32_t first, last;

  *y_rank = g_rand_int_range (rand, 1, 5);
  for (int32_t i = 0; i < *y_rank; i++)
    y_dims[i] = g_rand_int_range (rand, 1, 40);
  first = g_rand_int_range (rand, 0, *y_rank + 1);
  last = g_rand_int_range (rand, first, *y_rank + 1); /* block [first, last) */
  *s_rank = g_rand_int_range (rand, *y_rank - first, *y_rank + 1);
  for (int32_t i = 0; i < *s_rank; i++)
    {
      int32_t axis = i + *y_rank - *s_rank;

      s_dims[i] = axis >= first && axis < last ? y_dims[axis] : 1;
    }
}

static void
test_binary (void)
{
  GRand         *rand = g_rand_new_with_seed (555);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 240; iteration++)
    {
      int      which = iteration % 4;
      int32_t  y_rank, s_rank;
      int64_t  y_dims[LT_MAX_RANK], s_dims[LT_MAX_RANK];
      uint64_t y_count = 1, s_count = 1;
      bool     small_first = g_rand_boolean (rand);
      float   *full, *small;
      ref_case c;

      random_block_shapes (rand, &y_rank, y_dims, &s_rank, s_dims);
      for (int32_t i = 0; i < y_rank; i++)
        y_count *= y_dims[i];
      for (int32_t i = 0; i < s_rank; i++)
        s_count *= s_dims[i];
      full = fast_random_floats (rand, y_count);
      small = fast_random_floats (rand, s_count);
      /* Keep divisors away from zero. */
      for (uint64_t i = 0; i < y_count; i++)
        full[i] += full[i] >= 0 ? 0.5f : -0.5f;
      for (uint64_t i = 0; i < s_count; i++)
        small[i] += small[i] >= 0 ? 0.5f : -0.5f;
      ref_case_init (&c, binary_ops[which].op_type, 14);
      if (small_first)
        {
          ref_case_input (&c, LT_DTYPE_F32, s_rank, s_dims, small);
          ref_case_input (&c, LT_DTYPE_F32, y_rank, y_dims, full);
        }
      else
        {
          ref_case_input (&c, LT_DTYPE_F32, y_rank, y_dims, full);
          ref_case_input (&c, LT_DTYPE_F32, s_rank, s_dims, small);
        }
      ref_case_output (&c, LT_DTYPE_F32, y_rank, y_dims);
      fast_case_build (&c, g_rand_boolean (rand) ? 1u << (small_first ? 0 : 1) : 0);
      fast_case_compare (&c, binary_ops[which].op, binary_ops[which].kernel, iteration % 3 ? pool : NULL, 1e-6, 1e-6);
      ref_case_clear (&c);
      g_free (full);
      g_free (small);
    }
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

/* [2, 3, 4] + [2, 1, 4] broadcasts two separate runs of axes: refused. */
static void
test_binary_refuses_split_broadcast (void)
{
  int64_t  a_dims[3] = { 2, 3, 4 }, b_dims[3] = { 2, 1, 4 };
  float    a[24] = { 0 }, b[8] = { 0 };
  ref_case c;

  ref_case_init (&c, "Add", 14);
  ref_case_input (&c, LT_DTYPE_F32, 3, a_dims, a);
  ref_case_input (&c, LT_DTYPE_F32, 3, b_dims, b);
  ref_case_output (&c, LT_DTYPE_F32, 3, a_dims);
  fast_case_build (&c, 0);
  g_assert_false (fast_case_supports (&c, fast_case_find_kernel (LT_OP_Add, "lt_f32_add")));
  ref_case_clear (&c);
}

static void
test_activations (void)
{
  GRand         *rand = g_rand_new_with_seed (77);
  int64_t        dims[3] = { 3, 70, 301 };
  float         *x = fast_random_floats (rand, 3 * 70 * 301);
  float          lo = -0.25f, hi = 0.5f;
  int64_t        scalar_dims[1] = { 0 };
  lt_threadpool *pool = NULL;
  ref_case       c;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  ref_case_init (&c, "Relu", 14);
  ref_case_input (&c, LT_DTYPE_F32, 3, dims, x);
  ref_case_output (&c, LT_DTYPE_F32, 3, dims);
  fast_case_build (&c, 0);
  fast_case_compare (&c, LT_OP_Relu, "lt_f32_relu", pool, 0, 0);
  ref_case_clear (&c);
  for (int omitted = 0; omitted < 3; omitted++) /* none, min, max */
    {
      ref_case_init (&c, "Clip", 13);
      ref_case_input (&c, LT_DTYPE_F32, 3, dims, x);
      ref_case_input (&c, omitted == 1 ? LT_DTYPE_UNDEFINED : LT_DTYPE_F32, 0, scalar_dims, &lo);
      ref_case_input (&c, omitted == 2 ? LT_DTYPE_UNDEFINED : LT_DTYPE_F32, 0, scalar_dims, &hi);
      ref_case_output (&c, LT_DTYPE_F32, 3, dims);
      fast_case_build (&c, 0x6);
      fast_case_compare (&c, LT_OP_Clip, "lt_f32_clip", pool, 0, 0);
      ref_case_clear (&c);
    }
  lt_threadpool_free (pool);
  g_free (x);
  g_rand_free (rand);
}

static void
test_unary_math (void)
{
  static const struct
  {
    const char *op_type;
    lt_op       op;
    const char *kernel;
  } ops[] = {
    { "Erf", LT_OP_Erf, "lt_f32_erf" },
    { "Exp", LT_OP_Exp, "lt_f32_exp" },
    { "Sigmoid", LT_OP_Sigmoid, "lt_f32_sigmoid" },
    { "Tanh", LT_OP_Tanh, "lt_f32_tanh" },
  };
  GRand         *rand = g_rand_new_with_seed (78);
  int64_t        dims[2] = { 97, 203 };
  float         *x = fast_random_floats (rand, 97 * 203);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int i = 0; i < 97 * 203; i++)
    x[i] *= 6.0f;
  /* Erf and Exp pick their vectorized functions per ISA in prepare */
  for (int isa = LT_CPU_ISA_SCALAR; isa <= LT_CPU_ISA_MAX; isa++)
    for (size_t i = 0; i < G_N_ELEMENTS (ops); i++)
      {
        ref_case c;

        lt_cpu_isa_set_limit ((lt_cpu_isa) isa);
        ref_case_init (&c, ops[i].op_type, 13);
        ref_case_input (&c, LT_DTYPE_F32, 2, dims, x);
        ref_case_output (&c, LT_DTYPE_F32, 2, dims);
        fast_case_build (&c, 0);
        fast_case_compare (&c, ops[i].op, ops[i].kernel, pool, 1e-5, 1e-6);
        ref_case_clear (&c);
      }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  lt_threadpool_free (pool);
  g_free (x);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/binary/random", test_binary);
  g_test_add_func ("/cpu/binary/refuses-split-broadcast", test_binary_refuses_split_broadcast);
  g_test_add_func ("/cpu/activation/relu-clip", test_activations);
  g_test_add_func ("/cpu/unary/math", test_unary_math);
  return g_test_run ();
}
