/* lt-calib-encode.c — from statistics and initializers to an encoding set.
 *
 * Nodes are visited in topological order, so an input's encoding exists
 * before a data-movement op copies it or a bias needs its scale.  Every
 * step is a pure function of the graph and the statistics: statistics
 * merged from shards give a byte-identical file.
 */
#include "lt-calib-encode.h"

#include "lt-encodings-lint.h"
#include "lt-folded-values.h"

#include <glib/gi18n.h>
#include <math.h>

static gboolean
moves_data_only (lt_op op)
{
  switch (op)
    {
    case LT_OP_Reshape:
    case LT_OP_Transpose:
    case LT_OP_MaxPool:
    case LT_OP_Flatten:
    case LT_OP_Squeeze:
    case LT_OP_Unsqueeze:
    case LT_OP_Identity:
    case LT_OP_DepthToSpace:
    case LT_OP_SpaceToDepth:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
has_weights (lt_op op)
{
  return op == LT_OP_Conv || op == LT_OP_ConvTranspose || op == LT_OP_Gemm || op == LT_OP_MatMul;
}

/* Fills value i of an encoding from a range. */
static void
set_range (LtEncoding *encoding,
           guint       i,
           double      min,
           double      max)
{
  guint bw = encoding->bitwidth;

  if (encoding->is_symmetric)
    {
      double absmax = MAX (fabs (min), fabs (max));
      double positive_steps = ldexp (1.0, (int) bw - 1) - 1.0;
      double scale = MAX (absmax / positive_steps, LT_ENCODING_MIN_RANGE / lt_encoding_grid_max (bw));
      encoding->scale[i] = (float) scale;
      encoding->offset[i] = lt_encoding_symmetric_offset (bw);
      lt_encoding_to_min_max (encoding->scale[i], encoding->offset[i], bw, &encoding->min[i], &encoding->max[i]);
    }
  else
    lt_encoding_from_min_max (min, max, bw, &encoding->scale[i], &encoding->offset[i], &encoding->min[i],
                              &encoding->max[i]);
}

static LtEncoding *
new_int_encoding (const char       *name,
                  LtEncodingSection section,
                  guint             n_values,
                  guint             bitwidth,
                  gboolean          symmetric)
{
  LtEncoding *encoding = lt_encoding_new (name, section, n_values);

  encoding->dtype = LT_ENCODING_DTYPE_INT;
  encoding->bitwidth = bitwidth;
  encoding->is_symmetric = symmetric;
  encoding->granularity = n_values > 1 ? LT_ENCODING_PER_CHANNEL : LT_ENCODING_PER_TENSOR;
  encoding->has_min_max = TRUE;
  return encoding;
}

static void
add_activation (LtEncodingSet              *set,
                const lt_value             *value,
                const LtCalibStats         *stats,
                const LtCalibEncodeOptions *options)
{
  const LtTensorStats *s = lt_calib_stats_lookup (stats, value->name);
  LtEncoding          *encoding;
  double               min, max;

  if (lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, value->name) != NULL ||
      lt_folded_values_contain (stats->folded, value->name))
    return;
  if (s == NULL || s->count == 0)
    {
      lt_encoding_set_warn (set, _ ("%s: no finite value seen while calibrating, left without an encoding"), value->name);
      return;
    }
  lt_calib_method_range (s, &options->activations, &min, &max);
  encoding = new_int_encoding (value->name, LT_ENCODING_SECTION_ACTIVATION, 1, options->activations.bitwidth,
                               options->activations.symmetric);
  set_range (encoding, 0, min, max);
  lt_encoding_set_add (set, encoding);
}

static void
copy_activation (LtEncodingSet    *set,
                 const LtEncoding *from,
                 const char       *name)
{
  LtEncoding *encoding = new_int_encoding (name, LT_ENCODING_SECTION_ACTIVATION, 1, from->bitwidth, from->is_symmetric);

  encoding->scale[0] = from->scale[0];
  encoding->offset[0] = from->offset[0];
  encoding->min[0] = from->min[0];
  encoding->max[0] = from->max[0];
  if (!lt_encoding_set_add (set, encoding))
    lt_encoding_free (encoding);
}

/* Min-max of a float initializer, per channel along `axis` or whole when
 * axis < 0. */
static void
add_param (LtEncodingSet              *set,
           const lt_value             *value,
           gint                        axis,
           const LtCalibEncodeOptions *options)
{
  const lt_tensor   *t = value->constant;
  guint              n_channels = axis >= 0 ? (guint) t->dims[axis] : 1;
  uint64_t           inner = 1;
  LtEncoding        *encoding;
  g_autofree double *lo = NULL, *hi = NULL;

  if (n_channels == 0 || t->count == 0)
    return;
  for (int32_t d = axis + 1; axis >= 0 && d < t->rank; d++)
    inner *= (uint64_t) t->dims[d];
  lo = g_new (double, n_channels);
  hi = g_new (double, n_channels);
  for (guint c = 0; c < n_channels; c++)
    {
      lo[c] = INFINITY;
      hi[c] = -INFINITY;
    }
  for (uint64_t i = 0; i < t->count; i++)
    {
      guint  c = axis >= 0 ? (guint) ((i / inner) % n_channels) : 0;
      double x = lt_tensor_get_as_double (t, i);
      if (!isfinite (x))
        continue;
      lo[c] = MIN (lo[c], x);
      hi[c] = MAX (hi[c], x);
    }
  encoding = new_int_encoding (value->name, LT_ENCODING_SECTION_PARAM, n_channels, options->weight_bitwidth,
                               options->weight_symmetric);
  if (axis >= 0)
    encoding->axis = axis;
  for (guint c = 0; c < n_channels; c++)
    set_range (encoding, c, isfinite (lo[c]) ? lo[c] : 0, isfinite (hi[c]) ? hi[c] : 0);
  lt_encoding_set_add (set, encoding);
}

/* scale = input scale × weight scale, per channel when the weight is. */
static void
add_bias (LtEncodingSet              *set,
          const lt_graph             *graph,
          const lt_node              *node,
          const LtCalibEncodeOptions *options)
{
  const lt_value   *bias = lt_graph_get_value (graph, node->inputs[2]);
  const LtEncoding *input, *weight;
  LtEncoding       *encoding;

  if (node->inputs[0] < 0 || node->inputs[1] < 0)
    return;
  input = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, lt_graph_get_value (graph, node->inputs[0])->name);
  weight = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, lt_graph_get_value (graph, node->inputs[1])->name);
  if (input == NULL || weight == NULL || lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, bias->name) != NULL)
    return;
  encoding = new_int_encoding (bias->name, LT_ENCODING_SECTION_PARAM, weight->n_values, options->bias_bitwidth, TRUE);
  if (weight->n_values > 1)
    encoding->axis = 0;
  for (guint c = 0; c < weight->n_values; c++)
    {
      encoding->scale[c] = input->scale[0] * weight->scale[c];
      encoding->offset[c] = lt_encoding_symmetric_offset (options->bias_bitwidth);
      lt_encoding_to_min_max (encoding->scale[c], encoding->offset[c], options->bias_bitwidth, &encoding->min[c],
                              &encoding->max[c]);
    }
  lt_encoding_set_add (set, encoding);
}

