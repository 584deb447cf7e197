/* test-htp-session.c — the NPU runner (lt/htp-session.h) node by node, on
 * single-op models of the ONNX test data (Debian's libonnx-testdata) and
 * two small PyTorch exports.
 *
 * For each model: float inputs are given encodings from their data's
 * range (float inputs of a few elements, such as Clip's bounds and
 * Resize's scales, are parameters given at reshape, as are integer inputs
 * such as Slice's starts); the oracle is
 * the f32 session run on those inputs quantized and dequantized again; the
 * outputs get encodings from the oracle's range.  Every output of the
 * runner must be within one output step of the oracle (the kernels round
 * once, to half a step, see docs/engine.md), with 8-bit and 16-bit
 * activations, and a second run must allocate nothing.  Covers the steps'
 * parameter handling: pads and auto_pad, whole-plane pools, Slice's
 * starts and negative steps, Split sizes, Concat and Transpose axes,
 * Reshape/Squeeze/Unsqueeze shapes from inputs, Clip bounds from inputs,
 * and Reshape targets from Constant nodes, which do not run
 * (PixelShuffle); a float Constant node's tensor as an Add operand, on a
 * graph built here. */
#include "alloc-count.h"
#include "model-private.h"

#include "lt/htp-session.h"
#include "lt/lt.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define MAX_IO 8

static const char *const node_tests[] = {
  "node/test_relu",
  "node/test_clip",
  "node/test_sigmoid",
  "node/test_tanh",
  "node/test_hardswish",
  "node/test_add",
  "node/test_mul",
  "node/test_add_bcast",
  "node/test_mul_bcast",
  "node/test_globalaveragepool",
  "node/test_globalmaxpool",
  "node/test_maxpool_2d_pads",
  "node/test_maxpool_2d_same_upper",
  "node/test_averagepool_2d_pads",
  "node/test_averagepool_2d_same_upper",
  "node/test_concat_2d_axis_0",
  "node/test_transpose_default",
  "node/test_flatten_axis1",
  "node/test_identity",
  "node/test_reshape_reordered_all_dims",
  "node/test_squeeze",
  "node/test_unsqueeze_axis_0",
  "node/test_slice",
  "node/test_slice_neg_steps",
  "node/test_split_equal_parts_1d",
  "node/test_split_variable_parts_2d",
  "node/test_softmax_axis_2",
  "node/test_softmax_default_axis",
  "node/test_softmax_large_number",
  "node/test_resize_upsample_scales_nearest",
  "node/test_resize_upsample_scales_linear",
  "node/test_resize_downsample_scales_linear",
  "pytorch-converted/test_PixelShuffle",
};

/* An encoding of [lo, hi] (widened to hold 0) on an unsigned grid. */
typedef struct
{
  float             scale;
  int32_t           offset;
  lt_quant_encoding enc;
} range_encoding;

static void
encode_range (range_encoding *r,
              double          lo,
              double          hi,
              int32_t         bits)
{
  double steps = ldexp (1.0, bits) - 1;

  lo = MIN (lo, 0.0);
  hi = MAX (hi, lo + 1e-3);
  r->scale = (float) ((hi - lo) / steps);
  r->offset = (int32_t) nearbyint (lo / r->scale);
  r->enc = (lt_quant_encoding){ bits, false, 0, 1, &r->scale, &r->offset };
}

static void
data_range (const float *x,
            uint64_t     n,
            double      *lo,
            double      *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (uint64_t i = 0; i < n; i++)
    {
      *lo = MIN (*lo, x[i]);
      *hi = MAX (*hi, x[i]);
    }
}

typedef struct
{
  lt_model       *model;
  uint32_t        n_inputs, n_outputs;
  lt_tensor_file *files[MAX_IO];
  lt_value_type   types[MAX_IO];
  float          *fake_quant[MAX_IO]; /* data inputs, quantized and dequantized */
  range_encoding  input_encs[MAX_IO];
  range_encoding  output_encs[MAX_IO];
  float          *oracle[MAX_IO];
} node_case;

