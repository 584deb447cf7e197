/* test-cpu-conv.c — the fast Conv kernels against the reference Conv.
 *
 * Random 1-D and 2-D convolutions (fixed seed): batch, odd sizes, groups,
 * depthwise, dilations, strides, explicit pads and every auto_pad, with and
 * without bias, on every ISA path (scalar, AVX2, AVX-512 where the CPU has them), with and without a pool.
 * Also: a bad attribute is refused naming the node, and weights that are
 * not constant are left to the reference kernel.
 */
#include "fast-case.h"

#include "backends/cpu/cpu-isa.h"

#include <string.h>

static const char *const auto_pads[] = { "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" };

typedef struct conv_shape
{
  int     nsp;
  int64_t batch, channels, out_channels, group;
  int64_t in[2], kernel[2], strides[2], dilations[2], pads[4], out[2];
  int     auto_pad;
  bool    bias;
} conv_shape;

static void
random_shape (GRand      *rand,
              conv_shape *s,
              bool        depthwise)
{
  memset (s, 0, sizeof *s);
  s->nsp = g_rand_int_range (rand, 0, 4) == 0 ? 1 : 2;
  s->batch = g_rand_int_range (rand, 1, 3);
  s->group = depthwise ? g_rand_int_range (rand, 2, 12) : g_rand_int_range (rand, 1, 4);
  s->channels = depthwise ? s->group : s->group * g_rand_int_range (rand, 1, 6);
  s->out_channels = depthwise ? s->group : s->group * g_rand_int_range (rand, 1, 9);
  s->auto_pad = g_rand_int_range (rand, 0, 4);
  s->bias = g_rand_boolean (rand);
  for (int i = 0; i < s->nsp; i++)
    {
      int64_t span, total;

      s->kernel[i] = g_rand_int_range (rand, 1, 6);
      s->strides[i] = g_rand_int_range (rand, 1, 4);
      s->dilations[i] = g_rand_int_range (rand, 1, 3);
      span = (s->kernel[i] - 1) * s->dilations[i] + 1;
      s->in[i] = span + g_rand_int_range (rand, 0, 14);
      if (s->auto_pad == 0)
        {
          s->pads[i] = g_rand_int_range (rand, 0, 3);
          s->pads[s->nsp + i] = g_rand_int_range (rand, 0, 3);
        }
      total = s->in[i] + s->pads[i] + s->pads[s->nsp + i];
      if (s->auto_pad == 1 || s->auto_pad == 2)
        s->out[i] = (s->in[i] + s->strides[i] - 1) / s->strides[i];
      else
        s->out[i] = (total - span) / s->strides[i] + 1;
    }
}

static void
build_case (ref_case         *c,
            const conv_shape *s,
            float           **x,
            float           **w,
            float           **b,
            GRand            *rand)
{
  int64_t x_dims[4] = { s->batch, s->channels }, w_dims[4] = { s->out_channels, s->channels / s->group };
  int64_t y_dims[4] = { s->batch, s->out_channels }, b_dims[1] = { s->out_channels };
  size_t  x_count = s->batch * s->channels, w_count = s->out_channels * (s->channels / s->group);

  for (int i = 0; i < s->nsp; i++)
    {
      x_dims[2 + i] = s->in[i];
      w_dims[2 + i] = s->kernel[i];
      y_dims[2 + i] = s->out[i];
      x_count *= s->in[i];
      w_count *= s->kernel[i];
    }
  *x = fast_random_floats (rand, x_count);
  *w = fast_random_floats (rand, w_count);
  *b = fast_random_floats (rand, s->out_channels);
  ref_case_init (c, "Conv", 17);
  ref_case_attr_ints (c, "strides", s->nsp, s->strides);
  ref_case_attr_ints (c, "dilations", s->nsp, s->dilations);
  ref_case_attr_int (c, "group", s->group);
  if (s->auto_pad == 0)
    ref_case_attr_ints (c, "pads", 2 * s->nsp, s->pads);
  else
    ref_case_attr_string (c, "auto_pad", auto_pads[s->auto_pad]);
  ref_case_input (c, LT_DTYPE_F32, s->nsp + 2, x_dims, *x);
  ref_case_input (c, LT_DTYPE_F32, s->nsp + 2, w_dims, *w);
  if (s->bias)
    ref_case_input (c, LT_DTYPE_F32, 1, b_dims, *b);
  ref_case_output (c, LT_DTYPE_F32, s->nsp + 2, y_dims);
  fast_case_build (c, 1u << 1);
}

