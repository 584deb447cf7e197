/* test-graph-layout.c — the layered layout, without a display
 *
 * Checks the invariants every layout must keep (edges point down, boxes in a
 * layer do not overlap, routes join the boxes' borders) on hand-made and
 * random graphs, plus cycles, crossing counts on graphs whose optimum is
 * known, routes that share a trunk, bad edges and cancellation.
 */
#include "lt-graph-layout.h"

#include <glib.h>
#include <math.h>

#define NODE_GAP 20.f

static lt_graph_layout *
layout_edges (uint32_t        n_nodes,
              const uint32_t *edges,
              uint32_t        n_edges)
{
  lt_graph_layout *layout = lt_graph_layout_new (n_nodes);
  lt_error         err;

  g_assert_nonnull (layout);
  lt_graph_layout_set_spacing (layout, NODE_GAP, 40.f);
  for (uint32_t i = 0; i < n_nodes; i++)
    lt_graph_layout_set_node_size (layout, i, 60.f + 10.f * (i % 3), 30.f);
  for (uint32_t e = 0; e < n_edges; e++)
    {
      uint32_t index;

      g_assert_cmpint (lt_graph_layout_add_edge (layout, edges[2 * e], edges[2 * e + 1], &index, &err), ==, LT_OK);
      g_assert_cmpuint (index, ==, e);
    }
  g_assert_cmpint (lt_graph_layout_run (layout, NULL, NULL, &err), ==, LT_OK);
  return layout;
}

/* Edge e (spanning `span` layers down) has only its own end: it starts
 * with the two points above its target on the whole route of a longer
 * edge from the same source, whose segment is drawn by that route. */
static void
assert_branches_off_trunk (lt_graph_layout *layout,
                           const uint32_t  *edges,
                           uint32_t         n_edges,
                           uint32_t         e,
                           uint32_t         span)
{
  uint32_t     n_points;
  const float *p = lt_graph_layout_get_edge_points (layout, e, &n_points);

  g_assert_cmpuint (lt_graph_layout_get_edge_first_own (layout, e), ==, 1);
  g_assert_cmpuint (n_points, ==, 3);
  g_assert_cmpuint (span, >=, 2);
  for (uint32_t f = 0; f < n_edges; f++)
    {
      uint32_t     n_trunk;
      const float *trunk = lt_graph_layout_get_edge_points (layout, f, &n_trunk);

      if (edges[2 * f] != edges[2 * e] || lt_graph_layout_get_edge_first_own (layout, f) != 0 || n_trunk <= span)
        continue;
      g_assert_cmpmem (p, 4 * sizeof (float), trunk + 2 * (span - 2), 4 * sizeof (float));
      return;
    }
  g_assert_not_reached ();
}

/* Boxes of one layer keep their gap; routes start and end on the boxes. */
static void
assert_layout_valid (lt_graph_layout *layout,
                     const uint32_t  *edges,
                     uint32_t         n_edges,
                     gboolean         acyclic)
{
  uint32_t n = lt_graph_layout_get_n_nodes (layout);
  float    width, height;

  lt_graph_layout_get_size (layout, &width, &height);
  for (uint32_t a = 0; a < n; a++)
    {
      float ax, ay, bx, by;

      lt_graph_layout_get_node_position (layout, a, &ax, &ay);
      g_assert_cmpfloat (ax, >=, 0.f);
      g_assert_cmpfloat (ax, <=, width + 0.01f);
      g_assert_cmpfloat (ay, <=, height + 0.01f);
      for (uint32_t b = a + 1; b < n; b++)
        {
          float min_gap = (60.f + 10.f * (a % 3) + 60.f + 10.f * (b % 3)) / 2 + NODE_GAP;

          if (lt_graph_layout_get_node_layer (layout, a) != lt_graph_layout_get_node_layer (layout, b))
            continue;
          lt_graph_layout_get_node_position (layout, b, &bx, &by);
          g_assert_cmpfloat (ay, ==, by);
          g_assert_cmpfloat (fabsf (ax - bx), >=, min_gap - 0.01f);
        }
    }
  for (uint32_t e = 0; e < n_edges; e++)
    {
      uint32_t     s = edges[2 * e], t = edges[2 * e + 1];
      uint32_t     n_points, span;
      const float *p = lt_graph_layout_get_edge_points (layout, e, &n_points);
      float        sx, sy, tx, ty;

      if (s == t)
        {
          g_assert_cmpuint (n_points, ==, 0);
          continue;
        }
      if (acyclic)
        g_assert_cmpuint (lt_graph_layout_get_node_layer (layout, s), <, lt_graph_layout_get_node_layer (layout, t));
      span = (uint32_t) abs ((int) lt_graph_layout_get_node_layer (layout, t) -
                             (int) lt_graph_layout_get_node_layer (layout, s));
      lt_graph_layout_get_node_position (layout, s, &sx, &sy);
      lt_graph_layout_get_node_position (layout, t, &tx, &ty);
      if (lt_graph_layout_get_edge_first_own (layout, e) == 0)
        {
          g_assert_cmpuint (n_points, ==, 1 + span);
          g_assert_cmpfloat (p[0], ==, sx);
          g_assert_cmpfloat (fabsf (p[1] - sy), ==, 15.f);
        }
      else
        assert_branches_off_trunk (layout, edges, n_edges, e, span);
      g_assert_cmpfloat (p[2 * n_points - 2], ==, tx);
      g_assert_cmpfloat (fabsf (p[2 * n_points - 1] - ty), ==, 15.f);
    }
}

