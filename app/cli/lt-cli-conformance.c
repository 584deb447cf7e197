/* lt-cli-conformance.c — `lathe-cli conformance DIR…`: runs ONNX backend
 * test folders and prints a per-op table and a total.
 *
 * A DIR is one test folder (it has model.onnx) or a folder of them.  With
 * --expected FILE, only failures not listed in FILE count (exit 3), and
 * listed cases that now pass are reported; --write-expected FILE writes the
 * current failures with their reasons (with --expected too, a case that
 * still fails keeps the reason the old list gave it, so hand-written
 * explanations survive regeneration).  The list format is one case per
 * line: its name ("node/test_add"), a space, the reason; '#' starts a
 * comment line.
 */
#include "lt-cli-common.h"

#include "lt-conformance.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  char *op;
  guint cases;
  guint passed;
} op_row;

static void
op_row_free (op_row *row)
{
  g_free (row->op);
  g_free (row);
}

static int
compare_rows (const void *a,
              const void *b)
{
  return strcmp ((*(op_row *const *) a)->op, (*(op_row *const *) b)->op);
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Test folders under each argument, sorted within each argument. */
static GPtrArray *
find_cases (char   **dirs,
            int      n_dirs,
            GError **error)
{
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < n_dirs; i++)
    {
      g_autofree char *model = g_build_filename (dirs[i], "model.onnx", NULL);
      g_autoptr (GDir) dir = NULL;
      g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (g_file_test (model, G_FILE_TEST_IS_REGULAR))
        {
          g_ptr_array_add (cases, g_strdup (dirs[i]));
          continue;
        }
      dir = g_dir_open (dirs[i], 0, error);
      if (dir == NULL)
        return NULL;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *sub = g_build_filename (dirs[i], name, "model.onnx", NULL);
          if (g_file_test (sub, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add (found, g_build_filename (dirs[i], name, NULL));
        }
      g_ptr_array_sort (found, compare_names);
      for (guint k = 0; k < found->len; k++)
        g_ptr_array_add (cases, g_strdup (g_ptr_array_index (found, k)));
    }
  return g_steal_pointer (&cases);
}

/* Reads an expectation list into name → reason. */
static GHashTable *
read_expected (const char *path,
               GError    **error)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *expected;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *space;
      if (line[0] == '\0' || line[0] == '#')
        continue;
      space = strchr (line, ' ');
      g_hash_table_replace (expected, g_strndup (line, space ? (gsize) (space - line) : strlen (line)),
                            g_strdup (space ? g_strstrip (space + 1) : ""));
    }
  return expected;
}

static gboolean
write_expected (const char *path,
                GPtrArray  *results,
                GHashTable *previous,
                GError    **error)
{
  g_autoptr (GString) text = g_string_new ("# ONNX backend test cases expected to fail, with the reason.\n"
                                           "# Regenerate with: lathe-cli conformance --write-expected FILE DIR...\n");

  for (guint i = 0; i < results->len; i++)
    {
      LtConformanceCase *c = g_ptr_array_index (results, i);
      if (!c->passed)
        {
          /* One line per case: newlines in a reason would break the format. */
          const char      *kept = previous != NULL ? g_hash_table_lookup (previous, c->name) : NULL;
          g_autofree char *reason = g_strdelimit (g_strdup (kept != NULL && kept[0] != '\0' ? kept : c->reason), "\r\n", ' ');
          g_string_append_printf (text, "%s %s\n", c->name, reason);
        }
    }
  return g_file_set_contents (path, text->str, (gssize) text->len, error);
}

static GPtrArray *
tabulate_ops (GPtrArray *results)
{
  g_autoptr (GHashTable) by_op = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) op_row_free);

  for (guint i = 0; i < results->len; i++)
    {
      LtConformanceCase *c = g_ptr_array_index (results, i);
      for (guint k = 0; k < c->ops->len; k++)
        {
          const char *op = g_ptr_array_index (c->ops, k);
          op_row     *row = g_hash_table_lookup (by_op, op);
          if (row == NULL)
            {
              row = g_new0 (op_row, 1);
              row->op = g_strdup (op);
              g_hash_table_insert (by_op, row->op, row);
              g_ptr_array_add (rows, row);
            }
          row->cases++;
          row->passed += c->passed;
        }
    }
  g_ptr_array_sort (rows, compare_rows);
  return rows;
}

