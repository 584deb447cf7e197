/* lt-project-rows.c — reading encodings, placements and the backend
 * configuration, and the measurements a project accumulates: calibration
 * runs with their statistics, analysis and profile results, export history.
 *
 * Invariants: measurements are appended, never edited, so they are not in
 * the edit log; each append (a run with all its rows) is one transaction.
 * A stored value that does not decode (a BLOB of the wrong size, an
 * out-of-range enum) is reported as CORRUPT naming the tensor.
 */
#include "config.h"

#include "lt-project-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* ---- encodings, placements, backend configuration ------------------------ */

/* All rows of a query that takes no parameter. */
static GPtrArray *
query_all (LtProject         *self,
           const char        *sql,
           LtProjectRowReader read,
           GDestroyNotify     free_func,
           GError           **error)
{
  sqlite3_stmt *stmt = lt_project_prepare (self, sql, error);

  return stmt ? lt_project_collect_rows (self, stmt, read, free_func, error) : NULL;
}

#define ENCODING_COLUMNS "tensor, section, is_float, bitwidth, granularity, axis, block_size, symmetric, scale, offset"

static gpointer
encoding_from_row (LtProject    *self,
                   sqlite3_stmt *stmt,
                   GError      **error)
{
  const char *tensor = (const char *) sqlite3_column_text (stmt, 0);
  int         section = sqlite3_column_int (stmt, 1);
  int         granularity = sqlite3_column_int (stmt, 4);
  int         scale_bytes = sqlite3_column_bytes (stmt, 8);
  guint       n = (guint) MAX (scale_bytes, 0) / sizeof (float);
  g_autoptr (LtProjectEncoding) encoding = NULL;

  if (section < LT_PROJECT_SECTION_ACTIVATION ||
      section > LT_PROJECT_SECTION_PARAM ||
      granularity < LT_PROJECT_GRANULARITY_PER_TENSOR ||
      granularity > LT_PROJECT_GRANULARITY_PER_BLOCK)
    goto invalid;
  encoding = lt_project_encoding_new (tensor, (LtProjectSection) section, n);
  encoding->is_float = sqlite3_column_int (stmt, 2);
  encoding->bitwidth = (guint) sqlite3_column_int (stmt, 3);
  encoding->granularity = (LtProjectGranularity) granularity;
  encoding->axis = sqlite3_column_int (stmt, 5);
  encoding->block_size = (guint) sqlite3_column_int (stmt, 6);
  encoding->symmetric = sqlite3_column_int (stmt, 7);
  if (n == 0 ||
      !lt_project_unpack_f32 (sqlite3_column_blob (stmt, 8), scale_bytes, encoding->scale, n) ||
      !lt_project_unpack_i32 (sqlite3_column_blob (stmt, 9), sqlite3_column_bytes (stmt, 9), encoding->offset, n))
    goto invalid;
  return g_steal_pointer (&encoding);

invalid:
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
               _("“%s” holds a malformed encoding for tensor “%s”"), self->display_name, tensor);
  return NULL;
}

LtProjectEncoding *
lt_project_get_encoding (LtProject       *self,
                         const char      *tensor,
                         LtProjectSection section,
                         GError         **error)
{
  sqlite3_stmt *stmt = lt_project_prepare_cached (self, "SELECT " ENCODING_COLUMNS " FROM encodings WHERE tensor = ? AND section = ?", error);

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, tensor, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, section);
  return lt_project_collect_one (self, stmt, encoding_from_row, (GDestroyNotify) lt_project_encoding_free, error);
}

GPtrArray *
lt_project_list_encodings (LtProject *self,
                           GError   **error)
{
  return query_all (self, "SELECT " ENCODING_COLUMNS " FROM encodings ORDER BY section, tensor",
                    encoding_from_row, (GDestroyNotify) lt_project_encoding_free, error);
}

static gpointer
placement_from_row (LtProject    *self,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  (void) self, (void) error;
  return lt_project_placement_new ((const char *) sqlite3_column_text (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1), sqlite3_column_int (stmt, 2));
}

LtProjectPlacement *
lt_project_get_placement (LtProject  *self,
                          const char *node,
                          GError    **error)
{
  sqlite3_stmt *stmt = lt_project_prepare_cached (self, "SELECT node, backend, pinned FROM placements WHERE node = ?", error);

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, node, -1, SQLITE_STATIC);
  return lt_project_collect_one (self, stmt, placement_from_row, (GDestroyNotify) lt_project_placement_free, error);
}

GPtrArray *
lt_project_list_placements (LtProject *self,
                            GError   **error)
{
  return query_all (self, "SELECT node, backend, pinned FROM placements ORDER BY node",
                    placement_from_row, (GDestroyNotify) lt_project_placement_free, error);
}

static gpointer
text_from_row (LtProject    *self,
               sqlite3_stmt *stmt,
               GError      **error)
{
  (void) self, (void) error;
  return lt_project_column_dup (stmt, 0);
}