/* Float inputs of a few elements (Clip's bounds, Resize's scales) are
 * parameters in these models; the others are data. */
static bool
is_data_input (const lt_tensor *t)
{
  return t->dtype == LT_DTYPE_F32 && (t->rank >= 2 || t->count > 4);
}

static void
load_case (node_case  *c,
           const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("LATHE_ONNX_TESTDATA"), name, NULL);
  g_autofree char *model_path = g_build_filename (dir, "model.onnx", NULL);
  lt_error         err;

  lt_error_clear (&err);
  if (lt_model_load (model_path, NULL, &c->model, &err) != LT_OK)
    g_error ("%s: %s", model_path, err.message);
  lt_graph_get_inputs (lt_model_get_graph (c->model), &c->n_inputs);
  lt_graph_get_outputs (lt_model_get_graph (c->model), &c->n_outputs);
  g_assert_cmpuint (c->n_inputs, <=, MAX_IO);
  g_assert_cmpuint (c->n_outputs, <=, MAX_IO);
  for (uint32_t k = 0; k < c->n_inputs; k++)
    {
      g_autofree char *file = g_strdup_printf ("input_%u.pb", k);
      g_autofree char *path = g_build_filename (dir, "test_data_set_0", file, NULL);
      const lt_tensor *t;

      if (lt_tensor_file_load (path, &c->files[k], &err) != LT_OK)
        g_error ("%s: %s", path, err.message);
      t = lt_tensor_file_get (c->files[k]);
      c->types[k].dtype = t->dtype;
      lt_shape_set (&c->types[k].shape, t->rank, t->dims);
      if (!is_data_input (t))
        c->types[k].data = t; /* a parameter: its contents decide the run */
    }
}

/* Input encodings at `bits`, the fake-quantized inputs, the oracle and the
 * output encodings. */
static void
prepare_case (node_case *c,
              int32_t    bits)
{
  lt_session *session = NULL;
  lt_error    err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_session_new (c->model, NULL, &session, &err), ==, LT_OK);
  if (lt_session_reshape (session, c->types, &err) != LT_OK)
    g_error ("f32 reshape: %s", err.message);
  for (uint32_t k = 0; k < c->n_inputs; k++)
    {
      const lt_tensor *t = lt_tensor_file_get (c->files[k]);
      const float     *x = t->data;
      double           lo, hi;

      if (!is_data_input (t))
        {
          g_assert_cmpint (lt_session_bind_input (session, k, t->data, t->nbytes, &err), ==, LT_OK);
          continue;
        }
      data_range (x, t->count, &lo, &hi);
      encode_range (&c->input_encs[k], lo, hi, bits);
      c->fake_quant[k] = g_new (float, t->count);
      /* As QuantizeLinear (and the runner) quantize: x / scale in float. */
      for (uint64_t i = 0; i < t->count; i++)
        c->fake_quant[k][i] = (float) lt_quant_encoding_dequantize (&c->input_encs[k].enc, 0,
                                                                    lt_quant_encoding_quantize (&c->input_encs[k].enc, 0, nearbyintf (x[i] / c->input_encs[k].scale) * (double) c->input_encs[k].scale));
      g_assert_cmpint (lt_session_bind_input (session, k, c->fake_quant[k], t->count * sizeof (float), &err), ==, LT_OK);
    }
  if (lt_session_run (session, &err) != LT_OK)
    g_error ("f32 run: %s", err.message);
  for (uint32_t k = 0; k < c->n_outputs; k++)
    {
      const lt_tensor *y = lt_session_get_output (session, k);
      double           lo, hi;

      g_assert_cmpint (y->dtype, ==, LT_DTYPE_F32);
      c->oracle[k] = g_memdup2 (y->data, y->nbytes);
      data_range (c->oracle[k], y->count, &lo, &hi);
      encode_range (&c->output_encs[k], lo, hi, bits);
    }
  lt_session_free (session);
}

static void
free_case (node_case *c)
{
  for (uint32_t k = 0; k < MAX_IO; k++)
    {
      lt_tensor_file_free (c->files[k]);
      g_free (c->fake_quant[k]);
      g_free (c->oracle[k]);
    }
  lt_model_unref (c->model);
}

