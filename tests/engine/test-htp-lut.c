/* test-htp-lut.c — the htp lookup tables for Sigmoid, Tanh, HardSwish and
 * Gelu against the f32 reference kernels, over every input code of 8-bit
 * and 16-bit inputs (bound in htp-case.h: the table entry is the rounded
 * exact value, so half an output step plus the reference's f32 error). */
#include "htp-case.h"

static const struct
{
  lt_htp_lut_fn fn;
  const char   *op;
  int64_t       opset;
} functions[] = {
  { LT_HTP_LUT_SIGMOID, "Sigmoid", 13 },
  { LT_HTP_LUT_TANH, "Tanh", 13 },
  { LT_HTP_LUT_HARD_SWISH, "HardSwish", 14 },
  { LT_HTP_LUT_GELU, "Gelu", 20 },
};

static void
check_all_codes (lt_htp_lut_fn fn,
                 const char   *op,
                 int64_t       opset,
                 lt_dtype      x_dtype,
                 lt_dtype      y_dtype)
{
  int64_t     n = x_dtype == LT_DTYPE_U8 ? 256 : 65536;
  qt          x, y;
  ref_case    c;
  float      *ref;
  lt_htp_lut *lut;
  lt_error    err;

  qt_activation (&x, NULL, x_dtype, 1, &n, -6.5, 5.0);
  for (int64_t q = 0; q < n; q++)
    {
      if (x_dtype == LT_DTYPE_U8)
        ((uint8_t *) x.t.data)[q] = (uint8_t) q;
      else
        ((uint16_t *) x.t.data)[q] = (uint16_t) q;
      x.real[q] = (float) ((q + x.offset[0]) * (double) x.scale[0]);
    }
  ref_case_init (&c, op, opset);
  ref_case_input (&c, LT_DTYPE_F32, 1, &n, x.real);
  ref_case_output (&c, LT_DTYPE_F32, 1, &n);
  ref = run_reference (&c);
  qt_output_for (&y, y_dtype, 1, &n, ref, 1.0);

  g_assert_cmpint (lt_htp_lut_new (fn, &x.t, &y.t, &lut, &err), ==, LT_OK);
  g_assert_cmpint (lt_htp_lut_apply (lut, &x.t, &y.t, &err), ==, LT_OK);
  assert_within_bound (&y, ref);
  /* A tensor of another dtype than the table's is refused. */
  x.t.dtype = x_dtype == LT_DTYPE_U8 ? LT_DTYPE_U16 : LT_DTYPE_U8;
  g_assert_cmpint (lt_htp_lut_apply (lut, &x.t, &y.t, &err), ==, LT_ERR_INVALID_ARGUMENT);
  x.t.dtype = x_dtype;

  lt_htp_lut_free (lut);
  g_free (ref);
  qt_clear (&x);
  qt_clear (&y);
}

static void
test_luts (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (functions); i++)
    {
      check_all_codes (functions[i].fn, functions[i].op, functions[i].opset, LT_DTYPE_U8, LT_DTYPE_U8);
      check_all_codes (functions[i].fn, functions[i].op, functions[i].opset, LT_DTYPE_U8, LT_DTYPE_U16);
      check_all_codes (functions[i].fn, functions[i].op, functions[i].opset, LT_DTYPE_U16, LT_DTYPE_U16);
      check_all_codes (functions[i].fn, functions[i].op, functions[i].opset, LT_DTYPE_U16, LT_DTYPE_U8);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/lut/all-codes", test_luts);
  return g_test_run ();
}
