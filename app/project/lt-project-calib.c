/* lt-project-calib.c — LtCalibStats into a project's calibration tables;
 * see the header for the re-binning. */
#include "lt-project-calib.h"

static void
rebin (double   lo,
       double   hi,
       guint64  count,
       gpointer user_data)
{
  LtProjectTensorStats *row = user_data;
  double                width = row->hist_max - row->hist_min;
  double                mid = (lo + hi) / 2;
  gint64                bin = width > 0 ? (gint64) ((mid - row->hist_min) / width * row->n_bins) : 0;

  row->bins[CLAMP (bin, 0, (gint64) row->n_bins - 1)] += count;
}

gboolean
lt_project_record_calibration (LtProject          *project,
                               const LtCalibStats *stats,
                               const char         *dataset,
                               const char         *method,
                               const char         *options_json,
                               gint64             *id,
                               GError            **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_tensor_stats_free);
  LtProjectCalibration run = { 0 };
  gint64               new_id = 0;

  for (guint i = 0; i < stats->tensors->len; i++)
    {
      const LtNamedStats   *named = g_ptr_array_index (stats->tensors, i);
      LtProjectTensorStats *row;

      if (named->stats.count == 0)
        continue;
      row = lt_project_tensor_stats_new (named->name, LT_PROJECT_CALIB_BINS);
      row->min = row->hist_min = named->stats.min;
      row->max = row->hist_max = named->stats.max;
      lt_tensor_stats_foreach_bin (&named->stats, rebin, row);
      g_ptr_array_add (rows, row);
    }
  run.dataset = (char *) dataset;
  run.method = (char *) method;
  run.options = (char *) options_json;
  if (!lt_project_add_calibration (project, &run, (const LtProjectTensorStats **) rows->pdata, rows->len, &new_id,
                                   error))
    return FALSE;
  if (id)
    *id = new_id;
  return TRUE;
}
