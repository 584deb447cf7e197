/* lt/graph.h — the engine's intermediate representation
 *
 * A graph is a list of values (tensors flowing between nodes, or sequences
 * and optionals of them, see lt_type_kind) and nodes, both addressed by
 * dense integer ids starting at 0.  Names are kept exactly as the
 * ONNX file spells them.  Every value has at most one producer (SSA); graph
 * inputs and constants (initializers) have none.  A subgraph (the body of If,
 * Loop or Scan) is an lt_graph whose parent is the graph of the node that owns
 * it; names it uses but does not define are resolved in its ancestors and
 * appear in it as values of kind LT_VALUE_OUTER.
 *
 * Life cycle: lt_graph_new → add inputs, constants, nodes, outputs →
 * lt_graph_finalize (resolves names, links producers and consumers, sorts
 * topologically, finalizes subgraphs) → read-only use.  The public structs
 * below are views: read their fields, never write them.
 *
 * Invariants after a successful finalize:
 *  - every node input id is -1 (an omitted optional input) or a valid value id;
 *  - every value of kind INTERMEDIATE has exactly one producer;
 *  - lt_graph_get_order lists each node once, producers before consumers.
 */
#pragma once

#include "lt/dtype.h"
#include "lt/status.h"
#include "lt/tensor.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_graph lt_graph;

/* One dimension: a known size, or unknown with an optional symbolic name
 * ("batch", "seq"). */
typedef struct lt_dim
{
  int64_t     size;  /* >= 0 when known, -1 when not */
  const char *param; /* symbolic name, or NULL; owned by the graph */
} lt_dim;

typedef struct lt_shape
{
  int32_t rank; /* -1 when even the rank is unknown */
  lt_dim  dims[LT_MAX_RANK];
} lt_shape;

typedef enum lt_value_kind
{
  LT_VALUE_INTERMEDIATE, /* produced by a node of this graph */
  LT_VALUE_INPUT,        /* a graph input (may also have a default initializer) */
  LT_VALUE_CONSTANT,     /* an initializer that is not an input */
  LT_VALUE_OUTER,        /* defined in an enclosing graph, used by this subgraph */
} lt_value_kind;

/* What a value holds.  ONNX values are tensors, sequences of tensors (all
 * of one element dtype, each with its own shape) or optionals, which hold
 * one such value or none.  A map (or a sequence or optional of maps, as
 * ONNX-ML classifiers output) is imported as LT_TYPE_MAP so the graph can
 * be shown, and sessions refuse it naming the value.  Sequences of
 * sequences and optionals of optionals are refused at import; a sparse
 * tensor's type is left unknown. */
typedef enum lt_type_kind
{
  LT_TYPE_TENSOR = 0,
  LT_TYPE_SEQUENCE,
  LT_TYPE_OPTIONAL_TENSOR,
  LT_TYPE_OPTIONAL_SEQUENCE,
  LT_TYPE_MAP,
} lt_type_kind;

/* "a tensor", "a sequence", "an optional tensor", "an optional sequence",
 * "a map". */
const char *lt_type_kind_name (lt_type_kind kind);

/* A type as a TypeProto gives it (a TYPE_PROTO attribute): for a
 * sequence or an optional, `dtype` and `shape` are those of its tensors. */
typedef struct lt_type_desc
{
  lt_type_kind kind;
  lt_dtype     dtype;
  lt_shape     shape;
} lt_type_desc;

typedef struct lt_value
{
  const char      *name;         /* ONNX name, verbatim, never NULL */
  lt_value_kind    kind;
  lt_dtype         dtype;        /* LT_DTYPE_UNDEFINED until known */
  lt_shape         shape;
  int32_t          producer;     /* node id, or -1 */
  uint32_t         n_consumers;  /* uses by nodes (a node using it twice counts twice) */
  const int32_t   *consumers;    /* node ids */
  bool             is_output;    /* listed in the graph's outputs */
  const lt_tensor *constant;     /* initializer data (also a default for an INPUT), or NULL */
  lt_type_kind     type_kind;    /* TENSOR unless declared otherwise; for the other kinds,
                                    dtype and shape are those of the tensors it holds */
} lt_value;

