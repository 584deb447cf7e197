/* graph-build.c — the helpers of graph-build.h. */
#include "graph-build.h"
#include "model-private.h"

#include <glib.h>
#include <string.h>

void
lt_test_add_input (lt_graph      *g,
                   const char    *name,
                   lt_dtype       dtype,
                   int32_t        rank,
                   const int64_t *dims)
{
  lt_shape shape;
  lt_shape_set (&shape, rank, dims);
  g_assert_cmpint (lt_graph_add_input (g, name, dtype, &shape, NULL, NULL), ==, LT_OK);
}

void
lt_test_add_constant (lt_graph      *g,
                      const char    *name,
                      lt_dtype       dtype,
                      int32_t        rank,
                      const int64_t *dims,
                      const void    *values,
                      size_t         nbytes)
{
  lt_tensor t = { .name = name, .dtype = dtype, .rank = rank, .count = 1, .nbytes = nbytes };
  void     *copy = lt_graph_alloc (g, nbytes);

  for (int32_t d = 0; d < rank; d++)
    {
      t.dims[d] = dims[d];
      t.count *= (uint64_t) dims[d];
    }
  memcpy (copy, values, nbytes);
  t.data = copy;
  g_assert_cmpint (lt_graph_add_constant (g, &t, NULL, NULL), ==, LT_OK);
}

static uint32_t
count_names (const char *const *names)
{
  uint32_t n = 0;
  while (names[n] != NULL)
    n++;
  return n;
}

void
lt_test_add_node (lt_graph          *g,
                  const char        *op,
                  int64_t            opset,
                  const char *const *inputs,
                  const char *const *outputs,
                  uint32_t           n_attrs,
                  const lt_attr     *attrs)
{
  lt_node_desc desc = { .name = outputs[0], .op_type = op, .opset = opset, .n_inputs = count_names (inputs),
                        .inputs = inputs, .n_outputs = count_names (outputs), .outputs = outputs,
                        .n_attrs = n_attrs, .attrs = attrs };
  g_assert_cmpint (lt_graph_add_node (g, &desc, NULL, NULL), ==, LT_OK);
}

void
lt_test_add_outputs (lt_graph          *g,
                     const char *const *names)
{
  for (uint32_t i = 0; names[i] != NULL; i++)
    g_assert_cmpint (lt_graph_add_output (g, names[i], NULL), ==, LT_OK);
}

lt_model *
lt_test_finish (lt_graph *g)
{
  lt_model *model = lt_model_new ("test.onnx");
  g_assert_cmpint (lt_graph_finalize (g, NULL), ==, LT_OK);
  model->graph = g;
  return model;
}

lt_attr
lt_test_graph_attr (const char *name,
                    lt_graph   *graph)
{
  return (lt_attr) { .name = name, .type = LT_ATTR_GRAPH, .count = 1, .v.g = graph };
}

lt_session *
lt_test_new_session (lt_model *model)
{
  lt_session_options options = { .n_threads = 1 };
  lt_session        *session = NULL;

  g_assert_cmpint (lt_session_new (model, &options, &session, NULL), ==, LT_OK);
  return session;
}

void
lt_test_bind (lt_session *session,
              uint32_t    index,
              const void *data,
              size_t      nbytes)
{
  lt_error err;
  lt_error_clear (&err);
  g_assert_cmpint (lt_session_bind_input (session, index, data, nbytes, &err), ==, LT_OK);
}

void
lt_test_run_ok (lt_session *session)
{
  lt_error err;
  lt_error_clear (&err);
  lt_session_run (session, &err);
  g_assert_cmpstr (err.message, ==, "");
}
