/* test-htp-movement.c — the htp backend's Reshape, Transpose, Slice,
 * Concat, MaxPool and AveragePool against the f32 reference kernels on the
 * dequantized data (bound in htp-case.h), with input and output encodings
 * that differ so every value is requantized; plus exact copies when they
 * are equal. */
#include "htp-case.h"

#include <string.h>

static void
test_reshape_exact_and_requantized (void)
{
  GRand   *rand = g_rand_new_with_seed (3);
  int64_t  xd[3] = { 2, 3, 4 }, yd[2] = { 6, 4 };
  qt       x, y;
  lt_error err;

  qt_activation (&x, rand, LT_DTYPE_U8, 3, xd, -1, 2);
  /* Same encoding: the bytes are copied. */
  qt_activation (&y, NULL, LT_DTYPE_U8, 2, yd, -1, 2);
  g_assert_cmpint (lt_htp_requantize (&x.t, &y.t, &err), ==, LT_OK);
  g_assert_cmpmem (x.t.data, 24, y.t.data, 24);
  qt_clear (&y);
  /* A 16-bit output over a wider range. */
  qt_activation (&y, NULL, LT_DTYPE_U16, 2, yd, -3, 3);
  g_assert_cmpint (lt_htp_requantize (&x.t, &y.t, &err), ==, LT_OK);
  assert_within_bound (&y, x.real);
  qt_clear (&y);
  /* A different count is refused. */
  yd[0] = 5;
  qt_activation (&y, NULL, LT_DTYPE_U8, 2, yd, -1, 2);
  g_assert_cmpint (lt_htp_requantize (&x.t, &y.t, &err), ==, LT_ERR_SHAPE);
  qt_clear (&y);
  qt_clear (&x);
  g_rand_free (rand);
}

