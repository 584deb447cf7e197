/* test-ref-rnn.c — reference RNN, GRU and LSTM on one-unit cases worked
 * out from the ONNX equations. */
#include "ref-harness.h"

#include <math.h>

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* A one-unit recurrence over x: X [seq, batch, 1], W [1, G, 1], R [1, G, 1]. */
static void
setup (ref_case      *c,
       const char    *op,
       int64_t        gates,
       const float   *x,
       int64_t        seq,
       int64_t        batch,
       const float   *w,
       const float   *r,
       const int32_t *seq_lens)
{
  int64_t xd[3] = { seq, batch, 1 }, wd[3] = { 1, gates, 1 }, ld[1] = { batch };
  int64_t yd[4] = { seq, 1, batch, 1 }, hd[3] = { 1, batch, 1 };

  ref_case_init (c, op, 14);
  ref_case_attr_int (c, "hidden_size", 1);
  ref_case_input (c, LT_DTYPE_F32, 3, xd, x);
  ref_case_input (c, LT_DTYPE_F32, 3, wd, w);
  ref_case_input (c, LT_DTYPE_F32, 3, wd, r);
  ref_case_input (c, LT_DTYPE_UNDEFINED, 0, NULL, NULL);
  if (seq_lens)
    ref_case_input (c, LT_DTYPE_I32, 1, ld, seq_lens);
  ref_case_output (c, LT_DTYPE_F32, 4, yd);
  ref_case_output (c, LT_DTYPE_F32, 3, hd);
}

static void
test_rnn_forward_and_lengths (void)
{
  ref_case c;
  /* batch-major in memory as [seq, batch]: x(t=0) = 1, 3; x(t=1) = 2, 4 */
  float   x[4] = { 1, 3, 2, 4 }, w[1] = { 1 }, r[1] = { 0.5f };
  int32_t lens[2] = { 2, 1 };
  float   h0_1 = (float) tanh (1), h1_1 = (float) tanh (2 + 0.5 * tanh (1)), h0_2 = (float) tanh (3);
  /* batch 1 stops after one step: its second output is 0 and its state tanh(3) */
  float want_y[4] = { h0_1, h0_2, h1_1, 0 }, want_h[2] = { h1_1, h0_2 };

  setup (&c, "RNN", 1, x, 2, 2, w, r, lens);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_RNN)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want_y, 4, 1e-6, 0);
  ref_assert_floats (c.outputs[1].data, want_h, 2, 1e-6, 0);
  ref_case_clear (&c);
}

static void
test_rnn_reverse (void)
{
  ref_case c;
  float    x[2] = { 1, 2 }, w[1] = { 1 }, r[1] = { 0.5f };
  float    last = (float) tanh (1 + 0.5 * tanh (2));
  float    want_y[2] = { last, (float) tanh (2) }, want_h[1] = { last };

  setup (&c, "RNN", 1, x, 2, 1, w, r, NULL);
  ref_case_attr_string (&c, "direction", "reverse");
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_RNN)), ==, LT_OK);
  ref_assert_floats (c.outputs[0].data, want_y, 2, 1e-6, 0);
  ref_assert_floats (c.outputs[1].data, want_h, 1, 1e-6, 0);
  ref_case_clear (&c);
}

static void
test_gru (void)
{
  ref_case c;
  /* gates z, r, h: only h sees x; z = r = sigmoid(0) = 0.5 */
  float  x[2] = { 1, 1 }, w[3] = { 0, 0, 1 }, r[3] = { 0, 0, 1 };
  double h1 = 0.5 * tanh (1);
  double h2 = 0.5 * tanh (1 + 0.5 * h1) + 0.5 * h1; /* (r ⊙ h) · Rh */
  float  want_h[1] = { (float) h2 };

  setup (&c, "GRU", 3, x, 2, 1, w, r, NULL);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GRU)), ==, LT_OK);
  ref_assert_floats (c.outputs[1].data, want_h, 1, 1e-6, 0);
  ref_case_clear (&c);
}