char *
lt_project_get_backend_config (LtProject *self,
                               GError   **error)
{
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT value FROM settings WHERE key = 'backend_config'", error);

  if (!stmt)
    return NULL;
  return lt_project_collect_one (self, stmt, text_from_row, g_free, error);
}

/* ---- measurements --------------------------------------------------------- */

/* Inserts a run row, then one row per item with `bind_item`, in one
 * transaction; `*run_id` gets the run's id. */
typedef void (*BindItem) (sqlite3_stmt *stmt,
                          gint64        run_id,
                          gconstpointer item);

static gboolean
append_run (LtProject         *self,
            sqlite3_stmt      *insert_run,
            const char        *insert_item_sql,
            BindItem           bind_item,
            gconstpointer     *items,
            guint              n_items,
            const char        *kind,
            const char *const *subjects,
            gint64            *run_id,
            GError           **error)
{
  sqlite3_stmt *insert_item = lt_project_prepare (self, insert_item_sql, error);
  gboolean      ok = insert_item && lt_project_step_done (self, insert_run, _("save"), error);

  *run_id = sqlite3_last_insert_rowid (self->db);
  for (guint i = 0; ok && i < n_items; i++)
    {
      bind_item (insert_item, *run_id, items[i]);
      ok = lt_project_step_done (self, insert_item, _("save"), error);
    }
  sqlite3_finalize (insert_run);
  sqlite3_finalize (insert_item);
  return lt_project_finish_change (self, ok, kind, subjects, error);
}

static void
bind_stats (sqlite3_stmt *stmt,
            gint64        run_id,
            gconstpointer item)
{
  const LtProjectTensorStats *stats = item;
  guint64                    *bins = g_new (guint64, stats->n_bins);

  for (guint b = 0; b < stats->n_bins; b++)
    bins[b] = GUINT64_TO_LE (stats->bins[b]);
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, stats->tensor, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, stats->min);
  sqlite3_bind_double (stmt, 4, stats->max);
  sqlite3_bind_double (stmt, 5, stats->hist_min);
  sqlite3_bind_double (stmt, 6, stats->hist_max);
  sqlite3_bind_blob (stmt, 7, bins, (int) (sizeof (guint64) * stats->n_bins), g_free);
}

gboolean
lt_project_add_calibration (LtProject                   *self,
                            const LtProjectCalibration  *run,
                            const LtProjectTensorStats **stats,
                            guint                        n_stats,
                            gint64                      *id,
                            GError                     **error)
{
  g_autofree char *date = lt_project_now ();
  sqlite3_stmt    *insert_run;
  gint64           run_id;

  if (!lt_project_begin (self, error))
    return FALSE;
  insert_run = lt_project_prepare (self, "INSERT INTO calibration_runs (dataset, method, options, date) VALUES (?, ?, ?, ?)", error);
  if (!insert_run)
    return lt_project_finish_change (self, FALSE, NULL, NULL, error);
  sqlite3_bind_text (insert_run, 1, run->dataset ? run->dataset : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_run, 2, run->method ? run->method : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_run, 3, run->options ? run->options : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_run, 4, date, -1, SQLITE_STATIC);
  if (!append_run (self, insert_run, "INSERT INTO tensor_stats VALUES (?, ?, ?, ?, ?, ?, ?)", bind_stats,
                   (gconstpointer *) stats, n_stats, "calibration", NULL, &run_id, error))
    return FALSE;
  if (id)
    *id = run_id;
  return TRUE;
}

static gpointer
calibration_from_row (LtProject    *self,
                      sqlite3_stmt *stmt,
                      GError      **error)
{
  LtProjectCalibration *run = g_new0 (LtProjectCalibration, 1);

  (void) self, (void) error;
  run->id = sqlite3_column_int64 (stmt, 0);
  run->dataset = lt_project_column_dup (stmt, 1);
  run->method = lt_project_column_dup (stmt, 2);
  run->options = lt_project_column_dup (stmt, 3);
  run->date = lt_project_column_dup (stmt, 4);
  return run;
}

GPtrArray *
lt_project_list_calibrations (LtProject *self,
                              GError   **error)
{
  return query_all (self, "SELECT id, dataset, method, options, date FROM calibration_runs ORDER BY id",
                    calibration_from_row, (GDestroyNotify) lt_project_calibration_free, error);
}

static gpointer
stats_from_row (LtProject    *self,
                sqlite3_stmt *stmt,
                GError      **error)
{
  const guint8         *blob = sqlite3_column_blob (stmt, 5);
  int                   n_bytes = sqlite3_column_bytes (stmt, 5);
  LtProjectTensorStats *stats;

  if (n_bytes % sizeof (guint64) != 0)
    {
      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_CORRUPT,
                   _("“%s” holds a malformed histogram for tensor “%s”"), self->display_name, sqlite3_column_text (stmt, 0));
      return NULL;
    }
  stats = lt_project_tensor_stats_new ((const char *) sqlite3_column_text (stmt, 0), (guint) (n_bytes / sizeof (guint64)));
  stats->min = sqlite3_column_double (stmt, 1);
  stats->max = sqlite3_column_double (stmt, 2);
  stats->hist_min = sqlite3_column_double (stmt, 3);
  stats->hist_max = sqlite3_column_double (stmt, 4);
  for (guint b = 0; b < stats->n_bins; b++)
    {
      guint64 word;

      memcpy (&word, blob + sizeof word * b, sizeof word);
      stats->bins[b] = GUINT64_FROM_LE (word);
    }
  return stats;
}

