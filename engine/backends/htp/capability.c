/* capability.c — which nodes the NPU (htp) backend can run, and why not.
 *
 * One row per supported op says which inputs are weights or bias and the
 * op's own limits; everything the integer kernels would refuse at run time
 * (lt/htp.h) is refused here first, in words a user understands.  Ops not
 * in the table are "not supported on the NPU yet". */
#include "capability.h"

#include "lt/ops.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct op_row
{
  lt_op       op;
  lt_htp_role roles[3]; /* inputs past the third take the third's role */
} op_row;

static const op_row op_table[] = {
  { LT_OP_Conv, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_WEIGHTS, LT_HTP_ROLE_BIAS } },
  { LT_OP_Gemm, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_WEIGHTS, LT_HTP_ROLE_BIAS } },
  { LT_OP_MatMul, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_WEIGHTS } },
  { LT_OP_Add, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Mul, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Relu, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Clip, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM, LT_HTP_ROLE_PARAM } },
  { LT_OP_MaxPool, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_AveragePool, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_GlobalAveragePool, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_GlobalMaxPool, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Concat, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Reshape, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM } },
  { LT_OP_Flatten, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Identity, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Squeeze, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM } },
  { LT_OP_Unsqueeze, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM } },
  { LT_OP_Transpose, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Slice, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM, LT_HTP_ROLE_PARAM } },
  { LT_OP_Split, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM } },
  { LT_OP_Softmax, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_LayerNormalization, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_WEIGHTS, LT_HTP_ROLE_BIAS } },
  { LT_OP_Resize, { LT_HTP_ROLE_ACTIVATION, LT_HTP_ROLE_PARAM, LT_HTP_ROLE_PARAM } },
  { LT_OP_Sigmoid, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Tanh, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_HardSwish, { LT_HTP_ROLE_ACTIVATION } },
  { LT_OP_Gelu, { LT_HTP_ROLE_ACTIVATION } },
};

static bool
refuse (char       *why,
        size_t      size,
        const char *format,
        ...) __attribute__ ((format (printf, 3, 4)));

static bool
refuse (char       *why,
        size_t      size,
        const char *format,
        ...)
{
  va_list args;

  if (why && size)
    {
      va_start (args, format);
      vsnprintf (why, size, format, args);
      va_end (args);
    }
  return false;
}

static const op_row *
find_row (int32_t op)
{
  for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++)
    if ((int32_t) op_table[i].op == op)
      return &op_table[i];
  return NULL;
}

static lt_htp_role
role_of (const op_row *row,
         uint32_t      i)
{
  return row->roles[i < 3 ? i : 2];
}

static lt_dtype
default_type (lt_htp_role role)
{
  return role == LT_HTP_ROLE_WEIGHTS ? LT_DTYPE_I8 : role == LT_HTP_ROLE_BIAS ? LT_DTYPE_I32
                                                                              : LT_DTYPE_U8;
}

/* Whether `a` broadcasts to `y` (numpy rules, dims aligned from the
 * right, each equal or 1). */
static bool
broadcasts_to (const lt_shape *a,
               const lt_shape *y)
{
  if (a->rank < 0 || y->rank < 0 || a->rank > y->rank)
    return false;
  for (int32_t d = 0; d < a->rank; d++)
    {
      int64_t n = a->dims[d].size, m = y->dims[y->rank - a->rank + d].size;
      if (n < 0 || (n != 1 && n != m))
        return false;
    }
  return true;
}

/* A value's shape: from inference when it has one, else the graph's. */
static const lt_shape *
shape_of (const lt_graph           *graph,
          const lt_shape_inference *si,
          int32_t                   value_id)
{
  const lt_value_type *type = si ? lt_shape_inference_get (si, value_id) : NULL;

  return type && type->shape.rank >= 0 ? &type->shape : &lt_graph_get_value (graph, value_id)->shape;
}

