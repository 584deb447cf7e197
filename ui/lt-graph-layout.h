/* lt-graph-layout.h — layered (Sugiyama-style) layout of a directed graph
 *
 * Plain C with no GTK or GLib, so it runs in a worker thread and is tested
 * without a display.  The caller describes boxes (width, height) and edges
 * between them, runs the layout, then reads each box's centre and each
 * edge's polyline.  Edges point downwards: a source is drawn above its
 * targets.  Cycles are allowed (the edges that close them are drawn
 * upwards); self loops are kept but get no route.
 *
 * Life cycle: lt_graph_layout_new → set sizes, add edges → run → read.
 * Running again after adding edges lays everything out afresh.
 */
#pragma once

#include <lt/status.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_graph_layout lt_graph_layout;

/* Called now and then while a layout runs with the fraction done (0..1);
 * returns false to stop it (lt_graph_layout_run then fails with
 * LT_ERR_CANCELLED).  Called on the thread that runs the layout. */
typedef bool (*lt_graph_layout_progress_func) (double  fraction,
                                               void   *user_data);

/* A layout of `n_nodes` boxes, each 1×1 until sized.  NULL when out of
 * memory. */
lt_graph_layout *lt_graph_layout_new (uint32_t n_nodes);

/* Frees the layout.  Accepts NULL. */
void lt_graph_layout_free (lt_graph_layout *layout);

void lt_graph_layout_set_node_size (lt_graph_layout *layout,
                                    uint32_t         node,
                                    float            width,
                                    float            height);

/* Adds an edge from `source` to `target` and returns its index (edges are
 * numbered in the order added).  Fails with LT_ERR_INVALID_ARGUMENT for a
 * node out of range, LT_ERR_NO_MEMORY when out of memory. */
lt_status lt_graph_layout_add_edge (lt_graph_layout *layout,
                                    uint32_t         source,
                                    uint32_t         target,
                                    uint32_t        *out_index,
                                    lt_error        *err);

/* Gaps between boxes in the same layer and between layers. */
void lt_graph_layout_set_spacing (lt_graph_layout *layout,
                                  float            node_gap,
                                  float            layer_gap);

/* Computes the layout: layering, crossing reduction, coordinates and edge
 * routes.  `progress` may be NULL.  Fails with LT_ERR_NO_MEMORY or
 * LT_ERR_CANCELLED, leaving no positions to read. */
lt_status lt_graph_layout_run (lt_graph_layout              *layout,
                               lt_graph_layout_progress_func progress,
                               void                         *user_data,
                               lt_error                     *err);

/* ---- results (valid after a successful run) --------------------------- */

uint32_t lt_graph_layout_get_n_nodes (const lt_graph_layout *layout);
uint32_t lt_graph_layout_get_n_edges (const lt_graph_layout *layout);

/* Centre of a box. */
void lt_graph_layout_get_node_position (const lt_graph_layout *layout,
                                        uint32_t               node,
                                        float                 *x,
                                        float                 *y);

/* The layer (row) a node was put in, 0 at the top. */
uint32_t lt_graph_layout_get_node_layer (const lt_graph_layout *layout,
                                         uint32_t               node);

/* Bounding box of all boxes and routes; the top-left corner is (0, 0). */
void lt_graph_layout_get_size (const lt_graph_layout *layout,
                               float                 *width,
                               float                 *height);

/* The route of an edge as `*n_points` points (x0, y0, x1, y1, …), one per
 * layer it passes, ending at the top of its target (the bottom for an edge
 * drawn upwards); the array is borrowed from the layout.  0 points for a
 * self loop.  Long edges leaving one node share a trunk of bends: the one
 * that goes farthest has its whole route from the bottom of its source;
 * each of the others has only its own end, from the two trunk points
 * above its target on (see lt_graph_layout_get_edge_first_own), so the
 * routes together stay linear in the size of the layered graph. */
const float *lt_graph_layout_get_edge_points (const lt_graph_layout *layout,
                                              uint32_t               edge,
                                              uint32_t              *n_points);

/* Index of the first point from which an edge's route is its own: the
 * segments before it belong to the trunk, drawn by the route of the edge
 * that goes farthest from the same node (they are there to give a curve
 * its direction).  0 for a whole route. */
uint32_t lt_graph_layout_get_edge_first_own (const lt_graph_layout *layout,
                                             uint32_t               edge);

/* Edge crossings between adjacent layers, long edges counted through their
 * bends.  Long edges from one node share a trunk of bends; with `per_edge`
 * a crossing on a trunk counts once for every edge it carries (as if each
 * edge had its own bends, the count Graphviz dot reports), without it
 * counts once, as drawn.  The layout minimises the per-edge count.  0
 * before a successful run, UINT64_MAX when out of memory. */
uint64_t lt_graph_layout_count_crossings (const lt_graph_layout *layout,
                                          bool                   per_edge);

#ifdef __cplusplus
}
#endif
