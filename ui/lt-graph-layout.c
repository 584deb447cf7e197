/* lt-graph-layout.c — layered layout: cycle breaking, layering, crossing
 * reduction and coordinate assignment
 *
 * The phases, each linear or n log n in the size of the layered graph:
 *  1. cycle breaking: edges that close a cycle in a depth-first search are
 *     laid out reversed;
 *  2. layering: each node one layer below its lowest predecessor (longest
 *     path), then nodes without predecessors moved down to just above their
 *     first consumer, so graph inputs sit next to where they are used;
 *  3. an edge spanning k layers runs through k - 1 dummy vertices, so
 *     every segment joins adjacent layers ("proper" graph); long edges from
 *     one node share their dummies (a trunk with branches);
 *  4. crossing reduction: layer-by-layer sweeps ordering each layer by the
 *     barycentre of its neighbours in the layer just placed, each sweep
 *     followed by a transpose pass (swap neighbours while that removes
 *     crossings); the best order seen is kept.  Then runs — a trunk, a
 *     node and the path of single-input vertices below it, or a node alone
 *     — are moved as a whole to the slots near them that cross least (a
 *     dynamic programme over the run's layers), within a work budget
 *     linear in the graph.  Crossings are counted per edge (a trunk
 *     segment counts once for each edge it carries, as Graphviz counts its
 *     separate chains) with Barth, Jünger and Mutzel's accumulator (a
 *     Fenwick tree);
 *  5. x coordinates: alternate sweeps place each layer as close as possible
 *     (weighted least squares) to the mean x of its neighbours while keeping
 *     the order and the minimum gaps — an isotonic regression solved exactly
 *     by pool-adjacent-violators.  Dummy chains weigh more, so long edges
 *     run straight;
 *  6. y from the layer heights, routes through the dummies: the whole
 *     trunk for the edge that goes farthest, only their own end for the
 *     others.
 *
 * Invariants after a successful run: vertices 0..n_nodes-1 are the nodes,
 * the rest dummies; every segment joins layer l to l + 1; layer_vertices
 * lists each layer left to right and pos[] is the index within its layer.
 */
#include "lt-graph-layout.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ORDER_SWEEPS      24
#define MAX_STALE_SWEEPS      4
#define MAX_TRANSPOSE_PASSES  4
#define PLACEMENT_SWEEPS      8
#define DUMMY_WEIGHT          8.0
#define FREE_WEIGHT           0.01

struct lt_graph_layout
{
  /* Input */
  uint32_t  n_nodes;
  float    *node_width;
  float    *node_height;
  uint32_t  n_edges;
  uint32_t  edges_allocated;
  uint32_t *edge_source;
  uint32_t *edge_target;
  float     node_gap;
  float     layer_gap;

  /* Layered graph (rebuilt by each run) */
  uint32_t  n_vertices;     /* nodes first, then dummies */
  uint32_t  n_layers;
  uint32_t *layer;          /* per vertex */
  uint32_t *pos;            /* per vertex: index in its layer */
  uint32_t *layer_start;    /* n_layers + 1 offsets into layer_vertices */
  uint32_t *layer_vertices; /* each layer's vertices, left to right */
  uint32_t *up_start;       /* CSR: neighbours in the layer above */
  uint32_t *up;
  uint32_t *down_start;     /* CSR: neighbours in the layer below */
  uint32_t *down;
  uint32_t *trunk_first;    /* per node: first dummy of its trunk */
  uint32_t *trunk_length;   /* per node: dummies in its trunk, one per layer */
  uint32_t *carried;        /* per vertex: edges drawn through it (1 for a node) */
  uint8_t  *reversed;       /* per edge: laid out bottom to top */

  /* Results */
  bool      done;
  float    *x;              /* per vertex, centre */
  float    *y;              /* per vertex, centre */
  uint32_t *trunk_owner;    /* per node: the edge whose route draws its trunk */
  uint32_t *route_start;    /* per edge: offset (in points) into route */
  float    *route;
  float     width;
  float     height;
};

static void *
checked_array (size_t count,
               size_t size)
{
  /* calloc checks count * size for overflow; +1 so empty graphs get memory. */
  return calloc (count + 1, size);
}

static void
clear_results (lt_graph_layout *layout)
{
  free (layout->layer);
  free (layout->pos);
  free (layout->layer_start);
  free (layout->layer_vertices);
  free (layout->up_start);
  free (layout->up);
  free (layout->down_start);
  free (layout->down);
  free (layout->trunk_first);
  free (layout->trunk_length);
  free (layout->carried);
  free (layout->reversed);
  free (layout->x);
  free (layout->y);
  free (layout->trunk_owner);
  free (layout->route_start);
  free (layout->route);
  memset (&layout->n_vertices, 0,
          sizeof *layout - offsetof (lt_graph_layout, n_vertices));
}

lt_graph_layout *
lt_graph_layout_new (uint32_t n_nodes)
{
  lt_graph_layout *layout = calloc (1, sizeof *layout);

  if (layout == NULL)
    return NULL;
  layout->n_nodes = n_nodes;
  layout->node_width = checked_array (n_nodes, sizeof (float));
  layout->node_height = checked_array (n_nodes, sizeof (float));
  if (layout->node_width == NULL || layout->node_height == NULL)
    {
      lt_graph_layout_free (layout);
      return NULL;
    }
  for (uint32_t i = 0; i < n_nodes; i++)
    layout->node_width[i] = layout->node_height[i] = 1.f;
  layout->node_gap = 24.f;
  layout->layer_gap = 48.f;
  return layout;
}

void
lt_graph_layout_free (lt_graph_layout *layout)
{
  if (layout == NULL)
    return;
  clear_results (layout);
  free (layout->node_width);
  free (layout->node_height);
  free (layout->edge_source);
  free (layout->edge_target);
  free (layout);
}

void
lt_graph_layout_set_node_size (lt_graph_layout *layout,
                               uint32_t         node,
                               float            width,
                               float            height)
{
  if (node >= layout->n_nodes)
    return;
  layout->node_width[node] = width > 0.f ? width : 0.f;
  layout->node_height[node] = height > 0.f ? height : 0.f;
}

void
lt_graph_layout_set_spacing (lt_graph_layout *layout,
                             float            node_gap,
                             float            layer_gap)
{
  layout->node_gap = node_gap;
  layout->layer_gap = layer_gap;
}

lt_status
lt_graph_layout_add_edge (lt_graph_layout *layout,
                          uint32_t         source,
                          uint32_t         target,
                          uint32_t        *out_index,
                          lt_error        *err)
{
  if (source >= layout->n_nodes || target >= layout->n_nodes)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL,
                         "edge %u -> %u names a node past the last one (%u)",
                         source, target, layout->n_nodes);
  if (layout->n_edges == layout->edges_allocated)
    {
      uint32_t  allocated = layout->edges_allocated ? layout->edges_allocated * 2 : 64;
      uint32_t *sources;
      uint32_t *targets;

      if (allocated < layout->edges_allocated)
        return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "too many edges");
      sources = realloc (layout->edge_source, allocated * sizeof (uint32_t));
      if (sources == NULL)
        return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory");
      layout->edge_source = sources;
      targets = realloc (layout->edge_target, allocated * sizeof (uint32_t));
      if (targets == NULL)
        return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory");
      layout->edge_target = targets;
      layout->edges_allocated = allocated;
    }
  layout->edge_source[layout->n_edges] = source;
  layout->edge_target[layout->n_edges] = target;
  if (out_index != NULL)
    *out_index = layout->n_edges;
  layout->n_edges++;
  return LT_OK;
}

/* ---- phase 1 and 2: cycle breaking and layering ------------------------ */

/* Upper and lower end of an edge as laid out. */
static inline uint32_t
edge_upper (const lt_graph_layout *layout,
            uint32_t               e)
{
  return layout->reversed[e] ? layout->edge_target[e] : layout->edge_source[e];
}

static inline uint32_t
edge_lower (const lt_graph_layout *layout,
            uint32_t               e)
{
  return layout->reversed[e] ? layout->edge_source[e] : layout->edge_target[e];
}