GPtrArray *
lt_project_get_statistics (LtProject *self,
                           gint64     run_id,
                           GError   **error)
{
  sqlite3_stmt *stmt = lt_project_prepare (self, "SELECT tensor, min, max, hist_min, hist_max, bins FROM tensor_stats WHERE run_id = ? ORDER BY tensor", error);

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  return lt_project_collect_rows (self, stmt, stats_from_row, (GDestroyNotify) lt_project_tensor_stats_free, error);
}

static const char *
results_kind_name (LtProjectResultsKind kind)
{
  return kind == LT_PROJECT_RESULTS_PROFILE ? "profile" : "analysis";
}

static void
bind_metric (sqlite3_stmt *stmt,
             gint64        run_id,
             gconstpointer item)
{
  const LtProjectMetric *metric = item;

  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, metric->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, metric->metric, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 4, metric->value);
}

gboolean
lt_project_add_results (LtProject              *self,
                        LtProjectResultsKind    kind,
                        const char             *label,
                        const LtProjectMetric **metrics,
                        guint                   n_metrics,
                        gint64                 *id,
                        GError                **error)
{
  g_autofree char *date = lt_project_now ();
  sqlite3_stmt    *insert_run;
  gint64           run_id;

  if (!lt_project_begin (self, error))
    return FALSE;
  insert_run = lt_project_prepare (self, "INSERT INTO result_runs (kind, label, date) VALUES (?, ?, ?)", error);
  if (!insert_run)
    return lt_project_finish_change (self, FALSE, NULL, NULL, error);
  sqlite3_bind_text (insert_run, 1, results_kind_name (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_run, 2, label ? label : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_run, 3, date, -1, SQLITE_STATIC);
  if (!append_run (self, insert_run, "INSERT OR REPLACE INTO result_values VALUES (?, ?, ?, ?)", bind_metric,
                   (gconstpointer *) metrics, n_metrics, results_kind_name (kind), NULL, &run_id, error))
    return FALSE;
  if (id)
    *id = run_id;
  return TRUE;
}

static gpointer
metric_from_row (LtProject    *self,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  LtProjectMetric *metric = g_new0 (LtProjectMetric, 1);

  (void) self, (void) error;
  metric->subject = lt_project_column_dup (stmt, 0);
  metric->metric = lt_project_column_dup (stmt, 1);
  metric->value = sqlite3_column_double (stmt, 2);
  return metric;
}

GPtrArray *
lt_project_get_latest_results (LtProject           *self,
                               LtProjectResultsKind kind,
                               GError             **error)
{
  sqlite3_stmt *stmt = lt_project_prepare (self,
                                           "SELECT subject, metric, value FROM result_values WHERE run_id ="
                                           " (SELECT max(id) FROM result_runs WHERE kind = ?) ORDER BY subject, metric",
                                           error);

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, results_kind_name (kind), -1, SQLITE_STATIC);
  return lt_project_collect_rows (self, stmt, metric_from_row, (GDestroyNotify) lt_project_metric_free, error);
}

gboolean
lt_project_add_export (LtProject  *self,
                       const char *destination,
                       const char *sha256,
                       GError    **error)
{
  g_autofree char *date = lt_project_now ();
  const char      *subjects[] = { destination, NULL };
  sqlite3_stmt    *stmt;
  gboolean         ok;

  if (!lt_project_begin (self, error))
    return FALSE;
  stmt = lt_project_prepare (self, "INSERT INTO exports (date, destination, sha256) VALUES (?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, date, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, destination, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, sha256, -1, SQLITE_STATIC);
      ok = lt_project_step_done (self, stmt, _("save"), error);
    }
  sqlite3_finalize (stmt);
  return lt_project_finish_change (self, ok, "export", subjects, error);
}

static gpointer
export_from_row (LtProject    *self,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  LtProjectExport *export_ = g_new0 (LtProjectExport, 1);

  (void) self, (void) error;
  export_->id = sqlite3_column_int64 (stmt, 0);
  export_->date = lt_project_column_dup (stmt, 1);
  export_->destination = lt_project_column_dup (stmt, 2);
  export_->sha256 = lt_project_column_dup (stmt, 3);
  return export_;
}

GPtrArray *
lt_project_list_exports (LtProject *self,
                         GError   **error)
{
  return query_all (self, "SELECT id, date, destination, sha256 FROM exports ORDER BY id",
                    export_from_row, (GDestroyNotify) lt_project_export_free, error);
}
