/* shape-table.c — the shape function of each op, indexed by lt_op.
 *
 * A missing entry means "cannot infer": the driver then keeps the types the
 * file declares (or fails in strict mode).
 */
#include "shape-private.h"

/* clang-format off */
static const lt_shape_fn shape_fns[LT_OP_COUNT] = {
  /* element-wise, same shape and type as input 0 */
  [LT_OP_Abs] = lt_shape_same_as_input,
  [LT_OP_Acos] = lt_shape_same_as_input,
  [LT_OP_Asin] = lt_shape_same_as_input,
  [LT_OP_Atan] = lt_shape_same_as_input,
  [LT_OP_Ceil] = lt_shape_same_as_input,
  [LT_OP_Cos] = lt_shape_same_as_input,
  [LT_OP_CumSum] = lt_shape_same_as_input,
  [LT_OP_Elu] = lt_shape_same_as_input,
  [LT_OP_Erf] = lt_shape_same_as_input,
  [LT_OP_Exp] = lt_shape_same_as_input,
  [LT_OP_Floor] = lt_shape_same_as_input,
  [LT_OP_Gelu] = lt_shape_same_as_input,
  [LT_OP_HardSigmoid] = lt_shape_same_as_input,
  [LT_OP_HardSwish] = lt_shape_same_as_input,
  [LT_OP_LeakyRelu] = lt_shape_same_as_input,
  [LT_OP_Log] = lt_shape_same_as_input,
  [LT_OP_LRN] = lt_shape_same_as_input,
  [LT_OP_Neg] = lt_shape_same_as_input,
  [LT_OP_Reciprocal] = lt_shape_same_as_input,
  [LT_OP_Relu] = lt_shape_same_as_input,
  [LT_OP_Round] = lt_shape_same_as_input,
  [LT_OP_ScatterElements] = lt_shape_same_as_input,
  [LT_OP_ScatterND] = lt_shape_same_as_input,
  [LT_OP_Selu] = lt_shape_same_as_input,
  [LT_OP_Sigmoid] = lt_shape_same_as_input,
  [LT_OP_Sign] = lt_shape_same_as_input,
  [LT_OP_Sin] = lt_shape_same_as_input,
  [LT_OP_Softplus] = lt_shape_same_as_input,
  [LT_OP_Softsign] = lt_shape_same_as_input,
  [LT_OP_Sqrt] = lt_shape_same_as_input,
  [LT_OP_Tan] = lt_shape_same_as_input,
  [LT_OP_Tanh] = lt_shape_same_as_input,
  [LT_OP_Trilu] = lt_shape_same_as_input,
  [LT_OP_Clip] = lt_shape_same_as_input,
  [LT_OP_Not] = lt_shape_bool_same_as_input,
  [LT_OP_Softmax] = lt_shape_softmax,
  [LT_OP_LogSoftmax] = lt_shape_softmax,
  [LT_OP_Dropout] = lt_shape_dropout,
  [LT_OP_Identity] = lt_shape_identity,
  [LT_OP_SequenceEmpty] = lt_shape_sequence_empty,
  [LT_OP_SequenceConstruct] = lt_shape_sequence_construct,
  [LT_OP_SequenceInsert] = lt_shape_sequence_insert,
  [LT_OP_SequenceErase] = lt_shape_sequence_erase,
  [LT_OP_SequenceAt] = lt_shape_sequence_at,
  [LT_OP_SequenceLength] = lt_shape_sequence_length,
  [LT_OP_SequenceMap] = lt_shape_sequence_map,
  [LT_OP_SplitToSequence] = lt_shape_split_to_sequence,
  [LT_OP_ConcatFromSequence] = lt_shape_concat_from_sequence,
  [LT_OP_Optional] = lt_shape_optional,
  [LT_OP_OptionalHasElement] = lt_shape_optional_has_element,
  [LT_OP_OptionalGetElement] = lt_shape_optional_get_element,
  [LT_OP_If] = lt_shape_if,
  [LT_OP_Loop] = lt_shape_loop,
  [LT_OP_Cast] = lt_shape_cast,

  /* broadcasting */
  [LT_OP_Add] = lt_shape_broadcast_op,
  [LT_OP_Sub] = lt_shape_broadcast_op,
  [LT_OP_Mul] = lt_shape_broadcast_op,
  [LT_OP_Div] = lt_shape_broadcast_op,
  [LT_OP_Pow] = lt_shape_broadcast_op,
  [LT_OP_Mod] = lt_shape_broadcast_op,
  [LT_OP_PRelu] = lt_shape_prelu,
  [LT_OP_Max] = lt_shape_broadcast_op,
  [LT_OP_Min] = lt_shape_broadcast_op,
  [LT_OP_Mean] = lt_shape_broadcast_op,
  [LT_OP_Sum] = lt_shape_broadcast_op,
  [LT_OP_And] = lt_shape_compare,
  [LT_OP_Or] = lt_shape_compare,
  [LT_OP_Xor] = lt_shape_compare,
  [LT_OP_Equal] = lt_shape_compare,
  [LT_OP_Greater] = lt_shape_compare,
  [LT_OP_GreaterOrEqual] = lt_shape_compare,
  [LT_OP_Less] = lt_shape_compare,
  [LT_OP_LessOrEqual] = lt_shape_compare,
  [LT_OP_Where] = lt_shape_where,

  /* convolutions, pools, normalizations */
  [LT_OP_Conv] = lt_shape_conv,
  [LT_OP_ConvTranspose] = lt_shape_conv_transpose,
  [LT_OP_QLinearConv] = lt_shape_qlinear_conv,
  [LT_OP_AveragePool] = lt_shape_pool,
  [LT_OP_MaxPool] = lt_shape_pool,
  [LT_OP_GlobalAveragePool] = lt_shape_global_pool,
  [LT_OP_GlobalMaxPool] = lt_shape_global_pool,
  [LT_OP_BatchNormalization] = lt_shape_batch_norm,
  [LT_OP_InstanceNormalization] = lt_shape_instance_norm,
  [LT_OP_LayerNormalization] = lt_shape_layer_norm,
  [LT_OP_DepthToSpace] = lt_shape_depth_to_space,
  [LT_OP_SpaceToDepth] = lt_shape_space_to_depth,

  /* linear algebra, recurrences, quantization */
  [LT_OP_Gemm] = lt_shape_gemm,
  [LT_OP_MatMul] = lt_shape_matmul,
  [LT_OP_MatMulInteger] = lt_shape_matmul,
  [LT_OP_QLinearMatMul] = lt_shape_matmul,
  [LT_OP_Einsum] = lt_shape_einsum,
  [LT_OP_RNN] = lt_shape_rnn,
  [LT_OP_GRU] = lt_shape_rnn,
  [LT_OP_LSTM] = lt_shape_rnn,
  [LT_OP_QuantizeLinear] = lt_shape_quantize,
  [LT_OP_DequantizeLinear] = lt_shape_dequantize,

  /* data movement */
  [LT_OP_Reshape] = lt_shape_reshape,
  [LT_OP_Transpose] = lt_shape_transpose,
  [LT_OP_Concat] = lt_shape_concat,
  [LT_OP_Split] = lt_shape_split,
  [LT_OP_Slice] = lt_shape_slice,
  [LT_OP_Gather] = lt_shape_gather,
  [LT_OP_GatherElements] = lt_shape_gather_elements,
  [LT_OP_GatherND] = lt_shape_gather_nd,
  [LT_OP_Squeeze] = lt_shape_squeeze,
  [LT_OP_Unsqueeze] = lt_shape_unsqueeze,
  [LT_OP_Flatten] = lt_shape_flatten,
  [LT_OP_Expand] = lt_shape_expand,
  [LT_OP_Tile] = lt_shape_tile,
  [LT_OP_Pad] = lt_shape_pad,
  [LT_OP_Resize] = lt_shape_resize,
  [LT_OP_Upsample] = lt_shape_upsample,

  /* reductions */
  [LT_OP_ReduceL1] = lt_shape_reduce,
  [LT_OP_ReduceL2] = lt_shape_reduce,
  [LT_OP_ReduceLogSumExp] = lt_shape_reduce,
  [LT_OP_ReduceMax] = lt_shape_reduce,
  [LT_OP_ReduceMean] = lt_shape_reduce,
  [LT_OP_ReduceMin] = lt_shape_reduce,
  [LT_OP_ReduceProd] = lt_shape_reduce,
  [LT_OP_ReduceSum] = lt_shape_reduce,
  [LT_OP_ReduceSumSquare] = lt_shape_reduce,
  [LT_OP_ArgMax] = lt_shape_arg_reduce,
  [LT_OP_ArgMin] = lt_shape_arg_reduce,
  [LT_OP_TopK] = lt_shape_topk,

  /* generators */
  [LT_OP_Constant] = lt_shape_constant,
  [LT_OP_ConstantOfShape] = lt_shape_constant_of_shape,
  [LT_OP_Shape] = lt_shape_shape,
  [LT_OP_Size] = lt_shape_size,
  [LT_OP_Range] = lt_shape_range,
  [LT_OP_OneHot] = lt_shape_one_hot,
};
/* clang-format on */

lt_shape_fn
lt_shape_fn_for_op (lt_op op)
{
  if (op < 0 || op >= LT_OP_COUNT)
    return NULL;
  return shape_fns[op];
}
