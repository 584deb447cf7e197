/* graph.c — the IR: values and nodes by id, name resolution, topological order.
 *
 * Construction records names; lt_graph_finalize turns them into ids.  Values
 * live in one growable array, so `const lt_value *` handed out before
 * finalize may move: the public contract only promises stable pointers after
 * finalize.  Names map to value ids through an open-addressing hash table.
 */
#include "lt/graph.h"
#include "lt/ops.h"

#include "arena.h"
#include "checked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct declared_type
{
  const char *name;
  lt_dtype    dtype;
  lt_shape    shape;
  bool        has_shape;
  bool        has_kind;   /* from lt_graph_declare_kind */
  lt_type_kind kind;
} declared_type;

/* Per node, what only construction needs. */
typedef struct node_names
{
  const char **inputs;
  int32_t     *implicit;   /* outer values captured by its subgraphs (ids in this graph) */
  uint32_t     n_implicit;
} node_names;

struct lt_graph
{
  lt_arena   *arena;
  lt_graph   *parent;
  const char *name;

  lt_value   *values;
  uint32_t    n_values, cap_values;
  lt_node    *nodes;
  node_names *node_names;  /* parallel to nodes */
  uint32_t    n_nodes, cap_nodes, cap_node_names;

  int32_t    *map;       /* name -> value id, -1 empty; capacity map_cap (power of 2) */
  uint32_t    map_cap;

  int32_t    *inputs;
  uint32_t    n_inputs, cap_inputs;
  const char **output_names;
  int32_t    *outputs;
  uint32_t    n_outputs, cap_outputs;
  declared_type *declared;
  uint32_t    n_declared, cap_declared;

  int32_t    *order;
  int32_t    *consumer_pool;
  bool        finalized;
};

/* ---- small helpers ----------------------------------------------------- */

static bool
grow (void     **array,
      uint32_t  *cap,
      uint32_t   need,
      size_t     elem)
{
  uint32_t new_cap;
  size_t   bytes;
  void    *p;

  if (need <= *cap)
    return true;
  new_cap = *cap ? *cap : 8;
  while (new_cap < need)
    {
      if (new_cap > UINT32_MAX / 2)
        return false;
      new_cap *= 2;
    }
  if (!lt_checked_mul_size (new_cap, elem, &bytes))
    return false;
  p = realloc (*array, bytes);
  if (p == NULL)
    return false;
  *array = p;
  *cap = new_cap;
  return true;
}

static uint32_t
hash_name (const char *s)
{
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 16777619u;
  return h;
}

static bool
map_insert (lt_graph *graph,
            int32_t   id);

static bool
map_rehash (lt_graph *graph,
            uint32_t  new_cap)
{
  int32_t *old = graph->map;
  uint32_t old_cap = graph->map_cap;

  graph->map = malloc ((size_t) new_cap * sizeof (int32_t));
  if (graph->map == NULL)
    {
      graph->map = old;
      return false;
    }
  memset (graph->map, 0xff, (size_t) new_cap * sizeof (int32_t));
  graph->map_cap = new_cap;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i] >= 0)
      map_insert (graph, old[i]);
  free (old);
  return true;
}

static bool
map_insert (lt_graph *graph,
            int32_t   id)
{
  uint32_t mask, slot;

  if ((uint64_t) (graph->n_values + 1) * 2 > graph->map_cap)
    if (!map_rehash (graph, graph->map_cap ? graph->map_cap * 2 : 64))
      return false;
  mask = graph->map_cap - 1;
  slot = hash_name (graph->values[id].name) & mask;
  while (graph->map[slot] >= 0)
    slot = (slot + 1) & mask;
  graph->map[slot] = id;
  return true;
}

int32_t
lt_graph_find_value (const lt_graph *graph,
                     const char     *name)
{
  uint32_t mask, slot;

  if (graph->map_cap == 0 || name == NULL)
    return -1;
  mask = graph->map_cap - 1;
  slot = hash_name (name) & mask;
  while (graph->map[slot] >= 0)
    {
      if (strcmp (graph->values[graph->map[slot]].name, name) == 0)
        return graph->map[slot];
      slot = (slot + 1) & mask;
    }
  return -1;
}

