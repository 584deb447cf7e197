/* test-session.c — sessions end to end on small graphs built in code:
 * results, in-place reuse, no allocation in run (malloc and friends are
 * wrapped at link time for this test), observer, abort, profiling,
 * BatchNormalization folding, activation fusion, the value transform and
 * replaced constants of quantization simulation, and the errors of
 * reshape, bind and run. */
#include "backends/cpu/cpu-isa.h"
#include "lt/lt.h"
#include "model-private.h"
#include "alloc-count.h"
#include "graph-build.h"

#include <glib.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* ---- graph building ---------------------------------------------------- */

static lt_graph *
new_graph (void)
{
  return lt_graph_new (NULL);
}

static void
add_input (lt_graph      *g,
           const char    *name,
           int32_t        rank,
           const int64_t *dims)
{
  lt_test_add_input (g, name, LT_DTYPE_F32, rank, dims);
}

static void
add_constant (lt_graph      *g,
              const char    *name,
              int32_t        rank,
              const int64_t *dims,
              const float   *values)
{
  uint64_t count = 1;
  for (int32_t d = 0; d < rank; d++)
    count *= (uint64_t) dims[d];
  lt_test_add_constant (g, name, LT_DTYPE_F32, rank, dims, values, count * sizeof *values);
}

static void
add_node (lt_graph      *g,
          const char    *name,
          const char    *op,
          const char    *in0,
          const char    *in1,
          const char    *out,
          uint32_t       n_attrs,
          const lt_attr *attrs)
{
  const char  *inputs[2] = { in0, in1 };
  const char  *outputs[1] = { out };
  lt_node_desc desc = { .name = name, .op_type = op, .opset = 17, .n_inputs = in1 ? 2 : 1, .inputs = inputs,
                        .n_outputs = 1, .outputs = outputs, .n_attrs = n_attrs, .attrs = attrs };
  g_assert_cmpint (lt_graph_add_node (g, &desc, NULL, NULL), ==, LT_OK);
}