static void
check_random_convs (const char *kernel_name,
                    bool        depthwise)
{
  GRand         *rand = g_rand_new_with_seed (7031);
  lt_threadpool *pool = NULL;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int iteration = 0; iteration < 160; iteration++)
    {
      conv_shape shape;
      ref_case   c;
      float     *x, *w, *b;

      random_shape (rand, &shape, depthwise);
      build_case (&c, &shape, &x, &w, &b, rand);
      lt_cpu_isa_set_limit ((lt_cpu_isa) (iteration % (LT_CPU_ISA_MAX + 1)));
      fast_case_compare (&c, LT_OP_Conv, kernel_name, iteration % 3 == 0 ? NULL : pool, 1e-4, 1e-4);
      ref_case_clear (&c);
      g_free (x);
      g_free (w);
      g_free (b);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  lt_threadpool_free (pool);
  g_rand_free (rand);
}

static void
test_gemm_path (void)
{
  check_random_convs ("lt_f32_conv_gemm", false);
  check_random_convs ("lt_f32_conv_gemm", true);
}

static void
test_depthwise_path (void)
{
  check_random_convs ("lt_f32_conv_depthwise", true);
}

/* 3×3 depthwise, pads 0 to 2, stride 1 and 2, at MobileNet-like widths
 * (several 16-column vectors, a shorter last one, and rows narrower than
 * one) on every ISA path: the vectorized planes, border columns included,
 * against the reference. */
static void
test_depthwise_3x3 (void)
{
  static const int64_t widths[] = { 1, 2, 7, 14, 17, 33, 56, 112 };
  GRand               *rand = g_rand_new_with_seed (3303);

  for (int isa = LT_CPU_ISA_SCALAR; isa <= LT_CPU_ISA_MAX; isa++)
    for (size_t i = 0; i < G_N_ELEMENTS (widths); i++)
      for (int64_t stride = 1; stride <= 2; stride++)
        for (int64_t pad = 0; pad <= 2; pad++)
          {
            conv_shape shape = { .nsp = 2, .batch = 1, .channels = 3, .out_channels = 3, .group = 3,
                                 .in = { widths[i] % 9 + 3, widths[i] }, .kernel = { 3, 3 },
                                 .strides = { stride, stride }, .dilations = { 1, 1 }, .pads = { pad, pad, pad, pad },
                                 .bias = i % 2 == 0 };
            ref_case   c;
            float     *x, *w, *b;

            if (widths[i] + 2 * pad < 3)
              continue;
            for (int d = 0; d < 2; d++)
              shape.out[d] = (shape.in[d] + 2 * pad - 3) / stride + 1;
            build_case (&c, &shape, &x, &w, &b, rand);
            lt_cpu_isa_set_limit ((lt_cpu_isa) isa);
            fast_case_compare (&c, LT_OP_Conv, "lt_f32_conv_depthwise", NULL, 1e-4, 1e-4);
            ref_case_clear (&c);
            g_free (x);
            g_free (w);
            g_free (b);
          }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  g_rand_free (rand);
}

/* A 1×1 stride-1 conv (the pointwise path) on a non-square image, with
 * more output channels than one GEMM row block holds. */
