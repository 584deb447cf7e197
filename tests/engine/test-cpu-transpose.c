/* test-cpu-transpose.c — the fast 4-byte Transpose against the reference
 * one: random ranks 1–6 with size-1 axes, random and default (reversed)
 * perms, f32 and int32. */
#include "fast-case.h"

static void
test_random_perms (void)
{
  GRand *rand = g_rand_new_with_seed (808);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 200; iteration++)
    {
      int32_t rank = g_rand_int_range (rand, 1, 7);
      int64_t dims[LT_MAX_RANK], y_dims[LT_MAX_RANK], perm[LT_MAX_RANK];
      uint64_t count = 1;
      bool default_perm = g_rand_int_range (rand, 0, 5) == 0;
      lt_dtype dtype = g_rand_boolean (rand) ? LT_DTYPE_F32 : LT_DTYPE_I32;
      float *x;
      ref_case c;

      for (int32_t i = 0; i < rank; i++)
        {
          dims[i] = g_rand_int_range (rand, 0, 3) == 0 ? 1 : g_rand_int_range (rand, 2, 9);
          count *= dims[i];
          perm[i] = default_perm ? rank - 1 - i : i;
        }
      for (int32_t i = rank - 1; i > 0 && !default_perm; i--)
        {
          int32_t j = g_rand_int_range (rand, 0, i + 1);
          int64_t t = perm[i];

          perm[i] = perm[j];
          perm[j] = t;
        }
      for (int32_t i = 0; i < rank; i++)
        y_dims[i] = dims[perm[i]];
      /* Random bits are fine for int32 too: the comparison is bitwise equal
       * as long as no NaN is produced, and a transpose only moves them. */
      x = fast_random_floats (rand, count);
      ref_case_init (&c, "Transpose", 13);
      if (!default_perm)
        ref_case_attr_ints (&c, "perm", rank, perm);
      ref_case_input (&c, dtype, rank, dims, x);
      ref_case_output (&c, dtype, rank, y_dims);
      fast_case_build (&c, 0);
      fast_case_compare (&c, LT_OP_Transpose, "lt_x32_transpose", iteration % 2 ? pool : NULL, 0, 0);
      ref_case_clear (&c);
      g_free (x);
    }
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/transpose/random", test_random_perms);
  return g_test_run ();
}
