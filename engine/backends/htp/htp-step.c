/* htp-step.c — from a node to one htp kernel call (see htp-step.h): which
 * kernel, its parameters from the node's attributes and constant inputs,
 * its constant operands quantized, and the call itself.
 *
 * The node was accepted by the capability table, so its op is one of the
 * table's and its shapes are static; what the table does not check (a
 * parameter only known at run time, a bias of the wrong size) is refused
 * here, naming the node or tensor. */
#include "htp-step.h"

#include "htp-step-consts.h"
#include "lt/ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Activation operand `i`: the value table's tensor, or the constant
 * quantized into the step. */
static lt_status
activation_operand (const lt_htp_step_context *ctx,
                    lt_htp_step               *step,
                    const lt_node             *node,
                    uint32_t                   i,
                    const lt_htp_tensor      **out,
                    lt_error                  *err)
{
  int32_t id = node->inputs[i];

  if (lt_htp_value_constant (ctx->graph, id))
    return lt_htp_const_activation (ctx, step, id, out, err);
  *out = &ctx->values[id];
  return LT_OK;
}

/* Two ints of an attribute, or `fallback` for both when it is absent;
 * false when it is not two ints. */
static bool
attr_pair (const lt_node *node,
           const char    *name,
           int64_t        fallback,
           int64_t       *out)
{
  const lt_attr *attr = lt_node_get_attr (node, name);

  out[0] = out[1] = fallback;
  if (!attr)
    return true;
  if (attr->type != LT_ATTR_INTS || attr->count != 2)
    return false;
  out[0] = attr->v.ints[0];
  out[1] = attr->v.ints[1];
  return true;
}

static lt_status
bad_attr (const char *label,
          const char *name,
          lt_error   *err)
{
  return lt_error_set (err, LT_ERR_INVALID_MODEL, label, "attribute %s must hold two values for a 2-D window", name);
}

static int64_t
normalize_axis (int64_t axis,
                int32_t rank)
{
  return axis < 0 ? axis + rank : axis;
}

static lt_status
prepare_conv (const lt_htp_step_context *ctx,
              const lt_node             *node,
              const char                *label,
              lt_htp_step               *step,
              lt_error                  *err)
{
  const lt_htp_tensor *x = step->inputs[0], *y = step->outputs[0];
  lt_htp_conv_params  *p = &step->p.conv;
  lt_status            st;

  if ((st = lt_htp_const_weights (ctx, step, node->inputs[1], &step->weights, err)) != LT_OK)
    return st;
  p->group = lt_node_get_attr_int (node, "group", 1);
  if (!attr_pair (node, "strides", 1, p->strides))
    return bad_attr (label, "strides", err);
  if (!attr_pair (node, "dilations", 1, p->dilations))
    return bad_attr (label, "dilations", err);
  if ((st = lt_htp_window_pads (node, label, x->dims + 2, y->dims + 2, step->weights->dims + 2, p->strides,
                                p->dilations, p->pads, err)) != LT_OK)
    return st;
  if (node->n_inputs > 2 && node->inputs[2] >= 0)
    return lt_htp_const_bias (ctx, step, node->inputs[2], x->enc->scale[0], step->weights->enc,
                              step->weights->dims[0], &step->bias, err);
  return LT_OK;
}

static lt_status
prepare_matmul (const lt_htp_step_context *ctx,
                const lt_node             *node,
                lt_htp_step               *step,
                lt_error                  *err)
{
  lt_status st;

  step->p.trans_b = node->op == LT_OP_Gemm && lt_node_get_attr_int (node, "transB", 0);
  if ((st = lt_htp_const_weights (ctx, step, node->inputs[1], &step->weights, err)) != LT_OK)
    return st;
  if (node->op == LT_OP_Gemm && node->n_inputs > 2 && node->inputs[2] >= 0)
    return lt_htp_const_bias (ctx, step, node->inputs[2], step->inputs[0]->enc->scale[0], step->weights->enc,
                              step->weights->dims[step->p.trans_b ? 0 : 1], &step->bias, err);
  return LT_OK;
}

