/* export-values.c — writes the model with new data for some float32
 * initializers, new biases for Conv/Gemm nodes that had none, and node
 * edits (node-edits.h) applied after them (lt_onnx_export_values and
 * lt_onnx_export_edits in lt/onnx-export.h).
 *
 * The ModelProto is the model's own file unpacked again (proto-file.h), so
 * every other field is kept as it was.  A replaced initializer keeps its
 * name, data type and dims; its old data (raw, typed or external) goes and
 * the new values are written as little-endian raw data.  Every edit is
 * checked before the file is written: a failure writes nothing.
 */
#include "lt/onnx-export.h"

#include "node-edits.h"
#include "proto-file.h"

#include <stdlib.h>
#include <string.h>

static uint8_t *
float_bytes (const float *values,
             uint64_t     count)
{
  uint8_t *bytes = malloc (count ? (size_t) count * sizeof (float) : 1);

  if (bytes && count)
    memcpy (bytes, values, (size_t) count * sizeof (float));
  return bytes;
}

static uint64_t
element_count (const Onnx__TensorProto *tp)
{
  uint64_t n = 1;

  for (size_t d = 0; d < tp->n_dims; d++)
    n *= tp->dims[d] > 0 ? (uint64_t) tp->dims[d] : 0;
  return n;
}

/* Drops every form of data a TensorProto may hold. */
static void
clear_data (Onnx__TensorProto *tp)
{
  free (tp->raw_data.data);
  tp->raw_data.data = NULL;
  tp->raw_data.len = 0;
  tp->has_raw_data = false;
  free (tp->float_data);
  tp->float_data = NULL;
  tp->n_float_data = 0;
  for (size_t i = 0; i < tp->n_external_data; i++)
    onnx__string_string_entry_proto__free_unpacked (tp->external_data[i], NULL);
  free (tp->external_data);
  tp->external_data = NULL;
  tp->n_external_data = 0;
  tp->has_data_location = false;
  tp->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT;
}

static lt_status
replace_values (Onnx__GraphProto            *gp,
                const lt_initializer_values *v,
                lt_error                    *err)
{
  ssize_t            index = lt_onnx_proto_find_initializer (gp, v->name);
  Onnx__TensorProto *tp = index >= 0 ? gp->initializer[index] : NULL;
  uint8_t           *bytes;

  if (!tp || tp->data_type != (int32_t) LT_DTYPE_F32)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, v->name, "not a float32 initializer of the main graph");
  if (element_count (tp) != v->count)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, v->name, "%llu values given for an initializer of %llu",
                         (unsigned long long) v->count, (unsigned long long) element_count (tp));
  if (!(bytes = float_bytes (v->values, v->count)))
    return lt_error_set (err, LT_ERR_NO_MEMORY, v->name, "out of memory");
  clear_data (tp);
  tp->has_raw_data = true;
  tp->raw_data.data = bytes;
  tp->raw_data.len = (size_t) v->count * sizeof (float);
  return LT_OK;
}

static bool
name_is_taken (const Onnx__GraphProto *gp,
               const char             *name)
{
  if (lt_onnx_proto_find_initializer (gp, name) >= 0)
    return true;
  for (size_t i = 0; i < gp->n_input; i++)
    if (gp->input[i]->name && strcmp (gp->input[i]->name, name) == 0)
      return true;
  for (size_t i = 0; i < gp->n_node; i++)
    for (size_t j = 0; j < gp->node[i]->n_output; j++)
      if (strcmp (gp->node[i]->output[j], name) == 0)
        return true;
  return false;
}

static Onnx__NodeProto *
find_producer (const Onnx__GraphProto *gp,
               const char             *output)
{
  for (size_t i = 0; i < gp->n_node; i++)
    if (gp->node[i]->n_output > 0 && strcmp (gp->node[i]->output[0], output) == 0)
      return gp->node[i];
  return NULL;
}