/* Runs the case on the NPU runner; returns the reshape status (and fills
 * `err`), checking outputs and allocations when it is LT_OK. */
static lt_status
run_case (node_case *c,
          lt_error  *err)
{
  const lt_graph                      *graph = lt_model_get_graph (c->model);
  uint32_t                             n;
  const int32_t                       *inputs = lt_graph_get_inputs (graph, &n);
  const int32_t                       *outputs = lt_graph_get_outputs (graph, &n);
  uint32_t                             n_values = lt_graph_get_n_values (graph);
  g_autofree const lt_quant_encoding **encodings = g_new0 (const lt_quant_encoding *, n_values);
  lt_htp_session                      *session = NULL;
  lt_status                            st;
  int                                  before;

  for (uint32_t k = 0; k < c->n_inputs; k++)
    if (c->fake_quant[k])
      encodings[inputs[k]] = &c->input_encs[k].enc;
  for (uint32_t k = 0; k < c->n_outputs; k++)
    encodings[outputs[k]] = &c->output_encs[k].enc;
  g_assert_cmpint (lt_htp_session_new (c->model, NULL, &session, err), ==, LT_OK);
  st = lt_htp_session_reshape (session, c->types, encodings, n_values, err);
  if (st != LT_OK)
    {
      lt_htp_session_free (session);
      return st;
    }
  for (uint32_t k = 0; k < c->n_inputs; k++)
    if (c->fake_quant[k])
      {
        /* The original data: the runner quantizes it as the oracle's was. */
        const lt_tensor *t = lt_tensor_file_get (c->files[k]);
        g_assert_cmpint (lt_htp_session_bind_input (session, k, t->data, t->nbytes, err), ==, LT_OK);
      }
  g_assert_cmpint (lt_htp_session_run (session, err), ==, LT_OK);
  before = test_alloc_count ();
  g_assert_cmpint (lt_htp_session_run (session, err), ==, LT_OK);
  g_assert_cmpint (test_alloc_count (), ==, before);

  for (uint32_t k = 0; k < c->n_outputs; k++)
    {
      const lt_tensor         *y = lt_htp_session_get_output (session, k);
      const lt_quant_encoding *enc = &c->output_encs[k].enc;
      double                   step = enc->scale[0], worst = 0;
      double                   lo = lt_quant_encoding_dequantize (enc, 0, 0);
      double                   hi = lt_quant_encoding_dequantize (enc, 0, ((int64_t) 1 << enc->bitwidth) - 1);

      for (uint64_t i = 0; i < y->count; i++)
        {
          double expected = CLAMP ((double) c->oracle[k][i], lo, hi);
          worst = MAX (worst, fabs ((double) ((const float *) y->data)[i] - expected));
        }
      g_test_message ("output %u: %" G_GUINT64_FORMAT " values, largest difference %.3g steps", k, y->count, worst / step);
      /* Half a step of rounding in the kernel, half of the oracle's float
       * rounding at a tie, and the Softmax's 2^-14 of intermediate
       * roundings. */
      g_assert_cmpfloat (worst, <=, step + 0x1p-14);
    }
  lt_htp_session_free (session);
  return LT_OK;
}

static void
test_node (gconstpointer data)
{
  const char *name = data;

  for (int32_t bits = 8; bits <= 16; bits += 8)
    {
      node_case c = { 0 };
      lt_error  err;

      lt_error_clear (&err);
      load_case (&c, name);
      prepare_case (&c, bits);
      if (run_case (&c, &err) != LT_OK)
        {
          /* The refusals among these: a product of two 16-bit
           * activations overflows the accumulator; the NPU resizes by the
           * ratio of sizes, not by scales that differ from it. */
          g_test_message ("%d bits: %s: %s", bits, err.subject, err.message);
          g_assert_cmpint (err.code, ==, LT_ERR_UNSUPPORTED);
          if (g_str_has_prefix (name, "node/test_mul"))
            {
              g_assert_cmpint (bits, ==, 16);
              g_assert_nonnull (strstr (err.message, "16-bit"));
            }
          else
            {
              g_assert_cmpstr (name, ==, "node/test_resize_downsample_scales_linear");
              g_assert_nonnull (strstr (err.message, "scales"));
            }
        }
      free_case (&c);
    }
}

