/* lt-calib-stats.h — the statistics of a calibration run (or of merged
 * shards of one): per activation tensor an LtTensorStats, plus what they
 * came from (the model's SHA-256, the dataset's size, the shards, the
 * samples refused, the values the engine folded away).  Written and read
 * as JSON ("lathe-calib-stats", docs/formats.md); merging is exact (see
 * lt-observer.h). */
#pragma once

#include "lt-observer.h"

#include <glib.h>

G_BEGIN_DECLS

#define LT_CALIB_ERROR (lt_calib_error_quark ())

typedef enum
{
  LT_CALIB_ERROR_IO,       /* a file cannot be read or written */
  LT_CALIB_ERROR_INVALID,  /* a stats file or option breaks the rules */
  LT_CALIB_ERROR_MISMATCH, /* stats that cannot be merged or used together */
  LT_CALIB_ERROR_NO_DATA,  /* no sample could be used */
} LtCalibError;

GQuark lt_calib_error_quark (void);

typedef struct
{
  char         *name; /* the tensor's name in the model */
  LtTensorStats stats;
} LtNamedStats;

typedef struct
{
  char *sample; /* its name in the dataset */
  char *reason;
} LtRejectedSample;

typedef struct
{
  char       *model_sha256;      /* hex */
  guint       n_dataset_samples; /* samples in the whole dataset, all shards */
  guint       shard_count;       /* N of --shard k/N; 1 for a full run */
  GArray     *shards;            /* guint k (1-based) covered, increasing */
  guint       n_samples_used;    /* samples whose values entered the statistics */
  GPtrArray  *rejected;          /* LtRejectedSample *, in sample order */
  GPtrArray  *folded;            /* char *: values the engine folds away
                                  * (lt-folded-values.h), never seen */
  GPtrArray  *tensors;           /* LtNamedStats *, owned */
  GHashTable *by_name;           /* name → LtNamedStats * (borrowed) */
} LtCalibStats;

LtCalibStats *lt_calib_stats_new (const char *model_sha256,
                                  guint       n_dataset_samples,
                                  guint       shard,
                                  guint       shard_count);
void          lt_calib_stats_free (LtCalibStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtCalibStats, lt_calib_stats_free)

/* The statistics of a tensor, created empty on first use. */
LtTensorStats *lt_calib_stats_ensure (LtCalibStats *stats,
                                      const char   *name);
/* NULL when the run never saw the tensor. */
const LtTensorStats *lt_calib_stats_lookup (const LtCalibStats *stats,
                                            const char         *name);

void lt_calib_stats_reject (LtCalibStats *stats,
                            const char   *sample,
                            const char   *reason);

/* into += from.  Refused (LT_CALIB_ERROR_MISMATCH, naming `from_name`) when
 * they come from other models, other datasets sizes, another N, list other
 * folded values, or share a shard. */
gboolean lt_calib_stats_merge (LtCalibStats       *into,
                               const LtCalibStats *from,
                               const char         *from_name,
                               GError            **error);

/* The file is written whole (a temporary renamed over the target) or not
 * at all. */
gboolean      lt_calib_stats_write_file (const LtCalibStats *stats,
                                         const char         *path,
                                         GError            **error);
LtCalibStats *lt_calib_stats_read_file (const char *path,
                                        GError    **error);

/* SHA-256 of a file, hex. */
char *lt_calib_file_sha256 (const char *path,
                            GError    **error);

G_END_DECLS
