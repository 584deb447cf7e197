/* lt-project.h — the studio's document: a `*.lathe` project file (SQLite).
 *
 * An LtProject is one open project file.  It holds no copy of the data: every
 * getter reads the database and every change is one SQLite transaction, so
 * what a getter returns is what is on disk.  Edits (encodings, placements,
 * backend configuration) are recorded in an append-only edit log with their
 * before and after states; undo and redo walk that log and are logged too.
 * Measurements (calibration runs and their statistics, analysis and profile
 * results, export history) are appended, not edited, and are not undoable.
 *
 * Every change emits `changed (kind, subjects)` after its transaction
 * committed.  All strings returned are owned by the caller unless stated.
 */
#pragma once

#include <gio/gio.h>
#include <lt/lt.h>

G_BEGIN_DECLS

#define LT_PROJECT_ERROR (lt_project_error_quark ())

typedef enum
{
  LT_PROJECT_ERROR_NOT_FOUND,         /* no such file */
  LT_PROJECT_ERROR_NOT_A_PROJECT,     /* not an SQLite database, or an empty one */
  LT_PROJECT_ERROR_OTHER_APPLICATION, /* SQLite, but another application_id */
  LT_PROJECT_ERROR_FUTURE_VERSION,    /* made by a newer Lathe: open read-only */
  LT_PROJECT_ERROR_CORRUPT,           /* integrity check failed */
  LT_PROJECT_ERROR_READ_ONLY,         /* file or folder not writable, or opened read-only */
  LT_PROJECT_ERROR_LOCKED,            /* another running instance holds it */
  LT_PROJECT_ERROR_FULL,              /* disk full while saving */
  LT_PROJECT_ERROR_IO,                /* other I/O or database error */
  LT_PROJECT_ERROR_INVALID,           /* an argument or stored value is malformed */
  LT_PROJECT_ERROR_NOTHING_TO_UNDO,
  LT_PROJECT_ERROR_NOTHING_TO_REDO,
  LT_PROJECT_ERROR_MODEL_CHANGED,     /* the recorded model file's SHA-256 differs */
} LtProjectError;

GQuark lt_project_error_quark (void);

/* The file's PRAGMA application_id ("LATH") and the schema version this
 * build writes (PRAGMA user_version). */
#define LT_PROJECT_APPLICATION_ID 0x4C415448
#define LT_PROJECT_SCHEMA_VERSION 1

typedef enum
{
  LT_PROJECT_OPEN_DEFAULT = 0,
  LT_PROJECT_OPEN_READ_ONLY = 1 << 0, /* no lock taken, every change refused */
} LtProjectOpenFlags;

/* ---- plain data ---------------------------------------------------------- */

typedef enum
{
  LT_PROJECT_SECTION_ACTIVATION,
  LT_PROJECT_SECTION_PARAM,
} LtProjectSection;

typedef enum
{
  LT_PROJECT_GRANULARITY_PER_TENSOR,
  LT_PROJECT_GRANULARITY_PER_CHANNEL,
  LT_PROJECT_GRANULARITY_PER_BLOCK,
} LtProjectGranularity;

/* One tensor's encoding, as DESIGN.md's data model: float = (q + offset) *
 * scale.  `scale` and `offset` hold `n_values` entries (1 per tensor, one per
 * channel, one per block). */
typedef struct
{
  char                *tensor;
  LtProjectSection     section;
  gboolean             is_float; /* float override (e.g. float16) instead of integer */
  guint                bitwidth;
  LtProjectGranularity granularity;
  int                  axis;       /* channel axis; -1 for per-tensor */
  guint                block_size; /* per-block only, else 0 */
  gboolean             symmetric;
  guint                n_values;
  float               *scale;
  gint32              *offset;
} LtProjectEncoding;

/* A node's compute unit: "htp", "gpu" or "cpu"; `pinned` when the user
 * chose it rather than the automatic policy. */
typedef struct
{
  char    *node;
  char    *backend;
  gboolean pinned;
} LtProjectPlacement;

/* The model a project is about. */
typedef struct
{
  char    *path;   /* as given at creation, absolute */
  char    *sha256; /* lowercase hex */
  guint64  size;
  gboolean embedded; /* the bytes are stored in the project */
} LtProjectModel;

/* One calibration run; `options` is JSON text, `date` UTC ISO 8601. */
typedef struct
{
  gint64 id;
  char  *dataset;
  char  *method;
  char  *options;
  char  *date;
} LtProjectCalibration;

/* A tensor's statistics from one calibration run: its range and a histogram
 * of `n_bins` equal bins over [hist_min, hist_max]. */
typedef struct
{
  char    *tensor;
  double   min;
  double   max;
  double   hist_min;
  double   hist_max;
  guint    n_bins;
  guint64 *bins;
} LtProjectTensorStats;