static lt_model *
finish (lt_graph   *g,
        const char *output)
{
  lt_model *model = lt_model_new ("test.onnx");
  g_assert_cmpint (lt_graph_add_output (g, output, NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (g, NULL), ==, LT_OK);
  model->graph = g;
  return model;
}

/* x[2,3] → Relu → Neg → Abs → Add(c) → y: every step after the first may
 * run in place. */
static lt_model *
chain_model (void)
{
  const int64_t dims[2] = { 2, 3 };
  const float   c[6] = { 10, 20, 30, 40, 50, 60 };
  lt_graph     *g = new_graph ();

  add_input (g, "x", 2, dims);
  add_constant (g, "c", 2, dims, c);
  add_node (g, "relu", "Relu", "x", NULL, "a", 0, NULL);
  add_node (g, "neg", "Neg", "a", NULL, "b", 0, NULL);
  add_node (g, "abs", "Abs", "b", NULL, "d", 0, NULL);
  add_node (g, "add", "Add", "d", "c", "y", 0, NULL);
  return finish (g, "y");
}

static const float chain_x[6] = { -1, 2, -3, 4, -5, 6 };
static const float chain_y[6] = { 10, 22, 30, 44, 50, 66 };

static lt_session *
new_session (lt_model                 *model,
             const lt_session_options *options)
{
  lt_session *session = NULL;
  lt_error    err;
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_new (model, options, &session, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_OK);
  return session;
}

static void
test_chain (void)
{
  lt_model        *model = chain_model ();
  lt_session_options options = { .n_threads = 1 };
  lt_session      *session = new_session (model, &options);
  lt_error         err;
  const lt_tensor *y;

  g_assert_cmpint (lt_session_bind_input (session, 0, chain_x, sizeof chain_x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  y = lt_session_get_output (session, 0);
  g_assert_cmpint (y->dtype, ==, LT_DTYPE_F32);
  g_assert_cmpint (y->rank, ==, 2);
  g_assert_cmpmem (y->data, y->nbytes, chain_y, sizeof chain_y);
  /* a, b and d each die into the next node, which writes in place: one
   * 64-byte-aligned buffer holds all four values. */
  g_assert_cmpuint (lt_session_get_unplanned_bytes (session), ==, 4 * 24);
  g_assert_cmpuint (lt_session_get_arena_bytes (session), ==, 64);
  g_assert_cmpstr (lt_session_get_kernel_name (session, lt_graph_find_node (lt_model_get_graph (model), "neg")), !=, NULL);
  lt_session_free (session);
  lt_model_unref (model);
}

static void
test_run_allocates_nothing (void)
{
  lt_model          *model = chain_model ();
  lt_session_options options = { .n_threads = 4, .profiling = true };
  lt_session        *session = new_session (model, &options);
  lt_error           err;
  int                before;

  g_assert_cmpint (lt_session_bind_input (session, 0, chain_x, sizeof chain_x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  before = lt_test_alloc_count ();
  for (int i = 0; i < 10; i++)
    g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  g_assert_cmpint (lt_test_alloc_count (), ==, before);
  /* The wrapper does count: reshape allocates. */
  g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_OK);
  g_assert_cmpint (lt_test_alloc_count (), >, before);
  lt_session_free (session);
  lt_model_unref (model);
}

typedef struct
{
  int  calls;
  int  stop_after;
  char last[32];
} hook_state;

static void
observe (void            *user_data,
         const lt_graph  *graph,
         int32_t          value_id,
         const lt_tensor *value)
{
  hook_state *state = user_data;
  g_assert_cmpstr (lt_graph_get_value (graph, value_id)->name, ==, value->name);
  g_assert_cmpuint (value->count, ==, 6);
  g_strlcpy (state->last, value->name, sizeof state->last);
  state->calls++;
}

static bool
should_abort (void *user_data)
{
  hook_state *state = user_data;
  return state->calls >= state->stop_after;
}

static void
test_hooks (void)
{
  lt_model          *model = chain_model ();
  hook_state         state = { .stop_after = 1000 };
  lt_session_options options = { .n_threads = 1, .observer_fn = observe, .observer_data = &state,
                                 .abort_fn = should_abort, .abort_data = &state, .profiling = true };
  lt_session        *session = new_session (model, &options);
  const lt_graph    *graph = lt_model_get_graph (model);
  lt_error           err;
  uint64_t           total_ns = 0;

  g_assert_cmpint (lt_session_bind_input (session, 0, chain_x, sizeof chain_x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  g_assert_cmpint (state.calls, ==, 4);
  g_assert_cmpstr (state.last, ==, "y");
  for (uint32_t n = 0; n < lt_graph_get_n_nodes (graph); n++)
    total_ns += lt_session_get_node_ns (session, (int32_t) n);
  g_assert_cmpuint (total_ns, >, 0);

  state.calls = 0;
  state.stop_after = 2;
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_CANCELLED);
  g_assert_cmpint (state.calls, ==, 2);
  lt_session_free (session);
  lt_model_unref (model);
}

static void
test_errors (void)
{
  const int64_t      dims[2] = { 2, 3 };
  lt_graph          *g = new_graph ();
  lt_model          *model;
  lt_session        *session = NULL;
  lt_session_options options = { .n_threads = 1 };
  lt_error           err;

  add_input (g, "x", 2, dims);
  add_node (g, "mystery", "FooBar", "x", NULL, "y", 0, NULL);
  model = finish (g, "y");
  g_assert_cmpint (lt_session_new (model, &options, &session, NULL), ==, LT_OK);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_ERR_UNSUPPORTED);
  g_assert_cmpstr (err.subject, ==, "mystery");
  g_assert_nonnull (strstr (err.message, "FooBar"));
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_INVALID_ARGUMENT);
  lt_session_free (session);
  lt_model_unref (model);

  model = chain_model ();
  session = new_session (model, &options);
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "x");
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_bind_input (session, 0, chain_x, 5, &err), ==, LT_ERR_SHAPE);
  g_assert_cmpstr (err.subject, ==, "x");
  lt_session_free (session);
  lt_model_unref (model);
}

/* Reshape with other input shapes: a symbolic batch dim. */
static void
test_reshape_again (void)
{
  const int64_t      dims[2] = { -1, 3 };
  const float        c[3] = { 1, 2, 3 };
  const int64_t      cdims[1] = { 3 };
  lt_graph          *g = new_graph ();
  lt_model          *model;
  lt_session        *session = NULL;
  lt_session_options options = { .n_threads = 2 };
  lt_error           err;
  const float        x[12] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3 };

  add_input (g, "x", 2, dims);
  add_constant (g, "c", 1, cdims, c);
  add_node (g, "mul", "Mul", "x", "c", "y", 0, NULL);
  model = finish (g, "y");
  g_assert_cmpint (lt_session_new (model, &options, &session, NULL), ==, LT_OK);
  for (int64_t batch = 1; batch <= 4; batch++)
    {
      lt_value_type type = { .dtype = LT_DTYPE_F32 };
      type.shape.rank = 2;
      type.shape.dims[0] = (lt_dim) { batch, NULL };
      type.shape.dims[1] = (lt_dim) { 3, NULL };
      lt_error_clear (&err);
      g_assert_cmpint (lt_session_reshape (session, &type, &err), ==, LT_OK);
      g_assert_cmpint (lt_session_bind_input (session, 0, x, (size_t) batch * 3 * sizeof (float), &err), ==, LT_OK);
      g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
      const lt_tensor *y = lt_session_get_output (session, 0);
      g_assert_cmpint (y->dims[0], ==, batch);
      const float *v = y->data;
      g_assert_cmpfloat (v[batch * 3 - 1], ==, (float) (batch - 1) * 3);
    }
  lt_session_free (session);
  lt_model_unref (model);
}

