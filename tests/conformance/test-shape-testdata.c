/* test-shape-testdata.c — shape inference over every model of ONNX's test
 * data (Debian's libonnx-testdata).
 *
 * Each model is loaded and inferred (non-strict) with the input types, and
 * for small inputs the contents, of its test_data_set_0; every graph output
 * whose inferred and declared shapes are both fully known must agree.
 * Disagreements and errors other than LT_ERR_UNSUPPORTED fail the test
 * unless shape-testdata-expected.txt lists the model with a reason.  The
 * counts are printed: outputs that agree, disagree, could not be inferred
 * (unknown ops, data-dependent sizes), or were inferred where the file
 * declares no full shape to compare with.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <lt/lt.h>

#include "onnx/onnx.pb-c.h"

#include <string.h>

typedef struct counts
{
  guint models, agree, disagree, unknown, undeclared, errors, expected_failures;
} counts;

/* One test input: its type and, when the file carries raw or int64 data,
 * its contents. */
typedef struct loaded_input
{
  Onnx__TensorProto *proto;
  lt_tensor          tensor;
} loaded_input;

static gboolean
load_input (const char    *path,
            loaded_input  *in,
            lt_value_type *type)
{
  g_autofree char *bytes = NULL;
  gsize            len;
  lt_shape         shape;

  if (!g_file_get_contents (path, &bytes, &len, NULL))
    return FALSE;
  in->proto = onnx__tensor_proto__unpack (NULL, len, (const uint8_t *) bytes);
  if (in->proto == NULL || in->proto->n_dims > LT_MAX_RANK || !lt_dtype_is_valid (in->proto->data_type))
    return FALSE;
  lt_shape_set (&shape, (int32_t) in->proto->n_dims, in->proto->dims);
  type->dtype = (lt_dtype) in->proto->data_type;
  type->shape = shape;
  type->data = NULL;

  memset (&in->tensor, 0, sizeof in->tensor);
  in->tensor.name = "";
  in->tensor.dtype = type->dtype;
  in->tensor.rank = (int32_t) in->proto->n_dims;
  if (in->proto->n_dims)
    memcpy (in->tensor.dims, in->proto->dims, in->proto->n_dims * sizeof (int64_t));
  if (!lt_shape_count (&shape, &in->tensor.count) || in->tensor.count > 64 || type->dtype == LT_DTYPE_STRING)
    return TRUE;
  if (in->proto->has_raw_data && in->proto->raw_data.len * 8 == in->tensor.count * lt_dtype_bits (type->dtype))
    {
      in->tensor.data = in->proto->raw_data.data;
      in->tensor.nbytes = in->proto->raw_data.len;
    }
  else if (type->dtype == LT_DTYPE_I64 && in->proto->n_int64_data == in->tensor.count)
    {
      in->tensor.data = in->proto->int64_data;
      in->tensor.nbytes = in->tensor.count * 8;
    }
  else if (type->dtype == LT_DTYPE_F32 && in->proto->n_float_data == in->tensor.count)
    {
      in->tensor.data = in->proto->float_data;
      in->tensor.nbytes = in->tensor.count * 4;
    }
  if (in->tensor.data || in->tensor.count == 0)
    type->data = &in->tensor;
  return TRUE;
}

static gboolean
shapes_known (const lt_shape *s)
{
  uint64_t count;
  return lt_shape_count (s, &count);
}

static gboolean
shapes_equal (const lt_shape *a,
              const lt_shape *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int32_t d = 0; d < a->rank; d++)
    if (a->dims[d].size != b->dims[d].size)
      return FALSE;
  return TRUE;
}

