/* lt/onnx-export.h — writing a modified copy of the model's ONNX file.
 *
 * lt_onnx_export_qdq writes a QDQ model: the model's own ONNX file with
 * QuantizeLinear/DequantizeLinear nodes inserted from encodings, so that
 * ONNX Runtime (and its QNN execution provider) runs it quantized.
 *
 * The export re-reads the model's file and modifies its ModelProto: every
 * field the file had, including fields this engine does not know, is kept.
 * For each encoding:
 *  - naming an initializer (a weight or bias): the initializer is replaced
 *    by its quantized values (`<name>_quantized`, round half to even,
 *    saturated), a scale and a zero point, and a DequantizeLinear whose
 *    output carries the original name;
 *  - naming any other value (a graph input or a node output): a
 *    QuantizeLinear → DequantizeLinear pair follows it and every node that
 *    read the value reads the DequantizeLinear's output.  A graph output
 *    keeps its name: the producer's output is renamed instead.
 * 8-bit and int32 nodes use the ONNX domain; 16-bit ones use the
 * `com.microsoft` domain (ONNX Runtime's contrib ops, which its QNN
 * execution provider maps to 16-bit HTP tensors) so that the model's opset
 * stays what it was.  Per-channel encodings need ONNX opset 13 or newer.
 * Only the main graph is changed; subgraphs keep reading float values.
 */
#pragma once

#include "lt/dtype.h"
#include "lt/model.h"
#include "lt/status.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_qdq_encoding
{
  const char    *name;       /* tensor name in the main graph, verbatim */
  lt_dtype       dtype;      /* LT_DTYPE_U8, I8, U16, I16 or I32 */
  uint32_t       n_channels; /* 1: per tensor; more: per channel along `axis` */
  int32_t        axis;       /* channel axis when n_channels > 1; may be negative */
  const float   *scale;      /* n_channels positive finite scales */
  const int64_t *zero_point; /* n_channels, in dtype's range (0 for I32) */
} lt_qdq_encoding;

/* Writes `model`'s file with Q/DQ nodes for `encodings` (none may name the
 * same tensor twice) to `path`, atomically: a temporary file in the
 * target's folder renamed over it, so a failure leaves no file and a
 * symbolic link at `path` is replaced, not followed.  Nothing is kept after
 * return.  Errors name the tensor: LT_ERR_INVALID_ARGUMENT (unknown name,
 * bad dtype, scale, zero point, channel count or axis), LT_ERR_UNSUPPORTED
 * (per channel below opset 13, a weight in external data or not numeric),
 * LT_ERR_IO / LT_ERR_PARSE naming the file. */
lt_status lt_onnx_export_qdq (const lt_model        *model,
                              const lt_qdq_encoding *encodings,
                              size_t                 n_encodings,
                              const char            *path,
                              lt_error              *err);

/* New float32 data for one initializer of the main graph. */
typedef struct lt_initializer_values
{
  const char  *name;    /* the initializer, verbatim (a new one's name with bias_of) */
  const float *values;  /* `count` values, in the initializer's element order */
  uint64_t     count;
  const char  *bias_of; /* NULL: replace `name`'s data, keeping its dtype (F32) and shape; else the
                         * first output of a Conv or Gemm node that has no third input: a new 1-D
                         * initializer `name` of `count` values becomes that input (its bias) */
} lt_initializer_values;

/* Writes `model`'s file with the given initializers' data replaced or
 * added (none may name the same initializer twice) to `path`, atomically
 * as lt_onnx_export_qdq does; everything else in the file is kept.  A
 * replaced initializer's data is written inline as raw data, even when it
 * was in external data.  Nothing is kept after return.  Errors name the
 * initializer or node: LT_ERR_INVALID_ARGUMENT (no such F32 initializer, a
 * count that differs from its shape's, a new name already taken, no such
 * Conv/Gemm node or one that has a bias), LT_ERR_IO / LT_ERR_PARSE naming
 * the file. */
lt_status lt_onnx_export_values (const lt_model              *model,
                                 const lt_initializer_values *values,
                                 size_t                       n_values,
                                 const char                  *path,
                                 lt_error                    *err);

/* A change to the structure of the main graph, for lt_onnx_export_edits. */
typedef enum lt_node_change
{
  /* Remove the node.  The caller has made it an identity (a
   * BatchNormalization folded into the weights of the node before it): the
   * producer of its first input writes its first output instead, so every
   * reader of that name, a graph output included, is unchanged, and the
   * producer's old output name is gone.  That old name must be read by
   * this node alone and not be a graph output; the node's other outputs
   * must be omitted. */
  LT_NODE_BYPASS,
  /* Make the Clip node a Relu of its first input (bounds and attributes
   * dropped): this changes the function for inputs above the upper bound. */
  LT_NODE_CLIP_TO_RELU,
} lt_node_change;

typedef struct lt_node_edit
{
  const char    *output; /* the node's first output, verbatim */
  lt_node_change change;
} lt_node_edit;

/* As lt_onnx_export_values, then applies `node_edits` in order.  An
 * initializer or Constant node read only by an edited node (a folded
 * BatchNormalization's parameters, a Clip's bounds) is removed with it.  Errors also name the
 * node's output: LT_ERR_INVALID_ARGUMENT (no node has that first output, a
 * bypass whose input is read elsewhere, a Clip edit of another op). */
lt_status lt_onnx_export_edits (const lt_model              *model,
                                const lt_initializer_values *values,
                                size_t                       n_values,
                                const lt_node_edit          *node_edits,
                                size_t                       n_node_edits,
                                const char                  *path,
                                lt_error                    *err);

#ifdef __cplusplus
}
#endif
