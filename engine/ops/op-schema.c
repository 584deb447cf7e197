/* op-schema.c — the arity table behind lt_op_get_schema.
 *
 * Every op of LT_OPS has an entry (checked by the engine tests), written as
 * (min inputs, max inputs, min outputs, max outputs).
 */
#include "op-schema.h"

#include <stddef.h>

#define V LT_SCHEMA_VARIADIC
#define S(min_in, max_in, min_out, max_out) \
  {                                         \
    min_in, max_in, min_out, max_out        \
  }
#define UNARY  S (1, 1, 1, 1)
#define BINARY S (2, 2, 1, 1)

/* clang-format off */
static const lt_op_schema schemas[LT_OP_COUNT] = {
  [LT_OP_Abs] = UNARY, [LT_OP_Acos] = UNARY, [LT_OP_Asin] = UNARY, [LT_OP_Atan] = UNARY,
  [LT_OP_Ceil] = UNARY, [LT_OP_Cos] = UNARY, [LT_OP_Erf] = UNARY, [LT_OP_Exp] = UNARY,
  [LT_OP_Floor] = UNARY, [LT_OP_Identity] = UNARY, [LT_OP_Log] = UNARY, [LT_OP_Neg] = UNARY,
  [LT_OP_Not] = UNARY, [LT_OP_Reciprocal] = UNARY, [LT_OP_Relu] = UNARY, [LT_OP_Round] = UNARY,
  [LT_OP_Sigmoid] = UNARY, [LT_OP_Sign] = UNARY, [LT_OP_Sin] = UNARY, [LT_OP_Sqrt] = UNARY,
  [LT_OP_Tan] = UNARY, [LT_OP_Tanh] = UNARY, [LT_OP_Softsign] = UNARY, [LT_OP_Softplus] = UNARY,
  [LT_OP_Elu] = UNARY, [LT_OP_LeakyRelu] = UNARY, [LT_OP_Selu] = UNARY, [LT_OP_HardSigmoid] = UNARY,
  [LT_OP_HardSwish] = UNARY, [LT_OP_Gelu] = UNARY, [LT_OP_Softmax] = UNARY, [LT_OP_LogSoftmax] = UNARY,
  [LT_OP_LRN] = UNARY, [LT_OP_Shape] = UNARY, [LT_OP_Size] = UNARY, [LT_OP_Flatten] = UNARY,
  [LT_OP_Transpose] = UNARY, [LT_OP_DepthToSpace] = UNARY, [LT_OP_SpaceToDepth] = UNARY,
  [LT_OP_GlobalAveragePool] = UNARY, [LT_OP_GlobalMaxPool] = UNARY, [LT_OP_Cast] = UNARY,
  [LT_OP_ArgMax] = UNARY, [LT_OP_ArgMin] = UNARY, [LT_OP_ConstantOfShape] = UNARY,
  [LT_OP_AveragePool] = UNARY,

  [LT_OP_Add] = BINARY, [LT_OP_Sub] = BINARY, [LT_OP_Mul] = BINARY, [LT_OP_Div] = BINARY,
  [LT_OP_Pow] = BINARY, [LT_OP_Mod] = BINARY, [LT_OP_And] = BINARY, [LT_OP_Or] = BINARY,
  [LT_OP_Xor] = BINARY, [LT_OP_Equal] = BINARY, [LT_OP_Greater] = BINARY,
  [LT_OP_GreaterOrEqual] = BINARY, [LT_OP_Less] = BINARY, [LT_OP_LessOrEqual] = BINARY,
  [LT_OP_PRelu] = BINARY, [LT_OP_MatMul] = BINARY, [LT_OP_Expand] = BINARY, [LT_OP_Tile] = BINARY,
  [LT_OP_Gather] = BINARY, [LT_OP_GatherElements] = BINARY, [LT_OP_GatherND] = BINARY,
  [LT_OP_CumSum] = BINARY,

  [LT_OP_Max] = S (1, V, 1, 1), [LT_OP_Min] = S (1, V, 1, 1), [LT_OP_Mean] = S (1, V, 1, 1),
  [LT_OP_Sum] = S (1, V, 1, 1), [LT_OP_Concat] = S (1, V, 1, 1), [LT_OP_Einsum] = S (1, V, 1, 1),
  [LT_OP_Clip] = S (1, 3, 1, 1), [LT_OP_Dropout] = S (1, 3, 1, 2), [LT_OP_Reshape] = S (1, 2, 1, 1),
  [LT_OP_Split] = S (1, 2, 1, V), [LT_OP_Slice] = S (1, 5, 1, 1), [LT_OP_Squeeze] = S (1, 2, 1, 1),
  [LT_OP_Unsqueeze] = S (1, 2, 1, 1), [LT_OP_Pad] = S (1, 4, 1, 1), [LT_OP_Resize] = S (1, 4, 1, 1),
  [LT_OP_Upsample] = S (1, 2, 1, 1), [LT_OP_Where] = S (3, 3, 1, 1), [LT_OP_Trilu] = S (1, 2, 1, 1),
  [LT_OP_Range] = S (3, 3, 1, 1), [LT_OP_OneHot] = S (3, 3, 1, 1), [LT_OP_TopK] = S (1, 2, 2, 2),
  [LT_OP_Constant] = S (0, 0, 1, 1), [LT_OP_ScatterElements] = S (3, 3, 1, 1),
  [LT_OP_ScatterND] = S (3, 4, 1, 1),

  [LT_OP_ReduceL1] = S (1, 2, 1, 1), [LT_OP_ReduceL2] = S (1, 2, 1, 1),
  [LT_OP_ReduceLogSumExp] = S (1, 2, 1, 1), [LT_OP_ReduceMax] = S (1, 2, 1, 1),
  [LT_OP_ReduceMean] = S (1, 2, 1, 1), [LT_OP_ReduceMin] = S (1, 2, 1, 1),
  [LT_OP_ReduceProd] = S (1, 2, 1, 1), [LT_OP_ReduceSum] = S (1, 2, 1, 1),
  [LT_OP_ReduceSumSquare] = S (1, 2, 1, 1),

  [LT_OP_Conv] = S (2, 3, 1, 1), [LT_OP_ConvTranspose] = S (2, 3, 1, 1),
  [LT_OP_QLinearConv] = S (8, 9, 1, 1), [LT_OP_MaxPool] = S (1, 1, 1, 2),
  [LT_OP_BatchNormalization] = S (5, 5, 1, 5), [LT_OP_InstanceNormalization] = S (3, 3, 1, 1),
  [LT_OP_LayerNormalization] = S (2, 3, 1, 3),

  [LT_OP_Gemm] = S (2, 3, 1, 1), [LT_OP_MatMulInteger] = S (2, 4, 1, 1),
  [LT_OP_QLinearMatMul] = S (8, 8, 1, 1), [LT_OP_QuantizeLinear] = S (2, 3, 1, 1),
  [LT_OP_DequantizeLinear] = S (2, 3, 1, 1),
  [LT_OP_RNN] = S (3, 6, 0, 2), [LT_OP_GRU] = S (3, 6, 0, 2), [LT_OP_LSTM] = S (3, 8, 0, 3),

  [LT_OP_SequenceEmpty] = S (0, 0, 1, 1), [LT_OP_SequenceConstruct] = S (1, V, 1, 1),
  [LT_OP_SequenceInsert] = S (2, 3, 1, 1), [LT_OP_SequenceErase] = S (1, 2, 1, 1),
  [LT_OP_SequenceAt] = S (2, 2, 1, 1), [LT_OP_SequenceLength] = S (1, 1, 1, 1),
  [LT_OP_SplitToSequence] = S (1, 2, 1, 1), [LT_OP_ConcatFromSequence] = S (1, 1, 1, 1),
  [LT_OP_Optional] = S (0, 1, 1, 1), [LT_OP_OptionalHasElement] = S (0, 1, 1, 1),
  [LT_OP_OptionalGetElement] = S (1, 1, 1, 1), [LT_OP_SequenceMap] = S (1, V, 1, V),
  [LT_OP_If] = S (1, 1, 1, V), [LT_OP_Loop] = S (2, V, 1, V),
};
/* clang-format on */

const lt_op_schema *
lt_op_get_schema (lt_op op)
{
  if (op < 0 || op >= LT_OP_COUNT)
    return NULL;
  return &schemas[op];
}