static const char *
copy_shape_params (lt_graph *graph,
                   lt_shape *dst,
                   const lt_shape *src)
{
  *dst = *src;
  for (int32_t i = 0; i < src->rank && i < LT_MAX_RANK; i++)
    if (src->dims[i].param)
      {
        dst->dims[i].param = lt_graph_strndup (graph, src->dims[i].param, strlen (src->dims[i].param));
        if (dst->dims[i].param == NULL)
          return NULL;
      }
  return "";
}

/* Appends a value; the name is copied.  Returns its id or -1 (no memory). */
static int32_t
append_value (lt_graph     *graph,
              const char   *name,
              lt_value_kind kind)
{
  lt_value *v;
  int32_t   id;

  if (!grow ((void **) &graph->values, &graph->cap_values, graph->n_values + 1, sizeof (lt_value)))
    return -1;
  id = (int32_t) graph->n_values;
  v = &graph->values[id];
  memset (v, 0, sizeof *v);
  v->name = lt_graph_strndup (graph, name, strlen (name));
  if (v->name == NULL)
    return -1;
  v->kind = kind;
  v->producer = -1;
  lt_shape_set_unknown (&v->shape);
  if (!map_insert (graph, id))
    return -1;
  graph->n_values++;
  return id;
}

static lt_status
no_memory (lt_error *err)
{
  return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory while building the graph");
}

/* ---- construction ------------------------------------------------------ */

lt_graph *
lt_graph_new (lt_graph *parent)
{
  lt_graph *graph = calloc (1, sizeof *graph);

  if (graph == NULL)
    return NULL;
  graph->arena = lt_arena_new ();
  if (graph->arena == NULL)
    {
      free (graph);
      return NULL;
    }
  graph->parent = parent;
  graph->name = "";
  return graph;
}

void
lt_graph_free (lt_graph *graph)
{
  if (graph == NULL)
    return;
  for (uint32_t n = 0; n < graph->n_nodes; n++)
    {
      const lt_node *node = &graph->nodes[n];
      for (uint32_t a = 0; a < node->n_attrs; a++)
        {
          const lt_attr *attr = &node->attrs[a];
          if (attr->type == LT_ATTR_GRAPH)
            lt_graph_free (attr->v.g);
          else if (attr->type == LT_ATTR_GRAPHS)
            for (uint32_t k = 0; k < attr->count; k++)
              lt_graph_free (attr->v.graphs[k]);
        }
    }
  free (graph->values);
  free (graph->nodes);
  free (graph->node_names);
  free (graph->map);
  free (graph->inputs);
  free (graph->output_names);
  free (graph->outputs);
  free (graph->declared);
  free (graph->order);
  free (graph->consumer_pool);
  lt_arena_free (graph->arena);
  free (graph);
}

void *
lt_graph_alloc (lt_graph *graph,
                size_t    size)
{
  if (size == 0)
    return NULL;
  return lt_arena_alloc (graph->arena, size);
}

const char *
lt_graph_strndup (lt_graph   *graph,
                  const char *str,
                  size_t      len)
{
  return lt_arena_strndup (graph->arena, str, len);
}

void
lt_graph_set_name (lt_graph   *graph,
                   const char *name)
{
  const char *copy = lt_graph_strndup (graph, name ? name : "", name ? strlen (name) : 0);
  if (copy)
    graph->name = copy;
}

lt_status
lt_graph_add_input (lt_graph       *graph,
                    const char     *name,
                    lt_dtype        dtype,
                    const lt_shape *shape,
                    int32_t        *out_id,
                    lt_error       *err)
{
  int32_t id;

  if (name == NULL || name[0] == '\0')
    return lt_error_set (err, LT_ERR_INVALID_MODEL, NULL, "a graph input has an empty name");
  if (lt_graph_find_value (graph, name) >= 0)
    return lt_error_set (err, LT_ERR_INVALID_MODEL, name, "graph input '%s' is declared twice", name);
  id = append_value (graph, name, LT_VALUE_INPUT);
  if (id < 0 || !grow ((void **) &graph->inputs, &graph->cap_inputs, graph->n_inputs + 1, sizeof (int32_t)))
    return no_memory (err);
  graph->values[id].dtype = dtype;
  if (shape && !copy_shape_params (graph, &graph->values[id].shape, shape))
    return no_memory (err);
  graph->inputs[graph->n_inputs++] = id;
  if (out_id)
    *out_id = id;
  return LT_OK;
}