static gboolean
is_float_constant (const lt_value *value)
{
  return value->kind == LT_VALUE_CONSTANT && value->constant != NULL && lt_dtype_is_float (value->dtype);
}

static void
encode_params (LtEncodingSet              *set,
               const lt_graph             *graph,
               const lt_node              *node,
               const LtCalibEncodeOptions *options)
{
  for (guint j = 0; j < node->n_inputs; j++)
    {
      const lt_value *value = node->inputs[j] >= 0 ? lt_graph_get_value (graph, node->inputs[j]) : NULL;
      LtParamAxes     axes;
      gint            axis = -1;

      if (value == NULL || !is_float_constant (value) || lt_encoding_set_lookup (set, LT_ENCODING_SECTION_PARAM, value->name) != NULL)
        continue;
      if (has_weights (node->op) && j == 2)
        continue; /* the bias, once its input and weight are known */
      if (has_weights (node->op) && j == 1 && options->per_channel && lt_encodings_param_axes (graph, node->inputs[j], &axes))
        axis = lt_encoding_normalize_axis (axes.channel_axis, value->constant->rank);
      add_param (set, value, axis, options);
    }
  if (has_weights (node->op) && node->op != LT_OP_MatMul && node->n_inputs > 2 && node->inputs[2] >= 0 && is_float_constant (lt_graph_get_value (graph, node->inputs[2])))
    add_bias (set, graph, node, options);
}

/* Element types from shape inference with the declared inputs, where it
 * can tell; the file's otherwise. */