/* Outgoing edges of each node, CSR, in the order added. */
static bool
build_out_edges (const lt_graph_layout *layout,
                 uint32_t             **out_start,
                 uint32_t             **out_edges)
{
  uint32_t *start = checked_array (layout->n_nodes + 1, sizeof (uint32_t));
  uint32_t *edges = checked_array (layout->n_edges, sizeof (uint32_t));

  if (start == NULL || edges == NULL)
    {
      free (start);
      free (edges);
      return false;
    }
  for (uint32_t e = 0; e < layout->n_edges; e++)
    start[layout->edge_source[e] + 1]++;
  for (uint32_t v = 0; v < layout->n_nodes; v++)
    start[v + 1] += start[v];
  for (uint32_t e = 0; e < layout->n_edges; e++)
    edges[start[layout->edge_source[e]]++] = e;
  for (uint32_t v = layout->n_nodes; v > 0; v--)
    start[v] = start[v - 1];
  start[0] = 0;
  *out_start = start;
  *out_edges = edges;
  return true;
}

/* Iterative depth-first search; an edge into a node still on the stack
 * closes a cycle and is reversed. */
static bool
break_cycles (lt_graph_layout *layout,
              const uint32_t  *out_start,
              const uint32_t  *out_edges)
{
  uint8_t  *state = checked_array (layout->n_nodes, 1); /* 0 new, 1 on stack, 2 done */
  uint32_t *stack = checked_array (layout->n_nodes, sizeof (uint32_t));
  uint32_t *next = checked_array (layout->n_nodes, sizeof (uint32_t));

  if (state == NULL || stack == NULL || next == NULL)
    {
      free (state);
      free (stack);
      free (next);
      return false;
    }
  for (uint32_t root = 0; root < layout->n_nodes; root++)
    {
      uint32_t depth = 0;

      if (state[root] != 0)
        continue;
      stack[depth++] = root;
      state[root] = 1;
      next[root] = out_start[root];
      while (depth > 0)
        {
          uint32_t v = stack[depth - 1];

          if (next[v] == out_start[v + 1])
            {
              state[v] = 2;
              depth--;
              continue;
            }
          uint32_t e = out_edges[next[v]++];
          uint32_t w = layout->edge_target[e];

          if (state[w] == 1)
            layout->reversed[e] = (w != v);
          else if (state[w] == 0)
            {
              state[w] = 1;
              next[w] = out_start[w];
              stack[depth++] = w;
            }
        }
    }
  free (state);
  free (stack);
  free (next);
  return true;
}

/* Longest-path layering in topological order (Kahn), then nodes without
 * predecessors pulled down next to their first successor. */
static bool
assign_layers (lt_graph_layout *layout)
{
  uint32_t  n = layout->n_nodes;
  uint32_t *in_degree = checked_array (n, sizeof (uint32_t));
  uint32_t *queue = checked_array (n, sizeof (uint32_t));
  uint32_t *start = checked_array (n + 1, sizeof (uint32_t));
  uint32_t *succ = checked_array (layout->n_edges, sizeof (uint32_t));
  uint32_t  head = 0, tail = 0;
  bool      ok = in_degree && queue && start && succ;

  if (!ok)
    goto out;
  for (uint32_t e = 0; e < layout->n_edges; e++)
    {
      if (layout->edge_source[e] == layout->edge_target[e])
        continue;
      in_degree[edge_lower (layout, e)]++;
      start[edge_upper (layout, e) + 1]++;
    }
  for (uint32_t v = 0; v < n; v++)
    start[v + 1] += start[v];
  for (uint32_t e = 0; e < layout->n_edges; e++)
    if (layout->edge_source[e] != layout->edge_target[e])
      succ[start[edge_upper (layout, e)]++] = edge_lower (layout, e);
  for (uint32_t v = n; v > 0; v--)
    start[v] = start[v - 1];
  start[0] = 0;

  for (uint32_t v = 0; v < n; v++)
    if (in_degree[v] == 0)
      queue[tail++] = v;
  while (head < tail)
    {
      uint32_t v = queue[head++];

      for (uint32_t i = start[v]; i < start[v + 1]; i++)
        {
          uint32_t w = succ[i];

          if (layout->layer[w] < layout->layer[v] + 1)
            layout->layer[w] = layout->layer[v] + 1;
          if (--in_degree[w] == 0)
            queue[tail++] = w;
        }
    }
  /* Sources (queue holds the topological order; sources have no
   * predecessor so moving them never breaks an edge). */
  for (uint32_t i = 0; i < n; i++)
    {
      uint32_t v = queue[i];
      uint32_t lowest = UINT32_MAX;

      /* After longest-path layering layer 0 holds exactly the sources. */
      if (layout->layer[v] != 0 || start[v] == start[v + 1])
        continue;
      for (uint32_t j = start[v]; j < start[v + 1]; j++)
        if (layout->layer[succ[j]] < lowest)
          lowest = layout->layer[succ[j]];
      if (lowest > 1)
        layout->layer[v] = lowest - 1;
    }
  for (uint32_t v = 0; v < n; v++)
    if (layout->layer[v] + 1 > layout->n_layers)
      layout->n_layers = layout->layer[v] + 1;

out:
  free (in_degree);
  free (queue);
  free (start);
  free (succ);
  return ok;
}

/* ---- phase 3: the proper layered graph --------------------------------- */

static inline uint32_t
edge_span (const lt_graph_layout *layout,
           uint32_t               e)
{
  if (layout->edge_source[e] == layout->edge_target[e])
    return 0;
  return layout->layer[edge_lower (layout, e)] - layout->layer[edge_upper (layout, e)];
}

/* Adds the segment a → b to the CSR counts (fill == false) or lists. */
static inline void
add_segment (lt_graph_layout *layout,
             uint32_t         a,
             uint32_t         b,
             bool             fill)
{
  if (fill)
    {
      layout->down[layout->down_start[a]++] = b;
      layout->up[layout->up_start[b]++] = a;
    }
  else
    {
      layout->down_start[a + 1]++;
      layout->up_start[b + 1]++;
    }
}

/* How many edges run through each vertex: 1 for a node; for the d-th
 * dummy of a trunk, the edges from its node that span more than d + 1
 * layers (a difference array summed along each trunk).  A segment carries
 * as many edges as the vertex at its lower end. */
static bool
count_carried (lt_graph_layout *layout)
{
  layout->carried = checked_array (layout->n_vertices, sizeof (uint32_t));
  if (layout->carried == NULL)
    return false;
  for (uint32_t v = 0; v < layout->n_nodes; v++)
    layout->carried[v] = 1;
  for (uint32_t e = 0; e < layout->n_edges; e++)
    {
      uint32_t span = edge_span (layout, e);
      uint32_t upper = edge_upper (layout, e);

      if (span < 2)
        continue;
      layout->carried[layout->trunk_first[upper]]++;
      if (span - 1 < layout->trunk_length[upper])
        layout->carried[layout->trunk_first[upper] + span - 1]--;
    }
  for (uint32_t u = 0; u < layout->n_nodes; u++)
    for (uint32_t d = 1; d < layout->trunk_length[u]; d++)
      layout->carried[layout->trunk_first[u] + d] += layout->carried[layout->trunk_first[u] + d - 1];
  return true;
}

/* Long edges leaving the same node share one trunk of dummies, one per
 * layer down to the farthest target, and branch off it just above their
 * target: a tensor used all over a model (an attention mask) costs one
 * column, not one per use. */