/* Attribute kinds, numbered as ONNX's AttributeProto.AttributeType. */
typedef enum lt_attr_type
{
  LT_ATTR_UNDEFINED = 0,
  LT_ATTR_FLOAT = 1,
  LT_ATTR_INT = 2,
  LT_ATTR_STRING = 3,
  LT_ATTR_TENSOR = 4,
  LT_ATTR_GRAPH = 5,
  LT_ATTR_FLOATS = 6,
  LT_ATTR_INTS = 7,
  LT_ATTR_STRINGS = 8,
  LT_ATTR_TENSORS = 9,
  LT_ATTR_GRAPHS = 10,
  LT_ATTR_SPARSE_TENSOR = 11,
  LT_ATTR_SPARSE_TENSORS = 12,
  LT_ATTR_TYPE_PROTO = 13,
  LT_ATTR_TYPE_PROTOS = 14,
} lt_attr_type;

typedef struct lt_attr
{
  const char  *name;
  lt_attr_type type;
  uint32_t     count; /* number of elements for the list kinds, 1 otherwise */
  union
  {
    float             f;
    int64_t           i;
    lt_bytes          s;
    const lt_tensor  *t;
    lt_graph         *g;
    const float      *floats;
    const int64_t    *ints;
    const lt_bytes   *strings;
    const lt_tensor **tensors;
    lt_graph        **graphs;
    const lt_type_desc *tp;     /* TYPE_PROTO; TYPE_PROTOS are kept by kind only (count 0) */
  } v;
} lt_attr;

typedef struct lt_node
{
  const char     *name;      /* may be "" (ONNX allows unnamed nodes) */
  const char     *op_type;   /* "Conv" */
  const char     *domain;    /* "" for the default ai.onnx domain */
  int32_t         op;        /* an lt_op from lt/ops.h, or LT_OP_UNKNOWN */
  int64_t         opset;     /* version of `domain` in force for this node */
  uint32_t        n_inputs;
  const int32_t  *inputs;    /* value ids; -1 for an omitted optional input */
  uint32_t        n_outputs;
  const int32_t  *outputs;   /* value ids; -1 for an omitted optional output */
  uint32_t        n_attrs;
  const lt_attr  *attrs;
} lt_node;

/* ---- construction ------------------------------------------------------ */

/* A new, empty graph.  `parent` is the enclosing graph for a subgraph (it
 * must outlive the child; the child does not own it), NULL for a model's main
 * graph.  Returns NULL when out of memory. */
lt_graph *lt_graph_new (lt_graph *parent);

/* Frees the graph, its subgraphs (those attached to its nodes' attributes)
 * and everything allocated from it.  Accepts NULL. */
void lt_graph_free (lt_graph *graph);

/* Memory that lives as long as the graph (names, attribute arrays, tensor
 * data converted from typed fields).  NULL when out of memory or when size
 * is 0. */
void *lt_graph_alloc (lt_graph *graph,
                      size_t    size);

/* A copy of `len` bytes of `str`, NUL-terminated, owned by the graph. */
const char *lt_graph_strndup (lt_graph   *graph,
                              const char *str,
                              size_t      len);

void lt_graph_set_name (lt_graph   *graph,
                        const char *name);

/* Adds a graph input.  Fails with LT_ERR_INVALID_MODEL when the name is
 * empty or already defined in this graph. */
lt_status lt_graph_add_input (lt_graph       *graph,
                              const char     *name,
                              lt_dtype        dtype,
                              const lt_shape *shape,
                              int32_t        *out_id,
                              lt_error       *err);

/* Adds an initializer.  The tensor struct is copied; its data is borrowed and
 * must outlive the graph.  An initializer named like an existing input
 * becomes that input's default value. */
lt_status lt_graph_add_constant (lt_graph        *graph,
                                 const lt_tensor *tensor,
                                 int32_t         *out_id,
                                 lt_error        *err);

/* Describes a node to add; names are resolved at finalize, so nodes may be
 * added in any order.  An empty input or output name means "omitted". */
typedef struct lt_node_desc
{
  const char         *name;
  const char         *op_type;
  const char         *domain;
  int64_t             opset;
  uint32_t            n_inputs;
  const char *const  *inputs;
  uint32_t            n_outputs;
  const char *const  *outputs;
  uint32_t            n_attrs;
  const lt_attr      *attrs;    /* copied shallowly: payloads must be graph-owned */
} lt_node_desc;

/* Adds a node and creates a value for each of its outputs.  Fails with
 * LT_ERR_INVALID_MODEL when an output name is already defined in this graph
 * (produced twice, or also an input or initializer). */