/* The op-specific limits, on a node whose input types passed. */
static bool
check_op_limits (const lt_graph           *graph,
                 const lt_shape_inference *si,
                 const lt_node            *node,
                 const lt_dtype           *types,
                 char                     *why,
                 size_t                    size)
{
  const lt_shape *x = shape_of (graph, si, node->inputs[0]);
  const lt_shape *y = shape_of (graph, si, node->outputs[0]);

  switch (node->op)
    {
    case LT_OP_Conv:
      if (x->rank != 4)
        return refuse (why, size, "Conv with %d-D kernels is not supported on the NPU, only 2-D",
                       x->rank < 2 ? 0 : x->rank - 2);
      break;
    case LT_OP_Gemm:
      if (lt_node_get_attr_int (node, "transA", 0))
        return refuse (why, size, "Gemm with a transposed first input (transA) is not supported on the NPU");
      if (lt_node_get_attr_float (node, "alpha", 1.0f) != 1.0f || lt_node_get_attr_float (node, "beta", 1.0f) != 1.0f)
        return refuse (why, size, "Gemm with alpha or beta other than 1 is not supported on the NPU");
      break;
    case LT_OP_MatMul:
      {
        const lt_shape *b = shape_of (graph, si, node->inputs[1]);
        if (x->rank < 2)
          return refuse (why, size, "MatMul on the NPU needs a first input of rank 2 or more");
        if (b->rank != 2)
          return refuse (why, size, "MatMul on the NPU needs 2-D weights as its second input, not rank %d", b->rank);
      }
      break;
    case LT_OP_Add:
    case LT_OP_Mul:
      for (uint32_t i = 0; i < 2; i++)
        if (!broadcasts_to (shape_of (graph, si, node->inputs[i]), y))
          return refuse (why, size, "%s input %u does not broadcast to the output's shape", node->op_type, i);
      if (node->op == LT_OP_Mul && types[0] == LT_DTYPE_U16 && types[1] == LT_DTYPE_U16)
        return refuse (why, size, "Mul of two 16-bit activations is not supported on the NPU; quantize one of them to 8 bits");
      break;
    case LT_OP_GlobalAveragePool:
    case LT_OP_GlobalMaxPool:
      if (x->rank != 4)
        return refuse (why, size, "%s over other than a 2-D plane is not supported on the NPU", node->op_type);
      break;
    case LT_OP_MaxPool:
    case LT_OP_AveragePool:
      if (x->rank != 4)
        return refuse (why, size, "%s over other than 2-D windows is not supported on the NPU", node->op_type);
      if (lt_node_get_attr_int (node, "ceil_mode", 0))
        return refuse (why, size, "%s with ceil_mode is not supported on the NPU", node->op_type);
      if (lt_node_get_attr (node, "dilations"))
        return refuse (why, size, "%s with dilations is not supported on the NPU", node->op_type);
      if (node->n_outputs > 1 && node->outputs[1] >= 0)
        return refuse (why, size, "MaxPool's indices output is not supported on the NPU");
      break;
    case LT_OP_Softmax:
      {
        int64_t axis = lt_node_get_attr_int (node, "axis", node->opset >= 13 ? -1 : 1);
        if (x->rank < 1 || (axis != -1 && axis != x->rank - 1))
          return refuse (why, size, "Softmax on the NPU runs over the last axis only");
        if (x->dims[x->rank - 1].size > 65536)
          return refuse (why, size, "Softmax over more than 65536 elements is not supported on the NPU");
      }
      break;
    case LT_OP_LayerNormalization:
      {
        int64_t axis = lt_node_get_attr_int (node, "axis", -1);
        if (x->rank < 1 || (axis != -1 && axis != x->rank - 1))
          return refuse (why, size, "LayerNormalization on the NPU normalizes over the last axis only");
        if (x->dims[x->rank - 1].size > 65536)
          return refuse (why, size, "LayerNormalization over more than 65536 elements is not supported on the NPU");
      }
      break;
    case LT_OP_Resize:
      {
        const char *mode = lt_node_get_attr_string (node, "mode", "nearest");
        const char *coords = lt_node_get_attr_string (node, "coordinate_transformation_mode", "half_pixel");
        const char *nearest = lt_node_get_attr_string (node, "nearest_mode", "round_prefer_floor");
        if (strcmp (mode, "nearest") != 0 && strcmp (mode, "linear") != 0)
          return refuse (why, size, "Resize in %s mode is not supported on the NPU (nearest and linear are)", mode);
        if (strcmp (coords, "half_pixel") != 0 && strcmp (coords, "asymmetric") != 0 && strcmp (coords, "align_corners") != 0)
          return refuse (why, size, "Resize with %s coordinates is not supported on the NPU", coords);
        if (!strcmp (mode, "nearest") && strcmp (nearest, "floor") != 0 && strcmp (nearest, "round_prefer_floor") != 0)
          return refuse (why, size, "Resize rounding nearest with %s is not supported on the NPU", nearest);
        if (x->rank != 4 || y->rank != 4 || x->dims[0].size != y->dims[0].size || x->dims[1].size != y->dims[1].size)
          return refuse (why, size, "Resize on the NPU scales the height and width of a 4-D tensor only");
      }
      break;
    case LT_OP_Gelu:
      if (strcmp (lt_node_get_attr_string (node, "approximate", "none"), "none") != 0)
        return refuse (why, size, "Gelu with the tanh approximation is not supported on the NPU");
      break;
    default:
      break;
    }
  return true;
}

