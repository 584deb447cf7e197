/* lt-bias-correction.h — empirical bias correction (Nagel et al. 2019,
 * section 4.2, as AIMET does it): quantizing a layer's weights shifts the
 * mean of its outputs; the shift, measured per output channel over the
 * calibration data, is added back to the layer's bias.
 *
 * For every Conv and Gemm with constant float32 weights, with
 * y_fp its output in the float model and y_q its output in the model whose
 * Conv/Gemm weights are all quantized then dequantized with the weight
 * encodings `lt_calib_encode` gives for the same options:
 *     bias_c += (E[y_fp,c] − E[y_q,c]) / beta      (beta = 1 for Conv)
 * A layer whose bias is missing gets one.  Layers are corrected in order of
 * depth (the longest chain of Conv/Gemm layers above them): the quantized
 * model of depth d already carries the corrections of depths < d, so a
 * correction upstream is not counted again downstream.  That is one run
 * of the dataset on the float model, then one per depth on a temporary
 * copy of the model.
 */
#pragma once

#include "lt-calib-encode.h"
#include "lt-dataset.h"
#include "lt-weight-edits.h"

G_BEGIN_DECLS

typedef struct
{
  guint      n_layers; /* biases corrected */
  guint      n_runs;   /* passes over the dataset */
  GPtrArray *skipped;  /* char *: a layer left alone and why */
} LtBiasCorrectionReport;

void lt_bias_correction_report_clear (LtBiasCorrectionReport *report);

/* Corrects the biases of `model`'s layers into `edits` (made for the
 * model's graph; weights it holds already are the model's, the file's
 * values).  `dataset` must have been opened for a model with the same
 * inputs.  Temporary models go to a folder of g_get_tmp_dir (), removed
 * after.  Errors: a model or session that cannot be built, a kernel
 * failing on a sample, no usable sample. */
gboolean lt_bias_correct (lt_model                   *model,
                          LtDataset                  *dataset,
                          const LtCalibEncodeOptions *encode,
                          guint                       n_threads,
                          LtWeightEdits              *edits,
                          LtBiasCorrectionReport     *report,
                          GError                    **error);

/* Into `edits`: the weights (input 1) of every Conv and Gemm quantized and
 * dequantized with the encodings lt_calib_encode gives them for `encode`
 * (round half to even, saturated). */
void lt_fake_quantize_weights (const lt_graph             *graph,
                               const LtCalibEncodeOptions *encode,
                               LtWeightEdits              *edits);

/* The mean over the dataset of each of the `n` values named, per channel
 * (axis 1; one channel for a tensor of rank < 2): means[k] gets an array
 * of n_channels[k] doubles (free each with g_free).  Refused samples are
 * left out; none used is LT_CALIB_ERROR_NO_DATA. */
gboolean lt_channel_means (lt_model          *model,
                           LtDataset         *dataset,
                           const char *const *names,
                           guint              n,
                           guint              n_threads,
                           double           **means,
                           guint             *n_channels,
                           GError           **error);

G_END_DECLS