lt_status lt_graph_add_node (lt_graph           *graph,
                             const lt_node_desc *desc,
                             int32_t            *out_id,
                             lt_error           *err);

/* Marks a value as a graph output; resolved at finalize. */
lt_status lt_graph_add_output (lt_graph   *graph,
                               const char *name,
                               lt_error   *err);

/* Records a declared type for a value (graph output or value_info); applied
 * at finalize to the value of that name if it exists.  dtype may be
 * UNDEFINED and shape NULL when not declared. */
lt_status lt_graph_declare_value (lt_graph       *graph,
                                  const char     *name,
                                  lt_dtype        dtype,
                                  const lt_shape *shape,
                                  lt_error       *err);

/* Records that the value of that name holds a sequence or an optional
 * (lt_graph_declare_value gives its tensors' dtype and shape); applied at
 * finalize like lt_graph_declare_value, also to graph inputs. */
lt_status lt_graph_declare_kind (lt_graph     *graph,
                                 const char   *name,
                                 lt_type_kind  kind,
                                 lt_error     *err);

/* Resolves names, links producers and consumers, orders nodes and
 * finalizes subgraphs (children before the node that owns them, so their
 * captured outer values count as the node's inputs in the order).
 * Errors (LT_ERR_INVALID_MODEL): an input nothing produces, an output that
 * does not exist, a cycle (the message names a node on it). */
lt_status lt_graph_finalize (lt_graph *graph,
                             lt_error *err);

/* ---- queries (valid after finalize) ------------------------------------ */

const char     *lt_graph_get_name (const lt_graph *graph);
lt_graph       *lt_graph_get_parent (const lt_graph *graph);
uint32_t        lt_graph_get_n_values (const lt_graph *graph);
uint32_t        lt_graph_get_n_nodes (const lt_graph *graph);
const lt_value *lt_graph_get_value (const lt_graph *graph,
                                    int32_t         id);
const lt_node  *lt_graph_get_node (const lt_graph *graph,
                                   int32_t         id);

/* The value of that name in this graph (not its ancestors), or -1. */
int32_t lt_graph_find_value (const lt_graph *graph,
                             const char     *name);

/* The first node of that name, or -1. */
int32_t lt_graph_find_node (const lt_graph *graph,
                            const char     *name);

/* Graph inputs and outputs in declaration order; the arrays are borrowed. */
const int32_t *lt_graph_get_inputs (const lt_graph *graph,
                                    uint32_t       *n);
const int32_t *lt_graph_get_outputs (const lt_graph *graph,
                                     uint32_t       *n);

/* Node ids in topological order (borrowed, n = number of nodes). */
const int32_t *lt_graph_get_order (const lt_graph *graph);

/* Updates a value's type and shape (shape inference).  Not for constants. */
void lt_graph_set_value_type (lt_graph       *graph,
                              int32_t         id,
                              lt_dtype        dtype,
                              const lt_shape *shape);

/* The attribute of that name on a node, or NULL. */
const lt_attr *lt_node_get_attr (const lt_node *node,
                                 const char    *name);

/* Typed attribute readers: the value when present with that type, the
 * fallback otherwise. */
int64_t     lt_node_get_attr_int (const lt_node *node,
                                  const char    *name,
                                  int64_t        fallback);
float       lt_node_get_attr_float (const lt_node *node,
                                    const char    *name,
                                    float          fallback);
const char *lt_node_get_attr_string (const lt_node *node,
                                     const char    *name,
                                     const char    *fallback);

/* A printable name for a node: its name, or "<op_type> #<id>" written into
 * buf when it has none.  Returns buf or the node's name. */
const char *lt_node_describe (const lt_graph *graph,
                              int32_t         node_id,
                              char           *buf,
                              size_t          size);

/* Shape helpers. */
void lt_shape_set_unknown (lt_shape *shape);
void lt_shape_set (lt_shape      *shape,
                   int32_t        rank,
                   const int64_t *dims);
/* True when the rank and every dim are known; fills *count (false on overflow). */
bool lt_shape_count (const lt_shape *shape,
                     uint64_t       *count);
/* "1x3x224x224", "Nx3x?x?" or "?" */
void lt_shape_format (const lt_shape *shape,
                      char           *buf,
                      size_t          size);

#ifdef __cplusplus
}
#endif