static lt_status
prepare_clip (const lt_htp_step_context *ctx,
              const lt_node             *node,
              const char                *label,
              lt_htp_step               *step,
              lt_error                  *err)
{
  step->p.clip.lo = node->op == LT_OP_Relu ? 0.0f : -INFINITY;
  step->p.clip.hi = INFINITY;
  if (node->op == LT_OP_Clip && node->opset < 11)
    {
      step->p.clip.lo = lt_node_get_attr_float (node, "min", -INFINITY);
      step->p.clip.hi = lt_node_get_attr_float (node, "max", INFINITY);
    }
  else if (node->op == LT_OP_Clip && (!lt_htp_param_float (ctx, node, 1, &step->p.clip.lo) || !lt_htp_param_float (ctx, node, 2, &step->p.clip.hi)))
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "Clip on the NPU needs constant bounds");
  return LT_OK;
}

static lt_status
prepare_pool (const lt_node *node,
              const char    *label,
              lt_htp_step   *step,
              lt_error      *err)
{
  const lt_htp_tensor *x = step->inputs[0], *y = step->outputs[0];
  lt_htp_pool_params  *p = &step->p.pool;
  const int64_t        ones[2] = { 1, 1 };

  p->is_max = node->op == LT_OP_MaxPool || node->op == LT_OP_GlobalMaxPool;
  if (node->op == LT_OP_GlobalAveragePool || node->op == LT_OP_GlobalMaxPool)
    {
      /* One window over the whole plane. */
      p->kernel[0] = x->dims[2];
      p->kernel[1] = x->dims[3];
      p->strides[0] = p->strides[1] = 1;
      return LT_OK;
    }
  p->count_include_pad = lt_node_get_attr_int (node, "count_include_pad", 0) != 0;
  if (!attr_pair (node, "kernel_shape", 0, p->kernel) || !lt_node_get_attr (node, "kernel_shape"))
    return bad_attr (label, "kernel_shape", err);
  if (!attr_pair (node, "strides", 1, p->strides))
    return bad_attr (label, "strides", err);
  return lt_htp_window_pads (node, label, x->dims + 2, y->dims + 2, p->kernel, p->strides, ones, p->pads, err);
}

static lt_status
prepare_transpose (const lt_node *node,
                   const char    *label,
                   lt_htp_step   *step,
                   lt_error      *err)
{
  const lt_attr *perm = lt_node_get_attr (node, "perm");
  int32_t        rank = step->inputs[0]->rank;

  if (perm && (perm->type != LT_ATTR_INTS || perm->count != (uint32_t) rank))
    return lt_error_set (err, LT_ERR_INVALID_MODEL, label, "perm must hold one axis per input dim");
  for (int32_t d = 0; d < rank; d++)
    step->p.perm[d] = perm ? perm->v.ints[d] : rank - 1 - d;
  return LT_OK;
}

/* ONNX Slice: starts, axes and steps from the inputs (opset 10 on) or the
 * attributes; each start clamped as ONNX does.  The counts come from the
 * output's inferred dims. */
static lt_status
prepare_slice (const lt_htp_step_context *ctx,
               const lt_node             *node,
               const char                *label,
               lt_htp_step               *step,
               lt_error                  *err)
{
  const lt_htp_tensor *x = step->inputs[0];
  int64_t              starts[LT_MAX_RANK], axes[LT_MAX_RANK], steps[LT_MAX_RANK];
  uint32_t             n_starts, n_axes, n_steps;

  if (!lt_htp_param_ints (ctx, node, 1, "starts", starts, LT_MAX_RANK, &n_starts) || !lt_htp_param_ints (ctx, node, 3, "axes", axes, LT_MAX_RANK, &n_axes) || !lt_htp_param_ints (ctx, node, 4, NULL, steps, LT_MAX_RANK, &n_steps))
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "Slice on the NPU needs constant starts, axes and steps");
  if ((n_axes && n_axes != n_starts) || (n_steps && n_steps != n_starts))
    return lt_error_set (err, LT_ERR_INVALID_MODEL, label, "starts, axes and steps differ in length");
  for (int32_t d = 0; d < x->rank; d++)
    {
      step->p.slice.starts[d] = 0;
      step->p.slice.steps[d] = 1;
    }
  for (uint32_t i = 0; i < n_starts; i++)
    {
      int64_t axis = normalize_axis (n_axes ? axes[i] : (int64_t) i, x->rank);
      int64_t dim, start, stride = n_steps ? steps[i] : 1;

      if (axis < 0 || axis >= x->rank || stride == 0)
        return lt_error_set (err, LT_ERR_INVALID_MODEL, label, "slice axis %lld or its step is out of range", (long long) axis);
      dim = x->dims[axis];
      start = starts[i] < 0 ? starts[i] + dim : starts[i];
      start = start < 0 ? 0 : start;
      if (start > (stride > 0 ? dim : dim - 1))
        start = stride > 0 ? dim : dim - 1;
      step->p.slice.starts[axis] = start;
      step->p.slice.steps[axis] = stride;
    }
  return LT_OK;
}

