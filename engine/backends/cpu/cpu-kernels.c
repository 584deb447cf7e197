/* cpu-kernels.c — the CPU backend's kernel candidates per op
 *
 * LT_CPU_OPTIMIZED_KERNELS lists the optimized kernels, one line per kernel:
 * `X (Conv, f32_conv_ukernel_4x8__avx2)` declares `extern const lt_kernel
 * lt_f32_conv_ukernel_4x8__avx2` (defined under backends/cpu/) and makes it
 * a candidate for that op.  lt_cpu_kernels_for returns an op's optimized
 * candidates sorted by score, best first, followed by its reference kernel,
 * so a session that walks the list and takes the first kernel whose
 * `supports` accepts the node always falls back to the reference one.
 * The lists are built once, on first use, under pthread_once.
 */
#include "ops/kernel.h"

#include <pthread.h>
#include <stddef.h>

/* clang-format off */
#define LT_CPU_OPTIMIZED_KERNELS(X) \
  X (Add, f32_add) \
  X (AveragePool, f32_average_pool) \
  X (Clip, f32_clip) \
  X (Conv, f32_conv_depthwise) \
  X (Conv, f32_conv_gemm) \
  X (Div, f32_div) \
  X (Erf, f32_erf) \
  X (Exp, f32_exp) \
  X (Gemm, f32_gemm_op) \
  X (GlobalAveragePool, f32_global_average_pool) \
  X (LayerNormalization, f32_layer_norm) \
  X (MatMul, f32_matmul) \
  X (MaxPool, f32_max_pool) \
  X (Mul, f32_mul) \
  X (Relu, f32_relu) \
  X (Sigmoid, f32_sigmoid) \
  X (Softmax, f32_softmax) \
  X (Sub, f32_sub) \
  X (Tanh, f32_tanh) \
  X (Transpose, x32_transpose) \

#define LT_CPU_DECLARE(op, name) extern const lt_kernel lt_##name;
LT_CPU_OPTIMIZED_KERNELS (LT_CPU_DECLARE)
#undef LT_CPU_DECLARE

typedef struct optimized_entry
{
  lt_op            op;
  const lt_kernel *kernel;
} optimized_entry;

static const optimized_entry optimized_kernels[] = {
#define LT_CPU_ENTRY(op, name) { LT_OP_##op, &lt_##name },
  LT_CPU_OPTIMIZED_KERNELS (LT_CPU_ENTRY)
#undef LT_CPU_ENTRY
  { LT_OP_UNKNOWN, NULL },
};
/* clang-format on */

#define N_OPTIMIZED (sizeof optimized_kernels / sizeof optimized_kernels[0] - 1)

/* Every op's list lives in one array: each op gets its optimized kernels,
 * its reference kernel and a NULL terminator, hence 2 slots per op. */
static const lt_kernel *list_storage[N_OPTIMIZED + 2 * LT_OP_COUNT];
static const lt_kernel *const *op_lists[LT_OP_COUNT];
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void
build_lists (void)
{
  size_t used = 0;

  for (int op = 0; op < LT_OP_COUNT; op++)
    {
      const lt_kernel **list = &list_storage[used];
      size_t            n = 0;

      for (size_t i = 0; optimized_kernels[i].kernel != NULL; i++)
        if (optimized_kernels[i].op == (lt_op) op)
          {
            /* Insertion by score keeps the list best first. */
            size_t at = n;
            while (at > 0 && list[at - 1]->score < optimized_kernels[i].kernel->score)
              {
                list[at] = list[at - 1];
                at--;
              }
            list[at] = optimized_kernels[i].kernel;
            n++;
          }
      const lt_kernel *reference = lt_cpu_reference_kernel ((lt_op) op);
      if (reference != NULL)
        list[n++] = reference;
      list[n++] = NULL;
      op_lists[op] = list;
      used += n;
    }
}

lt_kernel_list
lt_cpu_kernels_for (lt_op op)
{
  static const lt_kernel *const empty[] = { NULL };

  if (op < 0 || op >= LT_OP_COUNT)
    return empty;
  pthread_once (&lists_once, build_lists);
  return op_lists[op];
}