static bool
build_proper_graph (lt_graph_layout *layout)
{
  uint32_t n_dummies = 0;
  uint32_t n_segments = 0;

  layout->trunk_first = checked_array (layout->n_nodes, sizeof (uint32_t));
  layout->trunk_length = checked_array (layout->n_nodes, sizeof (uint32_t));
  if (layout->trunk_first == NULL || layout->trunk_length == NULL)
    return false;
  for (uint32_t e = 0; e < layout->n_edges; e++)
    {
      uint32_t span = edge_span (layout, e);
      uint32_t upper = edge_upper (layout, e);

      if (span > 0)
        n_segments++;
      if (span > 1 && span - 1 > layout->trunk_length[upper])
        layout->trunk_length[upper] = span - 1;
    }
  for (uint32_t u = 0; u < layout->n_nodes; u++)
    {
      if (UINT32_MAX - n_dummies < layout->trunk_length[u] ||
          UINT32_MAX - n_segments < layout->trunk_length[u] ||
          UINT32_MAX - layout->n_nodes - n_dummies < layout->trunk_length[u])
        return false;
      layout->trunk_first[u] = layout->n_nodes + n_dummies;
      n_dummies += layout->trunk_length[u];
      n_segments += layout->trunk_length[u];
    }
  layout->n_vertices = layout->n_nodes + n_dummies;

  uint32_t *layer = realloc (layout->layer, (layout->n_vertices + 1) * sizeof (uint32_t));
  if (layer == NULL)
    return false;
  layout->layer = layer;
  layout->up_start = checked_array (layout->n_vertices + 1, sizeof (uint32_t));
  layout->down_start = checked_array (layout->n_vertices + 1, sizeof (uint32_t));
  layout->up = checked_array (n_segments, sizeof (uint32_t));
  layout->down = checked_array (n_segments, sizeof (uint32_t));
  if (!layout->up_start || !layout->down_start || !layout->up || !layout->down)
    return false;
  for (uint32_t u = 0; u < layout->n_nodes; u++)
    for (uint32_t d = 0; d < layout->trunk_length[u]; d++)
      layout->layer[layout->trunk_first[u] + d] = layout->layer[u] + 1 + d;
  if (!count_carried (layout))
    return false;

  /* Two passes over the segments: count, then fill with moving cursors and
   * shift the offsets back. */
  for (int fill = 0; fill < 2; fill++)
    {
      if (fill)
        {
          for (uint32_t i = 0; i < layout->n_vertices; i++)
            {
              layout->up_start[i + 1] += layout->up_start[i];
              layout->down_start[i + 1] += layout->down_start[i];
            }
        }
      for (uint32_t u = 0; u < layout->n_nodes; u++)
        for (uint32_t d = 0; d < layout->trunk_length[u]; d++)
          add_segment (layout, d == 0 ? u : layout->trunk_first[u] + d - 1,
                       layout->trunk_first[u] + d, fill);
      for (uint32_t e = 0; e < layout->n_edges; e++)
        {
          uint32_t span = edge_span (layout, e);
          uint32_t upper = edge_upper (layout, e);

          if (span > 0)
            add_segment (layout, span == 1 ? upper : layout->trunk_first[upper] + span - 2,
                         edge_lower (layout, e), fill);
        }
    }
  for (uint32_t i = layout->n_vertices; i > 0; i--)
    {
      layout->up_start[i] = layout->up_start[i - 1];
      layout->down_start[i] = layout->down_start[i - 1];
    }
  layout->up_start[0] = layout->down_start[0] = 0;

  /* Layers, each first in vertex order (nodes in the order given, which
   * for a model is topological, then dummies by edge). */
  layout->layer_start = checked_array (layout->n_layers + 1, sizeof (uint32_t));
  layout->layer_vertices = checked_array (layout->n_vertices, sizeof (uint32_t));
  layout->pos = checked_array (layout->n_vertices, sizeof (uint32_t));
  if (!layout->layer_start || !layout->layer_vertices || !layout->pos)
    return false;
  for (uint32_t i = 0; i < layout->n_vertices; i++)
    layout->layer_start[layout->layer[i] + 1]++;
  for (uint32_t l = 0; l < layout->n_layers; l++)
    layout->layer_start[l + 1] += layout->layer_start[l];
  for (uint32_t i = 0; i < layout->n_vertices; i++)
    layout->layer_vertices[layout->layer_start[layout->layer[i]]++] = i;
  for (uint32_t l = layout->n_layers; l > 0; l--)
    layout->layer_start[l] = layout->layer_start[l - 1];
  layout->layer_start[0] = 0;
  for (uint32_t l = 0; l < layout->n_layers; l++)
    for (uint32_t i = layout->layer_start[l]; i < layout->layer_start[l + 1]; i++)
      layout->pos[layout->layer_vertices[i]] = i - layout->layer_start[l];
  return true;
}

/* ---- phase 4: crossing reduction --------------------------------------- */

/* Crossings between layer l and l + 1: the segments listed by upper
 * position then lower position; each pair out of order in the lower
 * positions is a crossing.  With `by_edge` a crossing counts the product of
 * the edges the two segments carry, as if every edge had its own chain of
 * bends (Graphviz's count); without, once, as drawn.  `tree` has room for
 * layer l + 1's width + 1. */
static uint64_t
count_layer_crossings (const lt_graph_layout *layout,
                       uint32_t               l,
                       bool                   by_edge,
                       uint64_t              *tree)
{
  uint32_t width = layout->layer_start[l + 2] - layout->layer_start[l + 1];
  uint64_t crossings = 0;
  uint64_t inserted = 0;

  memset (tree, 0, (width + 1) * sizeof (uint64_t));
  for (uint32_t i = layout->layer_start[l]; i < layout->layer_start[l + 1]; i++)
    {
      uint32_t v = layout->layer_vertices[i];
      uint32_t begin = layout->down_start[v];
      uint32_t end = layout->down_start[v + 1];

      /* A vertex's own segments never cross each other: count each against
       * what was inserted before this vertex, then insert them all. */
      for (uint32_t j = begin; j < end; j++)
        {
          uint32_t w = layout->down[j];
          uint64_t not_greater = 0;

          for (uint32_t k = layout->pos[w] + 1; k > 0; k -= k & -k)
            not_greater += tree[k];
          crossings += (inserted - not_greater) * (by_edge ? layout->carried[w] : 1);
        }
      for (uint32_t j = begin; j < end; j++)
        {
          uint32_t w = layout->down[j];
          uint32_t weight = by_edge ? layout->carried[w] : 1;

          for (uint32_t k = layout->pos[w] + 1; k <= width; k += k & -k)
            tree[k] += weight;
          inserted += weight;
        }
    }
  return crossings;
}

static uint64_t
count_crossings (const lt_graph_layout *layout,
                 bool                   by_edge,
                 uint64_t              *tree)
{
  uint64_t total = 0;

  for (uint32_t l = 0; l + 1 < layout->n_layers; l++)
    total += count_layer_crossings (layout, l, by_edge, tree);
  return total;
}

typedef struct
{
  double   key;
  uint32_t old_pos;
  uint32_t vertex;
} sort_item;

static int
compare_sort_items (const void *a,
                    const void *b)
{
  const sort_item *x = a;
  const sort_item *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->old_pos < y->old_pos ? -1 : x->old_pos > y->old_pos;
}

/* Orders layer l by the barycentre of each vertex's neighbours in the
 * adjacent layer (above when `from_above`); a vertex without such
 * neighbours keeps its position. */
static void
order_layer (lt_graph_layout *layout,
             uint32_t         l,
             bool             from_above,
             sort_item       *items)
{
  const uint32_t *start = from_above ? layout->up_start : layout->down_start;
  const uint32_t *adj = from_above ? layout->up : layout->down;
  uint32_t        first = layout->layer_start[l];
  uint32_t        count = layout->layer_start[l + 1] - first;

  for (uint32_t i = 0; i < count; i++)
    {
      uint32_t v = layout->layer_vertices[first + i];
      uint32_t degree = start[v + 1] - start[v];
      double   sum = 0;

      for (uint32_t j = start[v]; j < start[v + 1]; j++)
        sum += layout->pos[adj[j]];
      items[i].key = degree > 0 ? sum / degree : (double) i;
      items[i].old_pos = i;
      items[i].vertex = v;
    }
  qsort (items, count, sizeof *items, compare_sort_items);
  for (uint32_t i = 0; i < count; i++)
    {
      layout->layer_vertices[first + i] = items[i].vertex;
      layout->pos[items[i].vertex] = i;
    }
}

/* Sifts list[root] down the max-heap list[0..n) keyed by position. */
static void
sift_down (const lt_graph_layout *layout,
           uint32_t              *list,
           uint32_t               root,
           uint32_t               n)
{
  for (uint32_t child; (child = 2 * root + 1) < n; root = child)
    {
      if (child + 1 < n && layout->pos[list[child + 1]] > layout->pos[list[child]])
        child++;
      if (layout->pos[list[root]] >= layout->pos[list[child]])
        return;
      uint32_t t = list[root];

      list[root] = list[child];
      list[child] = t;
    }
}