static lt_dtype
value_dtype (const lt_shape_inference *si,
             const lt_graph           *graph,
             int32_t                   id)
{
  const lt_value_type *type = si != NULL ? lt_shape_inference_get (si, id) : NULL;

  return type != NULL && type->dtype != LT_DTYPE_UNDEFINED ? type->dtype : lt_graph_get_value (graph, id)->dtype;
}

/* A Concat's inputs take its output's encoding (which covers them all), as
 * QNN does, where that changes nothing else: an input produced by an op
 * that computes (not one that moves data, whose encoding is its own
 * input's) and used by nothing but this Concat. */
static void
share_concat_encoding (LtEncodingSet  *set,
                       const lt_graph *graph,
                       const lt_node  *node)
{
  const LtEncoding *out = node->n_outputs > 0 && node->outputs[0] >= 0
                              ? lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION,
                                                        lt_graph_get_value (graph, node->outputs[0])->name)
                              : NULL;

  for (guint j = 0; out != NULL && j < node->n_inputs; j++)
    {
      const lt_value *value = node->inputs[j] >= 0 ? lt_graph_get_value (graph, node->inputs[j]) : NULL;
      LtEncoding     *encoding;

      if (value == NULL || value->kind != LT_VALUE_INTERMEDIATE || value->n_consumers != 1 || value->is_output || moves_data_only (lt_graph_get_node (graph, value->producer)->op))
        continue;
      encoding = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION, value->name);
      if (encoding == NULL || encoding == out)
        continue;
      encoding->bitwidth = out->bitwidth;
      encoding->is_symmetric = out->is_symmetric;
      encoding->scale[0] = out->scale[0];
      encoding->offset[0] = out->offset[0];
      encoding->min[0] = out->min[0];
      encoding->max[0] = out->max[0];
    }
}

LtEncodingSet *
lt_calib_encode (const lt_graph             *graph,
                 const LtCalibStats         *stats,
                 const LtCalibEncodeOptions *options)
{
  LtEncodingSet      *set = lt_encoding_set_new (LT_ENCODINGS_FORMAT_0_6_1);
  uint32_t            n_inputs, n_nodes = lt_graph_get_n_nodes (graph);
  const int32_t      *inputs = lt_graph_get_inputs (graph, &n_inputs);
  const int32_t      *order = lt_graph_get_order (graph);
  lt_shape_inference *si = lt_shape_inference_new (graph);

  if (si != NULL && lt_shape_inference_run (si, NULL, false, NULL) != LT_OK)
    g_clear_pointer (&si, lt_shape_inference_free);

  set->activation_bitwidth = options->activations.bitwidth;
  set->param_bitwidth = options->weight_bitwidth;
  set->bias_bitwidth = options->bias_bitwidth;
  for (uint32_t k = 0; k < n_inputs; k++)
    {
      const lt_value *value = lt_graph_get_value (graph, inputs[k]);
      if (value->constant == NULL && value->dtype == LT_DTYPE_F32)
        add_activation (set, value, stats, options);
    }
  for (uint32_t n = 0; n < n_nodes; n++)
    {
      const lt_node    *node = lt_graph_get_node (graph, order[n]);
      const LtEncoding *source = NULL;

      encode_params (set, graph, node, options);
      if (moves_data_only (node->op) && node->n_inputs > 0 && node->inputs[0] >= 0)
        source = lt_encoding_set_lookup (set, LT_ENCODING_SECTION_ACTIVATION,
                                         lt_graph_get_value (graph, node->inputs[0])->name);
      for (guint j = 0; j < node->n_outputs; j++)
        {
          const lt_value *value = node->outputs[j] >= 0 ? lt_graph_get_value (graph, node->outputs[j]) : NULL;
          lt_dtype        dtype = value != NULL ? value_dtype (si, graph, node->outputs[j]) : LT_DTYPE_UNDEFINED;
          /* Values of unknown type are encoded when the run saw them as
           * float32. */
          if (value == NULL || (dtype == LT_DTYPE_UNDEFINED ? lt_calib_stats_lookup (stats, value->name) == NULL
                                                            : !lt_dtype_is_float (dtype)))
            continue;
          if (source != NULL && j == 0)
            copy_activation (set, source, value->name);
          else
            add_activation (set, value, stats, options);
        }
    }
  for (uint32_t n = 0; n < n_nodes; n++)
    if (lt_graph_get_node (graph, order[n])->op == LT_OP_Concat)
      share_concat_encoding (set, graph, lt_graph_get_node (graph, order[n]));
  lt_shape_inference_free (si);
  return set;
}
