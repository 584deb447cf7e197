/* lt-calibrate.h — a calibration run: every sample of a dataset (or of one
 * shard of it) through a session, an observer on every float value.
 *
 * Shard k of N (1 <= k <= N) takes the samples whose index i (from 0, in
 * dataset order) has i % N == k - 1; N shards together take every sample
 * exactly once.  A sample that fails its checks (unreadable, not an image,
 * truncated, too large, wrong dtype or shape) is recorded in the
 * statistics' `rejected` list with the reason, and none of its values
 * enter them. */
#pragma once

#include "lt-calib-stats.h"
#include "lt-dataset.h"

#include <lt/lt.h>

G_BEGIN_DECLS

/* Called with 0 before the first sample of the shard, then after each
 * sample, refused or not. */
typedef void (*LtCalibrateProgress) (guint    done,
                                     guint    total,
                                     gpointer user_data);

typedef struct
{
  guint               shard;       /* k, from 1 */
  guint               shard_count; /* N; 1 for the whole dataset */
  guint               n_threads;   /* 0: one per CPU */
  LtCalibrateProgress progress;    /* may be NULL */
  gpointer            progress_data;
} LtCalibrateOptions;

/* Statistics of every float value the model computes, and of its float
 * inputs; the values the engine folds away listed apart (`folded`).
 * Errors: a session that cannot be built for the samples' shapes, a kernel
 * failing on a sample (naming it), or every sample of the shard refused
 * (LT_CALIB_ERROR_NO_DATA). */
LtCalibStats *lt_calibrate_collect (lt_model                 *model,
                                    const char               *model_sha256,
                                    LtDataset                *dataset,
                                    const LtCalibrateOptions *options,
                                    GError                  **error);

/* Loads sample `index`, reshapes `session` (of `graph`) for it unless
 * `*last`, the sample it was last reshaped for, has the same shapes, and
 * binds its arrays.  *sample is the loaded sample (free it once the run is
 * over; keep the one *last points to alive until the next call).  FALSE
 * with *error set when the sample is refused. */
gboolean lt_calibrate_bind_sample (LtDataset      *dataset,
                                   guint           index,
                                   lt_session     *session,
                                   const lt_graph *graph,
                                   LtInputLine   **sample,
                                   LtInputLine   **last,
                                   GError        **error);

G_END_DECLS