static void
test_transpose_random (void)
{
  GRand *rand = g_rand_new_with_seed (8);

  for (int iter = 0; iter < 20; iter++)
    {
      int32_t  rank = g_rand_int_range (rand, 1, 5);
      int64_t  xd[4], yd[4], perm[4] = { 0, 1, 2, 3 };
      qt       x, y;
      ref_case c;
      float   *ref;
      lt_error err;

      for (int32_t d = rank - 1; d > 0; d--) /* Fisher–Yates */
        {
          int32_t j = g_rand_int_range (rand, 0, d + 1);
          int64_t t = perm[d];
          perm[d] = perm[j];
          perm[j] = t;
        }
      for (int32_t d = 0; d < rank; d++)
        xd[d] = g_rand_int_range (rand, 1, 6);
      for (int32_t d = 0; d < rank; d++)
        yd[d] = xd[perm[d]];
      qt_activation (&x, rand, random_activation_dtype (rand), rank, xd, -1, 1);
      ref_case_init (&c, "Transpose", 13);
      ref_case_attr_ints (&c, "perm", rank, perm);
      ref_case_input (&c, LT_DTYPE_F32, rank, xd, x.real);
      ref_case_output (&c, LT_DTYPE_F32, rank, yd);
      ref = run_reference (&c);
      qt_output_for (&y, random_activation_dtype (rand), rank, yd, ref, 0.8);
      g_assert_cmpint (lt_htp_transpose (&x.t, perm, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);
      g_free (ref);
      qt_clear (&x);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

static void
test_slice_random (void)
{
  GRand *rand = g_rand_new_with_seed (13);

  for (int iter = 0; iter < 30; iter++)
    {
      int64_t  xd[3], yd[3], starts[3], ends[3], steps[3], axes[3] = { 0, 1, 2 }, three = 3;
      qt       x, y;
      ref_case c;
      float   *ref;
      lt_error err;

      for (int d = 0; d < 3; d++)
        {
          xd[d] = g_rand_int_range (rand, 1, 8);
          steps[d] = g_rand_boolean (rand) ? g_rand_int_range (rand, 1, 3) : -g_rand_int_range (rand, 1, 3);
          starts[d] = g_rand_int_range (rand, 0, (gint32) xd[d]);
          /* ends one past (or before, stepping down) an element in range */
          yd[d] = steps[d] > 0 ? (xd[d] - 1 - starts[d]) / steps[d] + 1 : starts[d] / -steps[d] + 1;
          yd[d] = g_rand_int_range (rand, 1, (gint32) yd[d] + 1);
          ends[d] = starts[d] + yd[d] * steps[d];
          if (ends[d] < 0)
            ends[d] = INT64_MIN; /* ONNX's "before the first element" */
        }
      qt_activation (&x, rand, random_activation_dtype (rand), 3, xd, -2, 1);
      ref_case_init (&c, "Slice", 13);
      ref_case_input (&c, LT_DTYPE_F32, 3, xd, x.real);
      ref_case_input (&c, LT_DTYPE_I64, 1, &three, starts);
      ref_case_input (&c, LT_DTYPE_I64, 1, &three, ends);
      ref_case_input (&c, LT_DTYPE_I64, 1, &three, axes);
      ref_case_input (&c, LT_DTYPE_I64, 1, &three, steps);
      ref_case_output (&c, LT_DTYPE_F32, 3, yd);
      ref = run_reference (&c);
      qt_output_for (&y, random_activation_dtype (rand), 3, yd, ref, 1.0);
      g_assert_cmpint (lt_htp_slice (&x.t, starts, steps, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);
      g_free (ref);
      qt_clear (&x);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

static void
test_concat_random (void)
{
  GRand *rand = g_rand_new_with_seed (21);

  for (int iter = 0; iter < 20; iter++)
    {
      uint32_t             n = g_rand_int_range (rand, 1, 4);
      int32_t              axis = g_rand_int_range (rand, 0, 3);
      int64_t              base[3] = { 2, 3, 4 }, yd[3] = { 2, 3, 4 };
      qt                   x[3], y;
      const lt_htp_tensor *ins[3];
      ref_case             c;
      float               *ref;
      lt_error             err;

      yd[axis] = 0;
      ref_case_init (&c, "Concat", 13);
      ref_case_attr_int (&c, "axis", axis);
      for (uint32_t i = 0; i < n; i++)
        {
          base[axis] = g_rand_int_range (rand, 1, 4);
          yd[axis] += base[axis];
          /* Each input with its own range, so each is requantized differently. */
          qt_activation (&x[i], rand, random_activation_dtype (rand), 3, base, -g_rand_double_range (rand, 0, 2), g_rand_double_range (rand, 0.1, 2));
          ref_case_input (&c, LT_DTYPE_F32, 3, base, x[i].real);
          ins[i] = &x[i].t;
        }
      ref_case_output (&c, LT_DTYPE_F32, 3, yd);
      ref = run_reference (&c);
      qt_output_for (&y, random_activation_dtype (rand), 3, yd, ref, 1.0);
      g_assert_cmpint (lt_htp_concat (ins, n, axis, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);
      g_free (ref);
      for (uint32_t i = 0; i < n; i++)
        qt_clear (&x[i]);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

static void
test_pool_random (void)
{
  GRand *rand = g_rand_new_with_seed (34);

  for (int iter = 0; iter < 40; iter++)
    {
      lt_htp_pool_params p = { .is_max = iter % 2 == 0, .count_include_pad = iter % 4 == 3 };
      int64_t            xd[4] = { 1, g_rand_int_range (rand, 1, 4), g_rand_int_range (rand, 3, 9), g_rand_int_range (rand, 3, 9) };
      int64_t            yd[4] = { xd[0], xd[1], 0, 0 };
      qt                 x, y;
      ref_case           c;
      float             *ref;
      lt_error           err;

      for (int i = 0; i < 2; i++)
        {
          p.kernel[i] = g_rand_int_range (rand, 1, 4);
          p.strides[i] = g_rand_int_range (rand, 1, 3);
          p.pads[i] = g_rand_int_range (rand, 0, (gint32) p.kernel[i]);
          p.pads[2 + i] = g_rand_int_range (rand, 0, (gint32) p.kernel[i]);
          yd[2 + i] = (xd[2 + i] + p.pads[i] + p.pads[2 + i] - p.kernel[i]) / p.strides[i] + 1;
        }
      qt_activation (&x, rand, random_activation_dtype (rand), 4, xd, -g_rand_double_range (rand, 0, 2), g_rand_double_range (rand, 0.1, 2));
      ref_case_init (&c, p.is_max ? "MaxPool" : "AveragePool", 11);
      ref_case_attr_ints (&c, "kernel_shape", 2, p.kernel);
      ref_case_attr_ints (&c, "strides", 2, p.strides);
      ref_case_attr_ints (&c, "pads", 4, p.pads);
      if (!p.is_max)
        ref_case_attr_int (&c, "count_include_pad", p.count_include_pad);
      ref_case_input (&c, LT_DTYPE_F32, 4, xd, x.real);
      ref_case_output (&c, LT_DTYPE_F32, 4, yd);
      ref = run_reference (&c);
      qt_output_for (&y, random_activation_dtype (rand), 4, yd, ref, 1.0);
      g_assert_cmpint (lt_htp_pool (&x.t, &p, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);
      g_free (ref);
      qt_clear (&x);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/reshape", test_reshape_exact_and_requantized);
  g_test_add_func ("/htp/transpose/random", test_transpose_random);
  g_test_add_func ("/htp/slice/random", test_slice_random);
  g_test_add_func ("/htp/concat/random", test_concat_random);
  g_test_add_func ("/htp/pool/random", test_pool_random);
  return g_test_run ();
}