static void
shape_from_tensor (lt_shape        *shape,
                   const lt_tensor *tensor)
{
  shape->rank = tensor->rank;
  for (int32_t i = 0; i < tensor->rank; i++)
    {
      shape->dims[i].size = tensor->dims[i];
      shape->dims[i].param = NULL;
    }
}

lt_status
lt_graph_add_constant (lt_graph        *graph,
                       const lt_tensor *tensor,
                       int32_t         *out_id,
                       lt_error        *err)
{
  lt_tensor *copy;
  int32_t    id;

  if (tensor->name == NULL || tensor->name[0] == '\0')
    return lt_error_set (err, LT_ERR_INVALID_MODEL, NULL, "an initializer has an empty name");
  copy = lt_graph_alloc (graph, sizeof *copy);
  if (copy == NULL)
    return no_memory (err);
  *copy = *tensor;
  copy->name = lt_graph_strndup (graph, tensor->name, strlen (tensor->name));
  if (copy->name == NULL)
    return no_memory (err);

  id = lt_graph_find_value (graph, tensor->name);
  if (id >= 0)
    {
      lt_value *v = &graph->values[id];
      if (v->kind != LT_VALUE_INPUT || v->constant != NULL)
        return lt_error_set (err, LT_ERR_INVALID_MODEL, tensor->name,
                             "initializer '%s' is defined twice", tensor->name);
      v->constant = copy; /* default value of a graph input */
    }
  else
    {
      id = append_value (graph, tensor->name, LT_VALUE_CONSTANT);
      if (id < 0)
        return no_memory (err);
      graph->values[id].constant = copy;
      graph->values[id].dtype = tensor->dtype;
      shape_from_tensor (&graph->values[id].shape, tensor);
    }
  if (out_id)
    *out_id = id;
  return LT_OK;
}

lt_status
lt_graph_add_node (lt_graph           *graph,
                   const lt_node_desc *desc,
                   int32_t            *out_id,
                   lt_error           *err)
{
  lt_node    *node;
  node_names *names;
  int32_t    *outputs;
  lt_attr    *attrs = NULL;
  int32_t     id;
  const char *label = desc->name && desc->name[0] ? desc->name : desc->op_type;

  if (desc->op_type == NULL || desc->op_type[0] == '\0')
    return lt_error_set (err, LT_ERR_INVALID_MODEL, desc->name, "a node has no op_type");
  if (!grow ((void **) &graph->nodes, &graph->cap_nodes, graph->n_nodes + 1, sizeof (lt_node))
      || !grow ((void **) &graph->node_names, &graph->cap_node_names, graph->n_nodes + 1, sizeof (node_names)))
    return no_memory (err);
  id = (int32_t) graph->n_nodes;
  node = &graph->nodes[id];
  names = &graph->node_names[id];
  memset (node, 0, sizeof *node);
  memset (names, 0, sizeof *names);

  node->name = lt_graph_strndup (graph, desc->name ? desc->name : "", desc->name ? strlen (desc->name) : 0);
  node->op_type = lt_graph_strndup (graph, desc->op_type, strlen (desc->op_type));
  node->domain = lt_graph_strndup (graph, desc->domain ? desc->domain : "", desc->domain ? strlen (desc->domain) : 0);
  if (!node->name || !node->op_type || !node->domain)
    return no_memory (err);
  node->op = lt_op_lookup (node->domain, node->op_type);
  node->opset = desc->opset;

  node->n_inputs = desc->n_inputs;
  if (desc->n_inputs)
    {
      int32_t *inputs = lt_graph_alloc (graph, desc->n_inputs * sizeof (int32_t));
      names->inputs = lt_graph_alloc (graph, desc->n_inputs * sizeof (char *));
      if (!inputs || !names->inputs)
        return no_memory (err);
      for (uint32_t i = 0; i < desc->n_inputs; i++)
        {
          const char *in = desc->inputs[i] ? desc->inputs[i] : "";
          names->inputs[i] = lt_graph_strndup (graph, in, strlen (in));
          if (!names->inputs[i])
            return no_memory (err);
          inputs[i] = -1;
        }
      node->inputs = inputs;
    }

  if (desc->n_attrs)
    {
      attrs = lt_graph_alloc (graph, desc->n_attrs * sizeof (lt_attr));
      if (!attrs)
        return no_memory (err);
      memcpy (attrs, desc->attrs, desc->n_attrs * sizeof (lt_attr));
      for (uint32_t a = 0; a < desc->n_attrs; a++)
        {
          attrs[a].name = lt_graph_strndup (graph, desc->attrs[a].name ? desc->attrs[a].name : "",
                                            desc->attrs[a].name ? strlen (desc->attrs[a].name) : 0);
          if (!attrs[a].name)
            return no_memory (err);
        }
    }
  node->attrs = attrs;
  node->n_attrs = desc->n_attrs;

  /* The node is counted before its outputs exist so that a failure below
   * leaves a graph that lt_graph_free handles (its subgraphs included). */
  graph->n_nodes++;

  node->n_outputs = desc->n_outputs;
  if (desc->n_outputs)
    {
      outputs = lt_graph_alloc (graph, desc->n_outputs * sizeof (int32_t));
      if (!outputs)
        return no_memory (err);
      node->outputs = outputs;
      for (uint32_t o = 0; o < desc->n_outputs; o++)
        {
          const char *out = desc->outputs[o];
          int32_t     vid;
          outputs[o] = -1;
          if (out == NULL || out[0] == '\0')
            continue;
          if (lt_graph_find_value (graph, out) >= 0)
            return lt_error_set (err, LT_ERR_INVALID_MODEL, label,
                                 "output '%s' of node '%s' is already defined (a value may be produced only once)",
                                 out, label);
          vid = append_value (graph, out, LT_VALUE_INTERMEDIATE);
          if (vid < 0)
            return no_memory (err);
          graph->values[vid].producer = id;
          outputs[o] = vid;
        }
    }
  if (out_id)
    *out_id = id;
  return LT_OK;
}