/* Sorts a neighbour list by position in its layer, in place (heapsort:
 * no allocation, n log n for a node with thousands of neighbours). */
static void
sort_by_position (const lt_graph_layout *layout,
                  uint32_t              *list,
                  uint32_t               n)
{
  bool sorted = true;

  for (uint32_t i = 1; i < n && sorted; i++)
    sorted = layout->pos[list[i - 1]] <= layout->pos[list[i]];
  if (sorted)
    return;
  for (uint32_t i = n / 2; i-- > 0;)
    sift_down (layout, list, i, n);
  for (uint32_t end = n; end-- > 1;)
    {
      uint32_t t = list[0];

      list[0] = list[end];
      list[end] = t;
      sift_down (layout, list, 0, end);
    }
}

/* Sorts both of v's neighbour lists by position. */
static void
sort_neighbours (lt_graph_layout *layout,
                 uint32_t         v)
{
  sort_by_position (layout, layout->up + layout->up_start[v], layout->up_start[v + 1] - layout->up_start[v]);
  sort_by_position (layout, layout->down + layout->down_start[v], layout->down_start[v + 1] - layout->down_start[v]);
}

/* Over the pairs of a segment listed in a and one listed in b (neighbours
 * in one layer, each list sorted by position; `skip` in a left out), sums
 * the weights of those whose a end lies left of the b end into *left and
 * right of it into *right; pairs ending at one vertex are neither.  A pair
 * weighs the product of its ends' carried counts, or 1 with `unit`.  One
 * merge: linear in the two lists. */
static void
split_pairs (const lt_graph_layout *layout,
             const uint32_t        *a,
             uint32_t               na,
             uint32_t               skip,
             const uint32_t        *b,
             uint32_t               nb,
             bool                   unit,
             uint64_t              *left,
             uint64_t              *right)
{
  uint64_t total_b = 0;
  uint64_t below = 0;    /* weight of b's ends left of the current a end */
  uint64_t not_above = 0; /* … left of it or at it */
  uint32_t j = 0, k = 0;

  for (uint32_t i = 0; i < nb; i++)
    total_b += unit ? 1 : layout->carried[b[i]];
  for (uint32_t i = 0; i < na; i++)
    {
      uint32_t x = a[i];
      uint64_t weight = unit ? 1 : layout->carried[x];

      if (x == skip)
        continue;
      for (; j < nb && layout->pos[b[j]] < layout->pos[x]; j++)
        below += unit ? 1 : layout->carried[b[j]];
      for (; k < nb && layout->pos[b[k]] <= layout->pos[x]; k++)
        not_above += unit ? 1 : layout->carried[b[k]];
      *left += weight * (total_b - not_above);
      *right += weight * below;
    }
}

/* Crossings, counted per edge, of u's segments with v's (to both adjacent
 * layers) when u is left of v (*keep) and when it is right (*swap).  The
 * neighbour lists must be sorted by position. */
static void
pair_crossings (const lt_graph_layout *layout,
                uint32_t               u,
                uint32_t               v,
                uint64_t              *keep,
                uint64_t              *swap)
{
  uint64_t up_keep = 0, up_swap = 0;

  *keep = *swap = 0;
  /* v's end left of u's: a crossing while u is left of v */
  split_pairs (layout, layout->up + layout->up_start[v], layout->up_start[v + 1] - layout->up_start[v], UINT32_MAX,
               layout->up + layout->up_start[u], layout->up_start[u + 1] - layout->up_start[u], true,
               &up_keep, &up_swap);
  split_pairs (layout, layout->down + layout->down_start[v], layout->down_start[v + 1] - layout->down_start[v], UINT32_MAX,
               layout->down + layout->down_start[u], layout->down_start[u + 1] - layout->down_start[u], false,
               keep, swap);
  *keep += up_keep * layout->carried[u] * layout->carried[v];
  *swap += up_swap * layout->carried[u] * layout->carried[v];
}

/* Swaps neighbours in each layer while that reduces crossings with both
 * adjacent layers.  Returns whether anything moved. */
static bool
transpose (lt_graph_layout *layout)
{
  bool any = false;

  for (uint32_t pass = 0; pass < MAX_TRANSPOSE_PASSES; pass++)
    {
      bool improved = false;

      for (uint32_t l = 0; l < layout->n_layers; l++)
        {
          /* the layers beside l stay put while l is transposed */
          for (uint32_t i = layout->layer_start[l]; i < layout->layer_start[l + 1]; i++)
            sort_neighbours (layout, layout->layer_vertices[i]);
          for (uint32_t i = layout->layer_start[l]; i + 1 < layout->layer_start[l + 1]; i++)
            {
              uint32_t u = layout->layer_vertices[i];
              uint32_t v = layout->layer_vertices[i + 1];
              uint64_t keep, swap;

              pair_crossings (layout, u, v, &keep, &swap);
              if (swap < keep)
                {
                  layout->layer_vertices[i] = v;
                  layout->layer_vertices[i + 1] = u;
                  layout->pos[v]--;
                  layout->pos[u]++;
                  improved = any = true;
                }
            }
        }
      if (!improved)
        break;
    }
  return any;
}

/* ---- phase 4b: moving whole runs --------------------------------------- */

/* Barycentre sweeps and transposition move one vertex at a time, so a trunk
 * of bends on the wrong side of a branch stays there: moving any one of its
 * bends adds two crossings before the rest follow.  Runs are therefore also
 * moved as a whole.  A run is a path down the layers whose vertices after
 * the first have a single segment from above, the one from the vertex
 * before: a trunk of dummies, often with the node it leaves and the
 * single-input nodes above it (a branch of an attention block), or a node
 * alone.  With everything else fixed, a dynamic programme over the run's
 * layers picks for each layer a slot within SIFT_REACH of where the run
 * is, minimising the crossings (per edge) of every segment that touches
 * the run.  Only the segments with an end inside the window change with
 * the choice; the others add the same to every choice and are not
 * counted. */

#define SIFT_REACH  8
#define SIFT_SLOTS  (2 * SIFT_REACH + 1)
#define SIFT_PASSES 4
/* Work (slot pairs and segments looked at) allowed per vertex and
 * segment of the layered graph, so that graphs where moves keep paying a
 * little (dense random ones) stay within the time budget. */
#define SIFT_WORK_PER_ELEMENT 64

typedef struct
{
  uint64_t *diff;      /* (SIFT_SLOTS + 1)^2 difference array */
  uint64_t *cost;      /* SIFT_SLOTS: best cost of the run so far, per slot */
  uint64_t *next_cost; /* SIFT_SLOTS */
  uint8_t  *choice;    /* per run layer and slot: the slot chosen above */
  uint32_t *lo;        /* per run layer: first slot of the window */
  uint64_t  work;      /* done so far */
  uint64_t  budget;    /* work allowed */
} sift_scratch;

/* Index of a vertex in its layer once `moving` (another vertex of the same
 * layer) is taken out. */
static inline uint32_t
slot_of (const lt_graph_layout *layout,
         uint32_t               v,
         uint32_t               moving)
{
  uint32_t p = layout->pos[v];

  return p > layout->pos[moving] ? p - 1 : p;
}

/* Adds `weight` to diff[a..b) (a 1-D difference array). */
static inline void
add_range (uint64_t *diff,
           uint32_t  a,
           uint32_t  b,
           uint64_t  weight)
{
  if (a >= b)
    return;
  diff[a] += weight;
  diff[b] -= weight;
}

/* Adds `weight` to the rectangle [r0, r1) × [c0, c1) of a 2-D difference
 * array with rows of `stride`. */
static inline void
add_rectangle (uint64_t *diff,
               uint32_t  stride,
               uint32_t  r0,
               uint32_t  r1,
               uint32_t  c0,
               uint32_t  c1,
               uint64_t  weight)
{
  if (r0 >= r1 || c0 >= c1)
    return;
  diff[r0 * stride + c0] += weight;
  diff[r0 * stride + c1] -= weight;
  diff[r1 * stride + c0] -= weight;
  diff[r1 * stride + c1] += weight;
}

