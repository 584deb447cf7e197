/* lt-calib-encode.h — encodings for a model from calibration statistics.
 *
 *  - Activations (graph inputs and every float value a node produces): the
 *    method's range on the activation grid (8 or 16 bits).  The outputs of
 *    ops that only move data (Reshape, Transpose, MaxPool, Flatten,
 *    Squeeze, Unsqueeze, Identity, DepthToSpace, SpaceToDepth) take their
 *    input's encoding unchanged, as QNN does, and the inputs of a Concat
 *    take its output's where nothing else depends on them (see
 *    share_concat_encoding).  Values the engine folds away (the
 *    statistics' `folded` list) get none, as in QNN's converted graph;
 *    other values the run never saw get none with a warning in the set
 *    naming them.
 *  - Weights (input 1 of Conv, ConvTranspose, Gemm, MatMul) and other float
 *    initializers: min-max on the weight grid (4, 8 or 16 bits), per
 *    channel on the axis lt_encodings_param_axes gives, or per tensor.
 *  - Biases (input 2 of Conv, ConvTranspose, Gemm): on the bias grid (32
 *    bits), symmetric, scale = input scale × weight scale (per channel when
 *    the weight is).
 * Symmetric encodings use offset -2^(bw-1) and scale max|x| / (2^(bw-1) - 1).
 */
#pragma once

#include "lt-calib-method.h"
#include "lt-calib-stats.h"
#include "lt-encoding.h"

#include <lt/lt.h>

G_BEGIN_DECLS

typedef struct
{
  LtCalibMethodOptions activations; /* bitwidth 8 or 16 */
  guint                weight_bitwidth;
  gboolean             weight_symmetric;
  gboolean             per_channel;
  guint                bias_bitwidth;
} LtCalibEncodeOptions;

/* A set in the 0.6.1 layout with the settings above as its bitwidths. */
LtEncodingSet *lt_calib_encode (const lt_graph             *graph,
                                const LtCalibStats         *stats,
                                const LtCalibEncodeOptions *options);

G_END_DECLS