/* The kernel places source pixels by the ratio of output to input sizes;
 * ONNX places them by the scales when scales are given, which differs
 * unless each scale is that ratio (a downscale by 0.6 of 4 pixels gives 2,
 * not 2.4). */
static bool
scales_are_size_ratios (const lt_htp_step_context *ctx,
                        const lt_node             *node,
                        const lt_htp_step         *step)
{
  uint32_t             input = node->opset >= 11 ? 2 : 1;
  const lt_value_type *type;
  const lt_tensor     *scales;

  if (input >= node->n_inputs || node->inputs[input] < 0)
    return true;
  type = lt_shape_inference_get (ctx->si, node->inputs[input]);
  scales = type && type->data ? type->data : lt_htp_value_constant (ctx->graph, node->inputs[input]);
  if (scales && scales->count == 0)
    return true; /* sizes decide */
  if (!scales || scales->count != 4)
    return false;
  for (uint64_t d = 2; d < 4; d++)
    {
      double ratio = (double) step->outputs[0]->dims[d] / (double) step->inputs[0]->dims[d];
      if (fabs (lt_tensor_get_as_double (scales, d) - ratio) > 1e-6 * ratio)
        return false;
    }
  return true;
}

static lt_status
prepare_resize (const lt_htp_step_context *ctx,
                const lt_node             *node,
                const char                *label,
                lt_htp_step               *step,
                lt_error                  *err)
{
  const char *mode = lt_node_get_attr_string (node, "mode", "nearest");
  const char *coords = lt_node_get_attr_string (node, "coordinate_transformation_mode", "half_pixel");
  const char *nearest = lt_node_get_attr_string (node, "nearest_mode", "round_prefer_floor");

  /* The capability table accepted only these spellings. */
  step->p.resize.mode = !strcmp (mode, "linear")     ? LT_HTP_RESIZE_LINEAR
                        : !strcmp (nearest, "floor") ? LT_HTP_RESIZE_NEAREST_FLOOR
                                                     : LT_HTP_RESIZE_NEAREST_ROUND_PREFER_FLOOR;
  step->p.resize.coords = !strcmp (coords, "asymmetric")      ? LT_HTP_COORDS_ASYMMETRIC
                          : !strcmp (coords, "align_corners") ? LT_HTP_COORDS_ALIGN_CORNERS
                                                              : LT_HTP_COORDS_HALF_PIXEL;
  if (!scales_are_size_ratios (ctx, node, step))
    return lt_error_set (err, LT_ERR_UNSUPPORTED, label,
                         "Resize cannot run on the NPU: its scales are not the ratios of output to input sizes, which the NPU resizes by");
  return LT_OK;
}

static lt_status
prepare_layer_norm (const lt_htp_step_context *ctx,
                    const lt_node             *node,
                    const char                *label,
                    lt_htp_step               *step,
                    lt_error                  *err)
{
  const lt_htp_tensor *x = step->inputs[0];
  lt_status            st;

  for (uint32_t o = 1; o < node->n_outputs; o++)
    if (node->outputs[o] >= 0)
      return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "LayerNormalization's mean and deviation outputs are not supported on the NPU");
  step->p.epsilon = lt_node_get_attr_float (node, "epsilon", 1e-5f);
  if ((st = lt_htp_const_weights (ctx, step, node->inputs[1], &step->weights, err)) != LT_OK)
    return st;
  /* B is added to the normalized value in Q12 times the scale. */
  if (node->n_inputs > 2 && node->inputs[2] >= 0)
    return lt_htp_const_bias (ctx, step, node->inputs[2], 0x1p-12, step->weights->enc, x->dims[x->rank - 1],
                              &step->bias, err);
  return LT_OK;
}

static lt_htp_lut_fn
lut_fn (int32_t op)
{
  switch (op)
    {
    case LT_OP_Sigmoid:
      return LT_HTP_LUT_SIGMOID;
    case LT_OP_Tanh:
      return LT_HTP_LUT_TANH;
    case LT_OP_HardSwish:
      return LT_HTP_LUT_HARD_SWISH;
    default:
      return LT_HTP_LUT_GELU;
    }
}

