/* lt-analysis.h — per-tensor quantization error and per-layer
 * sensitivity: a dataset run through the f32 model and through a
 * simulation of the quantized model (the same f32 engine with weights
 * replaced by their quantize-dequantize and every encoded activation
 * rounded onto its grid as it is computed), compared value by value.
 *
 * Error of a tensor over the whole dataset (sums over every element of
 * every sample, not averages of per-sample numbers), with r the f32 value
 * and q the simulated one:
 *  - SQNR in dB = 10 log10 (Σ r² / Σ (r − q)²), clamped to
 *    [−LT_ANALYSIS_SQNR_CAP_DB, LT_ANALYSIS_SQNR_CAP_DB]: identical values
 *    give the cap, an all-zero reference with any error gives −cap;
 *  - max |r − q|;
 *  - cosine similarity Σ rq / √(Σ r² Σ q²), in [−1, 1]; exactly 1 when the
 *    values are identical (all zeros included), 0 when only one side is
 *    all zeros.
 * Tensors are the graph's float inputs, every float value a node computes
 * and, in the modes that quantize weights, every encoded weight (its
 * quantize-dequantize against itself, no data involved).
 *
 * Modes: all (weights and activations quantized), weights only (every
 * parameter encoding), activations only (graph inputs and node outputs).
 *
 * A layer, for sensitivity, is a node that owns at least one quantizer:
 * the encoded float initializers it reads (a weight read by several nodes
 * belongs to the first in execution order) and its encoded outputs; an
 * encoded graph input is a layer of its own.  For each layer with a
 * quantizer in the mode: the SQNR of the graph outputs (all float outputs
 * together) with only that layer's quantizers on, and with all but that
 * layer's on.  Sorted worst first: lowest SQNR with only that layer on.
 *
 * With the htp backend the quantized run is not a simulation but the NPU
 * backend's integer runner (lt/htp-session.h) on the same encodings, its
 * dequantized values compared with f32 the same way: what the device
 * computes, not a model of it.  It quantizes everything at once, so it
 * takes mode all only and no sensitivity.
 *
 * Memory: one sample's f32 values at a time, never the whole dataset.
 * Each configuration (the mode, then two per layer) is a pass over the
 * dataset, so sensitivity costs 2 × layers more passes.  The first pass
 * keeps every sample's f32 outputs while they fit in
 * LT_ANALYSIS_OUTPUT_CACHE_BYTES, and the later passes then run only the
 * simulation; past that size each pass runs the f32 model again.
 */
#pragma once

#include "lt-dataset.h"
#include "lt-encoding.h"

#include <gio/gio.h>
#include <lt/lt.h>

G_BEGIN_DECLS

#define LT_ANALYSIS_SQNR_CAP_DB 200.0

/* f32 outputs kept across passes, at most (see above). */
#define LT_ANALYSIS_OUTPUT_CACHE_BYTES (256u * 1024u * 1024u)

#define LT_ANALYSIS_ERROR (lt_analysis_error_quark ())

typedef enum
{
  LT_ANALYSIS_ERROR_ENCODINGS, /* the encodings do not fit the model (a lint error) */
  LT_ANALYSIS_ERROR_SAMPLE,    /* a sample could not be loaded or run */
  LT_ANALYSIS_ERROR_OPTIONS,   /* options that do not go together */
} LtAnalysisError;

GQuark lt_analysis_error_quark (void);

typedef enum
{
  LT_ANALYSIS_MODE_ALL,
  LT_ANALYSIS_MODE_WEIGHTS,
  LT_ANALYSIS_MODE_ACTIVATIONS,
} LtAnalysisMode;

const char *lt_analysis_mode_to_string (LtAnalysisMode mode);
gboolean    lt_analysis_mode_from_string (const char     *text,
                                          LtAnalysisMode *mode);

typedef enum
{
  LT_ANALYSIS_BACKEND_SIMULATION, /* the f32 engine rounding onto the grids */
  LT_ANALYSIS_BACKEND_HTP,        /* the NPU backend's integer runner */
} LtAnalysisBackend;

