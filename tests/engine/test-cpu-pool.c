/* test-cpu-pool.c — the fast MaxPool and AveragePool against the reference
 * ones on random 1-D and 2-D windows (fixed seed): strides, dilations
 * (MaxPool), explicit pads, auto_pad, ceil_mode and count_include_pad. */
#include "fast-case.h"

static const char *const auto_pads[] = { "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" };

static void
check_random_pools (bool is_max)
{
  GRand *rand = g_rand_new_with_seed (is_max ? 61 : 62);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 150; iteration++)
    {
      int32_t nsp = g_rand_int_range (rand, 1, 3);
      int auto_pad = g_rand_int_range (rand, 0, 4);
      bool ceil_mode = auto_pad == 0 && g_rand_boolean (rand);
      int64_t x_dims[4] = { g_rand_int_range (rand, 1, 3), g_rand_int_range (rand, 1, 5) }, y_dims[4];
      int64_t kernel[2], strides[2], dilations[2], pads[4] = { 0, 0, 0, 0 };
      uint64_t count = x_dims[0] * x_dims[1];
      float *x;
      ref_case c;

      y_dims[0] = x_dims[0];
      y_dims[1] = x_dims[1];
      for (int32_t i = 0; i < nsp; i++)
        {
          int64_t span, padded, out;

          kernel[i] = g_rand_int_range (rand, 1, 5);
          strides[i] = g_rand_int_range (rand, 1, 4);
          dilations[i] = is_max ? g_rand_int_range (rand, 1, 3) : 1;
          if (auto_pad == 0)
            {
              pads[i] = g_rand_int_range (rand, 0, kernel[i]);
              pads[nsp + i] = g_rand_int_range (rand, 0, kernel[i]);
            }
          span = (kernel[i] - 1) * dilations[i] + 1;
          x_dims[2 + i] = span + g_rand_int_range (rand, 0, 12);
          count *= x_dims[2 + i];
          padded = x_dims[2 + i] + pads[i] + pads[nsp + i] - span;
          if (auto_pad == 1 || auto_pad == 2)
            out = (x_dims[2 + i] + strides[i] - 1) / strides[i];
          else if (ceil_mode)
            {
              out = (padded + strides[i] - 1) / strides[i] + 1;
              if ((out - 1) * strides[i] >= x_dims[2 + i] + pads[i])
                out--;
            }
          else
            out = padded / strides[i] + 1;
          y_dims[2 + i] = out;
        }
      x = fast_random_floats (rand, count);
      ref_case_init (&c, is_max ? "MaxPool" : "AveragePool", is_max ? 12 : 19);
      ref_case_attr_ints (&c, "kernel_shape", nsp, kernel);
      ref_case_attr_ints (&c, "strides", nsp, strides);
      if (is_max)
        ref_case_attr_ints (&c, "dilations", nsp, dilations);
      else
        ref_case_attr_int (&c, "count_include_pad", g_rand_boolean (rand));
      ref_case_attr_int (&c, "ceil_mode", ceil_mode);
      if (auto_pad == 0)
        ref_case_attr_ints (&c, "pads", 2 * nsp, pads);
      else
        ref_case_attr_string (&c, "auto_pad", auto_pads[auto_pad]);
      ref_case_input (&c, LT_DTYPE_F32, nsp + 2, x_dims, x);
      ref_case_output (&c, LT_DTYPE_F32, nsp + 2, y_dims);
      fast_case_build (&c, 0);
      fast_case_compare (&c, is_max ? LT_OP_MaxPool : LT_OP_AveragePool, is_max ? "lt_f32_max_pool" : "lt_f32_average_pool",
                         iteration % 2 ? pool : NULL, 1e-5, 1e-6);
      ref_case_clear (&c);
      g_free (x);
    }
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

static void
test_max_pool (void)
{
  check_random_pools (true);
}

static void
test_average_pool (void)
{
  check_random_pools (false);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/max-pool/random", test_max_pool);
  g_test_add_func ("/cpu/average-pool/random", test_average_pool);
  return g_test_run ();
}