/* The kind and parameters for the node's op, its operands set. */
static lt_status
prepare_op (const lt_htp_step_context *ctx,
            const lt_node             *node,
            const char                *label,
            lt_htp_step               *step,
            lt_error                  *err)
{
  switch (node->op)
    {
    case LT_OP_Conv:
      step->kind = LT_HTP_STEP_CONV;
      return prepare_conv (ctx, node, label, step, err);
    case LT_OP_Gemm:
    case LT_OP_MatMul:
      step->kind = LT_HTP_STEP_MATMUL;
      return prepare_matmul (ctx, node, step, err);
    case LT_OP_Add:
    case LT_OP_Mul:
      step->kind = LT_HTP_STEP_BINARY;
      step->p.binary = node->op == LT_OP_Add ? LT_HTP_ADD : LT_HTP_MUL;
      return LT_OK;
    case LT_OP_Relu:
    case LT_OP_Clip:
      step->kind = LT_HTP_STEP_CLIP;
      return prepare_clip (ctx, node, label, step, err);
    case LT_OP_MaxPool:
    case LT_OP_AveragePool:
    case LT_OP_GlobalAveragePool:
    case LT_OP_GlobalMaxPool:
      step->kind = LT_HTP_STEP_POOL;
      return prepare_pool (node, label, step, err);
    case LT_OP_Reshape:
    case LT_OP_Flatten:
    case LT_OP_Identity:
    case LT_OP_Squeeze:
    case LT_OP_Unsqueeze:
      step->kind = LT_HTP_STEP_REQUANTIZE;
      return LT_OK;
    case LT_OP_Transpose:
      step->kind = LT_HTP_STEP_TRANSPOSE;
      return prepare_transpose (node, label, step, err);
    case LT_OP_Slice:
      step->kind = LT_HTP_STEP_SLICE;
      return prepare_slice (ctx, node, label, step, err);
    case LT_OP_Split:
      step->kind = LT_HTP_STEP_SPLIT;
      step->p.axis = (int32_t) normalize_axis (lt_node_get_attr_int (node, "axis", 0), step->inputs[0]->rank);
      return LT_OK;
    case LT_OP_Concat:
      step->kind = LT_HTP_STEP_CONCAT;
      step->p.axis = (int32_t) normalize_axis (lt_node_get_attr_int (node, "axis", 0), step->outputs[0]->rank);
      return LT_OK;
    case LT_OP_Sigmoid:
    case LT_OP_Tanh:
    case LT_OP_HardSwish:
    case LT_OP_Gelu:
      step->kind = LT_HTP_STEP_LUT;
      step->p.lut_fn = lut_fn (node->op);
      return LT_OK;
    case LT_OP_Softmax:
      step->kind = LT_HTP_STEP_SOFTMAX;
      return LT_OK;
    case LT_OP_LayerNormalization:
      step->kind = LT_HTP_STEP_LAYER_NORM;
      return prepare_layer_norm (ctx, node, label, step, err);
    case LT_OP_Resize:
      step->kind = LT_HTP_STEP_RESIZE;
      return prepare_resize (ctx, node, label, step, err);
    default:
      return lt_error_set (err, LT_ERR_UNSUPPORTED, label, "%s is not supported on the NPU yet", node->op_type);
    }
}

lt_status
lt_htp_step_prepare (const lt_htp_step_context *ctx,
                     int32_t                    node_id,
                     lt_htp_step               *step,
                     lt_error                  *err)
{
  const lt_node *node = lt_graph_get_node (ctx->graph, node_id);
  char           label[LT_ERROR_NAME_MAX];
  lt_status      st;
  lt_htp_role    role;

  memset (step, 0, sizeof *step);
  step->node_id = node_id;
  lt_node_describe (ctx->graph, node_id, label, sizeof label);

  step->outputs = calloc (node->n_outputs ? node->n_outputs : 1, sizeof step->outputs[0]);
  if (!step->outputs)
    return lt_error_set (err, LT_ERR_NO_MEMORY, label, "no memory for the node's outputs");
  for (uint32_t o = 0; o < node->n_outputs; o++)
    if (node->outputs[o] >= 0)
      step->outputs[step->n_outputs++] = &ctx->values[node->outputs[o]];

  if (node->op == LT_OP_Concat)
    {
      step->concat_inputs = calloc (node->n_inputs ? node->n_inputs : 1, sizeof step->concat_inputs[0]);
      if (!step->concat_inputs)
        return lt_error_set (err, LT_ERR_NO_MEMORY, label, "no memory for the node's inputs");
    }
  /* Activation operands in node order. */
  for (uint32_t i = 0; i < node->n_inputs; i++)
    {
      const lt_htp_tensor *t;

      if (node->inputs[i] < 0 || !lt_htp_input_role (node, i, &role) || role != LT_HTP_ROLE_ACTIVATION)
        continue;
      if ((st = activation_operand (ctx, step, node, i, &t, err)) != LT_OK)
        return st;
      if (step->concat_inputs)
        step->concat_inputs[step->n_inputs++] = t;
      else if (step->n_inputs < 2)
        step->inputs[step->n_inputs++] = t;
    }
  if (step->concat_inputs)
    step->inputs[0] = step->concat_inputs[0];
  return prepare_op (ctx, node, label, step, err);
}