lt_status
lt_graph_add_output (lt_graph   *graph,
                     const char *name,
                     lt_error   *err)
{
  if (name == NULL || name[0] == '\0')
    return lt_error_set (err, LT_ERR_INVALID_MODEL, NULL, "a graph output has an empty name");
  if (!grow ((void **) &graph->output_names, &graph->cap_outputs, graph->n_outputs + 1, sizeof (char *)))
    return no_memory (err);
  graph->output_names[graph->n_outputs] = lt_graph_strndup (graph, name, strlen (name));
  if (!graph->output_names[graph->n_outputs])
    return no_memory (err);
  graph->n_outputs++;
  return LT_OK;
}

/* A new, empty declaration for `name`, or NULL when out of memory. */
static declared_type *
new_declaration (lt_graph   *graph,
                 const char *name)
{
  declared_type *d;

  if (!grow ((void **) &graph->declared, &graph->cap_declared, graph->n_declared + 1, sizeof (declared_type)))
    return NULL;
  d = &graph->declared[graph->n_declared];
  memset (d, 0, sizeof *d);
  d->name = lt_graph_strndup (graph, name, strlen (name));
  if (!d->name)
    return NULL;
  d->dtype = LT_DTYPE_UNDEFINED;
  lt_shape_set_unknown (&d->shape);
  graph->n_declared++;
  return d;
}

lt_status
lt_graph_declare_value (lt_graph       *graph,
                        const char     *name,
                        lt_dtype        dtype,
                        const lt_shape *shape,
                        lt_error       *err)
{
  declared_type *d = new_declaration (graph, name);

  if (!d)
    return no_memory (err);
  d->dtype = dtype;
  if (shape)
    {
      if (!copy_shape_params (graph, &d->shape, shape))
        return no_memory (err);
      d->has_shape = true;
    }
  return LT_OK;
}

lt_status
lt_graph_declare_kind (lt_graph     *graph,
                       const char   *name,
                       lt_type_kind  kind,
                       lt_error     *err)
{
  declared_type *d = new_declaration (graph, name);

  if (!d)
    return no_memory (err);
  d->has_kind = true;
  d->kind = kind;
  return LT_OK;
}

const char *
lt_type_kind_name (lt_type_kind kind)
{
  switch (kind)
    {
    case LT_TYPE_TENSOR:
      return "a tensor";
    case LT_TYPE_SEQUENCE:
      return "a sequence";
    case LT_TYPE_OPTIONAL_TENSOR:
      return "an optional tensor";
    case LT_TYPE_OPTIONAL_SEQUENCE:
      return "an optional sequence";
    case LT_TYPE_MAP:
      return "a map";
    }
  return "?";
}

