/* test-import-bad.c — the ONNX importer on malformed and hostile input.
 *
 * Every input is built here, in a g_dir_make_tmp folder: models encoded
 * with the protobuf-c structs and packed, or wire bytes written by hand where
 * the case lies below protobuf (varints, length prefixes, nesting bombs).
 * Each case asserts the exact lt_status, that err.file is the model's path,
 * and that the subject or message names the field, node or tensor.  Valid
 * twins of the hostile cases load, so a refusal means what it says.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <lt/lt.h>

#include "onnx/onnx.pb-c.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char *tmp_root;

/* ---- files ------------------------------------------------------------- */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_root, name, NULL);
}

/* A fresh folder under the temporary root, for cases with side files. */
static char *
tmp_folder (const char *name)
{
  char *path = tmp_path (name);
  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

static void
write_bytes (const char *path,
             const void *data,
             size_t      len)
{
  GError *error = NULL;
  /* no fsync: the truncation case rewrites one file hundreds of times */
  g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      const char *entry;
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          char *child = g_build_filename (path, entry, NULL);
          remove_tree (child);
          g_free (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

/* ---- a small valid model, as protobuf-c structs ------------------------ */

/* graph: input x; initializer w (float[4], raw_data); node "add" =
 * Add(x, w) -> y; output y.  nodes[1] is prepared for cases that need a
 * second node ("relu" = Relu(y) -> z) but not counted until they say so. */
typedef struct test_model
{
  Onnx__ModelProto              model;
  Onnx__OperatorSetIdProto      opset;
  Onnx__OperatorSetIdProto     *opsets[1];
  Onnx__GraphProto              graph;
  Onnx__ValueInfoProto          input, output;
  Onnx__ValueInfoProto         *inputs[1], *outputs[1];
  Onnx__TensorProto             weight;
  Onnx__TensorProto            *initializers[1];
  int64_t                       weight_dims[LT_MAX_RANK + 1];
  float                         weight_data[4];
  Onnx__NodeProto               nodes[2];
  Onnx__NodeProto              *node_ptrs[2];
  char                         *node_inputs[2][2];
  char                         *node_outputs[2][1];
  Onnx__StringStringEntryProto  external[3];
  Onnx__StringStringEntryProto *external_ptrs[3];
} test_model;

static void
set_node (test_model *m,
          int         i,
          const char *name,
          const char *op_type,
          const char *in0,
          const char *in1,
          const char *out)
{
  Onnx__NodeProto *n = &m->nodes[i];

  onnx__node_proto__init (n);
  n->name = (char *) name;
  n->op_type = (char *) op_type;
  m->node_inputs[i][0] = (char *) in0;
  m->node_inputs[i][1] = (char *) in1;
  n->n_input = in1 ? 2 : 1;
  n->input = m->node_inputs[i];
  m->node_outputs[i][0] = (char *) out;
  n->n_output = 1;
  n->output = m->node_outputs[i];
  m->node_ptrs[i] = n;
}

static void
test_model_init (test_model *m)
{
  memset (m, 0, sizeof *m);
  onnx__model_proto__init (&m->model);
  m->model.has_ir_version = TRUE;
  m->model.ir_version = 8;
  onnx__operator_set_id_proto__init (&m->opset);
  m->opset.domain = (char *) "";
  m->opset.has_version = TRUE;
  m->opset.version = 17;
  m->opsets[0] = &m->opset;
  m->model.n_opset_import = 1;
  m->model.opset_import = m->opsets;
  m->model.graph = &m->graph;

  onnx__graph_proto__init (&m->graph);
  m->graph.name = (char *) "main";
  onnx__value_info_proto__init (&m->input);
  m->input.name = (char *) "x";
  m->inputs[0] = &m->input;
  m->graph.n_input = 1;
  m->graph.input = m->inputs;
  onnx__value_info_proto__init (&m->output);
  m->output.name = (char *) "y";
  m->outputs[0] = &m->output;
  m->graph.n_output = 1;
  m->graph.output = m->outputs;

  onnx__tensor_proto__init (&m->weight);
  m->weight.name = (char *) "w";
  m->weight.has_data_type = TRUE;
  m->weight.data_type = LT_DTYPE_F32;
  m->weight_dims[0] = 4;
  m->weight.n_dims = 1;
  m->weight.dims = m->weight_dims;
  for (int i = 0; i < 4; i++)
    m->weight_data[i] = (float) i + 0.5f;
  m->weight.has_raw_data = TRUE;
  m->weight.raw_data.data = (uint8_t *) m->weight_data;
  m->weight.raw_data.len = sizeof m->weight_data;
  m->initializers[0] = &m->weight;
  m->graph.n_initializer = 1;
  m->graph.initializer = m->initializers;

  set_node (m, 0, "add", "Add", "x", "w", "y");
  set_node (m, 1, "relu", "Relu", "y", NULL, "z");
  m->graph.n_node = 1;
  m->graph.node = m->node_ptrs;
}

/* Makes w's data external: `offset` and `length` may be NULL to leave the
 * key out. */
static void
test_model_set_external (test_model *m,
                         const char *location,
                         const char *offset,
                         const char *length)
{
  const char *keys[3] = { "location", "offset", "length" };
  const char *values[3] = { location, offset, length };

  m->weight.has_raw_data = FALSE;
  m->weight.has_data_location = TRUE;
  m->weight.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  m->weight.n_external_data = 0;
  m->weight.external_data = m->external_ptrs;
  for (int i = 0; i < 3; i++)
    if (values[i])
      {
        Onnx__StringStringEntryProto *e = &m->external[m->weight.n_external_data];
        onnx__string_string_entry_proto__init (e);
        e->key = (char *) keys[i];
        e->value = (char *) values[i];
        m->external_ptrs[m->weight.n_external_data++] = e;
      }
}

static void
test_model_write (const test_model *m,
                  const char       *path)
{
  size_t   len = onnx__model_proto__get_packed_size (&m->model);
  uint8_t *buf = g_malloc (len ? len : 1);

  g_assert_cmpuint (onnx__model_proto__pack (&m->model, buf), ==, len);
  write_bytes (path, buf, len);
  g_free (buf);
}

/* ---- hand-written wire bytes ------------------------------------------- */

/* Wire bytes are written back to front: a `wire` holds them reversed, each
 * call puts its bytes in front of everything written so far, and
 * wire_finish turns the buffer around.  Wrapping all that is written in a
 * parent message then costs only the parent's own bytes, so a 3,000-level
 * nesting bomb is linear to build. */
typedef GByteArray wire;

static void
wire_front (wire       *w,
            const void *data,
            gsize       len)
{
  const guint8 *bytes = data;
  guint         old = w->len;

  g_byte_array_set_size (w, old + (guint) len);
  for (gsize i = 0; i < len; i++)
    w->data[old + i] = bytes[len - 1 - i];
}

static void
wire_varint (wire   *w,
             guint64 v)
{
  guint8 buf[10];
  gsize  n = 0;

  while (v >= 0x80)
    {
      buf[n++] = (guint8) (v | 0x80);
      v >>= 7;
    }
  buf[n++] = (guint8) v;
  wire_front (w, buf, n);
}

static void
wire_varint_field (wire   *w,
                   guint32 field,
                   guint64 v)
{
  wire_varint (w, v);
  wire_varint (w, (guint64) field << 3);
}

static void
wire_bytes_field (wire       *w,
                  guint32     field,
                  const void *data,
                  gsize       len)
{
  wire_front (w, data, len);
  wire_varint (w, len);
  wire_varint (w, (guint64) field << 3 | 2);
}

/* Makes everything written so far the payload of a length-delimited field. */
static void
wire_wrap (wire   *w,
           guint32 field)
{
  wire_varint (w, w->len);
  wire_varint (w, (guint64) field << 3 | 2);
}

/* Wraps everything written so far, as a GraphProto, in a ModelProto
 * (ir_version 8, opset 17). */
static void
wire_wrap_in_model (wire *w)
{
  static const guint8 opset[] = { 0x10, 0x11 }; /* OperatorSetIdProto.version = 17 */

  wire_wrap (w, 7);
  wire_bytes_field (w, 8, opset, sizeof opset);
  wire_varint_field (w, 1, 8);
}

/* The bytes in file order. */
static GByteArray *
wire_finish (wire *w)
{
  for (guint i = 0, j = w->len ? w->len - 1 : 0; i < j; i++, j--)
    {
      guint8 t = w->data[i];
      w->data[i] = w->data[j];
      w->data[j] = t;
    }
  return w;
}

/* ---- expectations ------------------------------------------------------ */

static void
expect_error_with (const char            *path,
                   const lt_load_options *options,
                   lt_status              want,
                   const char            *subject_part,
                   const char            *message_part)
{
  lt_model *model = NULL;
  lt_error  err;
  lt_status st;
  char      text[1200];

  lt_error_clear (&err);
  st = lt_model_load (path, options, &model, &err);
  lt_error_format (&err, text, sizeof text);
  g_test_message ("%s -> %s", text, lt_status_to_string (st));
  if (st != want)
    g_error ("%s: expected '%s', got '%s': %s", path, lt_status_to_string (want), lt_status_to_string (st), text);
  g_assert_null (model);
  g_assert_cmpint (err.code, ==, want);
  g_assert_cmpstr (err.file, ==, path);
  g_assert_cmpstr (err.message, !=, "");
  if (subject_part && strstr (err.subject, subject_part) == NULL)
    g_error ("%s: the subject should name '%s': %s", path, subject_part, text);
  if (message_part && strstr (err.message, message_part) == NULL)
    g_error ("%s: the message should mention '%s': %s", path, message_part, text);
}

static void
expect_error (const char *path,
              lt_status   want,
              const char *subject_part,
              const char *message_part)
{
  expect_error_with (path, NULL, want, subject_part, message_part);
}

/* Writes `m` as <name>.onnx in the temporary folder and expects the error. */
static void
expect_model_error (const test_model *m,
                    const char       *name,
                    lt_status         want,
                    const char       *subject_part,
                    const char       *message_part)
{
  char *file = g_strconcat (name, ".onnx", NULL);
  char *path = tmp_path (file);

  test_model_write (m, path);
  expect_error (path, want, subject_part, message_part);
  g_free (path);
  g_free (file);
}

static void
expect_bytes_error (const char   *name,
                    const guint8 *data,
                    gsize         len,
                    lt_status     want,
                    const char   *subject_part,
                    const char   *message_part)
{
  char *path = tmp_path (name);

  write_bytes (path, data, len);
  expect_error (path, want, subject_part, message_part);
  g_free (path);
}

static lt_model *
expect_load (const char *path)
{
  lt_model *model = NULL;
  lt_error  err;
  char      text[1200];

  lt_error_clear (&err);
  if (lt_model_load (path, NULL, &model, &err) != LT_OK)
    {
      lt_error_format (&err, text, sizeof text);
      g_error ("%s should load: %s", path, text);
    }
  return model;
}

/* ---- the valid twin ---------------------------------------------------- */

static void
test_valid_model_loads (void)
{
  test_model      m;
  char           *path = tmp_path ("valid.onnx");
  lt_model       *model;
  const lt_graph *g;
  const lt_value *w;

  test_model_init (&m);
  test_model_write (&m, path);
  model = expect_load (path);
  g = lt_model_get_graph (model);
  g_assert_cmpuint (lt_graph_get_n_nodes (g), ==, 1);
  w = lt_graph_get_value (g, lt_graph_find_value (g, "w"));
  g_assert_nonnull (w);
  g_assert_nonnull (w->constant);
  g_assert_cmpfloat (((const float *) w->constant->data)[3], ==, 3.5f);
  lt_model_unref (model);
  g_free (path);
}

/* Large raw_data stays in the file mapping: the pre-scan rewrites every
 * message around it (here an initializer, and a tensor attribute inside a
 * node) and the values must come through unchanged. */
static void
test_large_raw_data_values (void)
{
  test_model            m;
  float                 weights[100], constant[300];
  Onnx__AttributeProto  attr = ONNX__ATTRIBUTE_PROTO__INIT;
  Onnx__AttributeProto *attrs[1] = { &attr };
  Onnx__TensorProto     value = ONNX__TENSOR_PROTO__INIT;
  int64_t               value_dims[1] = { 300 };
  char                 *path = tmp_path ("large-raw.onnx");
  lt_model             *model;
  const lt_graph       *g;
  const lt_tensor      *w, *c;

  for (int i = 0; i < 100; i++)
    weights[i] = (float) i * 0.25f;
  for (int i = 0; i < 300; i++)
    constant[i] = 1000.0f - (float) i;
  test_model_init (&m);
  m.weight_dims[0] = 100;
  m.weight.raw_data.data = (uint8_t *) weights;
  m.weight.raw_data.len = sizeof weights;
  value.has_data_type = TRUE;
  value.data_type = LT_DTYPE_F32;
  value.n_dims = 1;
  value.dims = value_dims;
  value.has_raw_data = TRUE;
  value.raw_data.data = (uint8_t *) constant;
  value.raw_data.len = sizeof constant;
  attr.name = (char *) "value";
  attr.has_type = TRUE;
  attr.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  attr.t = &value;
  set_node (&m, 1, "const", "Constant", NULL, NULL, "c");
  m.nodes[1].n_input = 0;
  m.nodes[1].n_attribute = 1;
  m.nodes[1].attribute = attrs;
  m.graph.n_node = 2;
  test_model_write (&m, path);

  model = expect_load (path);
  g = lt_model_get_graph (model);
  w = lt_graph_get_value (g, lt_graph_find_value (g, "w"))->constant;
  c = lt_node_get_attr (lt_graph_get_node (g, lt_graph_find_node (g, "const")), "value")->v.t;
  g_assert_cmpuint (w->nbytes, ==, sizeof weights);
  g_assert_cmpmem (w->data, w->nbytes, weights, sizeof weights);
  g_assert_cmpuint (c->nbytes, ==, sizeof constant);
  g_assert_cmpmem (c->data, c->nbytes, constant, sizeof constant);
  lt_model_unref (model);
  g_free (path);
}

/* ---- container and wire level ------------------------------------------ */

static void
test_empty_file (void)
{
  expect_bytes_error ("empty.onnx", (const guint8 *) "", 0, LT_ERR_PARSE, NULL, "empty");
}

static void
test_random_bytes (void)
{
  GRand *rand = g_rand_new_with_seed (20261124);
  guint8 buf[4096];

  for (int round = 0; round < 64; round++)
    {
      for (gsize i = 0; i < sizeof buf; i++)
        buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
      expect_bytes_error ("random.onnx", buf, sizeof buf, LT_ERR_PARSE, NULL, NULL);
    }
  g_rand_free (rand);
}

static void
test_varint_past_end (void)
{
  static const guint8 unterminated[] = { 0x08, 0xff, 0xff };
  static const guint8 eleven_bytes[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
  static const guint8 bad_tag[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

  expect_bytes_error ("varint-end.onnx", unterminated, sizeof unterminated, LT_ERR_PARSE, "ModelProto", "varint");
  expect_bytes_error ("varint-long.onnx", eleven_bytes, sizeof eleven_bytes, LT_ERR_PARSE, "ModelProto", "varint");
  expect_bytes_error ("tag-long.onnx", bad_tag, sizeof bad_tag, LT_ERR_PARSE, "ModelProto", "tag");
}

static void
test_length_past_end (void)
{
  /* graph (field 7) claims 2^32 - 1 bytes */
  static const guint8 outer[] = { 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f };
  /* a 3-byte graph whose node (field 1) claims 10 bytes: past its parent */
  static const guint8 inner[] = { 0x3a, 0x03, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

  expect_bytes_error ("length-outer.onnx", outer, sizeof outer, LT_ERR_PARSE, "ModelProto.graph", "length prefix");
  expect_bytes_error ("length-inner.onnx", inner, sizeof inner, LT_ERR_PARSE, "GraphProto.node", "length prefix");
}

static void
test_wrong_wire_type (void)
{
  static const guint8 graph_as_varint[] = { 0x38, 0x01 };
  static const guint8 graph_as_fixed32[] = { 0x3d, 0x00, 0x00, 0x00, 0x00 };
  static const guint8 group[] = { 0x3b };

  expect_bytes_error ("wire-varint.onnx", graph_as_varint, sizeof graph_as_varint, LT_ERR_PARSE, "ModelProto.graph",
                      "encoded as a number");
  expect_bytes_error ("wire-fixed.onnx", graph_as_fixed32, sizeof graph_as_fixed32, LT_ERR_PARSE,
                      "ModelProto.graph", "encoded as a number");
  expect_bytes_error ("wire-group.onnx", group, sizeof group, LT_ERR_PARSE, "ModelProto", "wire type");
}

/* Scalar fields with the wrong wire type and malformed packed fields: below
 * what protobuf-c reports, so the pre-scan must name them. */
static void
test_scalar_wire_type (void)
{
  static const guint8 ir_version_as_bytes[] = { 0x0a, 0x01, 0x08 };
  static const guint8 producer_as_varint[] = { 0x10, 0x01 };
  static const guint8 three_bytes[] = { 0, 0, 0 };
  static const guint8 bad_varint[] = { 0xff };
  wire               *w = g_byte_array_new ();
  GByteArray         *bytes;

  expect_bytes_error ("wire-ir-version.onnx", ir_version_as_bytes, sizeof ir_version_as_bytes, LT_ERR_PARSE,
                      "ModelProto.ir_version", "wrong wire type");
  expect_bytes_error ("wire-producer.onnx", producer_as_varint, sizeof producer_as_varint, LT_ERR_PARSE,
                      "ModelProto.producer_name", "encoded as a number");

  wire_bytes_field (w, 4, three_bytes, sizeof three_bytes); /* TensorProto.float_data packed: 3 bytes */
  wire_wrap (w, 5);                                         /* GraphProto.initializer */
  wire_wrap_in_model (w);
  bytes = wire_finish (w);
  expect_bytes_error ("packed-floats.onnx", bytes->data, bytes->len, LT_ERR_PARSE, "TensorProto.float_data",
                      "whole number of elements");
  g_byte_array_unref (bytes);

  w = g_byte_array_new ();
  wire_bytes_field (w, 1, bad_varint, sizeof bad_varint); /* TensorProto.dims packed: an unterminated varint */
  wire_wrap (w, 5);
  wire_wrap_in_model (w);
  bytes = wire_finish (w);
  expect_bytes_error ("packed-dims.onnx", bytes->data, bytes->len, LT_ERR_PARSE, "TensorProto.dims", "malformed varint");
  g_byte_array_unref (bytes);
}

/* The importer's own stand-in field numbers are refused when a file
 * carries them, so a file cannot point a tensor at arbitrary bytes. */
static void
test_reserved_field (void)
{
  wire       *w = g_byte_array_new ();
  GByteArray *bytes;

  /* a TensorProto, last field first: dims [4], float, name "w", then the
   * stand-ins claiming 16 bytes at offset 0 */
  wire_varint_field (w, 536870001u, 16);
  wire_varint_field (w, 536870000u, 0);
  wire_bytes_field (w, 8, "w", 1);
  wire_varint_field (w, 2, 1);
  wire_varint_field (w, 1, 4);
  wire_wrap (w, 5);
  wire_wrap_in_model (w);
  bytes = wire_finish (w);
  expect_bytes_error ("reserved.onnx", bytes->data, bytes->len, LT_ERR_PARSE, "TensorProto", "reserved");
  g_byte_array_unref (bytes);
}

/* `levels` of If.then_branch (3,000 make about 90 KB): protobuf-c would
 * recurse once per message and overflow the stack; the pre-scan refuses
 * first. */
static GByteArray *
if_bomb (int levels)
{
  wire *w = g_byte_array_new ();

  for (int i = 0; i < levels; i++)
    {
      /* the graph written so far becomes AttributeProto.g of an If node */
      wire_wrap (w, 6);
      wire_varint_field (w, 20, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
      wire_bytes_field (w, 1, "then_branch", strlen ("then_branch"));
      wire_wrap (w, 5);                 /* NodeProto.attribute */
      wire_bytes_field (w, 4, "If", 2); /* NodeProto.op_type */
      wire_wrap (w, 1);                 /* GraphProto.node */
    }
  wire_wrap_in_model (w);
  return wire_finish (w);
}

static void
test_nesting_bomb (void)
{
  GByteArray     *bytes = if_bomb (3000);
  char           *path = tmp_path ("if-bomb.onnx");
  lt_load_options deep = { .max_graph_depth = 100000 };

  write_bytes (path, bytes->data, bytes->len);
  expect_error (path, LT_ERR_LIMIT, "AttributeProto.g", "subgraphs are nested deeper");
  /* with the graph-depth cap lifted the message-depth cap still holds */
  expect_error_with (path, &deep, LT_ERR_LIMIT, NULL, "messages are nested deeper");
  g_byte_array_unref (bytes);
  g_free (path);

  /* a nesting that stays under the caps loads */
  bytes = if_bomb (3);
  path = tmp_path ("if-shallow.onnx");
  write_bytes (path, bytes->data, bytes->len);
  lt_model_unref (expect_load (path));
  g_byte_array_unref (bytes);
  g_free (path);
}

/* TypeProto.sequence_type nested 3,000 deep in a graph input: deep messages
 * without any subgraph. */
static void
test_type_nesting_bomb (void)
{
  wire       *w = g_byte_array_new ();
  GByteArray *bytes;

  wire_bytes_field (w, 1, NULL, 0); /* innermost TypeProto: an empty tensor_type */
  for (int i = 0; i < 3000; i++)
    {
      wire_wrap (w, 1); /* TypeProto.Sequence.elem_type */
      wire_wrap (w, 4); /* TypeProto.sequence_type */
    }
  wire_wrap (w, 2);                /* ValueInfoProto.type */
  wire_bytes_field (w, 1, "x", 1); /* ValueInfoProto.name */
  wire_wrap (w, 11);               /* GraphProto.input */
  wire_wrap_in_model (w);
  bytes = wire_finish (w);
  expect_bytes_error ("type-bomb.onnx", bytes->data, bytes->len, LT_ERR_LIMIT, "TypeProto", "messages are nested deeper");
  g_byte_array_unref (bytes);
}

static void
test_truncated (void)
{
  char   *demo = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "resources", "demo", "small-cnn.onnx", NULL);
  char   *path = tmp_path ("truncated.onnx");
  gchar  *data;
  gsize   len;
  GError *error = NULL;
  guint   n_cuts = 0, n_loaded = 0;

  g_file_get_contents (demo, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 1024);
  lt_model_unref (expect_load (demo));

  for (gsize cut = 0; cut < len; cut += cut < 512 ? 1 : (len - 512) / 200 + 1)
    {
      lt_model *model = NULL;
      lt_error  err;
      lt_status st;

      write_bytes (path, data, cut);
      lt_error_clear (&err);
      st = lt_model_load (path, NULL, &model, &err);
      n_cuts++;
      if (st == LT_OK)
        {
          /* the cut fell between fields and left a model that still holds together */
          n_loaded++;
          lt_model_unref (model);
          continue;
        }
      if (st != LT_ERR_PARSE && st != LT_ERR_INVALID_MODEL)
        g_error ("cut at %zu: unexpected status '%s': %s", cut, lt_status_to_string (st), err.message);
      g_assert_null (model);
      g_assert_cmpstr (err.file, ==, path);
      g_assert_cmpstr (err.message, !=, "");
    }
  g_test_message ("%u cuts of %zu bytes: %u refused, %u still a valid model", n_cuts, len, n_cuts - n_loaded,
                  n_loaded);
  g_assert_cmpuint (n_cuts, >, 700);
  g_assert_cmpuint (n_loaded, <, n_cuts / 10);
  g_free (data);
  g_free (path);
  g_free (demo);
}

/* Seeded random mutations (bit flips, byte values, cuts, deletions) of the
 * demo model and of conformance models with subgraphs: each load succeeds
 * or fails with an error that names the file and a subject. */
static void
test_mutations (void)
{
  const char *sources[] = { "resources/demo/small-cnn.onnx", "node/test_if/model.onnx", "node/test_loop11/model.onnx",
                            "node/test_scan9_sum/model.onnx" };
  char       *path = tmp_path ("mutated.onnx");
  GRand      *rand = g_rand_new_with_seed (7);
  GPtrArray  *seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint       counts[LT_ERR_RUNTIME + 1] = { 0 };

  for (gsize i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      const char *root = i == 0 ? g_getenv ("LATHE_SOURCE_DIR") : g_getenv ("LATHE_ONNX_TESTDATA");
      char       *file = g_build_filename (root ? root : ".", sources[i], NULL);
      gchar      *data;
      gsize       len;
      if (g_file_get_contents (file, &data, &len, NULL))
        g_ptr_array_add (seeds, g_bytes_new_take (data, len));
      g_free (file);
    }
  g_assert_cmpuint (seeds->len, >, 0);

  for (int round = 0; round < 3000; round++)
    {
      GBytes   *seed = g_ptr_array_index (seeds, g_rand_int_range (rand, 0, (gint32) seeds->len));
      gsize     len = g_bytes_get_size (seed);
      guint8   *buf = g_memdup2 (g_bytes_get_data (seed, NULL), len);
      int       n_edits = g_rand_int_range (rand, 1, 5);
      lt_model *model = NULL;
      lt_error  err;
      lt_status st;

      for (int e = 0; e < n_edits && len > 1; e++)
        {
          gsize pos = (gsize) g_rand_int_range (rand, 0, (gint32) len);
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              buf[pos] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
              break;
            case 1:
              buf[pos] = (guint8) g_rand_int_range (rand, 0, 256);
              break;
            case 2:
              len = pos + 1; /* cut */
              break;
            default:
              if (pos + 4 < len)
                {
                  memmove (buf + pos, buf + pos + 4, len - pos - 4);
                  len -= 4;
                }
              break;
            }
        }
      write_bytes (path, buf, len);
      lt_error_clear (&err);
      st = lt_model_load (path, NULL, &model, &err);
      counts[st]++;
      if (st == LT_OK)
        lt_model_unref (model);
      else if ((st != LT_ERR_PARSE && st != LT_ERR_INVALID_MODEL && st != LT_ERR_UNSUPPORTED && st != LT_ERR_LIMIT) || strcmp (err.file, path) != 0 || err.subject[0] == '\0' || err.message[0] == '\0')
        {
          char text[1200];
          lt_error_format (&err, text, sizeof text);
          g_error ("mutation %d: '%s' without a file, subject and message: %s", round, lt_status_to_string (st), text);
        }
      g_free (buf);
    }
  g_test_message ("3000 mutations of %u models: %u loaded, %u parse errors, %u invalid, %u unsupported, %u over a limit",
                  seeds->len, counts[LT_OK], counts[LT_ERR_PARSE], counts[LT_ERR_INVALID_MODEL], counts[LT_ERR_UNSUPPORTED],
                  counts[LT_ERR_LIMIT]);
  g_ptr_array_unref (seeds);
  g_rand_free (rand);
  g_free (path);
}

static void
test_error_record_reused (void)
{
  char     *first = tmp_path ("reuse-first.onnx");
  char     *second = tmp_path ("reuse-second.onnx");
  lt_model *model = NULL;
  lt_error  err;

  write_bytes (first, "", 0);
  write_bytes (second, "\x38\x01", 2);
  lt_error_clear (&err);
  g_assert_cmpint (lt_model_load (first, NULL, &model, &err), ==, LT_ERR_PARSE);
  g_assert_cmpint (lt_model_load (second, NULL, &model, &err), ==, LT_ERR_PARSE);
  g_assert_cmpstr (err.file, ==, second);
  g_assert_cmpstr (err.subject, ==, "ModelProto.graph");
  g_assert_null (model);
  g_free (first);
  g_free (second);
}

/* ---- model header ------------------------------------------------------ */

static void
test_ir_version_future (void)
{
  test_model m;

  test_model_init (&m);
  m.model.ir_version = 999;
  expect_model_error (&m, "ir-future", LT_ERR_UNSUPPORTED, "ir_version", "999");
  m.model.ir_version = -1;
  expect_model_error (&m, "ir-negative", LT_ERR_INVALID_MODEL, "ir_version", "ir_version");
}

static void
test_opset_future (void)
{
  test_model m;

  test_model_init (&m);
  m.opset.version = 999;
  expect_model_error (&m, "opset-future", LT_ERR_UNSUPPORTED, "opset_import", "999");
  m.opset.version = 0;
  expect_model_error (&m, "opset-zero", LT_ERR_INVALID_MODEL, "opset_import", "ai.onnx");
}

static void
test_opset_missing (void)
{
  test_model m;

  test_model_init (&m);
  m.model.n_opset_import = 0;
  expect_model_error (&m, "opset-missing", LT_ERR_INVALID_MODEL, "opset_import", "imports no opset");
}

/* lt_load_options.max_file_bytes (2 GiB - 1 by default, protobuf's own
 * limit) is checked before the file is read. */
static void
test_file_size_cap (void)
{
  test_model      m;
  char           *path = tmp_path ("file-cap.onnx");
  lt_load_options small = { .max_file_bytes = 64 };

  test_model_init (&m);
  test_model_write (&m, path);
  expect_error_with (path, &small, LT_ERR_LIMIT, NULL, "external data");
  lt_model_unref (expect_load (path));
  g_free (path);
}

static void
test_node_cap (void)
{
  test_model      m;
  char           *path = tmp_path ("node-cap.onnx");
  lt_load_options one_node = { .max_nodes = 1 };

  test_model_init (&m);
  m.graph.n_node = 2;
  m.output.name = (char *) "z";
  test_model_write (&m, path);
  expect_error_with (path, &one_node, LT_ERR_LIMIT, "GraphProto.node", "more nodes than the limit");
  lt_model_unref (expect_load (path));
  g_free (path);
}

/* Huge repeated counts: 1,000,001 small nodes hit the default node cap;
 * 5 million empty metadata entries (10 MB that protobuf-c would turn into
 * 240 MB of structs) hit the cap on what unpacking may allocate. */
static void
test_repeated_count_bombs (void)
{
  static const guint8 relu[] = { 0x22, 0x04, 'R', 'e', 'l', 'u' }; /* NodeProto.op_type */
  static const guint8 empty_entry[] = { 0x72, 0x00 };              /* ModelProto.metadata_props */
  wire               *w = g_byte_array_new ();
  GByteArray         *bytes;

  for (int i = 0; i < 1000001; i++)
    wire_bytes_field (w, 1, relu, sizeof relu);
  wire_wrap_in_model (w);
  bytes = wire_finish (w);
  expect_bytes_error ("node-count-bomb.onnx", bytes->data, bytes->len, LT_ERR_LIMIT, "GraphProto.node",
                      "more nodes than the limit");
  g_byte_array_unref (bytes);

  w = g_byte_array_new ();
  wire_wrap_in_model (w); /* an empty graph */
  bytes = wire_finish (w);
  for (int i = 0; i < 5000000; i++)
    g_byte_array_append (bytes, empty_entry, sizeof empty_entry);
  expect_bytes_error ("metadata-bomb.onnx", bytes->data, bytes->len, LT_ERR_LIMIT, "ModelProto.metadata_props",
                      "more memory than the limit");
  g_byte_array_unref (bytes);
}

/* ---- tensors ----------------------------------------------------------- */

static void
test_dims_overflow (void)
{
  test_model m;

  test_model_init (&m);
  m.weight_dims[0] = INT64_C (1) << 32;
  m.weight_dims[1] = INT64_C (1) << 32;
  m.weight_dims[2] = 2;
  m.weight.n_dims = 3;
  expect_model_error (&m, "dims-overflow", LT_ERR_LIMIT, "w", "dims overflows");
}

static void
test_negative_dims (void)
{
  test_model                         m;
  Onnx__TypeProto                    type = ONNX__TYPE_PROTO__INIT;
  Onnx__TypeProto__Tensor            tensor_type = ONNX__TYPE_PROTO__TENSOR__INIT;
  Onnx__TensorShapeProto             shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
  Onnx__TensorShapeProto__Dimension  dim = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
  Onnx__TensorShapeProto__Dimension *dims[1] = { &dim };

  test_model_init (&m);
  m.weight_dims[0] = -7;
  expect_model_error (&m, "dims-negative", LT_ERR_INVALID_MODEL, "w", "dims[0] is negative (-7)");

  /* and in a graph input's declared shape */
  test_model_init (&m);
  dim.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
  dim.dim_value = -7;
  shape.n_dim = 1;
  shape.dim = dims;
  tensor_type.has_elem_type = TRUE;
  tensor_type.elem_type = LT_DTYPE_F32;
  tensor_type.shape = &shape;
  type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type.tensor_type = &tensor_type;
  m.input.type = &type;
  expect_model_error (&m, "shape-negative", LT_ERR_INVALID_MODEL, "x", "negative (-7)");
}

static void
test_rank_above_limit (void)
{
  test_model                         m;
  Onnx__TypeProto                    type = ONNX__TYPE_PROTO__INIT;
  Onnx__TypeProto__Tensor            tensor_type = ONNX__TYPE_PROTO__TENSOR__INIT;
  Onnx__TensorShapeProto             shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
  Onnx__TensorShapeProto__Dimension  dim[LT_MAX_RANK + 1];
  Onnx__TensorShapeProto__Dimension *dims[LT_MAX_RANK + 1];

  test_model_init (&m);
  for (int i = 0; i < LT_MAX_RANK + 1; i++)
    m.weight_dims[i] = 1;
  m.weight_dims[0] = 4;
  m.weight.n_dims = LT_MAX_RANK + 1;
  expect_model_error (&m, "rank-initializer", LT_ERR_UNSUPPORTED, "w", "rank 9");

  test_model_init (&m);
  for (int i = 0; i < LT_MAX_RANK + 1; i++)
    {
      onnx__tensor_shape_proto__dimension__init (&dim[i]);
      dim[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      dim[i].dim_value = 1;
      dims[i] = &dim[i];
    }
  shape.n_dim = LT_MAX_RANK + 1;
  shape.dim = dims;
  tensor_type.shape = &shape;
  type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type.tensor_type = &tensor_type;
  m.input.type = &type;
  expect_model_error (&m, "rank-input", LT_ERR_UNSUPPORTED, "x", "rank 9");
}

/* A sequence of sequences is refused naming the value; a map loads as
 * one (sessions refuse it), a sequence of tensors as one. */
static void
test_container_types (void)
{
  test_model                m;
  Onnx__TypeProto           outer = ONNX__TYPE_PROTO__INIT, inner = ONNX__TYPE_PROTO__INIT;
  Onnx__TypeProto           element = ONNX__TYPE_PROTO__INIT;
  Onnx__TypeProto__Map      map = ONNX__TYPE_PROTO__MAP__INIT;
  Onnx__TypeProto__Sequence sequence = ONNX__TYPE_PROTO__SEQUENCE__INIT, nested = ONNX__TYPE_PROTO__SEQUENCE__INIT;
  Onnx__TypeProto__Tensor   tensor = ONNX__TYPE_PROTO__TENSOR__INIT;
  const char               *names[2] = { "map-input.onnx", "sequence-input.onnx" };
  const lt_type_kind        kinds[2] = { LT_TYPE_MAP, LT_TYPE_SEQUENCE };

  tensor.has_elem_type = TRUE;
  tensor.elem_type = LT_DTYPE_F32;
  element.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  element.tensor_type = &tensor;
  test_model_init (&m);
  m.input.type = &outer;

  nested.elem_type = &element;
  inner.value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
  inner.sequence_type = &nested;
  sequence.elem_type = &inner;
  outer.value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
  outer.sequence_type = &sequence;
  expect_model_error (&m, "nested-sequence-input", LT_ERR_UNSUPPORTED, "x", "only tensors");

  for (int k = 0; k < 2; k++)
    {
      char     *path = tmp_path (names[k]);
      lt_model *model = NULL;
      uint32_t  n_inputs;
      lt_error  err;

      if (k == 0)
        {
          map.has_key_type = TRUE;
          map.key_type = LT_DTYPE_I64;
          map.value_type = &element;
          outer.value_case = ONNX__TYPE_PROTO__VALUE_MAP_TYPE;
          outer.map_type = &map;
        }
      else
        {
          sequence.elem_type = &element;
          outer.value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
          outer.sequence_type = &sequence;
        }
      test_model_write (&m, path);
      lt_error_clear (&err);
      g_assert_cmpint (lt_model_load (path, NULL, &model, &err), ==, LT_OK);
      g_assert_cmpint (lt_graph_get_inputs (lt_model_get_graph (model), &n_inputs)[0], ==, 0);
      g_assert_cmpint (lt_graph_get_value (lt_model_get_graph (model), 0)->type_kind, ==, kinds[k]);
      lt_model_unref (model);
      g_free (path);
    }
}

static void
test_raw_data_size (void)
{
  test_model m;
  guint8     big[300] = { 0 };

  test_model_init (&m);
  m.weight.raw_data.len = 12;
  expect_model_error (&m, "raw-short", LT_ERR_INVALID_MODEL, "w", "raw_data holds 12 bytes but dims and data_type need 16");

  /* large enough to stay in the file mapping (the pre-scan moves it out) */
  test_model_init (&m);
  m.weight_dims[0] = 100;
  m.weight.raw_data.data = big;
  m.weight.raw_data.len = sizeof big;
  expect_model_error (&m, "raw-long", LT_ERR_INVALID_MODEL, "w", "raw_data holds 300 bytes but dims and data_type need 400");
}

static void
test_data_type_invalid (void)
{
  test_model m;

  test_model_init (&m);
  m.weight.data_type = 0;
  expect_model_error (&m, "dtype-0", LT_ERR_INVALID_MODEL, "w", "data_type 0");
  m.weight.data_type = 99;
  expect_model_error (&m, "dtype-99", LT_ERR_INVALID_MODEL, "w", "data_type 99");
}

static void
test_typed_data (void)
{
  test_model m;
  float      values[4] = { 1, 2, 3, 4 };

  test_model_init (&m);
  m.weight.has_raw_data = FALSE;
  m.weight.n_float_data = 3;
  m.weight.float_data = values;
  expect_model_error (&m, "typed-count", LT_ERR_INVALID_MODEL, "w", "holds 3 values");

  m.weight.has_raw_data = TRUE;
  m.weight.n_float_data = 4;
  expect_model_error (&m, "typed-and-raw", LT_ERR_INVALID_MODEL, "w", "more than once");

  /* the valid twin: typed data alone */
  {
    char           *path = tmp_path ("typed-ok.onnx");
    lt_model       *model;
    const lt_graph *g;
    m.weight.has_raw_data = FALSE;
    test_model_write (&m, path);
    model = expect_load (path);
    g = lt_model_get_graph (model);
    g_assert_cmpfloat (((const float *) lt_graph_get_value (g, lt_graph_find_value (g, "w"))->constant->data)[2], ==, 3.0f);
    lt_model_unref (model);
    g_free (path);
  }
}

/* ---- graph semantics --------------------------------------------------- */

static void
test_produced_twice (void)
{
  test_model m;

  test_model_init (&m);
  set_node (&m, 1, "relu", "Relu", "x", NULL, "y");
  m.graph.n_node = 2;
  expect_model_error (&m, "produced-twice", LT_ERR_INVALID_MODEL, "relu", "output 'y'");
}

static void
test_input_not_produced (void)
{
  test_model m;

  test_model_init (&m);
  set_node (&m, 0, "add", "Add", "x", "missing", "y");
  expect_model_error (&m, "dangling", LT_ERR_INVALID_MODEL, "add", "input 'missing'");
}

static void
test_cycle (void)
{
  test_model m;

  test_model_init (&m);
  set_node (&m, 0, "a", "Relu", "b_out", NULL, "a_out");
  set_node (&m, 1, "b", "Relu", "a_out", NULL, "b_out");
  m.graph.n_node = 2;
  m.output.name = (char *) "a_out";
  expect_model_error (&m, "cycle", LT_ERR_INVALID_MODEL, NULL, "cycle");
}

/* Things a file may leave unnamed are named by position in errors. */
static void
test_unnamed_subjects (void)
{
  test_model            m;
  Onnx__AttributeProto  attr = ONNX__ATTRIBUTE_PROTO__INIT;
  Onnx__AttributeProto *attrs[1] = { &attr };
  Onnx__TensorProto     value = ONNX__TENSOR_PROTO__INIT;

  test_model_init (&m);
  m.nodes[0].op_type = (char *) "";
  m.nodes[0].name = (char *) "";
  expect_model_error (&m, "unnamed-node", LT_ERR_INVALID_MODEL, "node #0 of graph 'main'", "no op_type");

  test_model_init (&m);
  m.weight.name = (char *) "";
  m.weight.data_type = 99;
  expect_model_error (&m, "unnamed-initializer", LT_ERR_INVALID_MODEL, "initializer #0 of graph 'main'", "data_type 99");

  test_model_init (&m);
  m.input.name = (char *) "";
  expect_model_error (&m, "unnamed-input", LT_ERR_INVALID_MODEL, "input #0 of graph 'main'", "empty name");

  /* an unnamed attribute tensor of an unnamed node */
  test_model_init (&m);
  m.nodes[0].name = (char *) "";
  value.has_data_type = TRUE;
  value.data_type = 0;
  attr.name = (char *) "value";
  attr.has_type = TRUE;
  attr.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  attr.t = &value;
  m.nodes[0].n_attribute = 1;
  m.nodes[0].attribute = attrs;
  expect_model_error (&m, "unnamed-attribute-tensor", LT_ERR_INVALID_MODEL, "attribute 'value' of node 'Add #0'",
                      "data_type 0");
}

/* ---- external data ----------------------------------------------------- */

/* A folder `name` holding model.onnx whose w lives at `location`; returns
 * the model's path. */
static char *
external_model (const char *name,
                const char *location,
                const char *offset,
                const char *length)
{
  char      *dir = tmp_folder (name);
  char      *path = g_build_filename (dir, "model.onnx", NULL);
  test_model m;

  test_model_init (&m);
  test_model_set_external (&m, location, offset, length);
  test_model_write (&m, path);
  g_free (dir);
  return path;
}

static char *
external_side_path (const char *model_path,
                    const char *name)
{
  char *dir = g_path_get_dirname (model_path);
  char *path = g_build_filename (dir, name, NULL);
  g_free (dir);
  return path;
}

static void
write_weights (const char *path,
               gsize       n_floats)
{
  float values[8] = { 10, 11, 12, 13, 14, 15, 16, 17 };
  g_assert_cmpuint (n_floats, <=, G_N_ELEMENTS (values));
  write_bytes (path, values, n_floats * sizeof (float));
}

static void
test_external_valid (void)
{
  char           *path = external_model ("ext-valid", "data/w.bin", "16", "16");
  char           *dir = external_side_path (path, "data");
  char           *side = external_side_path (path, "data/w.bin");
  lt_model       *model;
  const lt_graph *g;
  const float    *w;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  write_weights (side, 8);
  model = expect_load (path);
  g = lt_model_get_graph (model);
  w = lt_graph_get_value (g, lt_graph_find_value (g, "w"))->constant->data;
  g_assert_cmpfloat (w[0], ==, 14.0f);
  g_assert_cmpfloat (w[3], ==, 17.0f);
  lt_model_unref (model);
  g_free (side);
  g_free (dir);
  g_free (path);
}

static void
test_external_absolute (void)
{
  char *path = external_model ("ext-absolute", "/etc/passwd", NULL, NULL);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "absolute");
  g_free (path);
}

static void
test_external_climbs_out (void)
{
  char *outside = tmp_path ("w.bin");
  char *path;

  write_weights (outside, 4); /* exists, so only the spelling can refuse it */
  path = external_model ("ext-dotdot", "../w.bin", NULL, NULL);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "'..'");
  g_free (path);
  path = external_model ("ext-sub-dotdot", "sub/../../w.bin", NULL, NULL);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "'..'");
  g_free (path);
  g_free (outside);
}

static void
test_external_symlink (void)
{
  char *path = external_model ("ext-symlink", "w.bin", NULL, NULL);
  char *real = external_side_path (path, "real.bin");
  char *link = external_side_path (path, "w.bin");

  write_weights (real, 4);
  g_assert_cmpint (symlink ("real.bin", link), ==, 0);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "symbolic link");
  g_free (link);
  g_free (real);
  g_free (path);
}

static void
test_external_symlink_to_device (void)
{
  char *path = external_model ("ext-devzero", "w.bin", NULL, NULL);
  char *link = external_side_path (path, "w.bin");

  g_assert_cmpint (symlink ("/dev/zero", link), ==, 0);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "symbolic link");
  g_free (link);
  g_free (path);
}

static void
test_external_symlinked_folder (void)
{
  char *path = external_model ("ext-linked-dir", "sub/w.bin", NULL, NULL);
  char *real_dir = external_side_path (path, "real-sub");
  char *real = external_side_path (path, "real-sub/w.bin");
  char *link = external_side_path (path, "sub");

  g_assert_cmpint (g_mkdir (real_dir, 0700), ==, 0);
  write_weights (real, 4);
  g_assert_cmpint (symlink ("real-sub", link), ==, 0);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "symbolic link");
  g_free (link);
  g_free (real);
  g_free (real_dir);
  g_free (path);
}

