/* lt-equalize.h — cross-layer equalization (Nagel et al., "Data-Free
 * Quantization Through Weight Equalization and Bias Correction", 2019).
 *
 * First every BatchNormalization that follows a Conv is folded into it
 * (lt-fold-batchnorm.h; the same function, one node less).  A pair is then
 * two Conv layers, or two Gemm layers, where the first one's output
 * (after a folded BatchNormalization) reaches the second one's data input
 * either directly or through one Relu, LeakyRelu or Clip with lower bound
 * 0, each value on the way read by that one consumer only and none a graph
 * output.  Output channel i of the first layer (its weights and bias) is
 * divided by s_i and input channel i of the second layer multiplied by
 * s_i, with s_i = sqrt (r1_i / r2_i) where r is a channel's largest weight
 * magnitude: afterwards r1_i / s_i == r2_i * s_i.  ReLU is positively
 * homogeneous (relu (x / s) = relu (x) / s for s > 0), so the float
 * function of the model is unchanged.  A grouped or depthwise Conv takes
 * part on both sides (Conv → depthwise Conv → Conv), so chains are
 * equalized pair by pair, round after round, until the scales settle.
 *
 * A Clip with a finite upper bound (ReLU6) is not homogeneous: scaling
 * moves the bound.  Such pairs are left out and counted, unless
 * `clip_to_relu` asks for the Clip to become a Relu, as AIMET does before
 * equalizing: that changes the float function wherever the Clip's input
 * exceeded its upper bound.
 *
 * High-bias absorption (`absorb_high_bias`, needs a folded
 * BatchNormalization and a Relu in the pair): the first layer's channel i
 * is, by the normalization's statistics, rarely below c_i = max (0, B_i −
 * 3|scale_i|) (both divided by the channel's equalization scale), so c_i
 * moves from its bias into the second layer's bias (through the second
 * layer's weights).  The float function changes where a channel falls
 * below c_i and, for a padded second Conv, at the borders its padding
 * reaches.
 *
 * Not equalized: weights or biases shared with other nodes or not
 * constant float32, Gemm with transA, a BatchNormalization that could not
 * be folded (named in `skipped`).
 */
#pragma once

#include "lt-weight-edits.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean clip_to_relu;     /* a Clip (0, max) joining a pair becomes a Relu */
  gboolean absorb_high_bias; /* see above */
} LtEqualizeOptions;

typedef struct
{
  guint      n_pairs;          /* pairs equalized */
  guint      n_rounds;         /* rounds run until the scales settled */
  guint      n_folded;         /* BatchNormalizations folded into the Conv before them */
  guint      n_clip_pairs;     /* pairs left out because a Clip (0, max) joins them */
  guint      n_clips_replaced; /* Clips made Relu (clip_to_relu) */
  guint      n_absorbed;       /* channels whose high bias was absorbed */
  GPtrArray *skipped;          /* char *: a layer or normalization left alone and why */
} LtEqualizeReport;

void lt_equalize_report_clear (LtEqualizeReport *report);

/* Folds and equalizes `graph` into `edits` (made for the same graph).
 * `options` may be NULL (all off).  `report` is filled (clear it after). */
void lt_equalize (const lt_graph          *graph,
                  const LtEqualizeOptions *options,
                  LtWeightEdits           *edits,
                  LtEqualizeReport        *report);

G_END_DECLS
