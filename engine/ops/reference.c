/* reference.c — the table of reference kernels, indexed by lt_op
 *
 * LT_REFERENCE_KERNELS lists, one line per op, the op and the base name of
 * its kernel object: `X (Add, add)` declares `extern const lt_kernel
 * lt_ref_add_kernel` (defined in one of the ref-*.c files) and puts it at
 * [LT_OP_Add].  Ops without a line have no reference kernel: the table entry
 * is NULL and a session refuses the node with LT_ERR_UNSUPPORTED.  Keep the
 * lines sorted by op name.
 */
#include "ops/kernel.h"

#include <stddef.h>

/* clang-format off */
#define LT_REFERENCE_KERNELS(X) \
  X (Abs, abs) \
  X (Acos, acos) \
  X (Add, add) \
  X (And, and) \
  X (ArgMax, arg_max) \
  X (ArgMin, arg_min) \
  X (Asin, asin) \
  X (Atan, atan) \
  X (AveragePool, average_pool) \
  X (BatchNormalization, batch_normalization) \
  X (Cast, cast) \
  X (Ceil, ceil) \
  X (Clip, clip) \
  X (Concat, concat) \
  X (ConcatFromSequence, concat_from_sequence) \
  X (Constant, constant) \
  X (ConstantOfShape, constant_of_shape) \
  X (Conv, conv) \
  X (ConvTranspose, conv_transpose) \
  X (Cos, cos) \
  X (CumSum, cum_sum) \
  X (DepthToSpace, depth_to_space) \
  X (DequantizeLinear, dequantize_linear) \
  X (Div, div) \
  X (Dropout, dropout) \
  X (Einsum, einsum) \
  X (Elu, elu) \
  X (Equal, equal) \
  X (Erf, erf) \
  X (Exp, exp) \
  X (Expand, expand) \
  X (Flatten, flatten) \
  X (Floor, floor) \
  X (GRU, gru) \
  X (Gather, gather) \
  X (GatherElements, gather_elements) \
  X (GatherND, gather_nd) \
  X (Gelu, gelu) \
  X (Gemm, gemm) \
  X (GlobalAveragePool, global_average_pool) \
  X (GlobalMaxPool, global_max_pool) \
  X (Greater, greater) \
  X (GreaterOrEqual, greater_or_equal) \
  X (HardSigmoid, hard_sigmoid) \
  X (HardSwish, hard_swish) \
  X (Identity, identity) \
  X (If, if) \
  X (InstanceNormalization, instance_normalization) \
  X (LRN, lrn) \
  X (LSTM, lstm) \
  X (LayerNormalization, layer_normalization) \
  X (LeakyRelu, leaky_relu) \
  X (Less, less) \
  X (LessOrEqual, less_or_equal) \
  X (Log, log) \
  X (LogSoftmax, log_softmax) \
  X (Loop, loop) \
  X (MatMul, matmul) \
  X (MatMulInteger, matmul_integer) \
  X (Max, max) \
  X (MaxPool, max_pool) \
  X (Mean, mean) \
  X (Min, min) \
  X (Mod, mod) \
  X (Mul, mul) \
  X (Neg, neg) \
  X (Not, not) \
  X (OneHot, one_hot) \
  X (Optional, optional) \
  X (OptionalGetElement, optional_get_element) \
  X (OptionalHasElement, optional_has_element) \
  X (Or, or) \
  X (PRelu, prelu) \
  X (Pad, pad) \
  X (Pow, pow) \
  X (QLinearConv, qlinear_conv) \
  X (QLinearMatMul, qlinear_matmul) \
  X (QuantizeLinear, quantize_linear) \
  X (RNN, rnn) \
  X (Range, range) \
  X (Reciprocal, reciprocal) \
  X (ReduceL1, reduce_l1) \
  X (ReduceL2, reduce_l2) \
  X (ReduceLogSumExp, reduce_log_sum_exp) \
  X (ReduceMax, reduce_max) \
  X (ReduceMean, reduce_mean) \
  X (ReduceMin, reduce_min) \
  X (ReduceProd, reduce_prod) \
  X (ReduceSum, reduce_sum) \
  X (ReduceSumSquare, reduce_sum_square) \
  X (Relu, relu) \
  X (Reshape, reshape) \
  X (Resize, resize) \
  X (Round, round) \
  X (ScatterElements, scatter_elements) \
  X (ScatterND, scatter_nd) \
  X (Selu, selu) \
  X (SequenceAt, sequence_at) \
  X (SequenceConstruct, sequence_construct) \
  X (SequenceEmpty, sequence_empty) \
  X (SequenceErase, sequence_erase) \
  X (SequenceInsert, sequence_insert) \
  X (SequenceLength, sequence_length) \
  X (SequenceMap, sequence_map) \
  X (Shape, shape) \
  X (Sigmoid, sigmoid) \
  X (Sign, sign) \
  X (Sin, sin) \
  X (Size, size) \
  X (Slice, slice) \
  X (Softmax, softmax) \
  X (Softplus, softplus) \
  X (Softsign, softsign) \
  X (SpaceToDepth, space_to_depth) \
  X (Split, split) \
  X (SplitToSequence, split_to_sequence) \
  X (Sqrt, sqrt) \
  X (Squeeze, squeeze) \
  X (Sub, sub) \
  X (Sum, sum) \
  X (Tan, tan) \
  X (Tanh, tanh) \
  X (Tile, tile) \
  X (TopK, top_k) \
  X (Transpose, transpose) \
  X (Trilu, trilu) \
  X (Unsqueeze, unsqueeze) \
  X (Upsample, upsample) \
  X (Where, where) \
  X (Xor, xor) \

#define LT_REF_DECLARE(op, base) extern const lt_kernel lt_ref_##base##_kernel;
LT_REFERENCE_KERNELS (LT_REF_DECLARE)
#undef LT_REF_DECLARE

static const lt_kernel *const reference_kernels[LT_OP_COUNT] = {
#define LT_REF_ENTRY(op, base) [LT_OP_##op] = &lt_ref_##base##_kernel,
  LT_REFERENCE_KERNELS (LT_REF_ENTRY)
#undef LT_REF_ENTRY
};
/* clang-format on */

const lt_kernel *
lt_cpu_reference_kernel (lt_op op)
{
  if (op < 0 || op >= LT_OP_COUNT)
    return NULL;
  return reference_kernels[op];
}