/* Window slots [lo, lo + n) where a threshold slot `s` splits the choices:
 * the slots p <= s are [lo, s] → indices [0, s - lo + 1). */
static inline uint32_t
split_index (uint32_t s,
             uint32_t lo,
             uint32_t n)
{
  if (s < lo)
    return 0;
  return s - lo + 1 < n ? s - lo + 1 : n;
}

/* Crossings of the run's vertex v (moved in its layer, window [lo, lo + n))
 * with everything but the run itself, per slot, into cost[0..n): its
 * segments from above when `top` (only the run's first vertex has any), and
 * its segments below other than `link` (the next vertex of the run).
 * Sorts the neighbour lists it reads by position.  Returns the segments
 * looked at. */
static uint64_t
vertex_costs (lt_graph_layout *layout,
              uint32_t         v,
              bool             top,
              uint32_t         link,
              uint32_t         lo,
              uint32_t         n,
              uint64_t        *diff,
              uint64_t        *cost)
{
  uint32_t l = layout->layer[v];
  uint32_t first = layout->layer_start[l];
  uint32_t hi = lo + n - 1;
  uint64_t work = 0;

  memset (diff, 0, (n + 1) * sizeof *diff);
  sort_neighbours (layout, v);
  /* Neighbours whose slot is in [lo, hi) are the ones the choice can pass. */
  for (uint32_t s = lo; s < hi; s++)
    {
      uint32_t i = s < layout->pos[v] ? s : s + 1;
      uint32_t y = layout->layer_vertices[first + i];
      uint32_t split = s - lo + 1;
      uint64_t left = 0, right = 0;

      sort_neighbours (layout, y);
      if (top)
        {
          uint64_t weight = (uint64_t) layout->carried[v] * layout->carried[y];
          uint64_t up_left = 0, up_right = 0;

          split_pairs (layout, layout->up + layout->up_start[v], layout->up_start[v + 1] - layout->up_start[v],
                       UINT32_MAX, layout->up + layout->up_start[y], layout->up_start[y + 1] - layout->up_start[y],
                       true, &up_left, &up_right);
          left += up_left * weight;
          right += up_right * weight;
          work += layout->up_start[v + 1] - layout->up_start[v] + layout->up_start[y + 1] - layout->up_start[y];
        }
      split_pairs (layout, layout->down + layout->down_start[v], layout->down_start[v + 1] - layout->down_start[v],
                   link, layout->down + layout->down_start[y], layout->down_start[y + 1] - layout->down_start[y],
                   false, &left, &right);
      work += layout->down_start[v + 1] - layout->down_start[v] + layout->down_start[y + 1] - layout->down_start[y];
      /* v's segment left of y's at their fixed ends: they cross where v
       * lies right of y, [split, n); and the other way round */
      add_range (diff, split, n, left);
      add_range (diff, 0, split, right);
    }
  cost[0] = diff[0];
  for (uint32_t i = 1; i < n; i++)
    cost[i] = cost[i - 1] + diff[i];
  return work + n;
}

/* Crossings of the link a → b between consecutive run vertices with the
 * other segments between their layers, for every pair of slots: into
 * cost[p * (nb + 1) + q] (a 2-D difference array summed in place) for a in
 * slot la + p and b in slot lb + q.  Returns the slot pairs and segments
 * looked at. */
static uint64_t
link_costs (const lt_graph_layout *layout,
            uint32_t               a,
            uint32_t               b,
            uint32_t               la,
            uint32_t               na,
            uint32_t               lb,
            uint32_t               nb,
            uint64_t              *diff)
{
  uint32_t stride = nb + 1;
  uint32_t first_a = layout->layer_start[layout->layer[a]];
  uint32_t first_b = layout->layer_start[layout->layer[b]];
  uint64_t link_weight = layout->carried[b];
  uint64_t work = (uint64_t) na * nb;

  memset (diff, 0, (size_t) (na + 1) * stride * sizeof *diff);
  /* Segments whose upper end is in a's window, then those whose lower end
   * only is in b's window. */
  for (uint32_t s = la; s + 1 < la + na; s++)
    {
      uint32_t u = layout->layer_vertices[first_a + (s < layout->pos[a] ? s : s + 1)];

      for (uint32_t k = layout->down_start[u]; k < layout->down_start[u + 1]; k++)
        {
          uint32_t w = layout->down[k];
          uint32_t split_a = s - la + 1;
          uint32_t split_b = split_index (slot_of (layout, w, b), lb, nb);
          uint64_t weight = link_weight * layout->carried[w];

          work++;
          /* a left of u and b right of w, or the other way round */
          add_rectangle (diff, stride, 0, split_a, split_b, nb, weight);
          add_rectangle (diff, stride, split_a, na, 0, split_b, weight);
        }
    }
  for (uint32_t s = lb; s + 1 < lb + nb; s++)
    {
      uint32_t w = layout->layer_vertices[first_b + (s < layout->pos[b] ? s : s + 1)];

      for (uint32_t k = layout->up_start[w]; k < layout->up_start[w + 1]; k++)
        {
          uint32_t u = layout->up[k];
          uint32_t su = slot_of (layout, u, a);
          uint32_t split_a = split_index (su, la, na);
          uint32_t split_b = s - lb + 1;
          uint64_t weight = link_weight * layout->carried[w];

          work++;
          if (u == a || (su >= la && su + 1 < la + na))
            continue;
          add_rectangle (diff, stride, 0, split_a, split_b, nb, weight);
          add_rectangle (diff, stride, split_a, na, 0, split_b, weight);
        }
    }
  for (uint32_t p = 0; p < na; p++)
    for (uint32_t q = 0; q < nb; q++)
      {
        uint64_t *c = &diff[p * stride + q];

        if (p > 0)
          *c += diff[(p - 1) * stride + q];
        if (q > 0)
          *c += diff[p * stride + q - 1];
        if (p > 0 && q > 0)
          *c -= diff[(p - 1) * stride + q - 1];
      }
  return work;
}

/* Puts v, now at index `from` of its layer, at index `to`. */
static void
move_in_layer (lt_graph_layout *layout,
               uint32_t         v,
               uint32_t         to)
{
  uint32_t *row = layout->layer_vertices + layout->layer_start[layout->layer[v]];
  uint32_t  from = layout->pos[v];

  for (; from > to; from--)
    {
      row[from] = row[from - 1];
      layout->pos[row[from]] = from;
    }
  for (; from < to; from++)
    {
      row[from] = row[from + 1];
      layout->pos[row[from]] = from;
    }
  row[to] = v;
  layout->pos[v] = to;
}

/* Moves run[0..length) (one vertex per layer, each but the first with a
 * single segment from above, the one from the vertex before it) to the
 * slots that cross least, if that is fewer crossings than now.  Returns
 * whether it moved. */
static bool
move_run (lt_graph_layout *layout,
          const uint32_t  *run,
          uint32_t         length,
          sift_scratch    *scratch)
{
  uint64_t  vertex_cost[SIFT_SLOTS];
  uint64_t  now = 0;
  uint32_t  best_slot = 0;
  uint32_t  prev_n = 0;

  for (uint32_t i = 0; i < length; i++)
    {
      uint32_t v = run[i];
      uint32_t l = layout->layer[v];
      uint32_t last_slot = layout->layer_start[l + 1] - layout->layer_start[l] - 1;
      uint32_t at = layout->pos[v];
      uint32_t lo = at > SIFT_REACH ? at - SIFT_REACH : 0;
      uint32_t n = (at + SIFT_REACH < last_slot ? at + SIFT_REACH : last_slot) - lo + 1;

      scratch->lo[i] = lo;
      scratch->work += vertex_costs (layout, v, i == 0, i + 1 < length ? run[i + 1] : UINT32_MAX,
                                     lo, n, scratch->diff, vertex_cost);
      if (i == 0)
        {
          memcpy (scratch->cost, vertex_cost, n * sizeof (uint64_t));
          now = vertex_cost[at - lo];
        }
      else
        {
          uint32_t  prev_lo = scratch->lo[i - 1];
          uint32_t  stride = n + 1;
          uint64_t *link = scratch->diff;

          scratch->work += link_costs (layout, run[i - 1], v, prev_lo, prev_n, lo, n, link);
          for (uint32_t q = 0; q < n; q++)
            {
              uint64_t best = UINT64_MAX;

              for (uint32_t p = 0; p < prev_n; p++)
                if (scratch->cost[p] + link[p * stride + q] < best)
                  {
                    best = scratch->cost[p] + link[p * stride + q];
                    scratch->choice[(size_t) i * SIFT_SLOTS + q] = (uint8_t) p;
                  }
              scratch->next_cost[q] = best + vertex_cost[q];
            }
          now += link[(layout->pos[run[i - 1]] - prev_lo) * stride + at - lo] + vertex_cost[at - lo];
          memcpy (scratch->cost, scratch->next_cost, n * sizeof (uint64_t));
        }
      prev_n = n;
    }
  for (uint32_t q = 1; q < prev_n; q++)
    if (scratch->cost[q] < scratch->cost[best_slot])
      best_slot = q;
  if (scratch->cost[best_slot] >= now)
    return false;
  for (uint32_t i = length; i-- > 0;)
    {
      uint32_t to = scratch->lo[i] + best_slot;

      if (i > 0)
        best_slot = scratch->choice[(size_t) i * SIFT_SLOTS + best_slot];
      move_in_layer (layout, run[i], to);
    }
  return true;
}