/* Conv(1x1, 2 channels) → BatchNormalization: folded, same numbers. */
static void
test_batchnorm_folding (void)
{
  const int64_t      xdims[4] = { 1, 1, 2, 2 };
  const int64_t      wdims[4] = { 2, 1, 1, 1 };
  const int64_t      cdims[1] = { 2 };
  const float        w[2] = { 2, -1 }, b[2] = { 1, 0.5f }, w_replaced[2] = { -0.5f, 4 };
  const float        scale[2] = { 3, 0.5f }, beta[2] = { 0.25f, -1 }, mean[2] = { 1, 2 }, var[2] = { 4, 0.25f };
  const float        x[4] = { 1, 2, 3, 4 };
  const int64_t      ks[2] = { 1, 1 };
  lt_attr            conv_attrs[1] = { { .name = "kernel_shape", .type = LT_ATTR_INTS, .count = 2, .v.ints = ks } };
  lt_graph          *g = new_graph ();
  lt_model          *model;
  lt_session_options options = { .n_threads = 1 };
  lt_session        *session;
  lt_error           err;
  const char        *conv_in[3] = { "x", "w", "b" };
  const char        *bn_in[5] = { "c", "scale", "beta", "mean", "var" };
  const char        *conv_out[1] = { "c" };
  const char        *bn_out[1] = { "y" };

  add_input (g, "x", 4, xdims);
  add_constant (g, "w", 4, wdims, w);
  add_constant (g, "b", 1, cdims, b);
  add_constant (g, "scale", 1, cdims, scale);
  add_constant (g, "beta", 1, cdims, beta);
  add_constant (g, "mean", 1, cdims, mean);
  add_constant (g, "var", 1, cdims, var);
  lt_node_desc conv = { .name = "conv", .op_type = "Conv", .opset = 17, .n_inputs = 3, .inputs = conv_in,
                        .n_outputs = 1, .outputs = conv_out, .n_attrs = 1, .attrs = conv_attrs };
  lt_node_desc bn = { .name = "bn", .op_type = "BatchNormalization", .opset = 15, .n_inputs = 5, .inputs = bn_in,
                      .n_outputs = 1, .outputs = bn_out };
  g_assert_cmpint (lt_graph_add_node (g, &conv, NULL, NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_node (g, &bn, NULL, NULL), ==, LT_OK);
  model = finish (g, "y");
  session = new_session (model, &options);
  g_assert_null (lt_session_get_kernel_name (session, lt_graph_find_node (g, "bn")));
  /* The Conv writes the normalization's output; its own is never computed. */
  g_assert_false (lt_session_value_is_computed (session, lt_graph_find_value (g, "c")));
  g_assert_true (lt_session_value_is_computed (session, lt_graph_find_value (g, "y")));
  g_assert_false (lt_session_value_is_computed (session, lt_graph_find_value (g, "x")));
  g_assert_false (lt_session_value_is_computed (session, lt_graph_find_value (g, "w")));
  g_assert_false (lt_session_value_is_computed (session, -1));
  /* The model's weights, then weights the session was given in their
   * place: the fold uses those. */
  const float *weights[2] = { w, w_replaced };
  for (int round = 0; round < 2; round++)
    {
      if (round == 1)
        {
          g_assert_cmpint (lt_session_set_constant (session, lt_graph_find_value (g, "w"), w_replaced, sizeof w_replaced, &err), ==, LT_OK);
          g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_OK);
          g_assert_null (lt_session_get_kernel_name (session, lt_graph_find_node (g, "bn")));
        }
      g_assert_cmpint (lt_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
      g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
      const float *y = lt_session_get_output (session, 0)->data;
      for (int c = 0; c < 2; c++)
        for (int i = 0; i < 4; i++)
          {
            double conv_value = x[i] * weights[round][c] + b[c];
            double expected = (conv_value - mean[c]) / sqrt (var[c] + 1e-5) * scale[c] + beta[c];
            g_assert_cmpfloat_with_epsilon (y[c * 4 + i], expected, 1e-5);
          }
    }
  /* The model keeps its own weights. */
  const lt_value *wv = lt_graph_get_value (g, lt_graph_find_value (g, "w"));
  g_assert_cmpfloat (((const float *) wv->constant->data)[0], ==, 2);
  lt_session_free (session);
  lt_model_unref (model);
}

/* Large enough for kernels to split the work across 4 threads: a
 * broadcasting Sub, then Relu, checked element by element. */
static void
test_parallel_kernels (void)
{
  const int64_t      dims[2] = { 64, 300 };
  const int64_t      cdims[1] = { 300 };
  g_autofree float  *x = g_new (float, 64 * 300);
  g_autofree float  *c = g_new (float, 300);
  lt_graph          *g = new_graph ();
  lt_model          *model;
  lt_session_options options = { .n_threads = 4 };
  lt_session        *session;
  lt_error           err;

  for (int i = 0; i < 64 * 300; i++)
    x[i] = (float) (i % 97) - 40.0f;
  for (int i = 0; i < 300; i++)
    c[i] = (float) (i % 13);
  add_input (g, "x", 2, dims);
  add_constant (g, "c", 1, cdims, c);
  add_node (g, "sub", "Sub", "x", "c", "d", 0, NULL);
  add_node (g, "relu", "Relu", "d", NULL, "y", 0, NULL);
  model = finish (g, "y");
  session = new_session (model, &options);
  g_assert_cmpint (lt_session_bind_input (session, 0, x, 64 * 300 * sizeof (float), &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  const float *y = lt_session_get_output (session, 0)->data;
  for (int i = 0; i < 64 * 300; i++)
    g_assert_cmpfloat (y[i], ==, fmaxf (x[i] - c[i % 300], 0.0f));
  lt_session_free (session);
  lt_model_unref (model);
}

/* Random graphs of elementwise ops over [n] floats, checked against a
 * direct evaluation: if the memory plan let two live values share bytes
 * (or an in-place write clobbered a value still needed), some output
 * would differ.  Add, Mul and Sub of floats computed in double and rounded
 * once equal the float operations, so results must match exactly. */
static void
test_random_graphs (void)
{
  static const char *const ops[] = { "Relu", "Neg", "Abs", "Add", "Mul", "Sub", "Max" };
  GRand   *rand = g_rand_new_with_seed (4242);
  uint64_t arena_total = 0, unplanned_total = 0;

  for (int round = 0; round < 200; round++)
    {
      int           n_nodes = g_rand_int_range (rand, 1, 40);
      int64_t       n = g_rand_int_range (rand, 1, 9);
      int           n_values = 2 + n_nodes;
      float        *values = g_new0 (float, (gsize) n_values * 8);
      char        **names = g_new0 (char *, n_values + 1);
      gboolean     *is_output = g_new0 (gboolean, n_values);
      lt_graph     *g = new_graph ();
      lt_model     *model = lt_model_new ("random.onnx");
      lt_session_options options = { .n_threads = (uint32_t) g_rand_int_range (rand, 1, 4) };
      lt_session   *session = NULL;
      lt_error      err;

      for (int v = 0; v < n_values; v++)
        names[v] = g_strdup_printf ("v%d", v);
      for (int v = 0; v < 2; v++)
        {
          add_input (g, names[v], 1, &n);
          for (int64_t i = 0; i < n; i++)
            values[v * 8 + i] = (float) g_rand_int_range (rand, -50, 50) / 4.0f;
        }
      for (int k = 0; k < n_nodes; k++)
        {
          int         out = 2 + k;
          const char *op = ops[g_rand_int_range (rand, 0, G_N_ELEMENTS (ops))];
          /* Mostly recent inputs, sometimes far back: varied lifetimes. */
          int         a = g_rand_int_range (rand, 0, 4) > 0 ? MAX (0, out - g_rand_int_range (rand, 1, 3)) : g_rand_int_range (rand, 0, out);
          int         b = g_rand_int_range (rand, 0, out);
          gboolean    unary = strcmp (op, "Relu") == 0 || strcmp (op, "Neg") == 0 || strcmp (op, "Abs") == 0;
          g_autofree char *node_name = g_strdup_printf ("n%d", k);

          add_node (g, node_name, op, names[a], unary ? NULL : names[b], names[out], 0, NULL);
          for (int64_t i = 0; i < n; i++)
            {
              float x = values[a * 8 + i], y = values[b * 8 + i];
              values[out * 8 + i] = strcmp (op, "Relu") == 0 ? (x > 0 ? x : 0)
                               : strcmp (op, "Neg") == 0 ? -x
                               : strcmp (op, "Abs") == 0 ? fabsf (x)
                               : strcmp (op, "Add") == 0 ? x + y
                               : strcmp (op, "Mul") == 0 ? x * y
                               : strcmp (op, "Sub") == 0 ? x - y
                                                         : fmaxf (x, y);
            }
        }
      is_output[n_values - 1] = TRUE;
      for (int v = 2; v < n_values - 1; v++)
        is_output[v] = g_rand_int_range (rand, 0, 5) == 0;
      for (int v = 2; v < n_values; v++)
        if (is_output[v])
          g_assert_cmpint (lt_graph_add_output (g, names[v], NULL), ==, LT_OK);
      g_assert_cmpint (lt_graph_finalize (g, NULL), ==, LT_OK);
      model->graph = g;

      lt_error_clear (&err);
      g_assert_cmpint (lt_session_new (model, &options, &session, &err), ==, LT_OK);
      g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_OK);
      for (uint32_t v = 0; v < 2; v++)
        g_assert_cmpint (lt_session_bind_input (session, v, &values[v * 8], (size_t) n * sizeof (float), &err), ==, LT_OK);
      g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
      uint32_t       n_outputs;
      const int32_t *outputs = lt_graph_get_outputs (g, &n_outputs);
      for (uint32_t o = 0; o < n_outputs; o++)
        {
          int          v = atoi (lt_graph_get_value (g, outputs[o])->name + 1);
          const float *y = lt_session_get_output (session, o)->data;
          /* Equal as floats: kernels may differ in the sign of a zero
           * (Relu of -0), and long Mul chains may overflow into NaN. */
          for (int64_t i = 0; i < n; i++)
            if (!(y[i] == values[v * 8 + i] || (isnan (y[i]) && isnan (values[v * 8 + i]))))
              g_error ("graph %d, output v%d[%d] is %g, expected %g", round, v, (int) i, y[i], values[v * 8 + i]);
        }
      arena_total += lt_session_get_arena_bytes (session);
      unplanned_total += lt_session_get_unplanned_bytes (session);
      lt_session_free (session);
      lt_model_unref (model);
      g_strfreev (names);
      g_free (values);
      g_free (is_output);
    }
  /* Sharing happened (values are 64-byte aligned, so compare loosely). */
  g_assert_cmpuint (arena_total, <, unplanned_total * 64 / 4);
  g_rand_free (rand);
}

/* ---- activation fusion ---------------------------------------------------- */

enum { FUSE_C = 4, FUSE_H = 5, FUSE_W = 6 };

/* x[1,4,5,6] → Conv(3x3, pad 1, bias; `group` 1 or 4) → c, then `activation`
 * (Relu, or Clip to [0, 6] with constant bounds) → y; with `second_use`,
 * also c → Neg → z, so c has two consumers and must not be fused. */
static lt_model *
activation_model (const char *activation,
                  int64_t     group,
                  bool        second_use,
                  float      *x,
                  float      *w,
                  float      *b)
{
  const int64_t xdims[4] = { 1, FUSE_C, FUSE_H, FUSE_W };
  const int64_t wdims[4] = { FUSE_C, FUSE_C / group, 3, 3 };
  const int64_t bdims[1] = { FUSE_C };
  /* The graph keeps pointers to attribute arrays: they must outlive it. */
  static const int64_t ks[2] = { 3, 3 }, pads[4] = { 1, 1, 1, 1 };
  const float   low = 0, high = 6;
  lt_attr       attrs[3] = { { .name = "kernel_shape", .type = LT_ATTR_INTS, .count = 2, .v.ints = ks },
                             { .name = "pads", .type = LT_ATTR_INTS, .count = 4, .v.ints = pads },
                             { .name = "group", .type = LT_ATTR_INT, .count = 1, .v.i = group } };
  const char   *conv_in[3] = { "x", "w", "b" }, *clip_in[3] = { "c", "low", "high" };
  const char   *conv_out[1] = { "c" }, *act_out[1] = { "y" };
  lt_graph     *g = new_graph ();

  for (int i = 0; i < FUSE_C * FUSE_H * FUSE_W; i++)
    x[i] = (float) ((i * 37) % 23) * 0.25f - 2.5f;
  for (int i = 0; i < FUSE_C * (FUSE_C / group) * 9; i++)
    w[i] = (float) ((i * 11) % 9) * 0.5f - 1.5f;
  for (int i = 0; i < FUSE_C; i++)
    b[i] = (float) i - 1.5f;
  add_input (g, "x", 4, xdims);
  add_constant (g, "w", 4, wdims, w);
  add_constant (g, "b", 1, bdims, b);
  add_constant (g, "low", 0, NULL, &low);
  add_constant (g, "high", 0, NULL, &high);
  lt_node_desc conv = { .name = "conv", .op_type = "Conv", .opset = 17, .n_inputs = 3, .inputs = conv_in,
                        .n_outputs = 1, .outputs = conv_out, .n_attrs = 3, .attrs = attrs };
  lt_node_desc act = { .name = "act", .op_type = activation, .opset = 17, .n_inputs = strcmp (activation, "Clip") == 0 ? 3 : 1,
                       .inputs = clip_in, .n_outputs = 1, .outputs = act_out };
  g_assert_cmpint (lt_graph_add_node (g, &conv, NULL, NULL), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_node (g, &act, NULL, NULL), ==, LT_OK);
  if (second_use)
    {
      add_node (g, "neg", "Neg", "c", NULL, "z", 0, NULL);
      g_assert_cmpint (lt_graph_add_output (g, "z", NULL), ==, LT_OK);
    }
  return finish (g, "y");
}

/* The convolution of activation_model at one output, computed directly. */
static double
direct_conv (const float *x,
             const float *w,
             const float *b,
             int64_t      group,
             int          m,
             int          oy,
             int          ox)
{
  int    group_c = FUSE_C / (int) group, first_c = m / (FUSE_C / (int) group) * group_c;
  double sum = b[m];

  for (int c = 0; c < group_c; c++)
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++)
        {
          int iy = oy + ky - 1, ix = ox + kx - 1;
          if (iy >= 0 && iy < FUSE_H && ix >= 0 && ix < FUSE_W)
            sum += (double) w[((m * group_c + c) * 3 + ky) * 3 + kx] * x[((first_c + c) * FUSE_H + iy) * FUSE_W + ix];
        }
  return sum;
}

static void
check_activation_fusion (const char *activation,
                         int64_t     group,
                         bool        second_use)
{
  float              x[FUSE_C * FUSE_H * FUSE_W], w[FUSE_C * FUSE_C * 9], b[FUSE_C];
  lt_model          *model = activation_model (activation, group, second_use, x, w, b);
  const lt_graph    *g = lt_model_get_graph (model);
  lt_session_options options = { .n_threads = 2 };
  lt_session        *session = new_session (model, &options);
  lt_error           err;
  double             high = strcmp (activation, "Clip") == 0 ? 6 : INFINITY;
  bool               clamped_low = false, clamped_high = false;

  /* A fused activation does not run on its own, and the Conv's output
   * before it is not computed. */
  if (second_use)
    g_assert_nonnull (lt_session_get_kernel_name (session, lt_graph_find_node (g, "act")));
  else
    g_assert_null (lt_session_get_kernel_name (session, lt_graph_find_node (g, "act")));
  g_assert_true (lt_session_value_is_computed (session, lt_graph_find_value (g, "c")) == second_use);
  g_assert_true (lt_session_value_is_computed (session, lt_graph_find_value (g, "y")));
  g_assert_cmpint (lt_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  /* With second_use, z was listed first among the graph outputs. */
  const float *y = lt_session_get_output (session, second_use ? 1 : 0)->data;
  const float *z = second_use ? lt_session_get_output (session, 0)->data : NULL;
  for (int m = 0; m < FUSE_C; m++)
    for (int oy = 0; oy < FUSE_H; oy++)
      for (int ox = 0; ox < FUSE_W; ox++)
        {
          int    i = (m * FUSE_H + oy) * FUSE_W + ox;
          double conv = direct_conv (x, w, b, group, m, oy, ox);

          clamped_low |= conv < 0;
          clamped_high |= conv > high;
          g_assert_cmpfloat_with_epsilon (y[i], fmin (fmax (conv, 0), high), 1e-4);
          if (z != NULL)
            g_assert_cmpfloat_with_epsilon (z[i], -conv, 1e-4);
        }
  /* The data reaches both bounds, so a missing clamp would show. */
  g_assert_true (clamped_low);
  g_assert_true (isinf (high) || clamped_high);
  lt_session_free (session);
  lt_model_unref (model);
}

/* On every ISA path: the depthwise rows clamp inside their vector loop. */
static void
test_fuse_conv_relu (void)
{
  for (int isa = LT_CPU_ISA_SCALAR; isa <= LT_CPU_ISA_MAX; isa++)
    {
      lt_cpu_isa_set_limit ((lt_cpu_isa) isa);
      check_activation_fusion ("Relu", 1, false);
      check_activation_fusion ("Relu", FUSE_C, false);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
}

static void
test_fuse_conv_clip (void)
{
  for (int isa = LT_CPU_ISA_SCALAR; isa <= LT_CPU_ISA_MAX; isa++)
    {
      lt_cpu_isa_set_limit ((lt_cpu_isa) isa);
      check_activation_fusion ("Clip", 1, false);
      check_activation_fusion ("Clip", FUSE_C, false);
    }
  lt_cpu_isa_set_limit (LT_CPU_ISA_MAX);
}

static void
test_fuse_refused_for_shared_output (void)
{
  check_activation_fusion ("Relu", 1, true);
  check_activation_fusion ("Clip", FUSE_C, true);
}

/* MatMul's kernel leaves the clamp to the session: same result. */
static void
test_fuse_matmul_relu (void)
{
  const int64_t      adims[2] = { 3, 4 }, bdims[2] = { 4, 5 };
  const float        a[12] = { 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12 };
  float              bm[20];
  lt_graph          *g = new_graph ();
  lt_model          *model;
  lt_session_options options = { .n_threads = 1 };
  lt_session        *session;
  lt_error           err;

  for (int i = 0; i < 20; i++)
    bm[i] = (float) (i % 7) - 3.0f;
  add_input (g, "a", 2, adims);
  add_constant (g, "bm", 2, bdims, bm);
  add_node (g, "matmul", "MatMul", "a", "bm", "c", 0, NULL);
  add_node (g, "relu", "Relu", "c", NULL, "y", 0, NULL);
  model = finish (g, "y");
  session = new_session (model, &options);
  g_assert_null (lt_session_get_kernel_name (session, lt_graph_find_node (g, "relu")));
  g_assert_cmpint (lt_session_bind_input (session, 0, a, sizeof a, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  const float *y = lt_session_get_output (session, 0)->data;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 5; j++)
      {
        double sum = 0;
        for (int k = 0; k < 4; k++)
          sum += (double) a[i * 4 + k] * bm[k * 5 + j];
        g_assert_cmpfloat_with_epsilon (y[i * 5 + j], fmax (sum, 0), 1e-5);
      }
  lt_session_free (session);
  lt_model_unref (model);
}

/* x[5] → Cast(STRING) → s → Cast(FLOAT) → y: floats print as their
 * shortest round-trip text with ONNX's spellings of the specials, read
 * back exactly, and running again allocates nothing (the text lives in the
 * kernel's prepared buffer). */
static void
test_cast_string (void)
{
  const int64_t      dims[1] = { 5 };
  const float        x[5] = { 0.1f, -2.5f, 0.039187793f, INFINITY, NAN };
  const char *const  want[5] = { "0.1", "-2.5", "0.039187793", "INF", "NaN" };
  lt_attr            to_string[1] = { { .name = "to", .type = LT_ATTR_INT, .count = 1, .v.i = LT_DTYPE_STRING } };
  lt_attr            to_float[1] = { { .name = "to", .type = LT_ATTR_INT, .count = 1, .v.i = LT_DTYPE_F32 } };
  lt_session_options options = { .n_threads = 1 };
  lt_graph          *g = new_graph ();
  lt_model          *model;
  lt_session        *session;
  lt_error           err;
  int                before;

  add_input (g, "x", 1, dims);
  add_node (g, "to_string", "Cast", "x", NULL, "s", 1, to_string);
  add_node (g, "to_float", "Cast", "s", NULL, "y", 1, to_float);
  g_assert_cmpint (lt_graph_add_output (g, "s", NULL), ==, LT_OK);
  model = finish (g, "y");
  session = new_session (model, &options);
  g_assert_cmpint (lt_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  before = lt_test_alloc_count ();
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  g_assert_cmpint (lt_test_alloc_count (), ==, before);

  const lt_tensor *s = lt_session_get_output (session, 0);
  const lt_tensor *y = lt_session_get_output (session, 1);
  const lt_bytes  *strings = s->data;
  g_assert_cmpint (s->dtype, ==, LT_DTYPE_STRING);
  for (int i = 0; i < 5; i++)
    {
      g_assert_cmpmem (strings[i].data, strings[i].len, want[i], strlen (want[i]));
      if (isnan (x[i]))
        g_assert_true (isnan (((const float *) y->data)[i]));
      else
        g_assert_cmpfloat (((const float *) y->data)[i], ==, x[i]);
    }
  lt_session_free (session);
  lt_model_unref (model);
}

/* A string that is not a number fails the run, naming the node and the
 * string. */
static void
test_cast_bad_string (void)
{
  const int64_t      dims[1] = { 3 };
  const lt_bytes     text[3] = { { "1e3", 3 }, { "-inf", 4 }, { "1.5x", 4 } };
  lt_attr            to_float[1] = { { .name = "to", .type = LT_ATTR_INT, .count = 1, .v.i = LT_DTYPE_F32 } };
  lt_session_options options = { .n_threads = 1 };
  lt_graph          *g = new_graph ();
  lt_shape           shape;
  lt_model          *model;
  lt_session        *session;
  lt_error           err;

  lt_shape_set (&shape, 1, dims);
  g_assert_cmpint (lt_graph_add_input (g, "s", LT_DTYPE_STRING, &shape, NULL, NULL), ==, LT_OK);
  add_node (g, "parse", "Cast", "s", NULL, "y", 1, to_float);
  model = finish (g, "y");
  session = new_session (model, &options);
  g_assert_cmpint (lt_session_bind_input (session, 0, text, sizeof text, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_RUNTIME);
  g_assert_nonnull (strstr (err.message, "'1.5x'"));
  g_assert_cmpstr (err.subject, ==, "parse");
  lt_session_free (session);
  lt_model_unref (model);
}

/* ---- quantization simulation hooks ---------------------------------------- */

typedef struct
{
  int  calls;
  bool saw_b_doubled; /* the observer saw b after the transform */
  char names[8][8];   /* values transformed, in order */
} transform_state;

/* Doubles "b"; records every value it is shown. */
static void
double_b (void            *user_data,
          const lt_graph  *graph,
          int32_t          value_id,
          const lt_tensor *value,
          void            *data)
{
  transform_state *state = user_data;

  g_assert_true (data == value->data);
  g_assert_cmpstr (lt_graph_get_value (graph, value_id)->name, ==, value->name);
  if (state->calls < 8)
    g_strlcpy (state->names[state->calls], value->name, sizeof state->names[0]);
  state->calls++;
  if (strcmp (value->name, "b") == 0)
    for (uint64_t i = 0; i < value->count; i++)
      ((float *) data)[i] *= 2;
}

static void
observe_doubled_b (void            *user_data,
                   const lt_graph  *graph,
                   int32_t          value_id,
                   const lt_tensor *value)
{
  transform_state *state = user_data;
  const float     *b = value->data;

  (void) graph;
  (void) value_id;
  if (strcmp (value->name, "b") == 0)
    state->saw_b_doubled = b[1] == -4 && b[5] == -12;
}

/* A transform changes what later nodes read and what the observer sees,
 * and run still allocates nothing. */
static void
test_transform (void)
{
  static const float expected[6] = { 10, 24, 30, 48, 50, 72 }; /* |2 * -relu(x)| + c */
  lt_model          *model = chain_model ();
  transform_state    state = { 0 };
  lt_session_options options = { .n_threads = 2, .transform_fn = double_b, .transform_data = &state,
                                 .observer_fn = observe_doubled_b, .observer_data = &state };
  lt_session        *session = new_session (model, &options);
  lt_error           err;
  int                before;

  g_assert_cmpint (lt_session_bind_input (session, 0, chain_x, sizeof chain_x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  g_assert_cmpmem (lt_session_get_output (session, 0)->data, sizeof expected, expected, sizeof expected);
  g_assert_true (state.saw_b_doubled);
  g_assert_cmpint (state.calls, ==, 4);
  g_assert_cmpstr (state.names[0], ==, "a");
  g_assert_cmpstr (state.names[3], ==, "y");
  before = lt_test_alloc_count ();
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  g_assert_cmpint (lt_test_alloc_count (), ==, before);
  g_assert_cmpmem (lt_session_get_output (session, 0)->data, sizeof expected, expected, sizeof expected);
  lt_session_free (session);
  lt_model_unref (model);
}

/* Caps "c" at 1. */
static void
cap_conv_output (void            *user_data,
                 const lt_graph  *graph,
                 int32_t          value_id,
                 const lt_tensor *value,
                 void            *data)
{
  int *capped = user_data;

  (void) graph;
  (void) value_id;
  if (strcmp (value->name, "c") != 0)
    return;
  (*capped)++;
  for (uint64_t i = 0; i < value->count; i++)
    ((float *) data)[i] = fminf (((float *) data)[i], 1);
}

/* With a transform, a Relu after a Conv is not fused: the transform sees
 * the Conv's output and the Relu reads what it left. */
static void
test_transform_keeps_activation (void)
{
  float              x[FUSE_C * FUSE_H * FUSE_W], w[FUSE_C * FUSE_C * 9], b[FUSE_C];
  lt_model          *model = activation_model ("Relu", 1, false, x, w, b);
  const lt_graph    *g = lt_model_get_graph (model);
  int                capped = 0;
  lt_session_options options = { .n_threads = 2, .transform_fn = cap_conv_output, .transform_data = &capped };
  lt_session        *session = new_session (model, &options);
  lt_error           err;
  bool               over_one = false;

  g_assert_nonnull (lt_session_get_kernel_name (session, lt_graph_find_node (g, "act")));
  g_assert_cmpint (lt_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
  g_assert_cmpint (capped, ==, 1);
  const float *y = lt_session_get_output (session, 0)->data;
  for (int m = 0; m < FUSE_C; m++)
    for (int oy = 0; oy < FUSE_H; oy++)
      for (int ox = 0; ox < FUSE_W; ox++)
        {
          double conv = direct_conv (x, w, b, 1, m, oy, ox);
          over_one |= conv > 1;
          g_assert_cmpfloat_with_epsilon (y[(m * FUSE_H + oy) * FUSE_W + ox], fmin (fmax (conv, 0), 1), 1e-4);
        }
  g_assert_true (over_one);
  lt_session_free (session);
  lt_model_unref (model);
}

/* A replaced constant reaches kernels that pack their weights at reshape;
 * NULL gives the model's back; the model never changes. */
/* What an observer that clamps a fused activation's input saw. */
typedef struct
{
  bool  clamps;       /* what the clamp callback returns */
  int   clamp_calls;  /* for c */
  float lo, hi;       /* the bounds it got */
  float c[FUSE_C * FUSE_H * FUSE_W];
  int   observed_y;   /* observer calls for y, after the clamp call */
  int   observed_c;   /* observer calls for c (none: c goes to the clamp callback) */
  float y[FUSE_C * FUSE_H * FUSE_W];
} clamping_observer;

static bool
clamp_conv_output (void            *user_data,
                   const lt_graph  *graph,
                   int32_t          value_id,
                   const lt_tensor *value,
                   float           *data,
                   float            lo,
                   float            hi)
{
  clamping_observer *obs = user_data;

  g_assert_cmpstr (lt_graph_get_value (graph, value_id)->name, ==, "c");
  g_assert_cmpstr (value->name, ==, "c");
  g_assert_true (value->data == data);
  g_assert_cmpuint (value->count, ==, G_N_ELEMENTS (obs->c));
  memcpy (obs->c, data, sizeof obs->c);
  obs->lo = lo;
  obs->hi = hi;
  obs->clamp_calls++;
  if (obs->clamps)
    for (guint i = 0; i < G_N_ELEMENTS (obs->c); i++)
      data[i] = fminf (fmaxf (data[i], lo), hi);
  return obs->clamps;
}

static void
observe_activation (void            *user_data,
                    const lt_graph  *graph,
                    int32_t          value_id,
                    const lt_tensor *value)
{
  clamping_observer *obs = user_data;
  const char        *name = lt_graph_get_value (graph, value_id)->name;

  if (strcmp (name, "c") == 0)
    obs->observed_c++;
  if (strcmp (name, "y") != 0)
    return;
  g_assert_cmpint (obs->clamp_calls, ==, 1);
  memcpy (obs->y, value->data, sizeof obs->y);
  obs->observed_y++;
}

/* With observer_clamp_fn, a Conv keeps its Relu or Clip fused while
 * observed: the callback sees the pre-activation values, the observer the
 * activation's output, clamped by the callback or, when it declines, by
 * the session. */
static void
test_observer_clamps_activation (void)
{
  for (int act = 0; act < 2; act++)
    for (int clamps = 0; clamps < 2; clamps++)
      {
        const char        *activation = act == 0 ? "Relu" : "Clip";
        float              x[FUSE_C * FUSE_H * FUSE_W], w[FUSE_C * FUSE_C * 9], b[FUSE_C];
        lt_model          *model = activation_model (activation, 1, false, x, w, b);
        const lt_graph    *g = lt_model_get_graph (model);
        clamping_observer  obs = { .clamps = clamps == 1 };
        lt_session_options options = { .n_threads = 1, .observer_fn = observe_activation, .observer_data = &obs,
                                       .observer_clamp_fn = clamp_conv_output };
        lt_session        *session = new_session (model, &options);
        lt_error           err;
        float              hi = act == 0 ? INFINITY : 6;
        bool               clamped_low = false;

        g_assert_null (lt_session_get_kernel_name (session, lt_graph_find_node (g, "act")));
        g_assert_cmpint (lt_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
        g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
        g_assert_cmpint (obs.clamp_calls, ==, 1);
        g_assert_cmpint (obs.observed_y, ==, 1);
        g_assert_cmpint (obs.observed_c, ==, 0);
        g_assert_cmpfloat (obs.lo, ==, 0);
        g_assert_cmpfloat (obs.hi, ==, hi);
        const float *y = lt_session_get_output (session, 0)->data;
        for (int m = 0; m < FUSE_C; m++)
          for (int oy = 0; oy < FUSE_H; oy++)
            for (int ox = 0; ox < FUSE_W; ox++)
              {
                int    i = (m * FUSE_H + oy) * FUSE_W + ox;
                double conv = direct_conv (x, w, b, 1, m, oy, ox);

                clamped_low |= conv < 0;
                g_assert_cmpfloat_with_epsilon (obs.c[i], conv, 1e-4);
                g_assert_cmpfloat (obs.y[i], ==, fminf (fmaxf (obs.c[i], 0), hi));
                g_assert_cmpfloat (y[i], ==, obs.y[i]);
              }
        g_assert_true (clamped_low);
        lt_session_free (session);
        lt_model_unref (model);
      }
}

static void
test_set_constant (void)
{
  float              x[FUSE_C * FUSE_H * FUSE_W], w[FUSE_C * FUSE_C * 9], b[FUSE_C], w2[FUSE_C * FUSE_C * 9];
  lt_model          *model = activation_model ("Relu", 1, false, x, w, b);
  const lt_graph    *g = lt_model_get_graph (model);
  int32_t            w_id = lt_graph_find_value (g, "w");
  lt_session_options options = { .n_threads = 2 };
  lt_session        *session = new_session (model, &options);
  lt_error           err;

  for (unsigned i = 0; i < G_N_ELEMENTS (w2); i++)
    w2[i] = -0.5f * w[i] + 0.25f;
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_set_constant (session, w_id, w2, sizeof w2, &err), ==, LT_OK);
  /* The plan was dropped: run needs a reshape first. */
  g_assert_cmpint (lt_session_run (session, &err), ==, LT_ERR_INVALID_ARGUMENT);
  for (int round = 0; round < 2; round++)
    {
      const float *weights = round == 0 ? w2 : w;
      g_assert_cmpint (lt_session_reshape (session, NULL, &err), ==, LT_OK);
      g_assert_cmpint (lt_session_bind_input (session, 0, x, sizeof x, &err), ==, LT_OK);
      g_assert_cmpint (lt_session_run (session, &err), ==, LT_OK);
      const float *y = lt_session_get_output (session, 0)->data;
      for (int m = 0; m < FUSE_C; m++)
        for (int oy = 0; oy < FUSE_H; oy++)
          for (int ox = 0; ox < FUSE_W; ox++)
            g_assert_cmpfloat_with_epsilon (y[(m * FUSE_H + oy) * FUSE_W + ox],
                                            fmax (direct_conv (x, weights, b, 1, m, oy, ox), 0), 1e-4);
      g_assert_cmpint (lt_session_set_constant (session, w_id, NULL, 0, &err), ==, LT_OK);
    }
  g_assert_cmpmem (lt_graph_get_value (g, w_id)->constant->data, sizeof w, w, sizeof w);

  /* Refused, naming the value: not a constant, wrong size, out of range. */
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_set_constant (session, lt_graph_find_value (g, "x"), x, sizeof x, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "x");
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_set_constant (session, w_id, w2, sizeof w2 - 4, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_cmpstr (err.subject, ==, "w");
  g_assert_nonnull (strstr (err.message, "bytes"));
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_set_constant (session, 1000, w2, sizeof w2, &err), ==, LT_ERR_INVALID_ARGUMENT);
  lt_session_free (session);
  lt_model_unref (model);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/chain", test_chain);
  g_test_add_func ("/session/run-allocates-nothing", test_run_allocates_nothing);
  g_test_add_func ("/session/hooks", test_hooks);
  g_test_add_func ("/session/errors", test_errors);
  g_test_add_func ("/session/reshape-again", test_reshape_again);
  g_test_add_func ("/session/batchnorm-folding", test_batchnorm_folding);
  g_test_add_func ("/session/random-graphs", test_random_graphs);
  g_test_add_func ("/session/cast-string", test_cast_string);
  g_test_add_func ("/session/cast-bad-string", test_cast_bad_string);
  g_test_add_func ("/session/fuse/conv-relu", test_fuse_conv_relu);
  g_test_add_func ("/session/fuse/conv-clip", test_fuse_conv_clip);
  g_test_add_func ("/session/fuse/shared-output-not-fused", test_fuse_refused_for_shared_output);
  g_test_add_func ("/session/fuse/matmul-relu", test_fuse_matmul_relu);
  g_test_add_func ("/session/fuse/observer-clamps", test_observer_clamps_activation);
  g_test_add_func ("/session/parallel-kernels", test_parallel_kernels);
  g_test_add_func ("/session/quantsim/transform", test_transform);
  g_test_add_func ("/session/quantsim/transform-keeps-activation", test_transform_keeps_activation);
  g_test_add_func ("/session/quantsim/set-constant", test_set_constant);
  return g_test_run ();
}