static void
test_chain_is_straight (void)
{
  const uint32_t   edges[] = { 0, 1, 1, 2, 2, 3 };
  lt_graph_layout *layout = layout_edges (4, edges, 3);
  float            x0, y0, x, y;

  assert_layout_valid (layout, edges, 3, TRUE);
  lt_graph_layout_get_node_position (layout, 0, &x0, &y0);
  for (uint32_t i = 1; i < 4; i++)
    {
      lt_graph_layout_get_node_position (layout, i, &x, &y);
      g_assert_cmpfloat (fabsf (x - x0), <, 0.5f);
      g_assert_cmpfloat (y, >, y0);
      g_assert_cmpuint (lt_graph_layout_get_node_layer (layout, i), ==, i);
      y0 = y;
    }
  lt_graph_layout_free (layout);
}

/* a→d and b→c, with c listed before d: the layout must uncross them. */
static void
test_crossing_removed (void)
{
  const uint32_t   edges[] = { 0, 3, 1, 2, 0, 4, 1, 5, 5, 4 };
  lt_graph_layout *layout = layout_edges (6, edges, 5);

  assert_layout_valid (layout, edges, 5, TRUE);
  g_assert_cmpuint (lt_graph_layout_count_crossings (layout, true), ==, 0);
  lt_graph_layout_free (layout);
}

/* A source used far below sits just above its first consumer, and its
 * long edge runs through one bend per layer. */
static void
test_long_edge_and_late_input (void)
{
  const uint32_t   edges[] = { 0, 1, 1, 2, 2, 3, 3, 4, 5, 3, 0, 4 };
  lt_graph_layout *layout = layout_edges (6, edges, 6);

  assert_layout_valid (layout, edges, 6, TRUE);
  g_assert_cmpuint (lt_graph_layout_get_node_layer (layout, 5), ==, 2);
  lt_graph_layout_free (layout);
}

/* K2,2 between two layers: one crossing whatever the order, counted once
 * either way (no trunk). */
static void
test_k22_crosses_once (void)
{
  const uint32_t   edges[] = { 0, 2, 0, 3, 1, 2, 1, 3 };
  lt_graph_layout *layout = layout_edges (4, edges, 4);

  assert_layout_valid (layout, edges, 4, TRUE);
  g_assert_cmpuint (lt_graph_layout_count_crossings (layout, TRUE), ==, 1);
  g_assert_cmpuint (lt_graph_layout_count_crossings (layout, FALSE), ==, 1);
  lt_graph_layout_free (layout);
}

/* Transformer blocks as in bench/layout/make-graphs.py: attention (Q, K, V
 * branches, a mask input shared by every block), an MLP, two residual
 * adds.  Appends the edges to `edges`; node 0 is the input, 1 the mask. */