static void
check_pointwise (int64_t height,
                 int64_t width)
{
  GRand         *rand = g_rand_new_with_seed (11);
  int64_t        x_dims[4] = { 2, 24, height, width }, w_dims[4] = { 150, 24, 1, 1 }, y_dims[4] = { 2, 150, height, width };
  float         *x = fast_random_floats (rand, 2 * 24 * height * width), *w = fast_random_floats (rand, 150 * 24);
  lt_threadpool *pool = NULL;
  ref_case       c;

  g_assert_cmpint (lt_threadpool_new (2, &pool, NULL), ==, LT_OK);
  for (int isa = LT_CPU_ISA_SCALAR; isa <= LT_CPU_ISA_MAX; isa++)
    {
      ref_case_init (&c, "Conv", 17);
      ref_case_input (&c, LT_DTYPE_F32, 4, x_dims, x);
      ref_case_input (&c, LT_DTYPE_F32, 4, w_dims, w);
      ref_case_output (&c, LT_DTYPE_F32, 4, y_dims);
      fast_case_build (&c, 1u << 1);
      lt_cpu_isa_set_limit (isa);
      fast_case_compare (&c, LT_OP_Conv, "lt_f32_conv_gemm", isa % 2 ? pool : NULL, 1e-4, 1e-4);
      ref_case_clear (&c);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
  lt_threadpool_free (pool);
  g_free (x);
  g_free (w);
  g_rand_free (rand);
}

/* A small plane (X read in place) and one too large for that (X packed). */
static void
test_pointwise (void)
{
  check_pointwise (7, 13);
  check_pointwise (61, 97);
}

static void
test_bad_stride (void)
{
  int64_t  x_dims[4] = { 1, 2, 5, 5 }, w_dims[4] = { 3, 2, 3, 3 }, y_dims[4] = { 1, 3, 3, 3 };
  int64_t  strides[2] = { 0, 1 };
  float    x[50] = { 0 }, w[54] = { 0 }, y[27];
  ref_case c;

  ref_case_init (&c, "Conv", 17);
  ref_case_attr_ints (&c, "strides", 2, strides);
  ref_case_input (&c, LT_DTYPE_F32, 4, x_dims, x);
  ref_case_input (&c, LT_DTYPE_F32, 4, w_dims, w);
  ref_case_output (&c, LT_DTYPE_F32, 4, y_dims);
  fast_case_build (&c, 1u << 1);
  g_assert_cmpint (fast_case_run (&c, fast_case_find_kernel (LT_OP_Conv, "lt_f32_conv_gemm"), NULL, y), ==,
                   LT_ERR_INVALID_MODEL);
  g_assert_cmpstr (c.err.subject, ==, "node");
  ref_case_clear (&c);
}

static void
test_runtime_weights_refused (void)
{
  int64_t  x_dims[4] = { 1, 2, 5, 5 }, w_dims[4] = { 3, 2, 3, 3 }, y_dims[4] = { 1, 3, 3, 3 };
  float    x[50] = { 0 }, w[54] = { 0 };
  ref_case c;

  ref_case_init (&c, "Conv", 17);
  ref_case_input (&c, LT_DTYPE_F32, 4, x_dims, x);
  ref_case_input (&c, LT_DTYPE_F32, 4, w_dims, w);
  ref_case_output (&c, LT_DTYPE_F32, 4, y_dims);
  fast_case_build (&c, 0);
  g_assert_false (fast_case_supports (&c, fast_case_find_kernel (LT_OP_Conv, "lt_f32_conv_gemm")));
  ref_case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/conv/gemm", test_gemm_path);
  g_test_add_func ("/cpu/conv/depthwise", test_depthwise_path);
  g_test_add_func ("/cpu/conv/depthwise-3x3", test_depthwise_3x3);
  g_test_add_func ("/cpu/conv/pointwise", test_pointwise);
  g_test_add_func ("/cpu/conv/bad-stride", test_bad_stride);
  g_test_add_func ("/cpu/conv/runtime-weights-refused", test_runtime_weights_refused);
  return g_test_run ();
}
