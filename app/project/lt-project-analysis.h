/* lt-project-analysis.h — an analysis report (LtAnalysisReport,
 * app/analysis) recorded in a project as one analysis results run.
 *
 * Lives in app/project so that app/analysis knows nothing of projects.
 * Metrics (subject, metric):
 *  - per tensor: (tensor, "sqnr_db"), (tensor, "max_abs_error"),
 *    (tensor, "cosine");
 *  - per layer, with sensitivity: (layer, "only_sqnr_db"),
 *    (layer, "all_but_sqnr_db");
 *  - the graph outputs together: ("", "output_sqnr_db"),
 *    ("", "output_max_abs_error"), ("", "output_cosine").
 * The label says the mode, the backend and the dataset: "mode=all
 * backend=sim data=PATH".
 */
#pragma once

#include "lt-analysis.h"
#include "lt-project.h"

G_BEGIN_DECLS

/* One transaction; the new run's id in *id (nullable). */
gboolean lt_project_record_analysis (LtProject              *project,
                                     const LtAnalysisReport *report,
                                     const char             *dataset,
                                     gint64                 *id,
                                     GError                **error);

G_END_DECLS