const char *lt_analysis_backend_to_string (LtAnalysisBackend backend);
gboolean    lt_analysis_backend_from_string (const char        *text,
                                             LtAnalysisBackend *backend);

typedef enum
{
  LT_ANALYSIS_TENSOR_INPUT,
  LT_ANALYSIS_TENSOR_WEIGHT,
  LT_ANALYSIS_TENSOR_ACTIVATION,
} LtAnalysisTensorKind;

const char *lt_analysis_tensor_kind_to_string (LtAnalysisTensorKind kind);

/* Running sums that give SQNR, max error and cosine. */
typedef struct
{
  double  sum_ref2;
  double  sum_err2;
  double  sum_q2;
  double  sum_dot;
  double  max_abs_error;
  guint64 count;
} LtErrorSums;

void   lt_error_sums_add (LtErrorSums *sums,
                          const float *reference,
                          const float *quantized,
                          guint64      count);
double lt_error_sums_sqnr_db (const LtErrorSums *sums);
double lt_error_sums_cosine (const LtErrorSums *sums);

typedef struct
{
  char                *name;
  LtAnalysisTensorKind kind;
  gboolean             quantized; /* has an encoding applied in this mode */
  double               sqnr_db;
  double               max_abs_error;
  double               cosine;
} LtTensorError;

typedef struct
{
  char  *name;            /* node name (its first output's when unnamed), or the graph input's */
  char  *op;              /* op type, or "input" */
  guint  n_quantizers;    /* encoded tensors of the layer in this mode */
  double only_sqnr_db;    /* outputs' SQNR with only this layer quantized */
  double all_but_sqnr_db; /* outputs' SQNR with every layer but this one quantized */
} LtLayerSensitivity;

typedef struct
{
  LtAnalysisMode    mode;
  LtAnalysisBackend backend;
  guint             n_samples;
  LtErrorSums       outputs;  /* the graph outputs in the mode's configuration */
  GPtrArray        *tensors;  /* LtTensorError *, worst SQNR first */
  GPtrArray        *layers;   /* LtLayerSensitivity *, worst first; NULL without sensitivity */
  GPtrArray        *warnings; /* char *: lint warnings and encodings left out */
  guint             n_folded; /* Conv outputs the engine folds into their
                               * BatchNormalization: never computed, no row */
} LtAnalysisReport;

void lt_analysis_report_free (LtAnalysisReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtAnalysisReport, lt_analysis_report_free)

/* Called with 0 before the first run, then after each sample of each
 * configuration. */
typedef void (*LtAnalysisProgress) (guint    done,
                                    guint    total,
                                    gpointer user_data);

typedef struct
{
  LtAnalysisMode     mode;
  LtAnalysisBackend  backend;
  gboolean           sensitivity; /* not with the htp backend */
  guint              n_threads;   /* 0: one per CPU */
  GCancellable      *cancellable; /* may be NULL */
  LtAnalysisProgress progress;    /* may be NULL */
  gpointer           progress_data;
} LtAnalysisOptions;

/* Runs the analysis.  `set` is resolved against the model first (sections
 * and channel axes filled in, lt_encodings_resolve) and linted: a lint
 * error is LT_ANALYSIS_ERROR_ENCODINGS naming the tensor and field.  An
 * encoding the simulation cannot apply (LPBQ, a per-channel activation) is
 * an LT_ENCODINGS_ERROR naming the tensor.  A sample that cannot be loaded
 * or run is LT_ANALYSIS_ERROR_SAMPLE naming it: the numbers would not be
 * over the dataset the user gave.  The htp backend with another mode than
 * all, or with sensitivity, is LT_ANALYSIS_ERROR_OPTIONS; a model or
 * encodings it cannot run are its errors (LT_ENGINE_ERROR, naming the node
 * or tensor). */
LtAnalysisReport *lt_analysis_run (lt_model                *model,
                                   LtEncodingSet           *set,
                                   LtDataset               *dataset,
                                   const LtAnalysisOptions *options,
                                   GError                 **error);

G_END_DECLS
