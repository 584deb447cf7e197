/* lt-fold-batchnorm.h — folding each BatchNormalization that follows a
 * Conv into that Conv's weights and bias, the first step of cross-layer
 * equalization (lt-equalize.h).
 *
 * For a Conv whose output only a BatchNormalization reads, with k_o =
 * scale_o / sqrt (var_o + epsilon): W[o] ← W[o]·k_o and b_o ← (b_o −
 * mean_o)·k_o + B_o (a Conv without a bias gets one).  The written model
 * computes the same function without the BatchNormalization node: the Conv
 * writes the normalization's output name (LT_NODE_BYPASS), so graph outputs
 * and every reader keep their names.  The normalization's B and scale are
 * kept: they describe the distribution of the folded Conv's output
 * (mean B_o, standard deviation |scale_o|), which high-bias absorption
 * needs.
 */
#pragma once

#include "lt-weight-edits.h"

G_BEGIN_DECLS

typedef struct
{
  int32_t conv_id;
  int32_t norm_id; /* the BatchNormalization node, removed in the written model */
  guint   n_channels;
  float  *beta;  /* its B, n_channels values */
  float  *gamma; /* its scale */
} LtFoldedBatchNorm;

/* Folds every BatchNormalization of `graph` that follows a Conv into
 * `edits`; returns the folded ones (LtFoldedBatchNorm *, owned).  One that
 * cannot be folded (parameters that are not float32 constants, Conv
 * weights or bias shared with another node, training outputs in use) stays
 * in the model, named with the reason in `skipped` (char *). */
GPtrArray *lt_fold_batchnorms (const lt_graph *graph,
                               LtWeightEdits  *edits,
                               GPtrArray      *skipped);

G_END_DECLS
