/* session-private.h — sessions the engine creates for itself: the body of
 * a control-flow op (If, Loop) runs in a session of its subgraph.
 *
 * Captures: a subgraph reads values of enclosing graphs through its
 * LT_VALUE_OUTER values.  A session gives the kernel of a node with
 * subgraphs those values as extra inputs after the node's own: subgraph by
 * subgraph in attribute order, each subgraph's outer values in value id
 * order (so they stay alive until the node runs).  The kernel passes their
 * types to the subgraph's session at reshape and their data before each
 * run (lt_session_bind_outer). */
#pragma once

#include "lt/session.h"
#include "ops/kernel.h"

/* Like lt_session_new, on a subgraph owned by an enclosing model that
 * outlives the session. */
lt_status lt_session_new_for_subgraph (const lt_graph           *graph,
                                       const lt_session_options *options,
                                       lt_session              **out,
                                       lt_error                 *err);

/* Like lt_session_reshape, with the types of the subgraph's outer values
 * (one per LT_VALUE_OUTER value in value id order; NULL when it has
 * none).  Read during the call only. */
lt_status lt_session_reshape_subgraph (lt_session          *session,
                                       const lt_value_type *inputs,
                                       const lt_value_type *outer,
                                       lt_error            *err);

/* Whether shape inference with these inputs and outer types gives every
 * value the type the last reshape planned for; LT_ERR_UNSUPPORTED naming
 * the first value whose type differs.  Allocates nothing that outlives
 * the call. */
lt_status lt_session_check_types (lt_session          *session,
                                  const lt_value_type *inputs,
                                  const lt_value_type *outer,
                                  lt_error            *err);

/* Points outer value `index` (among the subgraph's LT_VALUE_OUTER values,
 * in value id order) at `data`, of the type given at reshape.  Borrowed
 * until the next run.  Allocates nothing. */
void lt_session_bind_outer (lt_session *session,
                            uint32_t    index,
                            const void *data);

/* ---- captures (captures.c) --------------------------------------------- */

/* The number of LT_VALUE_OUTER values of a graph. */
uint32_t lt_subgraph_count_outer (const lt_graph *graph);

/* The subgraph of a node's attribute `index` among its graph attributes
 * (attribute order, a GRAPHS attribute counting each of its graphs), or
 * NULL past the last. */
const lt_graph *lt_node_get_subgraph (const lt_node *node,
                                      uint32_t       index);

/* Whether a subgraph of some node of `graph` reads value `id` (which
 * n_consumers does not count): such a value must be computed even when
 * its one explicit consumer is folded or fused away. */
bool lt_value_is_captured (const lt_graph *graph,
                           int32_t         id);

/* The number of captures the session appends to a node's inputs. */
uint32_t lt_node_count_captures (const lt_node *node);

/* The index among a kernel call's inputs of the first capture of `sub`,
 * one of the node's subgraphs. */
uint32_t lt_node_capture_offset (const lt_node  *node,
                                 const lt_graph *sub);

/* Fills `outer` (lt_subgraph_count_outer (sub) entries) with the types of
 * the captures of `sub` in a kernel call at prepare, with their contents
 * where reshape knows them (call->known). */
void lt_capture_get_types (const lt_kernel_call *call,
                           const lt_graph       *sub,
                           lt_value_type        *outer);

/* Binds the captures of `sub` in a kernel call at run to its session. */
void lt_capture_bind (const lt_kernel_call *call,
                      const lt_graph       *sub,
                      lt_session           *session);