lt_status
lt_htp_step_build_tables (lt_htp_step *step,
                          lt_error    *err)
{
  if (step->kind == LT_HTP_STEP_LUT)
    return lt_htp_lut_new (step->p.lut_fn, step->inputs[0], step->outputs[0], &step->lut, err);
  if (step->kind == LT_HTP_STEP_SOFTMAX)
    return lt_htp_softmax_new (step->inputs[0], step->outputs[0], &step->softmax, err);
  return LT_OK;
}

static lt_status
run_split (const lt_htp_step *step,
           lt_error          *err)
{
  const lt_htp_tensor *x = step->inputs[0];
  int64_t              starts[LT_MAX_RANK] = { 0 }, steps[LT_MAX_RANK];
  lt_status            st;

  for (int32_t d = 0; d < x->rank; d++)
    steps[d] = 1;
  for (uint32_t o = 0; o < step->n_outputs; o++)
    {
      if ((st = lt_htp_slice (x, starts, steps, step->outputs[o], err)) != LT_OK)
        return st;
      starts[step->p.axis] += step->outputs[o]->dims[step->p.axis];
    }
  return LT_OK;
}

lt_status
lt_htp_step_run (const lt_htp_step *step,
                 lt_error          *err)
{
  const lt_htp_tensor *x = step->inputs[0];
  lt_htp_tensor       *y = step->outputs[0];

  switch (step->kind)
    {
    case LT_HTP_STEP_CONV:
      return lt_htp_conv (x, step->weights, step->bias, &step->p.conv, y, err);
    case LT_HTP_STEP_MATMUL:
      return lt_htp_matmul (x, step->weights, step->bias, step->p.trans_b, y, err);
    case LT_HTP_STEP_BINARY:
      return lt_htp_binary (step->p.binary, x, step->inputs[1], y, err);
    case LT_HTP_STEP_CLIP:
      return lt_htp_clip (x, step->p.clip.lo, step->p.clip.hi, y, err);
    case LT_HTP_STEP_POOL:
      return lt_htp_pool (x, &step->p.pool, y, err);
    case LT_HTP_STEP_REQUANTIZE:
      return lt_htp_requantize (x, y, err);
    case LT_HTP_STEP_TRANSPOSE:
      return lt_htp_transpose (x, step->p.perm, y, err);
    case LT_HTP_STEP_SLICE:
      return lt_htp_slice (x, step->p.slice.starts, step->p.slice.steps, y, err);
    case LT_HTP_STEP_SPLIT:
      return run_split (step, err);
    case LT_HTP_STEP_CONCAT:
      return lt_htp_concat (step->concat_inputs, step->n_inputs, step->p.axis, y, err);
    case LT_HTP_STEP_LUT:
      return lt_htp_lut_apply (step->lut, x, y, err);
    case LT_HTP_STEP_SOFTMAX:
      return lt_htp_softmax_apply (step->softmax, x, y, err);
    case LT_HTP_STEP_LAYER_NORM:
      return lt_htp_layer_norm (x, step->weights, step->bias, step->p.epsilon, y, err);
    case LT_HTP_STEP_RESIZE:
      return lt_htp_resize (x, step->p.resize.mode, step->p.resize.coords, y, err);
    }
  return LT_OK;
}

void
lt_htp_step_clear (lt_htp_step *step)
{
  lt_htp_consts_clear (step);
  free (step->outputs);
  free (step->concat_inputs);
  lt_htp_lut_free (step->lut);
  lt_htp_softmax_free (step->softmax);
  memset (step, 0, sizeof *step);
}