/* The vertex that continues v's run: the next dummy of a trunk, or else
 * v's only neighbour below with no other segment from above.  UINT32_MAX
 * when the run ends at v. */
static uint32_t
run_successor (const lt_graph_layout *layout,
               uint32_t               v)
{
  uint32_t next = UINT32_MAX;

  for (uint32_t j = layout->down_start[v]; j < layout->down_start[v + 1]; j++)
    {
      uint32_t w = layout->down[j];

      if (layout->up_start[w + 1] - layout->up_start[w] != 1)
        continue;
      if (v >= layout->n_nodes && w >= layout->n_nodes)
        return w; /* the trunk goes on */
      if (next != UINT32_MAX)
        return UINT32_MAX;
      next = w;
    }
  return next;
}

/* Splits the vertices into runs (paths down the layers, see move_run):
 * runs[starts[k] .. starts[k + 1]) for k < *n_runs. */
static bool
build_runs (const lt_graph_layout *layout,
            uint32_t             **out_runs,
            uint32_t             **out_starts,
            uint32_t              *n_runs)
{
  uint32_t *runs = checked_array (layout->n_vertices, sizeof (uint32_t));
  uint32_t *starts = checked_array (layout->n_vertices + 1, sizeof (uint32_t));
  uint32_t  n = 0;
  uint32_t  k = 0;

  if (runs == NULL || starts == NULL)
    {
      free (runs);
      free (starts);
      return false;
    }
  for (uint32_t v = 0; v < layout->n_vertices; v++)
    {
      /* v starts a run unless it continues the run of its one neighbour above */
      if (layout->up_start[v + 1] - layout->up_start[v] == 1 &&
          run_successor (layout, layout->up[layout->up_start[v]]) == v)
        continue;
      starts[k++] = n;
      for (uint32_t w = v; w != UINT32_MAX; w = run_successor (layout, w))
        runs[n++] = w;
    }
  starts[k] = n;
  *out_runs = runs;
  *out_starts = starts;
  *n_runs = k;
  return true;
}

/* One pass moving every run, then every node alone, until the work budget
 * is spent.  Returns whether anything moved; crossings never grow. */
static bool
move_runs (lt_graph_layout *layout,
           const uint32_t  *runs,
           const uint32_t  *starts,
           uint32_t         n_runs,
           sift_scratch    *scratch)
{
  bool moved = false;

  for (uint32_t k = 0; k < n_runs && scratch->work < scratch->budget; k++)
    moved |= move_run (layout, runs + starts[k], starts[k + 1] - starts[k], scratch);
  for (uint32_t v = 0; v < layout->n_nodes && scratch->work < scratch->budget; v++)
    moved |= move_run (layout, &v, 1, scratch);
  return moved;
}

static void
sift_scratch_clear (sift_scratch *scratch)
{
  free (scratch->diff);
  free (scratch->cost);
  free (scratch->next_cost);
  free (scratch->choice);
  free (scratch->lo);
}

static bool
sift_scratch_init (sift_scratch          *scratch,
                   const lt_graph_layout *layout)
{
  uint32_t n_layers = layout->n_layers;

  scratch->diff = checked_array ((SIFT_SLOTS + 1) * (SIFT_SLOTS + 1), sizeof (uint64_t));
  scratch->cost = checked_array (SIFT_SLOTS, sizeof (uint64_t));
  scratch->next_cost = checked_array (SIFT_SLOTS, sizeof (uint64_t));
  scratch->choice = checked_array ((size_t) n_layers * SIFT_SLOTS, 1);
  scratch->lo = checked_array (n_layers, sizeof (uint32_t));
  scratch->work = 0;
  scratch->budget = SIFT_WORK_PER_ELEMENT * ((uint64_t) layout->n_vertices +
                                             layout->up_start[layout->n_vertices]);
  if (scratch->diff && scratch->cost && scratch->next_cost && scratch->choice && scratch->lo)
    return true;
  sift_scratch_clear (scratch);
  return false;
}

/* Barycentre sweeps, each followed by transposition, keeping the best
 * order seen; *out_crossings is its count. */
static bool
sweep_layers (lt_graph_layout              *layout,
              lt_graph_layout_progress_func progress,
              void                         *user_data,
              bool                         *cancelled,
              uint64_t                     *out_crossings)
{
  uint32_t   widest = 0;
  uint64_t  *tree;
  uint32_t  *best;
  sort_item *items;
  uint64_t   best_crossings;
  uint32_t   stale = 0;

  for (uint32_t l = 0; l < layout->n_layers; l++)
    if (layout->layer_start[l + 1] - layout->layer_start[l] > widest)
      widest = layout->layer_start[l + 1] - layout->layer_start[l];
  tree = checked_array (widest + 1, sizeof (uint64_t));
  best = checked_array (layout->n_vertices, sizeof (uint32_t));
  items = checked_array (widest, sizeof (sort_item));
  if (tree == NULL || best == NULL || items == NULL)
    {
      free (tree);
      free (best);
      free (items);
      return false;
    }

  best_crossings = count_crossings (layout, true, tree);
  memcpy (best, layout->layer_vertices, layout->n_vertices * sizeof (uint32_t));
  for (uint32_t sweep = 0; sweep < MAX_ORDER_SWEEPS && best_crossings > 0; sweep++)
    {
      bool     down = sweep % 2 == 0;
      uint64_t crossings;

      if (progress != NULL && !progress (0.1 + 0.6 * sweep / MAX_ORDER_SWEEPS, user_data))
        {
          *cancelled = true;
          break;
        }
      if (down)
        for (uint32_t l = 1; l < layout->n_layers; l++)
          order_layer (layout, l, true, items);
      else
        for (uint32_t l = layout->n_layers - 1; l-- > 0;)
          order_layer (layout, l, false, items);
      transpose (layout);
      crossings = count_crossings (layout, true, tree);
      if (crossings < best_crossings)
        {
          best_crossings = crossings;
          memcpy (best, layout->layer_vertices, layout->n_vertices * sizeof (uint32_t));
          stale = 0;
        }
      else if (++stale >= MAX_STALE_SWEEPS)
        break;
    }
  memcpy (layout->layer_vertices, best, layout->n_vertices * sizeof (uint32_t));
  for (uint32_t l = 0; l < layout->n_layers; l++)
    for (uint32_t i = layout->layer_start[l]; i < layout->layer_start[l + 1]; i++)
      layout->pos[layout->layer_vertices[i]] = i - layout->layer_start[l];
  free (tree);
  free (best);
  free (items);
  *out_crossings = best_crossings;
  return true;
}

/* Passes of move_runs, each followed by transposition, until nothing moves,
 * SIFT_PASSES are done or the work budget is spent. */