static void
test_external_fifo (void)
{
  char *path = external_model ("ext-fifo", "w.bin", NULL, NULL);
  char *fifo = external_side_path (path, "w.bin");

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "not a regular file");
  g_free (fifo);
  g_free (path);
}

static void
test_external_device (void)
{
  char *path = external_model ("ext-device", "w.bin", NULL, NULL);
  char *node = external_side_path (path, "w.bin");

  if (mknod (node, S_IFCHR | 0600, makedev (1, 5)) != 0)
    {
      int saved = errno;
      g_assert_true (saved == EPERM || saved == EACCES);
      g_test_skip ("mknod is not permitted here");
    }
  else
    expect_error (path, LT_ERR_INVALID_MODEL, "w", "not a regular file");
  g_free (node);
  g_free (path);
}

static void
test_external_past_end (void)
{
  char *path = external_model ("ext-past-end", "w.bin", "4", "16");
  char *side = external_side_path (path, "w.bin");

  write_weights (side, 4); /* 16 bytes: offset 4 + 16 runs 4 past the end */
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "runs past the end of 'w.bin'");
  g_free (path);

  path = external_model ("ext-offset-past-end", "w.bin", "100", NULL);
  g_free (side);
  side = external_side_path (path, "w.bin");
  write_weights (side, 4);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "offset 100 is past the end");
  g_free (path);

  path = external_model ("ext-short-file", "w.bin", NULL, NULL);
  g_free (side);
  side = external_side_path (path, "w.bin");
  write_weights (side, 2); /* 8 bytes for a 16-byte tensor */
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "runs past the end");
  g_free (path);

  path = external_model ("ext-bad-offset", "w.bin", "12abc", NULL);
  g_free (side);
  side = external_side_path (path, "w.bin");
  write_weights (side, 8);
  expect_error (path, LT_ERR_INVALID_MODEL, "w", "'offset' is not a non-negative integer");
  g_free (path);
  g_free (side);
}