static void
print_json (GPtrArray  *results,
            GPtrArray  *rows,
            GHashTable *expected)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *cases = cJSON_AddArrayToObject (root, "cases");
  cJSON *ops = cJSON_AddArrayToObject (root, "ops");
  guint  passed = 0, unexpected = 0, now_passing = 0;
  char  *text;

  for (guint i = 0; i < results->len; i++)
    {
      LtConformanceCase *c = g_ptr_array_index (results, i);
      cJSON             *item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "name", c->name);
      cJSON_AddBoolToObject (item, "passed", c->passed);
      if (c->reason != NULL)
        cJSON_AddStringToObject (item, "reason", c->reason);
      if (expected != NULL)
        {
          gboolean listed = g_hash_table_contains (expected, c->name);
          cJSON_AddBoolToObject (item, "expected_to_fail", listed);
          unexpected += !c->passed && !listed;
          now_passing += c->passed && listed;
        }
      cJSON_AddItemToArray (cases, item);
      passed += c->passed;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      op_row *row = g_ptr_array_index (rows, i);
      cJSON  *item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "op", row->op);
      cJSON_AddNumberToObject (item, "cases", row->cases);
      cJSON_AddNumberToObject (item, "passed", row->passed);
      cJSON_AddNumberToObject (item, "failed", row->cases - row->passed);
      cJSON_AddItemToArray (ops, item);
    }
  cJSON *total = cJSON_AddObjectToObject (root, "total");
  cJSON_AddNumberToObject (total, "cases", results->len);
  cJSON_AddNumberToObject (total, "passed", passed);
  cJSON_AddNumberToObject (total, "failed", results->len - passed);
  if (expected != NULL)
    {
      cJSON_AddNumberToObject (total, "unexpected_failures", unexpected);
      cJSON_AddNumberToObject (total, "now_passing", now_passing);
    }
  text = cJSON_Print (root);
  printf ("%s\n", text);
  cJSON_free (text);
  cJSON_Delete (root);
}

static void
print_text (GPtrArray  *results,
            GPtrArray  *rows,
            GHashTable *expected)
{
  guint passed = 0;

  lt_cli_print_cells ((LtCliCell[]){ { _("op"), 28, FALSE },
                                      { _("cases"), 7, TRUE },
                                      { _("passed"), 7, TRUE },
                                      { _("failed"), 7, TRUE } },
                      4, " ");
  printf ("\n");
  for (guint i = 0; i < rows->len; i++)
    {
      op_row *row = g_ptr_array_index (rows, i);
      printf ("%-28s %7u %7u %7u\n", row->op, row->cases, row->passed, row->cases - row->passed);
    }
  printf ("\n");
  for (guint i = 0; i < results->len; i++)
    {
      LtConformanceCase *c = g_ptr_array_index (results, i);
      gboolean           listed = expected != NULL && g_hash_table_contains (expected, c->name);
      passed += c->passed;
      if (!c->passed && expected == NULL)
        printf (_("FAIL %s: %s\n"), c->name, c->reason);
      else if (!c->passed && !listed)
        printf (_("UNEXPECTED FAIL %s: %s\n"), c->name, c->reason);
      else if (c->passed && listed)
        printf (_("NOW PASSING (remove it from the list) %s\n"), c->name);
    }
  printf (_("total: %u cases, %u passed, %u failed\n"), results->len, passed, results->len - passed);
}

int
lt_cli_conformance (int    argc,
                    char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) dirs = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_conformance_case_free);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GHashTable) expected = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *write_path = NULL;
  gboolean         json = FALSE;
  gint             n_threads = 1;
  gboolean         progress = isatty (STDERR_FILENO);
  guint            failures = 0;
  const GOptionEntry entries[] = {
    { "expected", 0, 0, G_OPTION_ARG_FILENAME, &expected_path, N_("Cases listed in FILE may fail"), N_("FILE") },
    { "write-expected", 0, 0, G_OPTION_ARG_FILENAME, &write_path, N_("Write the failing cases and their reasons to FILE"), N_("FILE") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, N_("Threads kernels may use (default 1)"), N_("N") },
    { NULL },
  };

  context = lt_cli_context_new (_("DIR…"), _("Run ONNX backend test folders and compare with their expected outputs."), &json);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lt_cli_parse (context, &argc, &argv))
    return LT_CLI_EXIT_USAGE;
  if (argc < 2)
    return lt_cli_usage (context, _("expected at least one DIR"));
  if (n_threads < 1)
    return lt_cli_usage (context, _("--threads must be at least 1"));
  if (expected_path != NULL && (expected = read_expected (expected_path, &error)) == NULL)
    return lt_cli_fail (error);
  dirs = find_cases (argv + 1, argc - 1, &error);
  if (dirs == NULL)
    return lt_cli_fail (error);

  for (guint i = 0; i < dirs->len; i++)
    {
      if (progress)
        fprintf (stderr, "\r[%u/%u] ", i + 1, dirs->len);
      g_ptr_array_add (results, lt_conformance_case_run (g_ptr_array_index (dirs, i), (guint) n_threads));
    }
  if (progress)
    fprintf (stderr, "\r\033[K");

  rows = tabulate_ops (results);
  if (json)
    print_json (results, rows, expected);
  else
    print_text (results, rows, expected);
  if (write_path != NULL && !write_expected (write_path, results, expected, &error))
    return lt_cli_fail (error);

  for (guint i = 0; i < results->len; i++)
    {
      LtConformanceCase *c = g_ptr_array_index (results, i);
      failures += !c->passed && (expected == NULL || !g_hash_table_contains (expected, c->name));
    }
  return failures > 0 ? LT_CLI_EXIT_MISMATCH : LT_CLI_EXIT_OK;
}
