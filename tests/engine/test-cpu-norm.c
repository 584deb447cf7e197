/* test-cpu-norm.c — the fast row-wise kernels against the reference ones:
 * Softmax (opset 11 flattening at any axis, opset 13 last axis),
 * LayerNormalization (any axis, with and without bias) and
 * GlobalAveragePool, on random shapes with a fixed seed.  Also: Softmax
 * over a middle axis at opset 13 is left to the reference kernel. */
#include "fast-case.h"

static void
random_dims (GRand   *rand,
             int32_t *rank,
             int64_t *dims,
             uint64_t *count)
{
  *rank = g_rand_int_range (rand, 1, 5);
  *count = 1;
  for (int32_t i = 0; i < *rank; i++)
    {
      dims[i] = g_rand_int_range (rand, 1, 30);
      *count *= dims[i];
    }
}

static void
test_softmax (void)
{
  GRand *rand = g_rand_new_with_seed (31);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 100; iteration++)
    {
      int32_t rank;
      int64_t dims[LT_MAX_RANK];
      uint64_t count;
      bool old_opset = g_rand_boolean (rand);
      float *x;
      ref_case c;

      random_dims (rand, &rank, dims, &count);
      x = fast_random_floats (rand, count);
      for (uint64_t i = 0; i < count; i++)
        x[i] *= 10.0f;
      ref_case_init (&c, "Softmax", old_opset ? 11 : 13);
      if (old_opset)
        ref_case_attr_int (&c, "axis", g_rand_int_range (rand, -rank, rank));
      else if (g_rand_boolean (rand))
        ref_case_attr_int (&c, "axis", rank - 1);
      ref_case_input (&c, LT_DTYPE_F32, rank, dims, x);
      ref_case_output (&c, LT_DTYPE_F32, rank, dims);
      fast_case_build (&c, 0);
      fast_case_compare (&c, LT_OP_Softmax, "lt_f32_softmax", pool, 1e-5, 1e-6);
      ref_case_clear (&c);
      g_free (x);
    }
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

static void
test_softmax_middle_axis_refused (void)
{
  int64_t dims[3] = { 2, 3, 4 };
  float x[24] = { 0 };
  ref_case c;

  ref_case_init (&c, "Softmax", 13);
  ref_case_attr_int (&c, "axis", 1);
  ref_case_input (&c, LT_DTYPE_F32, 3, dims, x);
  ref_case_output (&c, LT_DTYPE_F32, 3, dims);
  fast_case_build (&c, 0);
  g_assert_false (fast_case_supports (&c, fast_case_find_kernel (LT_OP_Softmax, "lt_f32_softmax")));
  ref_case_clear (&c);
}

static void
test_layer_norm (void)
{
  GRand *rand = g_rand_new_with_seed (32);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 100; iteration++)
    {
      int32_t rank, axis;
      int64_t dims[LT_MAX_RANK];
      uint64_t count, row = 1;
      float *x, *scale, *bias;
      bool with_bias = g_rand_boolean (rand);
      ref_case c;

      random_dims (rand, &rank, dims, &count);
      axis = g_rand_int_range (rand, 0, rank);
      for (int32_t i = axis; i < rank; i++)
        row *= dims[i];
      x = fast_random_floats (rand, count);
      scale = fast_random_floats (rand, row);
      bias = fast_random_floats (rand, row);
      ref_case_init (&c, "LayerNormalization", 17);
      ref_case_attr_int (&c, "axis", g_rand_boolean (rand) ? axis : axis - rank);
      ref_case_attr_float (&c, "epsilon", 1e-3f);
      ref_case_input (&c, LT_DTYPE_F32, rank, dims, x);
      ref_case_input (&c, LT_DTYPE_F32, rank - axis, dims + axis, scale);
      if (with_bias)
        ref_case_input (&c, LT_DTYPE_F32, rank - axis, dims + axis, bias);
      ref_case_output (&c, LT_DTYPE_F32, rank, dims);
      fast_case_build (&c, g_rand_boolean (rand) ? 0x6 : 0);
      fast_case_compare (&c, LT_OP_LayerNormalization, "lt_f32_layer_norm", pool, 1e-4, 1e-4);
      ref_case_clear (&c);
      g_free (x);
      g_free (scale);
      g_free (bias);
    }
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

static void
test_global_average_pool (void)
{
  GRand *rand = g_rand_new_with_seed (33);

  for (int iteration = 0; iteration < 40; iteration++)
    {
      int32_t rank = g_rand_int_range (rand, 3, 6);
      int64_t dims[LT_MAX_RANK], y_dims[LT_MAX_RANK];
      uint64_t count = 1;
      float *x;
      ref_case c;

      for (int32_t i = 0; i < rank; i++)
        {
          dims[i] = g_rand_int_range (rand, 1, i < 2 ? 6 : 20);
          y_dims[i] = i < 2 ? dims[i] : 1;
          count *= dims[i];
        }
      x = fast_random_floats (rand, count);
      ref_case_init (&c, "GlobalAveragePool", 1);
      ref_case_input (&c, LT_DTYPE_F32, rank, dims, x);
      ref_case_output (&c, LT_DTYPE_F32, rank, y_dims);
      fast_case_build (&c, 0);
      fast_case_compare (&c, LT_OP_GlobalAveragePool, "lt_f32_global_average_pool", NULL, 1e-5, 1e-6);
      ref_case_clear (&c);
      g_free (x);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/softmax/random", test_softmax);
  g_test_add_func ("/cpu/softmax/middle-axis-refused", test_softmax_middle_axis_refused);
  g_test_add_func ("/cpu/layer-norm/random", test_layer_norm);
  g_test_add_func ("/cpu/global-average-pool/random", test_global_average_pool);
  return g_test_run ();
}