/* ---- memory ------------------------------------------------------------ */

/* Runs last: nothing above may have needed much memory.  ASan's shadow
 * memory makes RSS meaningless there. */
static void
test_peak_memory (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("peak RSS is not meaningful under AddressSanitizer");
#else
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  g_test_message ("peak RSS: %ld KiB", usage.ru_maxrss);
  g_assert_cmpint (usage.ru_maxrss, <, 64 * 1024);
#endif
}

int
main (int   argc,
      char *argv[])
{
  GError *error = NULL;
  int     status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("lathe-import-bad-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/import/bad/valid-model-loads", test_valid_model_loads);
  g_test_add_func ("/import/bad/large-raw-data-values", test_large_raw_data_values);
  g_test_add_func ("/import/bad/empty-file", test_empty_file);
  g_test_add_func ("/import/bad/random-bytes", test_random_bytes);
  g_test_add_func ("/import/bad/truncated", test_truncated);
  g_test_add_func ("/import/bad/varint-past-end", test_varint_past_end);
  g_test_add_func ("/import/bad/length-past-end", test_length_past_end);
  g_test_add_func ("/import/bad/wrong-wire-type", test_wrong_wire_type);
  g_test_add_func ("/import/bad/scalar-wire-type", test_scalar_wire_type);
  g_test_add_func ("/import/bad/reserved-field", test_reserved_field);
  g_test_add_func ("/import/bad/nesting-bomb", test_nesting_bomb);
  g_test_add_func ("/import/bad/type-nesting-bomb", test_type_nesting_bomb);
  g_test_add_func ("/import/bad/mutations", test_mutations);
  g_test_add_func ("/import/bad/error-record-reused", test_error_record_reused);
  g_test_add_func ("/import/bad/ir-version-future", test_ir_version_future);
  g_test_add_func ("/import/bad/opset-future", test_opset_future);
  g_test_add_func ("/import/bad/opset-missing", test_opset_missing);
  g_test_add_func ("/import/bad/file-size-cap", test_file_size_cap);
  g_test_add_func ("/import/bad/node-cap", test_node_cap);
  g_test_add_func ("/import/bad/repeated-count-bombs", test_repeated_count_bombs);
  g_test_add_func ("/import/bad/dims-overflow", test_dims_overflow);
  g_test_add_func ("/import/bad/negative-dims", test_negative_dims);
  g_test_add_func ("/import/bad/rank-above-limit", test_rank_above_limit);
  g_test_add_func ("/import/bad/container-types", test_container_types);
  g_test_add_func ("/import/bad/raw-data-size", test_raw_data_size);
  g_test_add_func ("/import/bad/data-type-invalid", test_data_type_invalid);
  g_test_add_func ("/import/bad/typed-data", test_typed_data);
  g_test_add_func ("/import/bad/produced-twice", test_produced_twice);
  g_test_add_func ("/import/bad/input-not-produced", test_input_not_produced);
  g_test_add_func ("/import/bad/cycle", test_cycle);
  g_test_add_func ("/import/bad/unnamed-subjects", test_unnamed_subjects);
  g_test_add_func ("/import/bad/external/valid", test_external_valid);
  g_test_add_func ("/import/bad/external/absolute", test_external_absolute);
  g_test_add_func ("/import/bad/external/climbs-out", test_external_climbs_out);
  g_test_add_func ("/import/bad/external/symlink", test_external_symlink);
  g_test_add_func ("/import/bad/external/symlink-to-device", test_external_symlink_to_device);
  g_test_add_func ("/import/bad/external/symlinked-folder", test_external_symlinked_folder);
  g_test_add_func ("/import/bad/external/fifo", test_external_fifo);
  g_test_add_func ("/import/bad/external/device", test_external_device);
  g_test_add_func ("/import/bad/external/past-end", test_external_past_end);
  g_test_add_func ("/import/memory/peak-rss", test_peak_memory);

  status = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