/* ---- finalize ---------------------------------------------------------- */

/* The id in `graph` of `name`, looking through enclosing graphs and adding an
 * OUTER value here when it is found there; -1 when nothing defines it (or
 * no memory, reported through *oom). */
static int32_t
resolve_name (lt_graph   *graph,
              const char *name,
              bool       *oom)
{
  int32_t id = lt_graph_find_value (graph, name);
  int32_t outer;
  const lt_value *ov;

  if (id >= 0 || graph->parent == NULL)
    return id;
  outer = resolve_name (graph->parent, name, oom);
  if (outer < 0)
    return -1;
  ov = &graph->parent->values[outer];
  {
    lt_dtype     dtype = ov->dtype;
    lt_shape     shape = ov->shape;
    lt_type_kind type_kind = ov->type_kind;
    id = append_value (graph, name, LT_VALUE_OUTER);
    if (id < 0)
      {
        *oom = true;
        return -1;
      }
    graph->values[id].dtype = dtype;
    graph->values[id].shape = shape; /* params are owned by the parent, which outlives us */
    graph->values[id].type_kind = type_kind;
  }
  return id;
}

static lt_status
finalize_subgraphs (lt_graph *graph,
                    lt_error *err)
{
  for (uint32_t n = 0; n < graph->n_nodes; n++)
    {
      const lt_node *node = &graph->nodes[n];
      node_names    *names = &graph->node_names[n];
      uint32_t       n_implicit = 0;

      for (uint32_t a = 0; a < node->n_attrs; a++)
        {
          const lt_attr *attr = &node->attrs[a];
          lt_graph      *const *subs = attr->type == LT_ATTR_GRAPH ? &attr->v.g : attr->v.graphs;
          uint32_t       n_subs = attr->type == LT_ATTR_GRAPH ? 1 : attr->type == LT_ATTR_GRAPHS ? attr->count : 0;

          for (uint32_t k = 0; k < n_subs; k++)
            {
              lt_graph *sub = subs[k];
              lt_status st = lt_graph_finalize (sub, err);
              if (st != LT_OK)
                return st;
              for (uint32_t v = 0; v < sub->n_values; v++)
                if (sub->values[v].kind == LT_VALUE_OUTER)
                  n_implicit++;
            }
        }
      if (n_implicit == 0)
        continue;
      names->implicit = lt_graph_alloc (graph, n_implicit * sizeof (int32_t));
      if (!names->implicit)
        return no_memory (err);
      for (uint32_t a = 0; a < node->n_attrs; a++)
        {
          const lt_attr *attr = &node->attrs[a];
          lt_graph      *const *subs = attr->type == LT_ATTR_GRAPH ? &attr->v.g : attr->v.graphs;
          uint32_t       n_subs = attr->type == LT_ATTR_GRAPH ? 1 : attr->type == LT_ATTR_GRAPHS ? attr->count : 0;

          for (uint32_t k = 0; k < n_subs; k++)
            for (uint32_t v = 0; v < subs[k]->n_values; v++)
              if (subs[k]->values[v].kind == LT_VALUE_OUTER)
                {
                  bool    oom = false;
                  int32_t id = resolve_name (graph, subs[k]->values[v].name, &oom);
                  if (oom)
                    return no_memory (err);
                  /* the child resolved it through us, so it exists here */
                  names->implicit[names->n_implicit++] = id;
                }
        }
    }
  return LT_OK;
}

static lt_status
resolve_inputs (lt_graph *graph,
                lt_error *err)
{
  for (uint32_t n = 0; n < graph->n_nodes; n++)
    {
      lt_node *node = &graph->nodes[n];
      int32_t *inputs = (int32_t *) node->inputs;

      for (uint32_t i = 0; i < node->n_inputs; i++)
        {
          const char *in = graph->node_names[n].inputs[i];
          bool        oom = false;
          if (in[0] == '\0')
            continue;
          inputs[i] = resolve_name (graph, in, &oom);
          if (oom)
            return no_memory (err);
          if (inputs[i] < 0)
            {
              char label[128];
              lt_node_describe (graph, (int32_t) n, label, sizeof label);
              return lt_error_set (err, LT_ERR_INVALID_MODEL, label,
                                   "input '%s' of node '%s' is not produced by any node, graph input or initializer",
                                   in, label);
            }
        }
    }
  return LT_OK;
}

