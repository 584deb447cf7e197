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
  X (Conv, conv) \
  X (ConvTranspose, conv_transpose) \
  X (Dropout, dropout) \
  X (Flatten, flatten) \
  X (Gemm, gemm) \
  X (Identity, identity) \
  X (MatMul, matmul) \
  X (MatMulInteger, matmul_integer) \
  X (Reshape, reshape) \
  X (Squeeze, squeeze) \
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
