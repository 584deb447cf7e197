/* bench-layout.c — times lt_graph_layout on DOT graphs and counts crossings
 *
 * Usage: bench-layout FILE.dot…
 * Reads the subset of DOT that make-graphs.py writes (one `a -> b;` per
 * line; node statements are skipped), lays each graph out three times with
 * boxes of a typical node size, and prints the best time and the crossings:
 * per edge (each edge through its own bends, as dot counts) and as drawn
 * (a crossing on a shared trunk once).
 */
#include "lt-graph-layout.h"

#include <glib.h>
#include <stdio.h>

static gboolean
read_dot (const char *path,
          GArray     *sources,
          GArray     *targets,
          guint      *n_nodes)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) ends = NULL;
      guint id[2];

      if (strstr (lines[i], "->") == NULL)
        continue;
      ends = g_strsplit (lines[i], "->", 2);
      for (int k = 0; k < 2; k++)
        {
          char    *name = g_strstrip (g_strdelimit (ends[k], ";\"", ' '));
          gpointer value;

          if (!g_hash_table_lookup_extended (ids, name, NULL, &value))
            {
              value = GUINT_TO_POINTER (g_hash_table_size (ids));
              g_hash_table_insert (ids, g_strdup (name), value);
            }
          id[k] = GPOINTER_TO_UINT (value);
        }
      g_array_append_val (sources, id[0]);
      g_array_append_val (targets, id[1]);
    }
  *n_nodes = g_hash_table_size (ids);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  printf ("%-24s %7s %7s %10s %10s %10s\n", "graph", "nodes", "edges", "best ms", "crossings", "drawn");
  for (int a = 1; a < argc; a++)
    {
      g_autoptr (GArray) sources = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr (GArray) targets = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *base = g_path_get_basename (argv[a]);
      guint    n_nodes = 0;
      double   best = G_MAXDOUBLE;
      uint64_t crossings = 0;
      uint64_t drawn = 0;

      if (!read_dot (argv[a], sources, targets, &n_nodes))
        return 1;
      for (int run = 0; run < 3; run++)
        {
          lt_graph_layout *layout = lt_graph_layout_new (n_nodes);
          lt_error         err;
          gint64           start;

          for (guint i = 0; i < n_nodes; i++)
            lt_graph_layout_set_node_size (layout, i, 140, 44);
          for (guint e = 0; e < sources->len; e++)
            lt_graph_layout_add_edge (layout, g_array_index (sources, guint, e),
                                      g_array_index (targets, guint, e), NULL, NULL);
          start = g_get_monotonic_time ();
          if (lt_graph_layout_run (layout, NULL, NULL, &err) != LT_OK)
            {
              g_printerr ("%s: %s\n", argv[a], err.message);
              return 1;
            }
          best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
          crossings = lt_graph_layout_count_crossings (layout, true);
          drawn = lt_graph_layout_count_crossings (layout, false);
          lt_graph_layout_free (layout);
        }
      printf ("%-24s %7u %7u %10.1f %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT "\n",
              base, n_nodes, sources->len, best, crossings, drawn);
    }
  return 0;
}