static lt_status
resolve_outputs (lt_graph *graph,
                 lt_error *err)
{
  free (graph->outputs);
  graph->outputs = graph->n_outputs ? malloc (graph->n_outputs * sizeof (int32_t)) : NULL;
  if (graph->n_outputs && !graph->outputs)
    return no_memory (err);
  for (uint32_t o = 0; o < graph->n_outputs; o++)
    {
      bool    oom = false;
      int32_t id = resolve_name (graph, graph->output_names[o], &oom);
      if (oom)
        return no_memory (err);
      if (id < 0)
        return lt_error_set (err, LT_ERR_INVALID_MODEL, graph->output_names[o],
                             "graph output '%s' is not produced by any node, graph input or initializer",
                             graph->output_names[o]);
      graph->outputs[o] = id;
      graph->values[id].is_output = true;
    }
  return LT_OK;
}

static void
apply_declared_types (lt_graph *graph)
{
  for (uint32_t d = 0; d < graph->n_declared; d++)
    {
      const declared_type *decl = &graph->declared[d];
      int32_t              id = lt_graph_find_value (graph, decl->name);
      lt_value            *v;

      if (id < 0)
        continue;
      v = &graph->values[id];
      if (v->kind == LT_VALUE_CONSTANT)
        continue; /* the data is the truth */
      if (decl->has_kind)
        v->type_kind = decl->kind;
      if (v->dtype == LT_DTYPE_UNDEFINED)
        v->dtype = decl->dtype;
      if (decl->has_shape && v->shape.rank < 0)
        v->shape = decl->shape;
    }
}

static lt_status
link_consumers (lt_graph *graph,
                lt_error *err)
{
  uint64_t  total = 0;
  uint32_t *fill;

  for (uint32_t v = 0; v < graph->n_values; v++)
    graph->values[v].n_consumers = 0;
  for (uint32_t n = 0; n < graph->n_nodes; n++)
    for (uint32_t i = 0; i < graph->nodes[n].n_inputs; i++)
      if (graph->nodes[n].inputs[i] >= 0)
        {
          graph->values[graph->nodes[n].inputs[i]].n_consumers++;
          total++;
        }
  free (graph->consumer_pool);
  graph->consumer_pool = total ? malloc (total * sizeof (int32_t)) : NULL;
  fill = calloc (graph->n_values ? graph->n_values : 1, sizeof (uint32_t));
  if ((total && !graph->consumer_pool) || !fill)
    {
      free (fill);
      return no_memory (err);
    }
  {
    uint64_t offset = 0;
    for (uint32_t v = 0; v < graph->n_values; v++)
      {
        graph->values[v].consumers = graph->consumer_pool + offset;
        offset += graph->values[v].n_consumers;
      }
  }
  for (uint32_t n = 0; n < graph->n_nodes; n++)
    for (uint32_t i = 0; i < graph->nodes[n].n_inputs; i++)
      {
        int32_t v = graph->nodes[n].inputs[i];
        if (v >= 0)
          ((int32_t *) graph->values[v].consumers)[fill[v]++] = (int32_t) n;
      }
  free (fill);
  return LT_OK;
}

/* Kahn's algorithm over explicit and implicit (subgraph) inputs.  Ties keep
 * file order, so a model already sorted keeps its order. */