static uint32_t
transformer_edges (uint32_t blocks,
                   GArray  *edges)
{
  uint32_t n = 2, x = 0;

#define NODE(...)                                          \
  ({                                                       \
    const uint32_t inputs_[] = { __VA_ARGS__ };            \
    for (guint i_ = 0; i_ < G_N_ELEMENTS (inputs_); i_++)  \
      {                                                    \
        g_array_append_val (edges, inputs_[i_]);           \
        g_array_append_val (edges, n);                     \
      }                                                    \
    n++;                                                   \
  })
  for (uint32_t b = 0; b < blocks; b++)
    {
      uint32_t ln, q, k, v, s, a, h;

      ln = n, NODE (x);
      NODE (ln), NODE (n - 1), q = n, NODE (n - 1);
      NODE (ln), NODE (n - 1), k = n, NODE (n - 1);
      NODE (ln), NODE (n - 1), v = n, NODE (n - 1);
      NODE (q, k), s = n, NODE (n - 1);
      NODE (s, 1), s = n, NODE (n - 1);
      NODE (s, v), NODE (n - 1), NODE (n - 1), a = n, NODE (n - 1);
      NODE (x, a), x = n - 1;
      ln = n, NODE (x);
      NODE (ln), NODE (n - 1), h = n, NODE (n - 1);
      NODE (x, h), x = n - 1;
    }
  NODE (x);
#undef NODE
  return n;
}

/* Two transformer blocks can be drawn without a crossing; the layout must
 * find that whatever the node numbering: as built (each node after its
 * inputs) and numbered by first use in the edge list, where the mask input
 * comes late.  Barycentre sweeps alone left 3 crossings on the second:
 * the mask's trunk and a residual edge each stuck on the wrong side. */
static void
test_transformer_without_crossings (void)
{
  g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (uint32_t));
  uint32_t n = transformer_edges (2, edges);
  g_autofree uint32_t *first_use = g_new (uint32_t, n);
  uint32_t n_seen = 0;

  for (int numbering = 0; numbering < 2; numbering++)
    {
      lt_graph_layout *layout;

      if (numbering == 1)
        {
          memset (first_use, 0xff, n * sizeof (uint32_t));
          for (guint i = 0; i < edges->len; i++)
            {
              uint32_t *node = &g_array_index (edges, uint32_t, i);

              if (first_use[*node] == UINT32_MAX)
                first_use[*node] = n_seen++;
              *node = first_use[*node];
            }
          g_assert_cmpuint (n_seen, ==, n);
          g_assert_cmpuint (g_array_index (edges, uint32_t, 28), ==, 14); /* the mask's first use */
        }
      layout = layout_edges (n, (uint32_t *) edges->data, edges->len / 2);
      assert_layout_valid (layout, (uint32_t *) edges->data, edges->len / 2, TRUE);
      g_assert_cmpuint (lt_graph_layout_count_crossings (layout, TRUE), ==, 0);
      lt_graph_layout_free (layout);
    }
}

static void
test_cycle_and_self_loop (void)
{
  const uint32_t   edges[] = { 0, 1, 1, 2, 2, 0, 2, 2, 2, 3 };
  lt_graph_layout *layout = layout_edges (4, edges, 5);
  uint32_t         n_points;
  const float     *p = lt_graph_layout_get_edge_points (layout, 2, &n_points);

  assert_layout_valid (layout, edges, 5, FALSE);
  /* The edge closing the cycle is drawn upwards. */
  g_assert_cmpuint (n_points, >=, 2);
  g_assert_cmpfloat (p[1], >, p[2 * n_points - 1]);
  lt_graph_layout_free (layout);
}

static void
test_random_dags (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);

  for (int round = 0; round < 20; round++)
    {
      uint32_t         n = g_rand_int_range (rand, 1, 60);
      g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (uint32_t));
      lt_graph_layout *layout;

      for (uint32_t t = 1; t < n; t++)
        for (int k = g_rand_int_range (rand, 1, 4); k > 0; k--)
          {
            uint32_t s = g_rand_int_range (rand, 0, t);

            g_array_append_val (edges, s);
            g_array_append_val (edges, t);
          }
      layout = layout_edges (n, (uint32_t *) edges->data, edges->len / 2);
      assert_layout_valid (layout, (uint32_t *) edges->data, edges->len / 2, TRUE);
      lt_graph_layout_free (layout);
    }
}