/* x [2, 3] + c, c [3] the tensor of a Constant node: the node does not
 * run, c is quantized once with its encoding and broadcast. */
static void
test_constant_node (void)
{
  static const float x[6] = { -2, -1, 0, 0.5f, 1, 2 };
  const int64_t      dims[2] = { 2, 3 };
  lt_graph          *g = lt_graph_new (NULL);
  lt_tensor         *c = lt_graph_alloc (g, sizeof *c);
  float             *c_data = lt_graph_alloc (g, 3 * sizeof *c_data);
  lt_attr            value = { .name = "value", .type = LT_ATTR_TENSOR, .count = 1 };
  const char        *add_in[2] = { "x", "c" }, *k_out[1] = { "c" }, *add_out[1] = { "y" };
  lt_node_desc       k = { "k", "Constant", "", 13, 0, NULL, 1, k_out, 1, &value };
  lt_node_desc       add = { "add", "Add", "", 13, 2, add_in, 1, add_out, 0, NULL };
  lt_shape           shape;
  lt_model          *model = lt_model_new ("constant-node.onnx");
  range_encoding     xe, ce, ye;
  lt_htp_session    *session = NULL;
  lt_error           err;

  c_data[0] = 0.5f;
  c_data[1] = -1;
  c_data[2] = 2;
  *c = (lt_tensor){ .name = "", .dtype = LT_DTYPE_F32, .rank = 1, .dims = { 3 }, .count = 3, .data = c_data, .nbytes = 3 * sizeof (float) };
  value.v.t = c;
  lt_shape_set (&shape, 2, dims);
  lt_error_clear (&err);
  g_assert_cmpint (lt_graph_add_input (g, "x", LT_DTYPE_F32, &shape, NULL, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_node (g, &k, NULL, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_node (g, &add, NULL, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (g, "y", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (g, &err), ==, LT_OK);
  model->graph = g;

  encode_range (&xe, -2, 2, 8);
  encode_range (&ce, -1, 2, 8);
  encode_range (&ye, -3, 4, 8);
  {
    const lt_quant_encoding *encodings[3] = { NULL };
    encodings[lt_graph_find_value (g, "x")] = &xe.enc;
    encodings[lt_graph_find_value (g, "c")] = &ce.enc;
    encodings[lt_graph_find_value (g, "y")] = &ye.enc;
    g_assert_cmpuint (lt_graph_get_n_values (g), ==, 3);
    g_assert_cmpint (lt_htp_session_new (model, NULL, &session, &err), ==, LT_OK);
    if (lt_htp_session_reshape (session, NULL, encodings, 3, &err) != LT_OK)
      g_error ("%s: %s", err.subject, err.message);
  }
  g_assert_cmpint (lt_htp_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
  g_assert_cmpint (lt_htp_session_run (session, &err), ==, LT_OK);
  for (int i = 0; i < 6; i++)
    {
      double xq = lt_quant_encoding_dequantize (&xe.enc, 0, lt_quant_encoding_quantize (&xe.enc, 0, x[i]));
      double cq = lt_quant_encoding_dequantize (&ce.enc, 0, lt_quant_encoding_quantize (&ce.enc, 0, c_data[i % 3]));
      double y = ((const float *) lt_htp_session_get_output (session, 0)->data)[i];
      g_assert_cmpfloat (fabs (y - (xq + cq)), <=, ye.scale);
    }
  lt_htp_session_free (session);
  lt_model_unref (model);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (node_tests); i++)
    {
      g_autofree char *path = g_strdup_printf ("/htp-session/%s", strrchr (node_tests[i], '/') + 1);
      g_test_add_data_func (path, node_tests[i], test_node);
    }
  g_test_add_func ("/htp-session/constant-node", test_constant_node);
  return g_test_run ();
}
