/* lt/ops.h — the operator registry
 *
 * LT_OPS is the one list of operators the engine knows (ai.onnx domain).
 * Everything per-op — schema, shape inference, reference kernel, backend
 * kernels, quantization rule — is a table indexed by lt_op and filled with
 * designated initializers, so adding an op starts with one line here and a
 * missing table entry means "not implemented there", never a crash.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* clang-format off */
#define LT_OPS(X) \
  X (Abs) \
  X (Acos) \
  X (Add) \
  X (And) \
  X (ArgMax) \
  X (ArgMin) \
  X (Asin) \
  X (Atan) \
  X (AveragePool) \
  X (BatchNormalization) \
  X (Cast) \
  X (Ceil) \
  X (Clip) \
  X (Concat) \
  X (ConcatFromSequence) \
  X (Constant) \
  X (ConstantOfShape) \
  X (Conv) \
  X (ConvTranspose) \
  X (Cos) \
  X (CumSum) \
  X (DepthToSpace) \
  X (DequantizeLinear) \
  X (Div) \
  X (Dropout) \
  X (Einsum) \
  X (Elu) \
  X (Equal) \
  X (Erf) \
  X (Exp) \
  X (Expand) \
  X (Flatten) \
  X (Floor) \
  X (Gather) \
  X (GatherElements) \
  X (GatherND) \
  X (Gelu) \
  X (Gemm) \
  X (GlobalAveragePool) \
  X (GlobalMaxPool) \
  X (Greater) \
  X (GreaterOrEqual) \
  X (GRU) \
  X (HardSigmoid) \
  X (HardSwish) \
  X (Identity) \
  X (If) \
  X (InstanceNormalization) \
  X (LayerNormalization) \
  X (LeakyRelu) \
  X (Less) \
  X (LessOrEqual) \
  X (Log) \
  X (LogSoftmax) \
  X (Loop) \
  X (LRN) \
  X (LSTM) \
  X (MatMul) \
  X (MatMulInteger) \
  X (Max) \
  X (MaxPool) \
  X (Mean) \
  X (Min) \
  X (Mod) \
  X (Mul) \
  X (Neg) \
  X (Not) \
  X (OneHot) \
  X (Optional) \
  X (OptionalGetElement) \
  X (OptionalHasElement) \
  X (Or) \
  X (Pad) \
  X (Pow) \
  X (PRelu) \
  X (QLinearConv) \
  X (QLinearMatMul) \
  X (QuantizeLinear) \
  X (Range) \
  X (Reciprocal) \
  X (ReduceL1) \
  X (ReduceL2) \
  X (ReduceLogSumExp) \
  X (ReduceMax) \
  X (ReduceMean) \
  X (ReduceMin) \
  X (ReduceProd) \
  X (ReduceSum) \
  X (ReduceSumSquare) \
  X (Relu) \
  X (Reshape) \
  X (Resize) \
  X (RNN) \
  X (Round) \
  X (ScatterElements) \
  X (ScatterND) \
  X (Selu) \
  X (SequenceAt) \
  X (SequenceConstruct) \
  X (SequenceEmpty) \
  X (SequenceErase) \
  X (SequenceInsert) \
  X (SequenceLength) \
  X (SequenceMap) \
  X (Shape) \
  X (Sigmoid) \
  X (Sign) \
  X (Sin) \
  X (Size) \
  X (Slice) \
  X (Softmax) \
  X (Softplus) \
  X (Softsign) \
  X (SpaceToDepth) \
  X (Split) \
  X (SplitToSequence) \
  X (Sqrt) \
  X (Squeeze) \
  X (Sub) \
  X (Sum) \
  X (Tan) \
  X (Tanh) \
  X (Tile) \
  X (TopK) \
  X (Transpose) \
  X (Trilu) \
  X (Unsqueeze) \
  X (Upsample) \
  X (Where) \
  X (Xor) \

typedef enum lt_op
{
  LT_OP_UNKNOWN = -1,
#define LT_OP_ENUM(name) LT_OP_##name,
  LT_OPS (LT_OP_ENUM)
#undef LT_OP_ENUM
  LT_OP_COUNT
} lt_op;
/* clang-format on */

/* "Conv" for LT_OP_Conv; NULL for LT_OP_UNKNOWN or out of range. */
const char *lt_op_name (lt_op op);

/* The op for a node's domain and type: ai.onnx ops match with domain "" or
 * "ai.onnx"; anything else (another domain, an unknown type) is
 * LT_OP_UNKNOWN. */
lt_op lt_op_lookup (const char *domain,
                    const char *op_type);

#ifdef __cplusplus
}
#endif
