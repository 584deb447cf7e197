/* chain-model.c — a chain of Add nodes, encoded with the protobuf-c structs
 * (the importer's own schema) and packed into a file. */
#include "chain-model.h"

#include "onnx/onnx.pb-c.h"

#include <glib.h>
#include <lt/lt.h>

void
chain_model_write (const char *path,
                   uint32_t    n_nodes)
{
  Onnx__ModelProto          model;
  Onnx__OperatorSetIdProto  opset;
  Onnx__OperatorSetIdProto *opsets[1] = { &opset };
  Onnx__GraphProto          graph;
  Onnx__ValueInfoProto      input, output;
  Onnx__ValueInfoProto     *inputs[1] = { &input };
  Onnx__ValueInfoProto     *outputs[1] = { &output };
  Onnx__NodeProto          *nodes = g_new0 (Onnx__NodeProto, n_nodes);
  Onnx__NodeProto         **node_ptrs = g_new (Onnx__NodeProto *, n_nodes);
  Onnx__TensorProto        *weights = g_new0 (Onnx__TensorProto, n_nodes);
  Onnx__TensorProto       **weight_ptrs = g_new (Onnx__TensorProto *, n_nodes);
  char                    **names = g_new0 (char *, 3 * (size_t) n_nodes + 1);
  char                   ***node_inputs = g_new (char **, n_nodes);
  static int64_t            one = 1;
  static float              value = 1.0f;
  GError                   *error = NULL;
  uint8_t                  *buf;
  size_t                    len;

  onnx__model_proto__init (&model);
  model.has_ir_version = TRUE;
  model.ir_version = 8;
  onnx__operator_set_id_proto__init (&opset);
  opset.domain = (char *) "";
  opset.has_version = TRUE;
  opset.version = 17;
  model.n_opset_import = 1;
  model.opset_import = opsets;
  onnx__graph_proto__init (&graph);
  graph.name = (char *) "chain";
  model.graph = &graph;
  onnx__value_info_proto__init (&input);
  input.name = (char *) "t0";
  onnx__value_info_proto__init (&output);
  output.name = g_strdup_printf ("t%u", n_nodes);
  graph.n_input = 1;
  graph.input = inputs;
  graph.n_output = 1;
  graph.output = outputs;

  for (uint32_t i = 0; i < n_nodes; i++)
    {
      Onnx__TensorProto *w = &weights[i];
      Onnx__NodeProto   *n = &nodes[i];

      names[3 * i] = g_strdup_printf ("w%u", i);
      names[3 * i + 1] = g_strdup_printf ("t%u", i + 1);
      names[3 * i + 2] = g_strdup_printf ("add%u", i);
      onnx__tensor_proto__init (w);
      w->name = names[3 * i];
      w->has_data_type = TRUE;
      w->data_type = LT_DTYPE_F32;
      w->n_dims = 1;
      w->dims = &one;
      w->n_float_data = 1;
      w->float_data = &value;
      weight_ptrs[i] = w;

      onnx__node_proto__init (n);
      n->name = names[3 * i + 2];
      n->op_type = (char *) "Add";
      node_inputs[i] = g_new (char *, 2);
      node_inputs[i][0] = i == 0 ? input.name : names[3 * (i - 1) + 1];
      node_inputs[i][1] = w->name;
      n->n_input = 2;
      n->input = node_inputs[i];
      n->n_output = 1;
      n->output = &names[3 * i + 1];
      node_ptrs[i] = n;
    }
  graph.n_initializer = n_nodes;
  graph.initializer = weight_ptrs;
  graph.n_node = n_nodes;
  graph.node = node_ptrs;

  len = onnx__model_proto__get_packed_size (&model);
  buf = g_malloc (len);
  onnx__model_proto__pack (&model, buf);
  g_file_set_contents_full (path, (const char *) buf, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  g_free (buf);
  for (uint32_t i = 0; i < n_nodes; i++)
    g_free (node_inputs[i]);
  g_free (node_inputs);
  g_strfreev (names);
  g_free (output.name);
  g_free (weight_ptrs);
  g_free (weights);
  g_free (node_ptrs);
  g_free (nodes);
}
