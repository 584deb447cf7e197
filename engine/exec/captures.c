/* captures.c — which values of the enclosing graph a node's subgraphs read,
 * and where they sit among the node's kernel inputs (see
 * session-private.h for the layout: the node's own inputs, then each
 * subgraph's outer values in attribute order, then value id order). */
#include "exec/session-private.h"

uint32_t
lt_subgraph_count_outer (const lt_graph *graph)
{
  uint32_t n = 0;

  for (uint32_t v = 0; v < lt_graph_get_n_values (graph); v++)
    if (lt_graph_get_value (graph, (int32_t) v)->kind == LT_VALUE_OUTER)
      n++;
  return n;
}

const lt_graph *
lt_node_get_subgraph (const lt_node *node,
                      uint32_t       index)
{
  for (uint32_t a = 0; a < node->n_attrs; a++)
    {
      const lt_attr *attr = &node->attrs[a];
      if (attr->type == LT_ATTR_GRAPH)
        {
          if (index == 0)
            return attr->v.g;
          index--;
        }
      else if (attr->type == LT_ATTR_GRAPHS)
        {
          if (index < attr->count)
            return attr->v.graphs[index];
          index -= attr->count;
        }
    }
  return NULL;
}

uint32_t
lt_node_count_captures (const lt_node *node)
{
  uint32_t        n = 0;
  const lt_graph *sub;

  for (uint32_t k = 0; (sub = lt_node_get_subgraph (node, k)) != NULL; k++)
    n += lt_subgraph_count_outer (sub);
  return n;
}

uint32_t
lt_node_capture_offset (const lt_node  *node,
                        const lt_graph *sub)
{
  uint32_t        offset = node->n_inputs;
  const lt_graph *other;

  for (uint32_t k = 0; (other = lt_node_get_subgraph (node, k)) != NULL && other != sub; k++)
    offset += lt_subgraph_count_outer (other);
  return offset;
}

bool
lt_value_is_captured (const lt_graph *graph,
                      int32_t         id)
{
  const char     *name = lt_graph_get_value (graph, id)->name;
  const lt_graph *sub;

  for (uint32_t n = 0; n < lt_graph_get_n_nodes (graph); n++)
    for (uint32_t k = 0; (sub = lt_node_get_subgraph (lt_graph_get_node (graph, (int32_t) n), k)) != NULL; k++)
      {
        int32_t inner = lt_graph_find_value (sub, name);
        if (inner >= 0 && lt_graph_get_value (sub, inner)->kind == LT_VALUE_OUTER)
          return true;
      }
  return false;
}

void
lt_capture_get_types (const lt_kernel_call *call,
                      const lt_graph       *sub,
                      lt_value_type        *outer)
{
  uint32_t offset = lt_node_capture_offset (call->node, sub);
  uint32_t n = lt_subgraph_count_outer (sub);

  for (uint32_t k = 0; k < n; k++)
    {
      const lt_kernel_tensor *t = &call->inputs[offset + k];
      outer[k].kind = t->kind;
      outer[k].dtype = t->dtype;
      if (t->rank >= 0)
        lt_shape_set (&outer[k].shape, t->rank, t->dims);
      else
        lt_shape_set_unknown (&outer[k].shape);
      outer[k].data = call->known != NULL ? call->known[offset + k] : NULL;
    }
}

void
lt_capture_bind (const lt_kernel_call *call,
                 const lt_graph       *sub,
                 lt_session           *session)
{
  uint32_t offset = lt_node_capture_offset (call->node, sub);
  uint32_t n = lt_subgraph_count_outer (sub);

  for (uint32_t k = 0; k < n; k++)
    lt_session_bind_outer (session, k, call->inputs[offset + k].data);
}