static bool
settle_runs (lt_graph_layout              *layout,
             lt_graph_layout_progress_func progress,
             void                         *user_data,
             bool                         *cancelled)
{
  sift_scratch scratch;
  uint32_t    *runs;
  uint32_t    *run_starts;
  uint32_t     n_runs;

  if (!build_runs (layout, &runs, &run_starts, &n_runs))
    return false;
  if (!sift_scratch_init (&scratch, layout))
    {
      free (runs);
      free (run_starts);
      return false;
    }
  for (uint32_t pass = 0; pass < SIFT_PASSES; pass++)
    {
      if (progress != NULL && !progress (0.7 + 0.2 * pass / SIFT_PASSES, user_data))
        {
          *cancelled = true;
          break;
        }
      if (!move_runs (layout, runs, run_starts, n_runs, &scratch))
        break;
      transpose (layout);
    }
  sift_scratch_clear (&scratch);
  free (runs);
  free (run_starts);
  return true;
}

static bool
reduce_crossings (lt_graph_layout              *layout,
                  lt_graph_layout_progress_func progress,
                  void                         *user_data,
                  bool                         *cancelled)
{
  uint64_t crossings;

  if (!sweep_layers (layout, progress, user_data, cancelled, &crossings))
    return false;
  if (*cancelled || crossings == 0)
    return true;
  return settle_runs (layout, progress, user_data, cancelled);
}

/* ---- phase 5: x coordinates -------------------------------------------- */

static float
vertex_width (const lt_graph_layout *layout,
              uint32_t               v)
{
  return v < layout->n_nodes ? layout->node_width[v] : 0.f;
}

/* Least gap between the centres of two neighbours in a layer. */
static float
separation (const lt_graph_layout *layout,
            uint32_t               a,
            uint32_t               b)
{
  float gap = (a < layout->n_nodes && b < layout->n_nodes) ? layout->node_gap : layout->node_gap * 0.5f;

  return (vertex_width (layout, a) + vertex_width (layout, b)) * 0.5f + gap;
}

typedef struct
{
  double   weight;
  double   weighted_sum;
  uint32_t first;
} pav_block;

/* Places layer l: minimises sum w_i (x_i - target_i)^2 subject to
 * x_{i+1} - x_i >= separation.  With offsets o_i (cumulative separations)
 * and y_i = x_i - o_i the constraints become y_{i+1} >= y_i: isotonic
 * regression, solved by pooling adjacent violators. */
static void
place_layer (lt_graph_layout *layout,
             uint32_t         l,
             const double    *target,
             const double    *weight,
             double          *offset,
             pav_block       *blocks)
{
  uint32_t first = layout->layer_start[l];
  uint32_t count = layout->layer_start[l + 1] - first;
  uint32_t n_blocks = 0;

  offset[0] = 0;
  for (uint32_t i = 1; i < count; i++)
    offset[i] = offset[i - 1] + separation (layout, layout->layer_vertices[first + i - 1],
                                            layout->layer_vertices[first + i]);
  for (uint32_t i = 0; i < count; i++)
    {
      pav_block b = { weight[i], weight[i] * (target[i] - offset[i]), i };

      while (n_blocks > 0 &&
             blocks[n_blocks - 1].weighted_sum / blocks[n_blocks - 1].weight >= b.weighted_sum / b.weight)
        {
          pav_block *prev = &blocks[--n_blocks];

          b.weight += prev->weight;
          b.weighted_sum += prev->weighted_sum;
          b.first = prev->first;
        }
      blocks[n_blocks++] = b;
    }
  for (uint32_t k = 0; k < n_blocks; k++)
    {
      uint32_t end = k + 1 < n_blocks ? blocks[k + 1].first : count;
      double   y = blocks[k].weighted_sum / blocks[k].weight;

      for (uint32_t i = blocks[k].first; i < end; i++)
        layout->x[layout->layer_vertices[first + i]] = (float) (y + offset[i]);
    }
}

static double
neighbour_mean (const lt_graph_layout *layout,
                uint32_t               v,
                bool                   above,
                bool                   below,
                uint32_t              *count)
{
  double sum = 0;

  *count = 0;
  if (above)
    for (uint32_t j = layout->up_start[v]; j < layout->up_start[v + 1]; j++, (*count)++)
      sum += layout->x[layout->up[j]];
  if (below)
    for (uint32_t j = layout->down_start[v]; j < layout->down_start[v + 1]; j++, (*count)++)
      sum += layout->x[layout->down[j]];
  return *count > 0 ? sum / *count : 0;
}

static bool
assign_x (lt_graph_layout *layout)
{
  uint32_t  widest = 0;
  double   *target;
  double   *weight;
  double   *offset;
  pav_block *blocks;

  for (uint32_t l = 0; l < layout->n_layers; l++)
    if (layout->layer_start[l + 1] - layout->layer_start[l] > widest)
      widest = layout->layer_start[l + 1] - layout->layer_start[l];
  target = checked_array (widest, sizeof (double));
  weight = checked_array (widest, sizeof (double));
  offset = checked_array (widest, sizeof (double));
  blocks = checked_array (widest, sizeof (pav_block));
  if (!target || !weight || !offset || !blocks)
    {
      free (target);
      free (weight);
      free (offset);
      free (blocks);
      return false;
    }

  /* Start packed to the left. */
  for (uint32_t l = 0; l < layout->n_layers; l++)
    {
      float x = 0;

      for (uint32_t i = layout->layer_start[l]; i < layout->layer_start[l + 1]; i++)
        {
          if (i > layout->layer_start[l])
            x += separation (layout, layout->layer_vertices[i - 1], layout->layer_vertices[i]);
          layout->x[layout->layer_vertices[i]] = x;
        }
    }

  for (uint32_t sweep = 0; sweep < PLACEMENT_SWEEPS; sweep++)
    {
      /* down, up, …, and the last two looking both ways */
      bool both = sweep >= PLACEMENT_SWEEPS - 2;
      bool down = sweep % 2 == 0;

      for (uint32_t k = 0; k < layout->n_layers; k++)
        {
          uint32_t l = down ? k : layout->n_layers - 1 - k;
          uint32_t first = layout->layer_start[l];

          for (uint32_t i = first; i < layout->layer_start[l + 1]; i++)
            {
              uint32_t v = layout->layer_vertices[i];
              uint32_t count;
              double   mean = neighbour_mean (layout, v, both || down, both || !down, &count);

              target[i - first] = count > 0 ? mean : layout->x[v];
              weight[i - first] = count == 0 ? FREE_WEIGHT : v >= layout->n_nodes ? DUMMY_WEIGHT : 1.0;
            }
          place_layer (layout, l, target, weight, offset, blocks);
        }
    }
  free (target);
  free (weight);
  free (offset);
  free (blocks);
  return true;
}

/* ---- phase 6: y coordinates and routes --------------------------------- */

/* Long edges from one node share its trunk.  The edge that goes farthest
 * (the trunk's owner, the first such edge on a tie) gets its whole route,
 * one point per layer; every other edge down the trunk gets only its own
 * end: the two trunk points above its target (the segment between them is
 * the owner's, drawn once; it gives a spline its direction) and the
 * target.  So the routes take the size of the layered graph, not the sum
 * of the edges' lengths: a node feeding every node of a chain of n nodes
 * has n routes of at most 3 points, not n²/2 points.  An edge laid out
 * upwards keeps its whole route. */

static void
assign_y (lt_graph_layout *layout)
{
  float *layer_height = layout->y + layout->n_vertices; /* scratch after y */
  float  top = 0;
  float  min_x = INFINITY;
  float  max_x = -INFINITY;

  for (uint32_t l = 0; l < layout->n_layers; l++)
    layer_height[l] = 0;
  for (uint32_t v = 0; v < layout->n_nodes; v++)
    if (layout->node_height[v] > layer_height[layout->layer[v]])
      layer_height[layout->layer[v]] = layout->node_height[v];
  for (uint32_t l = 0; l < layout->n_layers; l++)
    {
      for (uint32_t i = layout->layer_start[l]; i < layout->layer_start[l + 1]; i++)
        layout->y[layout->layer_vertices[i]] = top + layer_height[l] * 0.5f;
      top += layer_height[l] + layout->layer_gap;
    }
  for (uint32_t v = 0; v < layout->n_vertices; v++)
    {
      float half = vertex_width (layout, v) * 0.5f;

      if (layout->x[v] - half < min_x)
        min_x = layout->x[v] - half;
      if (layout->x[v] + half > max_x)
        max_x = layout->x[v] + half;
    }
  if (layout->n_vertices == 0)
    min_x = max_x = 0;
  for (uint32_t v = 0; v < layout->n_vertices; v++)
    layout->x[v] -= min_x;
  layout->width = max_x - min_x;
  layout->height = layout->n_layers > 0 ? top - layout->layer_gap : 0;
}

