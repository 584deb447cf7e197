/* test-graph.c — the IR: name resolution, order, SSA and cycle errors, subgraph capture. */
#include <glib.h>
#include <lt/lt.h>

static lt_status
add (lt_graph   *g,
     const char *name,
     const char *op,
     const char *in0,
     const char *in1,
     const char *out,
     lt_error   *err)
{
  const char  *inputs[2] = { in0, in1 };
  const char  *outputs[1] = { out };
  lt_node_desc desc = { .name = name, .op_type = op, .n_inputs = in1 ? 2 : 1, .inputs = inputs, .n_outputs = 1, .outputs = outputs };
  return lt_graph_add_node (g, &desc, NULL, err);
}

static void
test_order_and_links (void)
{
  lt_graph *g = lt_graph_new (NULL);
  lt_error  err;
  int64_t   dims[2] = { 1, 4 };
  lt_shape  shape;
  const int32_t *order;
  int32_t   relu, add_node;

  lt_shape_set (&shape, 2, dims);
  g_assert_cmpint (lt_graph_add_input (g, "x", LT_DTYPE_F32, &shape, NULL, &err), ==, LT_OK);
  /* consumer added before its producer: finalize must reorder */
  g_assert_cmpint (add (g, "add", "Add", "r", "x", "y", &err), ==, LT_OK);
  g_assert_cmpint (add (g, "relu", "Relu", "x", NULL, "r", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (g, "y", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (g, &err), ==, LT_OK);

  relu = lt_graph_find_node (g, "relu");
  add_node = lt_graph_find_node (g, "add");
  order = lt_graph_get_order (g);
  g_assert_cmpint (order[0], ==, relu);
  g_assert_cmpint (order[1], ==, add_node);
  g_assert_cmpint (lt_graph_get_node (g, relu)->op, ==, LT_OP_Relu);
  g_assert_cmpuint (lt_graph_get_value (g, lt_graph_find_value (g, "x"))->n_consumers, ==, 2);
  g_assert_true (lt_graph_get_value (g, lt_graph_find_value (g, "y"))->is_output);
  g_assert_cmpint (lt_graph_get_value (g, lt_graph_find_value (g, "r"))->producer, ==, relu);
  lt_graph_free (g);
}

static void
test_cycle (void)
{
  lt_graph *g = lt_graph_new (NULL);
  lt_error  err;

  g_assert_cmpint (add (g, "a", "Relu", "b_out", NULL, "a_out", &err), ==, LT_OK);
  g_assert_cmpint (add (g, "b", "Relu", "a_out", NULL, "b_out", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (g, &err), ==, LT_ERR_INVALID_MODEL);
  g_assert_nonnull (strstr (err.message, "cycle"));
  g_assert_true (g_str_equal (err.subject, "a") || g_str_equal (err.subject, "b"));
  lt_graph_free (g);
}

static void
test_produced_twice (void)
{
  lt_graph *g = lt_graph_new (NULL);
  lt_error  err;

  g_assert_cmpint (lt_graph_add_input (g, "x", LT_DTYPE_F32, NULL, NULL, &err), ==, LT_OK);
  g_assert_cmpint (add (g, "a", "Relu", "x", NULL, "y", &err), ==, LT_OK);
  g_assert_cmpint (add (g, "b", "Relu", "x", NULL, "y", &err), ==, LT_ERR_INVALID_MODEL);
  g_assert_cmpstr (err.subject, ==, "b");
  g_assert_nonnull (strstr (err.message, "'y'"));
  lt_graph_free (g);
}

static void
test_dangling_input (void)
{
  lt_graph *g = lt_graph_new (NULL);
  lt_error  err;

  g_assert_cmpint (add (g, "a", "Relu", "nowhere", NULL, "y", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (g, &err), ==, LT_ERR_INVALID_MODEL);
  g_assert_cmpstr (err.subject, ==, "a");
  g_assert_nonnull (strstr (err.message, "'nowhere'"));
  lt_graph_free (g);
}

static void
test_subgraph_capture (void)
{
  lt_graph *g = lt_graph_new (NULL);
  lt_graph *body = lt_graph_new (g);
  lt_error  err;
  lt_attr   attr = { .name = "then_branch", .type = LT_ATTR_GRAPH, .count = 1, .v.g = body };
  const char *if_in[1] = { "cond" };
  const char *if_out[1] = { "z" };
  lt_node_desc if_desc = { .name = "if", .op_type = "If", .n_inputs = 1, .inputs = if_in, .n_outputs = 1, .outputs = if_out, .n_attrs = 1, .attrs = &attr };
  const lt_graph *sub;
  int32_t outer;

  g_assert_cmpint (lt_graph_add_input (g, "cond", LT_DTYPE_BOOL, NULL, NULL, &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_input (g, "x", LT_DTYPE_F32, NULL, NULL, &err), ==, LT_OK);
  /* the If is added before the node producing the value its body captures */
  g_assert_cmpint (lt_graph_add_node (g, &if_desc, NULL, &err), ==, LT_OK);
  g_assert_cmpint (add (g, "neg", "Neg", "x", NULL, "captured", &err), ==, LT_OK);
  g_assert_cmpint (add (body, "inner", "Relu", "captured", NULL, "inner_out", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (body, "inner_out", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_add_output (g, "z", &err), ==, LT_OK);
  g_assert_cmpint (lt_graph_finalize (g, &err), ==, LT_OK);

  sub = lt_node_get_attr (lt_graph_get_node (g, lt_graph_find_node (g, "if")), "then_branch")->v.g;
  outer = lt_graph_find_value (sub, "captured");
  g_assert_cmpint (outer, >=, 0);
  g_assert_cmpint (lt_graph_get_value (sub, outer)->kind, ==, LT_VALUE_OUTER);
  /* the implicit dependency orders neg before if */
  g_assert_cmpint (lt_graph_get_order (g)[0], ==, lt_graph_find_node (g, "neg"));
  lt_graph_free (g);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/order-and-links", test_order_and_links);
  g_test_add_func ("/graph/cycle", test_cycle);
  g_test_add_func ("/graph/produced-twice", test_produced_twice);
  g_test_add_func ("/graph/dangling-input", test_dangling_input);
  g_test_add_func ("/graph/subgraph-capture", test_subgraph_capture);
  return g_test_run ();
}
