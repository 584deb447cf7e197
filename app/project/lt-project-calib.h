/* lt-project-calib.h — a calibration run's statistics (LtCalibStats,
 * app/calib) recorded in a project as one calibration run.
 *
 * Lives in app/project so that app/calib knows nothing of projects.  The
 * run's fixed float-bit histogram is re-binned into
 * LT_PROJECT_CALIB_BINS equal bins over [min, max]: each fine bin's count
 * goes to the equal bin holding its midpoint, so counts are kept exactly
 * and positions to within one equal bin.
 */
#pragma once

#include "lt-calib-stats.h"
#include "lt-project.h"

G_BEGIN_DECLS

#define LT_PROJECT_CALIB_BINS 256

/* Records the run (dataset, method, options JSON) and one statistics row
 * per tensor that saw a finite value; the new run's id in *id (nullable). */
gboolean lt_project_record_calibration (LtProject          *project,
                                        const LtCalibStats *stats,
                                        const char         *dataset,
                                        const char         *method,
                                        const char         *options_json,
                                        gint64             *id,
                                        GError            **error);

G_END_DECLS