/* A node feeding every node of a chain: one trunk with a branch on every
 * layer.  The routes share it, so their points grow with the graph, not
 * with the sum of the edges' lengths (n²/2 here). */
static void
test_fanout_routes_are_linear (void)
{
  const uint32_t   n = 1500; /* node 0 feeds chain nodes 2 … n - 1 */
  g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (uint32_t));
  lt_graph_layout *layout;
  uint64_t         total = 0;

  for (uint32_t t = 2; t < n; t++)
    {
      uint32_t pair[] = { t - 1, t, 0, t };

      g_array_append_vals (edges, pair, 4);
    }
  layout = layout_edges (n, (uint32_t *) edges->data, edges->len / 2);
  assert_layout_valid (layout, (uint32_t *) edges->data, edges->len / 2, TRUE);
  for (uint32_t e = 0; e < edges->len / 2; e++)
    {
      uint32_t n_points;

      lt_graph_layout_get_edge_points (layout, e, &n_points);
      total += n_points;
    }
  /* 2 per chain edge, 3 per branch, the farthest branch one per layer */
  g_assert_cmpuint (total, <=, 2 * (n - 2) + 3 * (n - 2) + n);
  g_assert_cmpuint (lt_graph_layout_count_crossings (layout, true), ==, 0);
  lt_graph_layout_free (layout);
}

static void
test_empty (void)
{
  lt_graph_layout *layout = layout_edges (0, NULL, 0);
  float            w, h;

  lt_graph_layout_get_size (layout, &w, &h);
  g_assert_cmpfloat (w, ==, 0.f);
  g_assert_cmpfloat (h, ==, 0.f);
  g_assert_cmpuint (lt_graph_layout_count_crossings (layout, true), ==, 0);
  lt_graph_layout_free (layout);
}

static void
test_bad_edge (void)
{
  lt_graph_layout *layout = lt_graph_layout_new (2);
  lt_error         err;

  lt_error_clear (&err);
  g_assert_cmpint (lt_graph_layout_add_edge (layout, 0, 2, NULL, &err), ==, LT_ERR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (err.message, "0 -> 2"));
  lt_graph_layout_free (layout);
}

static bool
stop_at_once (double  fraction,
              void   *user_data)
{
  int *calls = user_data;

  (void) fraction;
  (*calls)++;
  return false;
}

static void
test_cancel (void)
{
  const uint32_t   edges[] = { 0, 1, 1, 2 };
  lt_graph_layout *layout = lt_graph_layout_new (3);
  lt_error         err;
  int              calls = 0;
  uint32_t         n_points;

  for (uint32_t e = 0; e < 2; e++)
    lt_graph_layout_add_edge (layout, edges[2 * e], edges[2 * e + 1], NULL, NULL);
  g_assert_cmpint (lt_graph_layout_run (layout, stop_at_once, &calls, &err), ==, LT_ERR_CANCELLED);
  g_assert_cmpint (calls, ==, 1);
  g_assert_null (lt_graph_layout_get_edge_points (layout, 0, &n_points));
  g_assert_cmpuint (n_points, ==, 0);
  lt_graph_layout_free (layout);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-layout/chain-is-straight", test_chain_is_straight);
  g_test_add_func ("/graph-layout/crossing-removed", test_crossing_removed);
  g_test_add_func ("/graph-layout/long-edge-and-late-input", test_long_edge_and_late_input);
  g_test_add_func ("/graph-layout/k22-crosses-once", test_k22_crosses_once);
  g_test_add_func ("/graph-layout/transformer-without-crossings", test_transformer_without_crossings);
  g_test_add_func ("/graph-layout/cycle-and-self-loop", test_cycle_and_self_loop);
  g_test_add_func ("/graph-layout/random-dags", test_random_dags);
  g_test_add_func ("/graph-layout/fanout-routes-are-linear", test_fanout_routes_are_linear);
  g_test_add_func ("/graph-layout/empty", test_empty);
  g_test_add_func ("/graph-layout/bad-edge", test_bad_edge);
  g_test_add_func ("/graph-layout/cancel", test_cancel);
  return g_test_run ();
}
