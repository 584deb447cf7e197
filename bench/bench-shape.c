/* bench-shape.c — shape inference time on a large synthetic graph.
 *
 * Builds a chain of transformer-style blocks (MatMul, Relu, then the
 * Shape → Gather → Unsqueeze → Concat → Reshape computation of a target
 * shape with a symbolic batch, and a Reshape back) through the graph API,
 * and prints the time of one inference run (best of 5) next to the time
 * it took to build and finalize the same graph, the reference measured in
 * the same run.  Asserts nothing.
 *
 * Usage: bench-shape [BLOCKS]   (default 25000 blocks = 200,000 nodes)
 */
#include <lt/lt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static void
check (lt_status       st,
       const lt_error *err)
{
  if (st != LT_OK)
    {
      fprintf (stderr, "bench-shape: %s: %s\n", err->subject, err->message);
      exit (1);
    }
}

static void
add_ints (lt_graph      *g,
          const char    *name,
          int32_t        rank,
          int64_t        n,
          const int64_t *values,
          lt_error      *err)
{
  lt_tensor t = { .name = name, .dtype = LT_DTYPE_I64, .rank = rank, .dims = { n }, .count = (uint64_t) n };
  int64_t  *data = lt_graph_alloc (g, (size_t) n * sizeof *data);

  memcpy (data, values, (size_t) n * sizeof *data);
  t.data = data;
  t.nbytes = (size_t) n * sizeof *data;
  check (lt_graph_add_constant (g, &t, NULL, err), err);
}

static void
add_node (lt_graph      *g,
          const char    *op,
          const char    *in0,
          const char    *in1,
          const char    *out,
          const lt_attr *attr,
          lt_error      *err)
{
  const char  *inputs[2] = { in0, in1 };
  lt_node_desc desc = { .name = out, .op_type = op, .domain = "", .opset = 13, .n_inputs = in1 ? 2 : 1, .inputs = inputs, .n_outputs = 1, .outputs = &out, .n_attrs = attr ? 1 : 0, .attrs = attr };
  check (lt_graph_add_node (g, &desc, NULL, err), err);
}

static lt_graph *
build (int       blocks,
       lt_error *err)
{
  lt_graph *g = lt_graph_new (NULL);
  lt_shape  x = { .rank = 2, .dims = { { -1, "N" }, { 64, NULL } } };
  void     *weights = lt_graph_alloc (g, 64 * 64 * sizeof (float)); /* zeros */
  lt_tensor w = { .name = "w", .dtype = LT_DTYPE_F32, .rank = 2, .dims = { 64, 64 }, .count = 64 * 64, .data = weights, .nbytes = 64 * 64 * sizeof (float) };
  lt_attr   axis0 = { .name = "axis", .type = LT_ATTR_INT, .count = 1, .v.i = 0 };
  char      prev[64] = "x";

  check (lt_graph_add_input (g, "x", LT_DTYPE_F32, &x, NULL, err), err);
  check (lt_graph_add_constant (g, &w, NULL, err), err);
  add_ints (g, "zero", 1, 1, (int64_t[]){ 0 }, err);
  add_ints (g, "i0", 0, 1, (int64_t[]){ 0 }, err);
  add_ints (g, "hw", 1, 2, (int64_t[]){ 8, 8 }, err);
  add_ints (g, "flat", 1, 2, (int64_t[]){ -1, 64 }, err);
  for (int b = 0; b < blocks; b++)
    {
      char n[8][64];
      for (int k = 0; k < 8; k++)
        snprintf (n[k], sizeof n[k], "b%d_%d", b, k);
      add_node (g, "MatMul", prev, "w", n[0], NULL, err);
      add_node (g, "Relu", n[0], NULL, n[1], NULL, err);
      add_node (g, "Shape", n[1], NULL, n[2], NULL, err);
      add_node (g, "Gather", n[2], "i0", n[3], NULL, err);
      add_node (g, "Unsqueeze", n[3], "zero", n[4], NULL, err);
      {
        const char  *inputs[2] = { n[4], "hw" };
        const char  *out = n[5];
        lt_node_desc desc = { .name = out, .op_type = "Concat", .domain = "", .opset = 13, .n_inputs = 2, .inputs = inputs, .n_outputs = 1, .outputs = &out, .n_attrs = 1, .attrs = &axis0 };
        check (lt_graph_add_node (g, &desc, NULL, err), err);
      }
      add_node (g, "Reshape", n[1], n[5], n[6], NULL, err);
      add_node (g, "Reshape", n[6], "flat", n[7], NULL, err);
      memcpy (prev, n[7], sizeof prev);
    }
  check (lt_graph_add_output (g, prev, err), err);
  check (lt_graph_finalize (g, err), err);
  return g;
}

int
main (int    argc,
      char **argv)
{
  int                 blocks = argc > 1 ? atoi (argv[1]) : 25000;
  lt_error            err;
  double              t0, t_build, best = 1e30;
  lt_graph           *g;
  lt_shape_inference *si;
  const lt_value     *out;
  char                shape[64];
  uint32_t            n_out;

  lt_error_clear (&err);
  t0 = now ();
  g = build (blocks, &err);
  t_build = now () - t0;
  si = lt_shape_inference_new (g);
  for (int r = 0; r < 5; r++)
    {
      double start = now (), took;
      check (lt_shape_inference_run (si, NULL, false, &err), &err);
      took = now () - start;
      if (took < best)
        best = took;
    }
  out = lt_graph_get_value (g, lt_graph_get_outputs (g, &n_out)[0]);
  lt_shape_format (&lt_shape_inference_get (si, lt_graph_find_value (g, out->name))->shape, shape, sizeof shape);
  printf ("%u nodes, output %s\n", lt_graph_get_n_nodes (g), shape);
  printf ("shape inference   %8.1f ms  (%.3f us per node)\n", best * 1e3, best * 1e6 / lt_graph_get_n_nodes (g));
  printf ("build + finalize  %8.1f ms  (reference)\n", t_build * 1e3);
  printf ("ratio             %8.2f\n", best / t_build);
  lt_shape_inference_free (si);
  lt_graph_free (g);
  return 0;
}