/* A new 1-D initializer `v->name` as the third input of the Conv or Gemm
 * whose first output is `v->bias_of`. */
static lt_status
add_bias (Onnx__GraphProto            *gp,
          const lt_initializer_values *v,
          lt_error                    *err)
{
  Onnx__NodeProto   *np = find_producer (gp, v->bias_of);
  int64_t            dim = (int64_t) v->count;
  Onnx__TensorProto *tp;
  uint8_t           *bytes;
  char              *name, *input_name;

  if (!np || !np->op_type || (strcmp (np->op_type, "Conv") != 0 && strcmp (np->op_type, "Gemm") != 0))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, v->bias_of, "no Conv or Gemm node produces this value");
  if (np->n_input > 2 && np->input[2][0] != '\0')
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, v->bias_of, "the node producing this value has a bias already");
  if (name_is_taken (gp, v->name))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, v->name, "the name of the new bias is taken");
  bytes = float_bytes (v->values, v->count);
  name = strdup (v->name);
  input_name = strdup (v->name);
  tp = bytes && name ? lt_onnx_proto_new_initializer (name, LT_DTYPE_F32, &dim, 1, bytes, (size_t) v->count * sizeof (float)) : NULL;
  if (!tp || !input_name || !lt_onnx_proto_push ((void ***) &gp->initializer, &gp->n_initializer, tp))
    {
      if (tp)
        onnx__tensor_proto__free_unpacked (tp, NULL);
      else
        {
          free (bytes);
          free (name);
        }
      free (input_name);
      return lt_error_set (err, LT_ERR_NO_MEMORY, v->name, "out of memory");
    }
  if (np->n_input > 2)
    {
      free (np->input[2]);
      np->input[2] = input_name;
    }
  else if (!lt_onnx_proto_push ((void ***) &np->input, &np->n_input, input_name))
    {
      free (input_name);
      return lt_error_set (err, LT_ERR_NO_MEMORY, v->name, "out of memory");
    }
  return LT_OK;
}

lt_status
lt_onnx_export_edits (const lt_model              *model,
                      const lt_initializer_values *values,
                      size_t                       n_values,
                      const lt_node_edit          *node_edits,
                      size_t                       n_node_edits,
                      const char                  *path,
                      lt_error                    *err)
{
  Onnx__ModelProto *mp = NULL;
  lt_status         st;

  if (!model || !path || (n_values && !values) || (n_node_edits && !node_edits))
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "lt_onnx_export_edits needs a model, edits and a path");
  for (size_t i = 0; i < n_values; i++)
    {
      if (!values[i].name || (values[i].count && !values[i].values))
        return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "an initializer without a name or values");
      for (size_t j = 0; j < i; j++)
        if (strcmp (values[i].name, values[j].name) == 0)
          return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, values[i].name, "given twice");
    }
  for (size_t i = 0; i < n_node_edits; i++)
    if (!node_edits[i].output)
      return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, NULL, "a node edit without a node");
  if ((st = lt_onnx_proto_load (model, &mp, err)) != LT_OK)
    return st;
  for (size_t i = 0; i < n_values && st == LT_OK; i++)
    st = values[i].bias_of ? add_bias (mp->graph, &values[i], err) : replace_values (mp->graph, &values[i], err);
  for (size_t i = 0; i < n_node_edits && st == LT_OK; i++)
    st = lt_onnx_apply_node_edit (mp->graph, &node_edits[i], err);
  if (st != LT_OK)
    lt_error_set_file (err, lt_model_get_path (model));
  else
    st = lt_onnx_proto_save (mp, path, err);
  onnx__model_proto__free_unpacked (mp, NULL);
  return st;
}

lt_status
lt_onnx_export_values (const lt_model              *model,
                       const lt_initializer_values *values,
                       size_t                       n_values,
                       const char                  *path,
                       lt_error                    *err)
{
  return lt_onnx_export_edits (model, values, n_values, NULL, 0, path, err);
}