const lt_tensor *
lt_htp_value_constant (const lt_graph *graph,
                       int32_t         value_id)
{
  const lt_value *value = lt_graph_get_value (graph, value_id);
  const lt_node  *producer = value->producer >= 0 ? lt_graph_get_node (graph, value->producer) : NULL;
  const lt_attr  *attr = producer && producer->op == LT_OP_Constant ? lt_node_get_attr (producer, "value") : NULL;

  if (value->constant)
    return value->constant;
  return attr && attr->type == LT_ATTR_TENSOR ? attr->v.t : NULL;
}

bool
lt_htp_input_role (const lt_node *node,
                   uint32_t       i,
                   lt_htp_role   *role)
{
  const op_row *row = find_row (node->op);

  if (!row)
    return false;
  *role = role_of (row, i);
  return true;
}

bool
lt_htp_check_node (const lt_graph *graph,
                   int32_t         node_id,
                   const lt_dtype *types,
                   char           *why,
                   size_t          why_size)
{
  return lt_htp_check_inferred_node (graph, NULL, node_id, types, why, why_size);
}

bool
lt_htp_check_inferred_node (const lt_graph           *graph,
                            const lt_shape_inference *si,
                            int32_t                   node_id,
                            const lt_dtype           *types,
                            char                     *why,
                            size_t                    why_size)
{
  const lt_node *node = lt_graph_get_node (graph, node_id);
  const op_row  *row = node ? find_row (node->op) : NULL;
  lt_dtype       planned[16];

  if (!node)
    return refuse (why, why_size, "there is no such node");
  if (!row)
    return refuse (why, why_size, "%s is not supported on the NPU yet", node->op_type);
  if (node->n_inputs > 16)
    return refuse (why, why_size, "%s with more than 16 inputs is not supported on the NPU", node->op_type);

  for (uint32_t i = 0; i < node->n_inputs; i++)
    {
      lt_htp_role     role = role_of (row, i);
      const lt_value *v = node->inputs[i] >= 0 ? lt_graph_get_value (graph, node->inputs[i]) : NULL;
      const lt_shape *shape = v ? shape_of (graph, si, node->inputs[i]) : NULL;

      planned[i] = types ? types[i] : default_type (role);
      if (!v || role == LT_HTP_ROLE_PARAM)
        continue;
      for (int32_t d = 0; d < shape->rank; d++)
        if (shape->dims[d].size < 0)
          return refuse (why, why_size, "%s input '%s' has an unknown size: the NPU needs static shapes", node->op_type, v->name);
      if (shape->rank < 0)
        return refuse (why, why_size, "%s input '%s' has an unknown rank: the NPU needs static shapes", node->op_type, v->name);
      switch (role)
        {
        case LT_HTP_ROLE_WEIGHTS:
          if (!lt_htp_value_constant (graph, node->inputs[i]))
            return refuse (why, why_size, "%s input '%s' must be constant weights on the NPU, not a computed tensor", node->op_type, v->name);
          if (planned[i] != LT_DTYPE_I8 && planned[i] != LT_DTYPE_I4)
            return refuse (why, why_size, "%s weights '%s' must be 8-bit or 4-bit integers on the NPU, not %s", node->op_type, v->name, lt_dtype_name (planned[i]));
          break;
        case LT_HTP_ROLE_BIAS:
          if (planned[i] != LT_DTYPE_I32)
            return refuse (why, why_size, "%s bias '%s' must be a 32-bit integer on the NPU, not %s", node->op_type, v->name, lt_dtype_name (planned[i]));
          break;
        default:
          if (planned[i] != LT_DTYPE_U8 && planned[i] != LT_DTYPE_U16)
            return refuse (why, why_size, "%s input '%s' is %s: the NPU runs activations quantized to 8 or 16 bits only",
                           node->op_type, v->name, lt_dtype_name (planned[i]));
          break;
        }
    }
  return check_op_limits (graph, si, node, planned, why, why_size);
}