static lt_status
sort_nodes (lt_graph *graph,
            lt_error *err)
{
  uint32_t  n_nodes = graph->n_nodes;
  uint32_t *indegree = calloc (n_nodes ? n_nodes : 1, sizeof (uint32_t));
  uint32_t *edge_start = calloc ((size_t) n_nodes + 1, sizeof (uint32_t));
  int32_t  *edges = NULL;
  int32_t  *queue = NULL;
  uint32_t  n_edges = 0, head = 0, tail = 0;
  lt_status st = LT_OK;

  free (graph->order);
  graph->order = NULL;
  if (!indegree || !edge_start)
    goto oom;

  /* Count edges producer -> consumer, bucketed by producer. */
#define FOR_EACH_DEP(n, BODY)                                               \
  do                                                                        \
    {                                                                       \
      const lt_node    *node_ = &graph->nodes[n];                           \
      const node_names *names_ = &graph->node_names[n];                     \
      for (uint32_t k_ = 0; k_ < node_->n_inputs + names_->n_implicit; k_++) \
        {                                                                   \
          int32_t v_ = k_ < node_->n_inputs ? node_->inputs[k_]             \
                                            : names_->implicit[k_ - node_->n_inputs]; \
          int32_t p_ = v_ >= 0 ? graph->values[v_].producer : -1;           \
          if (p_ >= 0)                                                      \
            {                                                               \
              BODY;                                                         \
            }                                                               \
        }                                                                   \
    }                                                                       \
  while (0)

  for (uint32_t n = 0; n < n_nodes; n++)
    FOR_EACH_DEP (n, { edge_start[p_ + 1]++; indegree[n]++; n_edges++; });
  for (uint32_t n = 0; n < n_nodes; n++)
    edge_start[n + 1] += edge_start[n];
  edges = malloc ((n_edges ? n_edges : 1) * sizeof (int32_t));
  queue = malloc ((n_nodes ? n_nodes : 1) * sizeof (int32_t));
  if (!edges || !queue)
    goto oom;
  {
    uint32_t *cursor = calloc (n_nodes ? n_nodes : 1, sizeof (uint32_t));
    if (!cursor)
      goto oom;
    for (uint32_t n = 0; n < n_nodes; n++)
      FOR_EACH_DEP (n, { edges[edge_start[p_] + cursor[p_]++] = (int32_t) n; });
    free (cursor);
  }
#undef FOR_EACH_DEP

  for (uint32_t n = 0; n < n_nodes; n++)
    if (indegree[n] == 0)
      queue[tail++] = (int32_t) n;
  while (head < tail)
    {
      int32_t n = queue[head++];
      for (uint32_t e = edge_start[n]; e < edge_start[n + 1]; e++)
        if (--indegree[edges[e]] == 0)
          queue[tail++] = edges[e];
    }
  if (tail < n_nodes)
    {
      char label[128];
      for (uint32_t n = 0; n < n_nodes; n++)
        if (indegree[n] > 0)
          {
            lt_node_describe (graph, (int32_t) n, label, sizeof label);
            break;
          }
      st = lt_error_set (err, LT_ERR_INVALID_MODEL, label,
                         "the graph has a cycle: node '%s' depends on its own output", label);
      free (queue);
      queue = NULL;
    }
  graph->order = queue;
  free (indegree);
  free (edge_start);
  free (edges);
  return st;

oom:
  free (indegree);
  free (edge_start);
  free (edges);
  free (queue);
  return no_memory (err);
}

lt_status
lt_graph_finalize (lt_graph *graph,
                   lt_error *err)
{
  lt_status st;

  if ((st = finalize_subgraphs (graph, err)) != LT_OK)
    return st;
  if ((st = resolve_inputs (graph, err)) != LT_OK)
    return st;
  if ((st = resolve_outputs (graph, err)) != LT_OK)
    return st;
  apply_declared_types (graph);
  if ((st = link_consumers (graph, err)) != LT_OK)
    return st;
  if ((st = sort_nodes (graph, err)) != LT_OK)
    return st;
  graph->finalized = true;
  return LT_OK;
}

/* ---- queries ----------------------------------------------------------- */

const char *
lt_graph_get_name (const lt_graph *graph)
{
  return graph->name;
}

lt_graph *
lt_graph_get_parent (const lt_graph *graph)
{
  return graph->parent;
}

uint32_t
lt_graph_get_n_values (const lt_graph *graph)
{
  return graph->n_values;
}

uint32_t
lt_graph_get_n_nodes (const lt_graph *graph)
{
  return graph->n_nodes;
}

const lt_value *
lt_graph_get_value (const lt_graph *graph,
                    int32_t         id)
{
  if (id < 0 || (uint32_t) id >= graph->n_values)
    return NULL;
  return &graph->values[id];
}

const lt_node *
lt_graph_get_node (const lt_graph *graph,
                   int32_t         id)
{
  if (id < 0 || (uint32_t) id >= graph->n_nodes)
    return NULL;
  return &graph->nodes[id];
}

int32_t
lt_graph_find_node (const lt_graph *graph,
                    const char     *name)
{
  for (uint32_t n = 0; n < graph->n_nodes; n++)
    if (strcmp (graph->nodes[n].name, name) == 0)
      return (int32_t) n;
  return -1;
}

