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
  X (ArgMax, arg_max) \
  X (ArgMin, arg_min) \
  X (AveragePool, average_pool) \
  X (BatchNormalization, batch_normalization) \
  X (Conv, conv) \
  X (ConvTranspose, conv_transpose) \
  X (CumSum, cum_sum) \
  X (Dropout, dropout) \
  X (Flatten, flatten) \
  X (Gemm, gemm) \
  X (GlobalAveragePool, global_average_pool) \
  X (GlobalMaxPool, global_max_pool) \
  X (Identity, identity) \
  X (InstanceNormalization, instance_normalization) \
  X (LRN, lrn) \
  X (LayerNormalization, layer_normalization) \
  X (LogSoftmax, log_softmax) \
  X (MatMul, matmul) \
  X (MatMulInteger, matmul_integer) \
  X (MaxPool, max_pool) \
  X (ReduceL1, reduce_l1) \
  X (ReduceL2, reduce_l2) \
  X (ReduceLogSumExp, reduce_log_sum_exp) \
  X (ReduceMax, reduce_max) \
  X (ReduceMean, reduce_mean) \
  X (ReduceMin, reduce_min) \
  X (ReduceProd, reduce_prod) \
  X (ReduceSum, reduce_sum) \
  X (ReduceSumSquare, reduce_sum_square) \
  X (Reshape, reshape) \
  X (Softmax, softmax) \
  X (Squeeze, squeeze) \
  X (TopK, top_k) \
  X (Unsqueeze, unsqueeze) \

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