typedef enum
{
  LT_PROJECT_RESULTS_ANALYSIS, /* per-tensor SQNR, sensitivity, … */
  LT_PROJECT_RESULTS_PROFILE,  /* per-node latency, memory, … */
} LtProjectResultsKind;

/* One measured number: `subject` is a tensor or node name. */
typedef struct
{
  char  *subject;
  char  *metric;
  double value;
} LtProjectMetric;

typedef struct
{
  gint64 id;
  char  *date;
  char  *destination;
  char  *sha256;
} LtProjectExport;

/* One entry of the edit log. */
typedef enum
{
  LT_PROJECT_EDIT_STATE_APPLIED, /* an edit in effect */
  LT_PROJECT_EDIT_STATE_UNDONE,  /* undone, can be redone */
  LT_PROJECT_EDIT_STATE_DROPPED, /* undone, then a new edit was made: no redo */
  LT_PROJECT_EDIT_STATE_RECORD,  /* an undo or redo action, recorded for the audit trail */
} LtProjectEditState;

typedef struct
{
  gint64             id;
  char              *time; /* UTC ISO 8601 */
  char              *user;
  char              *action;   /* "edit", "undo" or "redo" */
  char              *kind;     /* "encoding", "encodings", "placements", "backend-config", … */
  char             **subjects; /* tensor or node names */
  char              *before;   /* JSON */
  char              *after;    /* JSON */
  gint64             target;   /* undo/redo: the edit it acted on; else 0 */
  LtProjectEditState state;
} LtProjectEdit;

LtProjectEncoding    *lt_project_encoding_new (const char      *tensor,
                                               LtProjectSection section,
                                               guint            n_values);
LtProjectEncoding    *lt_project_encoding_copy (const LtProjectEncoding *encoding);
gboolean              lt_project_encoding_equal (const LtProjectEncoding *a,
                                                 const LtProjectEncoding *b);
void                  lt_project_encoding_free (LtProjectEncoding *encoding);
LtProjectPlacement   *lt_project_placement_new (const char *node,
                                                const char *backend,
                                                gboolean    pinned);
void                  lt_project_placement_free (LtProjectPlacement *placement);
void                  lt_project_model_free (LtProjectModel *model);
void                  lt_project_calibration_free (LtProjectCalibration *run);
LtProjectTensorStats *lt_project_tensor_stats_new (const char *tensor,
                                                   guint       n_bins);
void                  lt_project_tensor_stats_free (LtProjectTensorStats *stats);
void                  lt_project_metric_free (LtProjectMetric *metric);
void                  lt_project_export_free (LtProjectExport *export_);
void                  lt_project_edit_free (LtProjectEdit *edit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtProjectEncoding, lt_project_encoding_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtProjectPlacement, lt_project_placement_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtProjectModel, lt_project_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtProjectTensorStats, lt_project_tensor_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtProjectEdit, lt_project_edit_free)

/* ---- the project ---------------------------------------------------------- */

#define LT_TYPE_PROJECT (lt_project_get_type ())
G_DECLARE_FINAL_TYPE (LtProject, lt_project, LT, PROJECT, GObject)

/* Creates `path` (which must not exist) for the model at `model_path`,
 * recording its path, SHA-256 and size, and its bytes when `embed_model`.
 * On failure no file is left behind. */
LtProject *lt_project_create (const char *path,
                              const char *model_path,
                              gboolean    embed_model,
                              GError    **error);

/* Opens an existing project.  The file is checked first (SQLite header,
 * quick_check, application_id, schema version); an older schema is migrated
 * unless opened read-only.  A newer schema (FUTURE_VERSION) opens only
 * read-only.  Without LT_PROJECT_OPEN_READ_ONLY, a read-only
 * file or one held by another running instance is refused (READ_ONLY,
 * LOCKED): the caller may retry read-only. */
LtProject *lt_project_open (const char        *path,
                            LtProjectOpenFlags flags,
                            GError           **error);

const char *lt_project_get_path (LtProject *self);
gboolean    lt_project_is_read_only (LtProject *self);

/* Runs PRAGMA integrity_check; TRUE when it says "ok". */
gboolean lt_project_check_integrity (LtProject *self,
                                     GError   **error);

/* Model. */
LtProjectModel *lt_project_get_model (LtProject *self,
                                      GError   **error);
/* Writes the embedded model bytes to `dest_path` (CORRUPT when the stored
 * bytes do not match the recorded SHA-256, INVALID when not embedded). */
gboolean lt_project_extract_model (LtProject  *self,
                                   const char *dest_path,
                                   GError    **error);

/* The file a model was loaded from: the recorded model file, or the
 * embedded bytes extracted into a private temporary folder (`extracted`),
 * which lt_project_model_file_free removes with its folder. */