/* One GRU step from h = 0 with the recurrent bias Rbh = 1: it is scaled by
 * the reset gate (0.5) only with linear_before_reset. */
static void
run_gru_reset (bool  linear_before_reset,
               float want)
{
  ref_case c;
  int64_t  xd[3] = { 1, 1, 1 }, wd[3] = { 1, 3, 1 }, bd[2] = { 1, 6 }, hd[3] = { 1, 1, 1 }, yd[4] = { 1, 1, 1, 1 };
  float    x[1] = { 1 }, w[3] = { 0, 0, 1 }, r[3] = { 0, 0, 1 }, b[6] = { 0, 0, 0, 0, 0, 1 };

  ref_case_init (&c, "GRU", 14);
  ref_case_attr_int (&c, "hidden_size", 1);
  ref_case_attr_int (&c, "linear_before_reset", linear_before_reset);
  ref_case_input (&c, LT_DTYPE_F32, 3, xd, x);
  ref_case_input (&c, LT_DTYPE_F32, 3, wd, w);
  ref_case_input (&c, LT_DTYPE_F32, 3, wd, r);
  ref_case_input (&c, LT_DTYPE_F32, 2, bd, b);
  ref_case_output (&c, LT_DTYPE_F32, 4, yd);
  ref_case_output (&c, LT_DTYPE_F32, 3, hd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_GRU)), ==, LT_OK);
  ref_assert_floats (c.outputs[1].data, &want, 1, 1e-6, 0);
  ref_case_clear (&c);
}

static void
test_gru_linear_before_reset (void)
{
  run_gru_reset (false, (float) (0.5 * tanh (2.0)));
  run_gru_reset (true, (float) (0.5 * tanh (1.5)));
}

static void
test_lstm (void)
{
  ref_case c;
  int64_t  hd[3] = { 1, 1, 1 };
  /* gates i, o, f, c: x feeds i and c; o = f = sigmoid(0) = 0.5 */
  float  x[1] = { 1 }, w[4] = { 1, 0, 0, 1 }, r[4] = { 0, 0, 0, 0 };
  double cell = sigmoid (1) * tanh (1);
  float  want_h[1] = { (float) (0.5 * tanh (cell)) }, want_c[1] = { (float) cell };

  setup (&c, "LSTM", 4, x, 1, 1, w, r, NULL);
  ref_case_output (&c, LT_DTYPE_F32, 3, hd);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_LSTM)), ==, LT_OK);
  ref_assert_floats (c.outputs[1].data, want_h, 1, 1e-6, 0);
  ref_assert_floats (c.outputs[2].data, want_c, 1, 1e-6, 0);
  ref_case_clear (&c);
}

static void
test_rnn_bad_attributes (void)
{
  ref_case c;
  float    x[1] = { 1 }, w[1] = { 1 }, r[1] = { 1 };
  int32_t  lens[1] = { 2 };

  setup (&c, "RNN", 1, x, 1, 1, w, r, NULL);
  ref_case_attr_string (&c, "direction", "sideways");
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_RNN)), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (c.err.message, "direction"));
  ref_case_clear (&c);

  /* a sequence length beyond the input is a data error */
  setup (&c, "RNN", 1, x, 1, 1, w, r, lens);
  g_assert_cmpint (ref_case_run (&c, lt_cpu_reference_kernel (LT_OP_RNN)), ==, LT_ERR_RUNTIME);
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ref/rnn/forward-and-lengths", test_rnn_forward_and_lengths);
  g_test_add_func ("/ref/rnn/reverse", test_rnn_reverse);
  g_test_add_func ("/ref/rnn/gru", test_gru);
  g_test_add_func ("/ref/rnn/gru-linear-before-reset", test_gru_linear_before_reset);
  g_test_add_func ("/ref/rnn/lstm", test_lstm);
  g_test_add_func ("/ref/rnn/bad-attributes", test_rnn_bad_attributes);
  return g_test_run ();
}