/* Infers one model; returns a description of the problem, or NULL. */
static char *
check_model (const char *dir,
             counts     *c)
{
  g_autofree char    *path = g_build_filename (dir, "model.onnx", NULL);
  lt_model           *model = NULL;
  lt_error            err;
  const lt_graph     *graph;
  const int32_t      *in_ids, *out_ids;
  uint32_t            n_in, n_out, next_file = 0;
  lt_value_type      *types;
  loaded_input       *loaded;
  lt_shape_inference *si;
  lt_status           st;
  GString            *problem = NULL;

  lt_error_clear (&err);
  if (lt_model_load (path, NULL, &model, &err) != LT_OK)
    return g_strdup_printf ("load failed: %s", err.message);
  graph = lt_model_get_graph (model);
  in_ids = lt_graph_get_inputs (graph, &n_in);
  out_ids = lt_graph_get_outputs (graph, &n_out);
  types = g_new0 (lt_value_type, n_in + 1);
  loaded = g_new0 (loaded_input, n_in + 1);
  /* test inputs feed the graph inputs that have no initializer, in order */
  for (uint32_t k = 0; k < n_in; k++)
    {
      g_autofree char *name = NULL, *file = NULL;
      if (lt_graph_get_value (graph, in_ids[k])->constant)
        continue;
      /* a sequence's or optional's file is not a TensorProto: its
       * declared type is inferred from */
      if (lt_graph_get_value (graph, in_ids[k])->type_kind != LT_TYPE_TENSOR)
        {
          next_file++;
          continue;
        }
      name = g_strdup_printf ("input_%u.pb", next_file++);
      file = g_build_filename (dir, "test_data_set_0", name, NULL);
      if (g_file_test (file, G_FILE_TEST_EXISTS) && !load_input (file, &loaded[k], &types[k]))
        types[k].dtype = LT_DTYPE_UNDEFINED;
    }

  si = lt_shape_inference_new (graph);
  g_assert_nonnull (si);
  st = lt_shape_inference_run (si, types, false, &err);
  if (st != LT_OK && st != LT_ERR_UNSUPPORTED)
    {
      c->errors++;
      problem = g_string_new (NULL);
      g_string_printf (problem, "%s: %s: %s", lt_status_to_string (st), err.subject, err.message);
    }
  else
    for (uint32_t o = 0; o < n_out; o++)
      {
        const lt_value      *v = lt_graph_get_value (graph, out_ids[o]);
        const lt_value_type *t = lt_shape_inference_get (si, out_ids[o]);

        if (lt_shape_inference_is_inferred (si, out_ids[o]) && shapes_known (&t->shape) && !shapes_known (&v->shape))
          c->undeclared++;
        else if (!lt_shape_inference_is_inferred (si, out_ids[o]) || !shapes_known (&t->shape))
          {
            c->unknown++;
            if (g_test_verbose () && v->producer >= 0)
              g_test_message ("%s: output '%s' of %s not compared", dir, v->name,
                              lt_graph_get_node (graph, v->producer)->op_type);
          }
        else if (shapes_equal (&t->shape, &v->shape) && (v->dtype == LT_DTYPE_UNDEFINED || v->dtype == t->dtype))
          c->agree++;
        else
          {
            char a[128], b[128];
            c->disagree++;
            lt_shape_format (&t->shape, a, sizeof a);
            lt_shape_format (&v->shape, b, sizeof b);
            if (problem == NULL)
              problem = g_string_new (NULL);
            g_string_append_printf (problem, "output '%s': inferred %s %s, declared %s %s; ", v->name,
                                    lt_dtype_name (t->dtype), a, lt_dtype_name (v->dtype), b);
          }
      }

  lt_shape_inference_free (si);
  for (uint32_t k = 0; k < n_in; k++)
    if (loaded[k].proto)
      onnx__tensor_proto__free_unpacked (loaded[k].proto, NULL);
  g_free (loaded);
  g_free (types);
  lt_model_unref (model);
  return problem ? g_string_free (problem, FALSE) : NULL;
}

/* Expected failures: "<folder relative to the test data> <reason>" lines. */
static GHashTable *
load_expectations (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("LATHE_SOURCE_DIR"), "tests", "conformance",
                                            "shape-testdata-expected.txt", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *space;
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      space = strchr (lines[i], ' ');
      g_assert_nonnull (space); /* every entry needs a reason */
      g_hash_table_insert (table, g_strndup (lines[i], (gsize) (space - lines[i])), g_strdup (space + 1));
    }
  return table;
}

static void
test_testdata (void)
{
  const char *root = g_getenv ("LATHE_ONNX_TESTDATA");
  const char *groups[] = { "node", "pytorch-converted", "pytorch-operator", "real", "simple" };
  g_autoptr (GHashTable) expected = load_expectations ();
  counts c = { 0 };
  guint  unexpected = 0;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("LATHE_ONNX_TESTDATA is not a folder");
      return;
    }
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autofree char *group_dir = g_build_filename (root, groups[g], NULL);
      g_autoptr (GDir) d = g_dir_open (group_dir, 0, NULL);
      const char *name;

      if (d == NULL)
        continue;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *dir = g_build_filename (group_dir, name, NULL);
          g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
          g_autofree char *key = g_build_filename (groups[g], name, NULL);
          g_autofree char *problem = NULL;

          if (!g_file_test (model, G_FILE_TEST_EXISTS))
            continue;
          c.models++;
          problem = check_model (dir, &c);
          if (problem == NULL)
            continue;
          if (g_hash_table_contains (expected, key))
            {
              c.expected_failures++;
              continue;
            }
          unexpected++;
          g_printerr ("%s: %s\n", key, problem);
        }
    }
  g_test_message ("%u models: %u outputs agree, %u disagree, %u not inferred, %u inferred but not declared; "
                  "%u errors; %u listed as expected",
                  c.models, c.agree, c.disagree, c.unknown, c.undeclared, c.errors, c.expected_failures);
  g_assert_cmpuint (c.models, >, 0);
  g_assert_cmpuint (unexpected, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shape/testdata", test_testdata);
  return g_test_run ();
}