const int32_t *
lt_graph_get_inputs (const lt_graph *graph,
                     uint32_t       *n)
{
  *n = graph->n_inputs;
  return graph->inputs;
}

const int32_t *
lt_graph_get_outputs (const lt_graph *graph,
                      uint32_t       *n)
{
  *n = graph->outputs ? graph->n_outputs : 0;
  return graph->outputs;
}

const int32_t *
lt_graph_get_order (const lt_graph *graph)
{
  return graph->order;
}

void
lt_graph_set_value_type (lt_graph       *graph,
                         int32_t         id,
                         lt_dtype        dtype,
                         const lt_shape *shape)
{
  lt_value *v;

  if (id < 0 || (uint32_t) id >= graph->n_values)
    return;
  v = &graph->values[id];
  if (v->kind == LT_VALUE_CONSTANT)
    return;
  v->dtype = dtype;
  if (shape)
    copy_shape_params (graph, &v->shape, shape);
}

const lt_attr *
lt_node_get_attr (const lt_node *node,
                  const char    *name)
{
  for (uint32_t a = 0; a < node->n_attrs; a++)
    if (strcmp (node->attrs[a].name, name) == 0)
      return &node->attrs[a];
  return NULL;
}

int64_t
lt_node_get_attr_int (const lt_node *node,
                      const char    *name,
                      int64_t        fallback)
{
  const lt_attr *a = lt_node_get_attr (node, name);
  return a && a->type == LT_ATTR_INT ? a->v.i : fallback;
}

float
lt_node_get_attr_float (const lt_node *node,
                        const char    *name,
                        float          fallback)
{
  const lt_attr *a = lt_node_get_attr (node, name);
  return a && a->type == LT_ATTR_FLOAT ? a->v.f : fallback;
}

const char *
lt_node_get_attr_string (const lt_node *node,
                         const char    *name,
                         const char    *fallback)
{
  const lt_attr *a = lt_node_get_attr (node, name);
  return a && a->type == LT_ATTR_STRING ? a->v.s.data : fallback;
}

const char *
lt_node_describe (const lt_graph *graph,
                  int32_t         node_id,
                  char           *buf,
                  size_t          size)
{
  const lt_node *node = lt_graph_get_node (graph, node_id);

  if (node == NULL)
    {
      snprintf (buf, size, "#%d", node_id);
      return buf;
    }
  if (node->name[0])
    {
      snprintf (buf, size, "%s", node->name);
      return node->name;
    }
  snprintf (buf, size, "%s #%d", node->op_type, node_id);
  return buf;
}

void
lt_shape_set_unknown (lt_shape *shape)
{
  memset (shape, 0, sizeof *shape);
  shape->rank = -1;
}

void
lt_shape_set (lt_shape      *shape,
              int32_t        rank,
              const int64_t *dims)
{
  memset (shape, 0, sizeof *shape);
  shape->rank = rank;
  for (int32_t i = 0; i < rank && i < LT_MAX_RANK; i++)
    shape->dims[i].size = dims[i];
}

bool
lt_shape_count (const lt_shape *shape,
                uint64_t       *count)
{
  int64_t dims[LT_MAX_RANK];

  if (shape->rank < 0)
    return false;
  for (int32_t i = 0; i < shape->rank; i++)
    {
      if (shape->dims[i].size < 0)
        return false;
      dims[i] = shape->dims[i].size;
    }
  return lt_checked_dims_product (dims, shape->rank, count);
}

void
lt_shape_format (const lt_shape *shape,
                 char           *buf,
                 size_t          size)
{
  size_t used = 0;

  if (size == 0)
    return;
  buf[0] = '\0';
  if (shape->rank < 0)
    {
      snprintf (buf, size, "?");
      return;
    }
  if (shape->rank == 0)
    {
      snprintf (buf, size, "scalar");
      return;
    }
  for (int32_t i = 0; i < shape->rank && used < size; i++)
    {
      const lt_dim *d = &shape->dims[i];
      int           w;
      if (d->size >= 0)
        w = snprintf (buf + used, size - used, "%s%lld", i ? "x" : "", (long long) d->size);
      else
        w = snprintf (buf + used, size - used, "%s%s", i ? "x" : "", d->param ? d->param : "?");
      if (w < 0)
        break;
      used += (size_t) w;
    }
}
