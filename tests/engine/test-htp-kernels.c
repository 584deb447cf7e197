/* test-htp-kernels.c — the htp backend's integer Conv, Gemm/MatMul, Add,
 * Mul and Clip/Relu against the f32 reference kernels on the dequantized
 * data (bound in htp-case.h), on fixed-seed random shapes, plus a
 * hand-computed case and the error paths.
 *
 * Bit-exact: the f32 reference Conv and Gemm, fed the centered integers
 * (q + offset) as floats, sum in double and so return the exact integer
 * accumulator while it stays below 2^24 (8-bit activations and small
 * windows here); requantizing that accumulator must give the integer
 * kernel's codes exactly. */
#include "htp-case.h"

#include "backends/htp/requant.h"

#include <math.h>
#include <string.h>

static void
test_conv_random (void)
{
  GRand *rand = g_rand_new_with_seed (2024);

  for (int iter = 0; iter < 60; iter++)
    {
      bool               depthwise = iter % 3 == 0;
      int64_t            group = depthwise ? g_rand_int_range (rand, 1, 7) : g_rand_int_range (rand, 1, 3);
      int64_t            C = depthwise ? group : group * g_rand_int_range (rand, 1, 4);
      int64_t            M = depthwise ? group : group * g_rand_int_range (rand, 1, 4);
      lt_htp_conv_params p = { { g_rand_int_range (rand, 1, 3), g_rand_int_range (rand, 1, 3) },
                               { g_rand_int_range (rand, 1, 3), g_rand_int_range (rand, 1, 3) },
                               { g_rand_int_range (rand, 0, 2), g_rand_int_range (rand, 0, 2),
                                 g_rand_int_range (rand, 0, 2), g_rand_int_range (rand, 0, 2) },
                               group };
      int64_t            xd[4] = { g_rand_int_range (rand, 1, 3), C, g_rand_int_range (rand, 5, 10), g_rand_int_range (rand, 5, 10) };
      int64_t            wd[4] = { M, C / group, g_rand_int_range (rand, 1, 4), g_rand_int_range (rand, 1, 4) };
      int64_t            yd[4] = { xd[0], M, 0, 0 };
      bool               per_channel = g_rand_boolean (rand), with_bias = g_rand_boolean (rand);
      qt                 x, w, b, y;
      ref_case           c;
      float             *ref;
      lt_error           err;

      for (int i = 0; i < 2; i++)
        yd[2 + i] = (xd[2 + i] + p.pads[i] + p.pads[2 + i] - p.dilations[i] * (wd[2 + i] - 1) - 1) / p.strides[i] + 1;
      qt_activation (&x, rand, random_activation_dtype (rand), 4, xd, -g_rand_double_range (rand, 0, 2), g_rand_double_range (rand, 0.5, 4));
      qt_weights (&w, rand, g_rand_boolean (rand) ? 8 : 4, 4, wd, 0, per_channel ? M : 1);
      if (with_bias)
        qt_bias (&b, rand, M, x.scale[0], &w);

      ref_case_init (&c, "Conv", 11);
      ref_case_attr_ints (&c, "strides", 2, p.strides);
      ref_case_attr_ints (&c, "dilations", 2, p.dilations);
      ref_case_attr_ints (&c, "pads", 4, p.pads);
      ref_case_attr_int (&c, "group", group);
      ref_case_input (&c, LT_DTYPE_F32, 4, xd, x.real);
      ref_case_input (&c, LT_DTYPE_F32, 4, wd, w.real);
      if (with_bias)
        ref_case_input (&c, LT_DTYPE_F32, 1, &M, b.real);
      ref_case_output (&c, LT_DTYPE_F32, 4, yd);
      ref = run_reference (&c);

      /* Every fourth case narrows the output range to exercise saturation. */
      qt_output_for (&y, random_activation_dtype (rand), 4, yd, ref, iter % 4 == 1 ? 0.6 : 1.0);
      g_assert_cmpint (lt_htp_conv (&x.t, &w.t, with_bias ? &b.t : NULL, &p, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);

      g_free (ref);
      qt_clear (&x);
      qt_clear (&w);
      qt_clear (&y);
      if (with_bias)
        qt_clear (&b);
    }
  g_rand_free (rand);
}

static void
test_matmul_random (void)
{
  GRand *rand = g_rand_new_with_seed (99);

  for (int iter = 0; iter < 60; iter++)
    {
      /* Even cases: MatMul of [B, M, K] × [K, N]; odd: Gemm with transB and bias. */
      bool     gemm = iter % 2;
      int64_t  B = g_rand_int_range (rand, 1, 4), M = g_rand_int_range (rand, 1, 9);
      int64_t  K = g_rand_int_range (rand, 1, 40), N = g_rand_int_range (rand, 1, 17);
      int64_t  ad3[3] = { B, M, K }, yd3[3] = { B, M, N };
      int64_t  bd[2] = { gemm ? N : K, gemm ? K : N };
      int32_t  rank = gemm ? 2 : 3;
      int64_t *ad = gemm ? ad3 + 1 : ad3, *yd = gemm ? yd3 + 1 : yd3;
      qt       a, w, b, y;
      ref_case c;
      float   *ref;
      lt_error err;

      qt_activation (&a, rand, random_activation_dtype (rand), rank, ad, -g_rand_double_range (rand, 0, 3), g_rand_double_range (rand, 0.5, 3));
      qt_weights (&w, rand, g_rand_boolean (rand) ? 8 : 4, 2, bd, gemm ? 0 : 1, g_rand_boolean (rand) ? N : 1);
      if (gemm)
        qt_bias (&b, rand, N, a.scale[0], &w);

      ref_case_init (&c, gemm ? "Gemm" : "MatMul", 13);
      if (gemm)
        ref_case_attr_int (&c, "transB", 1);
      ref_case_input (&c, LT_DTYPE_F32, rank, ad, a.real);
      ref_case_input (&c, LT_DTYPE_F32, 2, bd, w.real);
      if (gemm)
        ref_case_input (&c, LT_DTYPE_F32, 1, &N, b.real);
      ref_case_output (&c, LT_DTYPE_F32, rank, yd);
      ref = run_reference (&c);

      qt_output_for (&y, random_activation_dtype (rand), rank, yd, ref, iter % 4 == 1 ? 0.6 : 1.0);
      g_assert_cmpint (lt_htp_matmul (&a.t, &w.t, gemm ? &b.t : NULL, gemm, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);

      g_free (ref);
      qt_clear (&a);
      qt_clear (&w);
      qt_clear (&y);
      if (gemm)
        qt_clear (&b);
    }
  g_rand_free (rand);
}

static void
test_binary_random (void)
{
  GRand *rand = g_rand_new_with_seed (5);

  for (int iter = 0; iter < 40; iter++)
    {
      lt_htp_binary_op op = iter % 2 ? LT_HTP_MUL : LT_HTP_ADD;
      int64_t          dims[3] = { g_rand_int_range (rand, 1, 4), g_rand_int_range (rand, 1, 8), g_rand_int_range (rand, 1, 30) };
      /* b broadcasts in two of three cases: a per-channel bias [C, 1],
       * or a row [W] of lower rank. */
      int64_t          bias_dims[3] = { dims[1], 1 }, row_dims[1] = { dims[2] };
      int32_t          b_rank = iter % 3 == 0 ? 3 : iter % 3 == 1 ? 2 : 1;
      const int64_t   *b_dims = iter % 3 == 0 ? dims : iter % 3 == 1 ? bias_dims : row_dims;
      lt_dtype         at = random_activation_dtype (rand);
      lt_dtype         bt = op == LT_HTP_MUL && at == LT_DTYPE_U16 ? LT_DTYPE_U8 : random_activation_dtype (rand);
      qt               a, b, y;
      ref_case         c;
      float           *ref;
      lt_error         err;

      qt_activation (&a, rand, at, 3, dims, -g_rand_double_range (rand, 0, 5), g_rand_double_range (rand, 0.1, 5));
      qt_activation (&b, rand, bt, b_rank, b_dims, -g_rand_double_range (rand, 0, 0.5), g_rand_double_range (rand, 0.1, 8));
      ref_case_init (&c, op == LT_HTP_ADD ? "Add" : "Mul", 14);
      ref_case_input (&c, LT_DTYPE_F32, 3, dims, a.real);
      ref_case_input (&c, LT_DTYPE_F32, b_rank, b_dims, b.real);
      ref_case_output (&c, LT_DTYPE_F32, 3, dims);
      ref = run_reference (&c);

      qt_output_for (&y, random_activation_dtype (rand), 3, dims, ref, iter % 4 == 1 ? 0.6 : 1.0);
      g_assert_cmpint (lt_htp_binary (op, &a.t, &b.t, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);

      g_free (ref);
      qt_clear (&a);
      qt_clear (&b);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

static void
test_clip_random (void)
{
  GRand *rand = g_rand_new_with_seed (17);

  for (int iter = 0; iter < 30; iter++)
    {
      bool     relu = iter % 2 == 0;
      int64_t  n = g_rand_int_range (rand, 1, 200);
      float    lo = relu ? 0.0f : (float) -g_rand_double_range (rand, 0, 1);
      float    hi = relu ? INFINITY : (float) g_rand_double_range (rand, 0.1, 2);
      int64_t  sd = 0;
      qt       x, y;
      ref_case c;
      float   *ref;
      lt_error err;

      qt_activation (&x, rand, random_activation_dtype (rand), 1, &n, -g_rand_double_range (rand, 0, 3), g_rand_double_range (rand, 0.1, 3));
      ref_case_init (&c, relu ? "Relu" : "Clip", 13);
      ref_case_input (&c, LT_DTYPE_F32, 1, &n, x.real);
      if (!relu)
        {
          ref_case_input (&c, LT_DTYPE_F32, 0, &sd, &lo);
          ref_case_input (&c, LT_DTYPE_F32, 0, &sd, &hi);
        }
      ref_case_output (&c, LT_DTYPE_F32, 1, &n);
      ref = run_reference (&c);

      qt_output_for (&y, random_activation_dtype (rand), 1, &n, ref, 1.0);
      g_assert_cmpint (lt_htp_clip (&x.t, lo, hi, &y.t, &err), ==, LT_OK);
      assert_within_bound (&y, ref);
      /* Relu's zero is exact: no negative output after dequantization. */
      for (int64_t i = 0; relu && i < n; i++)
        g_assert_cmpint (qt_get (&y, i) + y.offset[0], >=, 0);

      g_free (ref);
      qt_clear (&x);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

/* Replaces a tensor's dequantized copy by its centered integers. */
static void
center (qt *q)
{
  int64_t inner = 1;

  for (int32_t i = q->enc.axis + 1; i < q->t.rank; i++)
    inner *= q->t.dims[i];
  for (size_t i = 0; i < qt_count (q); i++)
    {
      int64_t c = q->enc.count > 1 ? (int64_t) (i / inner) % q->t.dims[q->enc.axis] : 0;
      q->real[i] = (float) (qt_get (q, i) + q->offset[c]);
    }
}

/* y's codes against requant (acc[i]) − y_offset with channel (i / inner) % channels. */
static void
assert_bit_exact (const qt    *y,
                  const float *acc,
                  const qt    *x,
                  const qt    *w,
                  int64_t      inner,
                  int64_t      channels)
{
  for (size_t i = 0; i < qt_count (y); i++)
    {
      int64_t    c = (int64_t) (i / inner) % channels;
      lt_requant rq;
      int64_t    want;

      g_assert_cmpfloat (fabs (acc[i]), <, 0x1p24);
      g_assert_cmpint (lt_requant_from_ratio ((double) x->scale[0] * w->scale[w->enc.count > 1 ? c : 0] / y->scale[0], &rq, "t", NULL), ==, LT_OK);
      want = CLAMP (lt_requant_apply (rq, (int64_t) acc[i]) - y->offset[0], 0, y->enc.bitwidth == 8 ? 255 : 65535);
      g_assert_cmpint (qt_get (y, i), ==, want);
    }
}

static void
test_conv_bit_exact (void)
{
  GRand *rand = g_rand_new_with_seed (4242);

  for (int iter = 0; iter < 30; iter++)
    {
      int64_t            group = iter % 2 ? 3 : 1, M = 3 * g_rand_int_range (rand, 1, 3);
      int64_t            xd[4] = { 1, 3, g_rand_int_range (rand, 4, 8), g_rand_int_range (rand, 4, 8) };
      int64_t            wd[4] = { M, 3 / group, g_rand_int_range (rand, 1, 4), g_rand_int_range (rand, 1, 4) };
      lt_htp_conv_params p = { { g_rand_int_range (rand, 1, 3), 1 }, { 1, g_rand_int_range (rand, 1, 3) }, { 1, 0, 0, 1 }, group };
      int64_t            yd[4] = { 1, M, 0, 0 };
      qt                 x, w, b, y;
      ref_case           c;
      float             *acc;

      for (int i = 0; i < 2; i++)
        yd[2 + i] = (xd[2 + i] + p.pads[i] + p.pads[2 + i] - p.dilations[i] * (wd[2 + i] - 1) - 1) / p.strides[i] + 1;
      qt_activation (&x, rand, LT_DTYPE_U8, 4, xd, -1, 1);
      qt_weights (&w, rand, 8, 4, wd, 0, M);
      qt_bias (&b, rand, M, 1.0, &w);
      center (&x);
      center (&w);
      for (int64_t m = 0; m < M; m++)
        b.real[m] = (float) qt_get (&b, m);
      ref_case_init (&c, "Conv", 11);
      ref_case_attr_ints (&c, "strides", 2, p.strides);
      ref_case_attr_ints (&c, "dilations", 2, p.dilations);
      ref_case_attr_ints (&c, "pads", 4, p.pads);
      ref_case_attr_int (&c, "group", group);
      ref_case_input (&c, LT_DTYPE_F32, 4, xd, x.real);
      ref_case_input (&c, LT_DTYPE_F32, 4, wd, w.real);
      ref_case_input (&c, LT_DTYPE_F32, 1, &M, b.real);
      ref_case_output (&c, LT_DTYPE_F32, 4, yd);
      acc = run_reference (&c);
      qt_activation (&y, NULL, random_activation_dtype (rand), 4, yd, -2, 2);
      g_assert_cmpint (lt_htp_conv (&x.t, &w.t, &b.t, &p, &y.t, NULL), ==, LT_OK);
      assert_bit_exact (&y, acc, &x, &w, yd[2] * yd[3], M);
      g_free (acc);
      qt_clear (&x);
      qt_clear (&w);
      qt_clear (&b);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

static void
test_gemm_bit_exact (void)
{
  GRand *rand = g_rand_new_with_seed (4343);

  for (int iter = 0; iter < 30; iter++)
    {
      int64_t  M = g_rand_int_range (rand, 1, 6), K = g_rand_int_range (rand, 1, 60), N = g_rand_int_range (rand, 1, 9);
      int64_t  ad[2] = { M, K }, bd[2] = { N, K }, yd[2] = { M, N };
      qt       a, w, b, y;
      ref_case c;
      float   *acc;

      qt_activation (&a, rand, LT_DTYPE_U8, 2, ad, -1, 1);
      qt_weights (&w, rand, iter % 2 ? 4 : 8, 2, bd, 0, N);
      qt_bias (&b, rand, N, 1.0, &w);
      center (&a);
      center (&w);
      for (int64_t n = 0; n < N; n++)
        b.real[n] = (float) qt_get (&b, n);
      ref_case_init (&c, "Gemm", 13);
      ref_case_attr_int (&c, "transB", 1);
      ref_case_input (&c, LT_DTYPE_F32, 2, ad, a.real);
      ref_case_input (&c, LT_DTYPE_F32, 2, bd, w.real);
      ref_case_input (&c, LT_DTYPE_F32, 1, &N, b.real);
      ref_case_output (&c, LT_DTYPE_F32, 2, yd);
      acc = run_reference (&c);
      qt_activation (&y, NULL, random_activation_dtype (rand), 2, yd, -3, 3);
      g_assert_cmpint (lt_htp_matmul (&a.t, &w.t, &b.t, true, &y.t, NULL), ==, LT_OK);
      assert_bit_exact (&y, acc, &a, &w, 1, N);
      g_free (acc);
      qt_clear (&a);
      qt_clear (&w);
      qt_clear (&b);
      qt_clear (&y);
    }
  g_rand_free (rand);
}

/* 1×1 conv, worked by hand: x = (10, 20) · 0.5 = (5, 10), w = 3 · 0.25 =
 * 0.75, bias 4 in scale 0.125 = 0.5: y = 4.25, 8; y_scale 0.5, offset −2
 * gives q = 8.5 + 2 → 11 (half away from zero) and 16 + 2 = 18. */
static void
test_conv_by_hand (void)
{
  uint8_t            xq[2] = { 10, 20 }, yq[2] = { 0, 0 };
  int8_t             wq[1] = { 3 };
  int32_t            bq[1] = { 4 };
  float              xs = 0.5f, ws = 0.25f, ys = 0.5f;
  int32_t            zero = 0, y_off = -2;
  lt_quant_encoding  xe = { 8, false, 0, 1, &xs, &zero }, we = { 8, true, 0, 1, &ws, &zero };
  lt_quant_encoding  ye = { 8, false, 0, 1, &ys, &y_off };
  lt_htp_tensor      x = { "x", LT_DTYPE_U8, 4, { 1, 1, 1, 2 }, xq, &xe };
  lt_htp_tensor      w = { "w", LT_DTYPE_I8, 4, { 1, 1, 1, 1 }, wq, &we };
  lt_htp_tensor      b = { "b", LT_DTYPE_I32, 1, { 1 }, bq, NULL };
  lt_htp_tensor      y = { "y", LT_DTYPE_U8, 4, { 1, 1, 1, 2 }, yq, &ye };
  lt_htp_conv_params p = { { 1, 1 }, { 1, 1 }, { 0, 0, 0, 0 }, 1 };

  g_assert_cmpint (lt_htp_conv (&x, &w, &b, &p, &y, NULL), ==, LT_OK);
  g_assert_cmpint (yq[0], ==, 11);
  g_assert_cmpint (yq[1], ==, 18);
}

/* Refused calls name the tensor and leave the output untouched. */
static void
test_errors (void)
{
  uint8_t            xq[4] = { 1, 2, 3, 4 }, yq[4] = { 0xab, 0xab, 0xab, 0xab };
  uint16_t           x16[4] = { 1, 2, 3, 4 };
  int8_t             wq[2] = { 9, -3 };
  float              s[3] = { 0.1f, 0.2f, 0.3f };
  int32_t            o[3] = { 0, 0, 0 };
  lt_quant_encoding  ae = { 8, false, 0, 1, s, o }, a16 = { 16, false, 0, 1, s, o };
  lt_quant_encoding  w4 = { 4, true, 0, 1, s, o }, w3 = { 8, true, 0, 3, s, o };
  lt_htp_tensor      x = { "x", LT_DTYPE_U8, 4, { 1, 1, 2, 2 }, xq, &ae };
  lt_htp_tensor      xf = { "xf", LT_DTYPE_F32, 4, { 1, 1, 2, 2 }, xq, &ae };
  lt_htp_tensor      x16t = { "x16", LT_DTYPE_U16, 4, { 1, 1, 2, 2 }, x16, &a16 };
  lt_htp_tensor      w = { "w4", LT_DTYPE_I8, 4, { 2, 1, 1, 1 }, wq, &w4 };
  lt_htp_tensor      wc = { "w3", LT_DTYPE_I8, 4, { 2, 1, 1, 1 }, wq, &w3 };
  lt_htp_tensor      y = { "y", LT_DTYPE_U8, 4, { 1, 2, 2, 2 }, yq, &ae };
  lt_htp_tensor      y1 = { "y1", LT_DTYPE_U8, 4, { 1, 1, 2, 2 }, yq, &ae };
  lt_htp_conv_params p = { { 1, 1 }, { 1, 1 }, { 0, 0, 0, 0 }, 1 };
  lt_error           err;

  g_assert_cmpint (lt_htp_conv (&xf, &w, NULL, &p, &y, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "xf");
  g_assert_cmpint (lt_htp_conv (&x, &w, NULL, &p, &y, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "w4");
  g_assert_nonnull (strstr (err.message, "4-bit"));
  g_assert_cmpint (lt_htp_conv (&x, &wc, NULL, &p, &y, &err), ==, LT_ERR_SHAPE);
  g_assert_cmpstr (err.subject, ==, "w3");
  p.strides[0] = 0;
  g_assert_cmpint (lt_htp_conv (&x, &wc, NULL, &p, &y, &err), ==, LT_ERR_SHAPE);
  g_assert_cmpint (lt_htp_binary (LT_HTP_MUL, &x16t, &x16t, &y1, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "y1");
  g_assert_cmpint (lt_htp_binary (LT_HTP_ADD, &x, &y, &y1, &err), ==, LT_ERR_SHAPE);
  g_assert_cmpstr (err.subject, ==, "y");
  g_assert_cmpint (lt_htp_clip (&x, 1.0f, 0.0f, &y1, &err), ==, LT_ERR_INVALID_ARGUMENT);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (yq[i], ==, 0xab);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/conv/by-hand", test_conv_by_hand);
  g_test_add_func ("/htp/conv/random", test_conv_random);
  g_test_add_func ("/htp/conv/bit-exact", test_conv_bit_exact);
  g_test_add_func ("/htp/gemm/bit-exact", test_gemm_bit_exact);
  g_test_add_func ("/htp/matmul/random", test_matmul_random);
  g_test_add_func ("/htp/binary/random", test_binary_random);
  g_test_add_func ("/htp/clip/random", test_clip_random);
  g_test_add_func ("/htp/errors", test_errors);
  return g_test_run ();
}
