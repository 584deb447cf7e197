/* test-import-testdata.c — imports every model.onnx of Debian's
 * libonnx-testdata ($LATHE_ONNX_TESTDATA, searched recursively).
 *
 * Each file must load (LT_OK) or be refused with LT_ERR_UNSUPPORTED whose
 * subject and message name what is unsupported; any other status fails the
 * test with the file and the error.  Every loaded graph, subgraphs included,
 * is checked against the IR invariants of lt/graph.h.  The counts are
 * printed as TAP comments.
 */
#include <glib.h>
#include <lt/lt.h>

#include <string.h>

typedef struct import_counts
{
  guint       loaded;
  guint       unsupported;
  GHashTable *reasons; /* "subject: message" -> count, for the summary */
} import_counts;

static void
collect_models (const char *dir,
                GPtrArray  *paths)
{
  GDir       *d = g_dir_open (dir, 0, NULL);
  const char *entry;

  if (d == NULL)
    return;
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (dir, entry, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        collect_models (path, paths);
      else if (strcmp (entry, "model.onnx") == 0)
        {
          g_ptr_array_add (paths, path);
          continue;
        }
      g_free (path);
    }
  g_dir_close (d);
}

/* Asserts the invariants lt/graph.h promises after finalize, for `graph`
 * and, recursively, every subgraph held by its nodes' attributes. */
static void
check_graph (const lt_graph *graph,
             const char     *path)
{
  uint32_t       n_nodes = lt_graph_get_n_nodes (graph);
  uint32_t       n_values = lt_graph_get_n_values (graph);
  const int32_t *order = lt_graph_get_order (graph);
  int32_t       *position = g_new (int32_t, n_nodes ? n_nodes : 1);

  /* order is a permutation of the node ids */
  for (uint32_t n = 0; n < n_nodes; n++)
    position[n] = -1;
  for (uint32_t k = 0; k < n_nodes; k++)
    {
      if (order[k] < 0 || (uint32_t) order[k] >= n_nodes || position[order[k]] != -1)
        g_error ("%s: graph '%s': order[%u] = %d is not a permutation entry", path, lt_graph_get_name (graph), k,
                 order[k]);
      position[order[k]] = (int32_t) k;
    }

  for (uint32_t n = 0; n < n_nodes; n++)
    {
      const lt_node *node = lt_graph_get_node (graph, (int32_t) n);
      for (uint32_t i = 0; i < node->n_inputs; i++)
        {
          int32_t         id = node->inputs[i];
          const lt_value *v;
          if (id == -1)
            continue;
          v = lt_graph_get_value (graph, id);
          if (v == NULL)
            g_error ("%s: node %u input %u has invalid value id %d", path, n, i, id);
          if (v->producer >= 0 && position[v->producer] >= position[n])
            g_error ("%s: value '%s' is consumed by node %u before its producer %d runs", path, v->name, n,
                     v->producer);
        }
      for (uint32_t o = 0; o < node->n_outputs; o++)
        if (node->outputs[o] != -1 && lt_graph_get_value (graph, node->outputs[o]) == NULL)
          g_error ("%s: node %u output %u has invalid value id %d", path, n, o, node->outputs[o]);
      for (uint32_t a = 0; a < node->n_attrs; a++)
        {
          const lt_attr *attr = &node->attrs[a];
          if (attr->type == LT_ATTR_GRAPH)
            check_graph (attr->v.g, path);
          else if (attr->type == LT_ATTR_GRAPHS)
            for (uint32_t k = 0; k < attr->count; k++)
              check_graph (attr->v.graphs[k], path);
        }
    }

  for (uint32_t v = 0; v < n_values; v++)
    {
      const lt_value *value = lt_graph_get_value (graph, (int32_t) v);
      if (value->kind == LT_VALUE_INTERMEDIATE)
        {
          const lt_node *producer = lt_graph_get_node (graph, value->producer);
          gboolean       listed = FALSE;
          if (producer == NULL)
            g_error ("%s: intermediate value '%s' has no producer", path, value->name);
          for (uint32_t o = 0; o < producer->n_outputs; o++)
            listed |= producer->outputs[o] == (int32_t) v;
          if (!listed)
            g_error ("%s: value '%s' names producer %d, which does not output it", path, value->name,
                     value->producer);
        }
      else if (value->producer != -1)
        g_error ("%s: value '%s' is not intermediate but has producer %d", path, value->name, value->producer);
    }
  g_free (position);
}

static void
import_one (const char    *path,
            import_counts *counts)
{
  lt_model *model = NULL;
  lt_error  err;
  lt_status st;

  lt_error_clear (&err);
  st = lt_model_load (path, NULL, &model, &err);
  if (st == LT_OK)
    {
      g_assert_nonnull (model);
      check_graph (lt_model_get_graph (model), path);
      lt_model_unref (model);
      counts->loaded++;
      return;
    }
  g_assert_null (model);
  if (st != LT_ERR_UNSUPPORTED)
    {
      char text[1200];
      lt_error_format (&err, text, sizeof text);
      g_error ("%s: %s (%s)", path, text, lt_status_to_string (st));
    }
  if (err.subject[0] == '\0' || err.message[0] == '\0')
    g_error ("%s: refused as unsupported without naming what (subject '%s', message '%s')", path, err.subject,
             err.message);
  g_assert_cmpstr (err.file, ==, path);
  counts->unsupported++;
  {
    char *reason = g_strdup_printf ("%s: %s", err.subject, err.message);
    guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts->reasons, reason));
    g_hash_table_replace (counts->reasons, reason, GUINT_TO_POINTER (n + 1));
  }
}

static void
test_every_model (void)
{
  const char   *root = g_getenv ("LATHE_ONNX_TESTDATA");
  GPtrArray    *paths;
  import_counts counts = { 0 };

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("LATHE_ONNX_TESTDATA is not set or not a folder");
      return;
    }
  paths = g_ptr_array_new_with_free_func (g_free);
  collect_models (root, paths);
  g_assert_cmpuint (paths->len, >, 0);
  g_ptr_array_sort (paths, (GCompareFunc) g_strcmp0);

  counts.reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < paths->len; i++)
    import_one (g_ptr_array_index (paths, i), &counts);

  g_test_message ("%u model.onnx files: %u loaded, %u refused as unsupported", paths->len, counts.loaded,
                  counts.unsupported);
  {
    GHashTableIter iter;
    gpointer       reason, n;
    g_hash_table_iter_init (&iter, counts.reasons);
    while (g_hash_table_iter_next (&iter, &reason, &n))
      g_test_message ("  unsupported x%u: %s", GPOINTER_TO_UINT (n), (const char *) reason);
  }
  g_assert_cmpuint (counts.loaded + counts.unsupported, ==, paths->len);
  g_hash_table_unref (counts.reasons);
  g_ptr_array_unref (paths);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/testdata/every-model", test_every_model);
  return g_test_run ();
}
