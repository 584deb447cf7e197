/* lt-project-analysis.c — an analysis report as project metrics (see
 * lt-project-analysis.h). */
#include "lt-project-analysis.h"

static void
add_metric (GPtrArray  *metrics,
            const char *subject,
            const char *metric,
            double      value)
{
  LtProjectMetric *m = g_new0 (LtProjectMetric, 1);

  m->subject = g_strdup (subject);
  m->metric = g_strdup (metric);
  m->value = value;
  g_ptr_array_add (metrics, m);
}

gboolean
lt_project_record_analysis (LtProject              *project,
                            const LtAnalysisReport *report,
                            const char             *dataset,
                            gint64                 *id,
                            GError                **error)
{
  g_autoptr (GPtrArray) metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_metric_free);
  g_autofree char *label = g_strdup_printf ("mode=%s backend=%s data=%s", lt_analysis_mode_to_string (report->mode),
                                            lt_analysis_backend_to_string (report->backend), dataset);

  add_metric (metrics, "", "output_sqnr_db", lt_error_sums_sqnr_db (&report->outputs));
  add_metric (metrics, "", "output_max_abs_error", report->outputs.max_abs_error);
  add_metric (metrics, "", "output_cosine", lt_error_sums_cosine (&report->outputs));
  for (guint i = 0; i < report->tensors->len; i++)
    {
      const LtTensorError *row = g_ptr_array_index (report->tensors, i);
      add_metric (metrics, row->name, "sqnr_db", row->sqnr_db);
      add_metric (metrics, row->name, "max_abs_error", row->max_abs_error);
      add_metric (metrics, row->name, "cosine", row->cosine);
    }
  for (guint i = 0; report->layers != NULL && i < report->layers->len; i++)
    {
      const LtLayerSensitivity *row = g_ptr_array_index (report->layers, i);
      add_metric (metrics, row->name, "only_sqnr_db", row->only_sqnr_db);
      add_metric (metrics, row->name, "all_but_sqnr_db", row->all_but_sqnr_db);
    }
  return lt_project_add_results (project, LT_PROJECT_RESULTS_ANALYSIS, label, (const LtProjectMetric **) metrics->pdata,
                                 metrics->len, id, error);
}