typedef struct
{
  char    *path;
  gboolean extracted;
} LtProjectModelFile;

void lt_project_model_file_free (LtProjectModelFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtProjectModelFile, lt_project_model_file_free)

/* Loads the project's model: the embedded copy, or the recorded file once
 * it is checked to still have the recorded SHA-256 (MODEL_CHANGED, naming
 * both files, when not).  The engine's errors name the model file;
 * G_IO_ERROR_CANCELLED when `cancellable` (may be NULL) is cancelled during
 * the hash or the load.  When `file` is not NULL, *file receives the file
 * the model came from (owned).  May run in a worker thread while no other
 * thread uses the project. */
lt_model *lt_project_load_model (LtProject           *self,
                                 GCancellable        *cancellable,
                                 LtProjectModelFile **file,
                                 GError             **error);

/* Encodings.  Setting one or a batch is one edit; an `encoding` of a tensor
 * and section that already has one replaces it. `kind` names the edit in the
 * log (e.g. "encoding", "import-encodings"). */
gboolean lt_project_set_encodings (LtProject                *self,
                                   const char               *kind,
                                   const LtProjectEncoding **encodings,
                                   guint                     n_encodings,
                                   GError                  **error);
gboolean lt_project_set_encoding (LtProject               *self,
                                  const LtProjectEncoding *encoding,
                                  GError                 **error);
gboolean lt_project_remove_encoding (LtProject       *self,
                                     const char      *tensor,
                                     LtProjectSection section,
                                     GError         **error);
/* NULL without an error when the tensor has no encoding. */
LtProjectEncoding *lt_project_get_encoding (LtProject       *self,
                                            const char      *tensor,
                                            LtProjectSection section,
                                            GError         **error);
/* All encodings, sorted by section then tensor name; element type
 * LtProjectEncoding. */
GPtrArray *lt_project_list_encodings (LtProject *self,
                                      GError   **error);

/* Placements: a batch is one edit. */
gboolean            lt_project_set_placements (LtProject                 *self,
                                               const LtProjectPlacement **placements,
                                               guint                      n_placements,
                                               GError                   **error);
LtProjectPlacement *lt_project_get_placement (LtProject  *self,
                                              const char *node,
                                              GError    **error);
GPtrArray          *lt_project_list_placements (LtProject *self,
                                                GError   **error);

/* Backend configuration (backend_config.json text, stored verbatim after a
 * JSON syntax check); NULL `json` removes it.  One edit. */
gboolean lt_project_set_backend_config (LtProject  *self,
                                        const char *json,
                                        GError    **error);
char    *lt_project_get_backend_config (LtProject *self,
                                        GError   **error);

/* Calibration: a run and all its statistics in one transaction.  `run->id`
 * and `run->date` are ignored; the new id is returned in `*id`. */
gboolean   lt_project_add_calibration (LtProject                   *self,
                                       const LtProjectCalibration  *run,
                                       const LtProjectTensorStats **stats,
                                       guint                        n_stats,
                                       gint64                      *id,
                                       GError                     **error);
GPtrArray *lt_project_list_calibrations (LtProject *self,
                                         GError   **error);
GPtrArray *lt_project_get_statistics (LtProject *self,
                                      gint64     run_id,
                                      GError   **error);

/* Analysis and profile results: a labelled set of metrics. */
gboolean lt_project_add_results (LtProject              *self,
                                 LtProjectResultsKind    kind,
                                 const char             *label,
                                 const LtProjectMetric **metrics,
                                 guint                   n_metrics,
                                 gint64                 *id,
                                 GError                **error);
/* The metrics of the latest run of `kind` (empty when none). */
GPtrArray *lt_project_get_latest_results (LtProject           *self,
                                          LtProjectResultsKind kind,
                                          GError             **error);

/* Export history. */
gboolean   lt_project_add_export (LtProject  *self,
                                  const char *destination,
                                  const char *sha256,
                                  GError    **error);
GPtrArray *lt_project_list_exports (LtProject *self,
                                    GError   **error);

/* Edit log, oldest first; element type LtProjectEdit. */
GPtrArray *lt_project_list_edits (LtProject *self,
                                  GError   **error);
/* The id of the last edit made (an edit, undo or redo), 0 when none. */
gint64   lt_project_get_last_edit_id (LtProject *self);
gboolean lt_project_can_undo (LtProject *self);
gboolean lt_project_can_redo (LtProject *self);
/* Undo the latest applied edit / redo the earliest undone one; each is one
 * transaction and one log entry.  NOTHING_TO_UNDO / NOTHING_TO_REDO. */
gboolean lt_project_undo (LtProject *self,
                          GError   **error);
gboolean lt_project_redo (LtProject *self,
                          GError   **error);

const char *lt_project_section_to_string (LtProjectSection section);

G_END_DECLS