/* Index of the first of edge e's route points that is its own (see above):
 * 1 for a route that starts with a segment of its trunk's owner, else 0. */
static inline uint32_t
route_first_own (const lt_graph_layout *layout,
                 uint32_t               e)
{
  uint32_t upper = edge_upper (layout, e);

  return !layout->reversed[e] && edge_span (layout, e) > 1 && layout->trunk_owner[upper] != e;
}

/* Points of edge e's route top to bottom, from point `skip` of its whole
 * route on, into p (2 floats each); returns how many. */
static uint32_t
write_route (const lt_graph_layout *layout,
             uint32_t               e,
             uint32_t               skip,
             float                 *p)
{
  uint32_t upper = edge_upper (layout, e);
  uint32_t lower = edge_lower (layout, e);
  uint32_t span = edge_span (layout, e);
  uint32_t n = 0;

  /* Point m of the whole route: 0 the bottom of upper, 1 … span - 1 the
   * trunk's bends, span the top of lower. */
  for (uint32_t m = skip; m <= span; m++, n++)
    {
      uint32_t v = m == 0 ? upper : m == span ? lower : layout->trunk_first[upper] + m - 1;
      float    dy = m == 0 ? layout->node_height[v] * 0.5f : m == span ? -layout->node_height[v] * 0.5f : 0;

      p[2 * n] = layout->x[v];
      p[2 * n + 1] = layout->y[v] + dy;
    }
  return n;
}

static bool
assign_routes (lt_graph_layout *layout)
{
  size_t n_points = 0;

  layout->trunk_owner = checked_array (layout->n_nodes, sizeof (uint32_t));
  layout->route_start = checked_array (layout->n_edges + 1, sizeof (uint32_t));
  if (layout->trunk_owner == NULL || layout->route_start == NULL)
    return false;
  for (uint32_t u = 0; u < layout->n_nodes; u++)
    layout->trunk_owner[u] = UINT32_MAX;
  /* backwards, so that the first edge wins a tie */
  for (uint32_t e = layout->n_edges; e-- > 0;)
    {
      uint32_t *owner = &layout->trunk_owner[edge_upper (layout, e)];

      if (edge_span (layout, e) > 1 && (*owner == UINT32_MAX || edge_span (layout, *owner) <= edge_span (layout, e)))
        *owner = e;
    }
  for (uint32_t e = 0; e < layout->n_edges; e++)
    {
      uint32_t span = edge_span (layout, e);

      layout->route_start[e] = (uint32_t) n_points;
      if (span > 0)
        n_points += route_first_own (layout, e) ? 3 : span + 1;
      if (n_points > UINT32_MAX)
        return false;
    }
  layout->route_start[layout->n_edges] = (uint32_t) n_points;
  layout->route = checked_array (n_points * 2, sizeof (float));
  if (layout->route == NULL)
    return false;
  for (uint32_t e = 0; e < layout->n_edges; e++)
    {
      uint32_t first = layout->route_start[e];
      uint32_t count = layout->route_start[e + 1] - first;
      float   *p = layout->route + 2 * (size_t) first;

      if (count == 0)
        continue;
      write_route (layout, e, edge_span (layout, e) + 1 - count, p);
      if (layout->reversed[e])
        for (uint32_t i = 0; i < count / 2; i++)
          {
            float *a = p + 2 * i;
            float *b = p + 2 * (count - 1 - i);
            float  t0 = a[0], t1 = a[1];

            a[0] = b[0];
            a[1] = b[1];
            b[0] = t0;
            b[1] = t1;
          }
    }
  return true;
}

lt_status
lt_graph_layout_run (lt_graph_layout              *layout,
                     lt_graph_layout_progress_func progress,
                     void                         *user_data,
                     lt_error                     *err)
{
  uint32_t *out_start = NULL;
  uint32_t *out_edges = NULL;
  bool      cancelled = false;
  bool      ok;

  clear_results (layout);
  layout->layer = checked_array (layout->n_nodes, sizeof (uint32_t));
  layout->reversed = checked_array (layout->n_edges, 1);
  ok = layout->layer && layout->reversed &&
       build_out_edges (layout, &out_start, &out_edges);
  ok = ok && break_cycles (layout, out_start, out_edges);
  free (out_start);
  free (out_edges);
  ok = ok && assign_layers (layout) && build_proper_graph (layout);
  if (ok && progress != NULL && !progress (0.1, user_data))
    cancelled = true;
  ok = ok && !cancelled && reduce_crossings (layout, progress, user_data, &cancelled);
  if (ok && !cancelled)
    {
      layout->x = checked_array (layout->n_vertices, sizeof (float));
      /* y, then room for the layers' heights while assign_y runs */
      layout->y = checked_array ((size_t) layout->n_vertices + layout->n_layers, sizeof (float));
      ok = layout->x && layout->y && assign_x (layout);
    }
  if (ok && !cancelled && progress != NULL && !progress (0.9, user_data))
    cancelled = true;
  if (ok && !cancelled)
    assign_y (layout);
  ok = ok && !cancelled && assign_routes (layout);
  if (!ok)
    {
      clear_results (layout);
      if (cancelled)
        return lt_error_set (err, LT_ERR_CANCELLED, NULL, "graph layout cancelled");
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL,
                           "out of memory laying out %u nodes and %u edges",
                           layout->n_nodes, layout->n_edges);
    }
  layout->done = true;
  return LT_OK;
}

/* ---- results ------------------------------------------------------------ */

uint32_t
lt_graph_layout_get_n_nodes (const lt_graph_layout *layout)
{
  return layout->n_nodes;
}

uint32_t
lt_graph_layout_get_n_edges (const lt_graph_layout *layout)
{
  return layout->n_edges;
}

void
lt_graph_layout_get_node_position (const lt_graph_layout *layout,
                                   uint32_t               node,
                                   float                 *x,
                                   float                 *y)
{
  if (!layout->done || node >= layout->n_nodes)
    {
      *x = *y = 0;
      return;
    }
  *x = layout->x[node];
  *y = layout->y[node];
}

uint32_t
lt_graph_layout_get_node_layer (const lt_graph_layout *layout,
                                uint32_t               node)
{
  return layout->done && node < layout->n_nodes ? layout->layer[node] : 0;
}

void
lt_graph_layout_get_size (const lt_graph_layout *layout,
                          float                 *width,
                          float                 *height)
{
  *width = layout->done ? layout->width : 0;
  *height = layout->done ? layout->height : 0;
}

const float *
lt_graph_layout_get_edge_points (const lt_graph_layout *layout,
                                 uint32_t               edge,
                                 uint32_t              *n_points)
{
  if (!layout->done || edge >= layout->n_edges)
    {
      *n_points = 0;
      return NULL;
    }
  *n_points = layout->route_start[edge + 1] - layout->route_start[edge];
  return layout->route + 2 * (size_t) layout->route_start[edge];
}

uint32_t
lt_graph_layout_get_edge_first_own (const lt_graph_layout *layout,
                                    uint32_t               edge)
{
  if (!layout->done || edge >= layout->n_edges)
    return 0;
  return route_first_own (layout, edge);
}

uint64_t
lt_graph_layout_count_crossings (const lt_graph_layout *layout,
                                 bool                   per_edge)
{
  uint32_t  widest = 0;
  uint64_t *tree;
  uint64_t  crossings;

  if (!layout->done)
    return 0;
  for (uint32_t l = 0; l < layout->n_layers; l++)
    if (layout->layer_start[l + 1] - layout->layer_start[l] > widest)
      widest = layout->layer_start[l + 1] - layout->layer_start[l];
  tree = checked_array (widest + 1, sizeof (uint64_t));
  if (tree == NULL)
    return UINT64_MAX;
  crossings = count_crossings (layout, per_edge, tree);
  free (tree);
  return crossings;
}
