/* test-htp-capability.c — the htp capability table on one-node graphs: what
 * it accepts, and the reason it gives for what it refuses. */
#include <glib.h>
#include <lt/htp.h>
#include <lt/lt.h>

static float weights[4 * 3 * 3 * 3];

typedef struct graph_case
{
  lt_graph *graph;
  int32_t   node;
  char      why[256];
} graph_case;

/* x [xd] → op (x, w [wd] constant when w_rank > 0, second activation x2
 * when second_input) → y [yd]. */
static void
build (graph_case    *gc,
       const char    *op,
       int64_t        opset,
       int32_t        x_rank,
       const int64_t *xd,
       int32_t        w_rank,
       const int64_t *wd,
       bool           second_input,
       int32_t        y_rank,
       const int64_t *yd,
       uint32_t       n_attrs,
       const lt_attr *attrs)
{
  lt_shape     xs, ys;
  lt_tensor    w = { .name = "w", .dtype = LT_DTYPE_F32, .rank = w_rank, .data = weights };
  const char  *inputs[2] = { "x", w_rank ? "w" : "x2" };
  const char  *outputs[1] = { "y" };
  lt_node_desc desc = { "n", op, "", opset, (w_rank || second_input) ? 2 : 1, inputs, 1, outputs, n_attrs, attrs };
  lt_error     err;

  gc->graph = lt_graph_new (NULL);
  lt_shape_set (&xs, x_rank, xd);
  lt_shape_set (&ys, y_rank, yd);
  g_assert_cmpint (lt_graph_add_input (gc->graph, "x", LT_DTYPE_F32, &xs, NULL, &err), ==, LT_OK);
  if (second_input)
    g_assert_cmpint (lt_graph_add_input (gc->graph, "x2", LT_DTYPE_F32, &xs, NULL, &err), ==, LT_OK);
  if (w_rank)
    {
      w.count = 1;
      for (int32_t i = 0; i < w_rank; i++)
        w.count *= (w.dims[i] = wd[i]);
      g_assert_cmpuint (w.count, <=, G_N_ELEMENTS (weights));
      w.nbytes = w.count * sizeof (float);
      g_assert_cmpint (lt_graph_add_constant (gc->graph, &w, NULL, &err), ==, LT_OK);
    }
  g_assert_cmpint (lt_graph_add_node (gc->graph, &desc, &gc->node, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (gc->graph, "y", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_declare_value (gc->graph, "y", LT_DTYPE_F32, &ys, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (gc->graph, &err), ==, LT_OK);
}

static void
expect (graph_case     *gc,
        const lt_dtype *types,
        const char     *reason_part)
{
  bool ok = lt_htp_check_node (gc->graph, gc->node, types, gc->why, sizeof gc->why);

  if (!reason_part)
    {
      if (!ok)
        g_error ("refused: %s", gc->why);
    }
  else
    {
      g_assert_false (ok);
      if (!strstr (gc->why, reason_part))
        g_error ("reason \"%s\" does not mention \"%s\"", gc->why, reason_part);
    }
}

static void
test_conv (void)
{
  int64_t    x4[4] = { 1, 3, 8, 8 }, w4[4] = { 4, 3, 3, 3 }, y4[4] = { 1, 4, 6, 6 };
  int64_t    x5[5] = { 1, 3, 4, 4, 4 }, w5[5] = { 1, 3, 1, 1, 1 }, y5[5] = { 1, 1, 4, 4, 4 };
  lt_dtype   u16[3] = { LT_DTYPE_U16, LT_DTYPE_I8, LT_DTYPE_I32 };
  lt_dtype   f32[3] = { LT_DTYPE_F32, LT_DTYPE_I8, LT_DTYPE_I32 };
  lt_dtype   i16w[3] = { LT_DTYPE_U8, LT_DTYPE_I16, LT_DTYPE_I32 };
  graph_case gc;

  build (&gc, "Conv", 13, 4, x4, 4, w4, false, 4, y4, 0, NULL);
  expect (&gc, NULL, NULL);
  expect (&gc, u16, NULL);
  expect (&gc, f32, "quantized to 8 or 16 bits");
  expect (&gc, i16w, "8-bit or 4-bit");
  lt_graph_free (gc.graph);

  build (&gc, "Conv", 13, 5, x5, 5, w5, false, 5, y5, 0, NULL);
  expect (&gc, NULL, "Conv with 3-D kernels");
  lt_graph_free (gc.graph);
}

static void
test_matmul_and_binary (void)
{
  int64_t    x[2] = { 4, 3 }, w[2] = { 3, 4 }, y[2] = { 4, 4 };
  int64_t    a[2] = { 4, 3 }, big[2] = { 4, 6 };
  lt_dtype   two16[2] = { LT_DTYPE_U16, LT_DTYPE_U16 };
  graph_case gc;

  build (&gc, "MatMul", 13, 2, x, 2, w, false, 2, y, 0, NULL);
  expect (&gc, NULL, NULL);
  lt_graph_free (gc.graph);
  build (&gc, "MatMul", 13, 2, x, 0, NULL, true, 2, a, 0, NULL);
  expect (&gc, NULL, "must be constant weights");
  lt_graph_free (gc.graph);

  build (&gc, "Add", 14, 2, a, 0, NULL, true, 2, a, 0, NULL);
  expect (&gc, NULL, NULL);
  expect (&gc, two16, NULL);
  lt_graph_free (gc.graph);
  build (&gc, "Mul", 14, 2, a, 0, NULL, true, 2, a, 0, NULL);
  expect (&gc, two16, "two 16-bit activations");
  lt_graph_free (gc.graph);
  build (&gc, "Add", 14, 2, a, 0, NULL, true, 2, big, 0, NULL);
  expect (&gc, NULL, "does not broadcast");
  lt_graph_free (gc.graph);
  /* A bias-like constant broadcasts along the rows. */
  build (&gc, "Add", 14, 2, a, 1, x + 1, false, 2, a, 0, NULL);
  expect (&gc, NULL, NULL);
  lt_graph_free (gc.graph);
}

static void
test_other_ops (void)
{
  int64_t    x[4] = { 1, 2, 8, 8 }, half[4] = { 1, 2, 4, 4 }, row[2] = { 2, 70000 };
  int64_t    k[2] = { 2, 2 };
  lt_attr    kernel = { .name = "kernel_shape", .type = LT_ATTR_INTS, .count = 2, .v.ints = k };
  lt_attr    pool_ceil[2] = { kernel, { .name = "ceil_mode", .type = LT_ATTR_INT, .count = 1, .v.i = 1 } };
  lt_attr    cubic = { .name = "mode", .type = LT_ATTR_STRING, .count = 1, .v.s = { "cubic", 5 } };
  graph_case gc;

  build (&gc, "MaxPool", 12, 4, x, 0, NULL, false, 4, half, 1, &kernel);
  expect (&gc, NULL, NULL);
  lt_graph_free (gc.graph);
  build (&gc, "AveragePool", 19, 4, x, 0, NULL, false, 4, half, 2, pool_ceil);
  expect (&gc, NULL, "ceil_mode");
  lt_graph_free (gc.graph);
  build (&gc, "Softmax", 13, 2, row, 0, NULL, false, 2, row, 0, NULL);
  expect (&gc, NULL, "more than 65536");
  lt_graph_free (gc.graph);
  build (&gc, "Sigmoid", 13, 4, x, 0, NULL, false, 4, x, 0, NULL);
  expect (&gc, NULL, NULL);
  lt_graph_free (gc.graph);
  build (&gc, "Resize", 19, 4, x, 0, NULL, false, 4, x, 1, &cubic);
  expect (&gc, NULL, "Resize in cubic mode is not supported on the NPU");
  lt_graph_free (gc.graph);
  build (&gc, "Resize", 19, 4, x, 0, NULL, false, 4, x, 0, NULL);
  expect (&gc, NULL, NULL);
  lt_graph_free (gc.graph);
  build (&gc, "Einsum", 12, 4, x, 0, NULL, false, 4, x, 0, NULL);
  expect (&gc, NULL, "Einsum is not supported on the NPU yet");
  lt_graph_free (gc.graph);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htp/capability/conv", test_conv);
  g_test_add_func ("/htp/capability/matmul-binary", test_matmul_and_binary);
  g_test_add_func ("/htp/capability/other-ops", test_other_ops);
  return g_test_run ();
}
