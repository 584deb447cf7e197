/* lt-equalize.h — cross-layer equalization (Nagel et al., "Data-Free
 * Quantization Through Weight Equalization and Bias Correction", 2019).
 *
 * A pair is two Conv layers, or two Gemm layers, where the first one's
 * output reaches the second one's data input either directly or through
 * one Relu or LeakyRelu, each value on the way read by that one consumer
 * only and none a graph output.  Output channel i of the first layer (its
 * weights and bias) is divided by s_i and input channel i of the second
 * layer multiplied by s_i, with s_i = sqrt (r1_i / r2_i) where r is a
 * channel's largest weight magnitude: afterwards r1_i / s_i == r2_i * s_i.
 * ReLU is positively homogeneous (relu (x / s) = relu (x) / s for s > 0), so
 * the float function of the model is unchanged.  A grouped or depthwise
 * Conv takes part on both sides (Conv → depthwise Conv → Conv), so chains
 * are equalized pair by pair, round after round, until the scales settle.
 *
 * Not equalized: a BatchNormalization between the layers (the written
 * model keeps it; the pair is reported as skipped), Clip/Relu6 (not
 * homogeneous), weights or biases shared with other nodes or not constant
 * float32, Gemm with transA.
 */
#pragma once

#include "lt-weight-edits.h"

G_BEGIN_DECLS

typedef struct
{
  guint      n_pairs; /* pairs equalized */
  guint      n_rounds;
  GPtrArray *skipped; /* char *: a pair left alone and why */
} LtEqualizeReport;

void lt_equalize_report_clear (LtEqualizeReport *report);

/* Equalizes every pair of `graph` into `edits` (made for the same graph).
 * `report` is filled (clear it after). */
void lt_equalize (const lt_graph   *graph,
                  LtWeightEdits    *edits,
                  LtEqualizeReport *report);

G_END_DECLS
