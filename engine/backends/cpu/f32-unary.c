/* f32-unary.c — elementwise math on f32: Erf and Exp with the vectorized
 * functions of f32-vmath.h (picked for the CPU in prepare), Sigmoid and
 * Tanh with the C library's float functions.  Chunks of the tensor run in
 * parallel; output may overwrite the input. */
#include "cpu-kernel-util.h"
#include "f32-vmath.h"
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>

#define CHUNK 8192 /* elements per parallel work item */

typedef struct unary_job
{
  lt_op               op;
  const lt_f32_vmath *vmath;
  const float *x;
  float       *y;
  uint64_t     count;
} unary_job;

static bool
unary_supports (const lt_kernel_call *call)
{
  return call->inputs[0].dtype == LT_DTYPE_F32;
}

static void
unary_chunks (void    *context,
              uint64_t begin,
              uint64_t end)
{
  const unary_job *job = context;
  uint64_t         first = begin * CHUNK, last = end * CHUNK < job->count ? end * CHUNK : job->count;
  const float     *x = job->x;
  float           *y = job->y;

  switch (job->op)
    {
    case LT_OP_Erf:
      job->vmath->erf (last - first, x + first, y + first);
      break;
    case LT_OP_Exp:
      job->vmath->exp (last - first, x + first, 0.0f, y + first);
      break;
    case LT_OP_Sigmoid:
      for (uint64_t i = first; i < last; i++)
        y[i] = 1.0f / (1.0f + expf (-x[i]));
      break;
    case LT_OP_Tanh:
      for (uint64_t i = first; i < last; i++)
        y[i] = tanhf (x[i]);
      break;
    default:
      break;
    }
}

static lt_status
unary_prepare (const lt_kernel_call *call,
               void                **state,
               size_t               *scratch_bytes)
{
  const lt_f32_vmath *vmath = lt_f32_vmath_for (lt_cpu_isa_get ());

  *scratch_bytes = 0;
  return lt_ref_keep_state (call, &vmath, sizeof vmath, state);
}

static lt_status
unary_run (const lt_kernel_call *call)
{
  const lt_f32_vmath *const *vmath = call->state;
  unary_job job = { (lt_op) call->node->op, *vmath, call->inputs[0].data, call->outputs[0].data, call->outputs[0].count };

  lt_threadpool_parallel_for (call->pool, (job.count + CHUNK - 1) / CHUNK, 1, unary_chunks, &job);
  return LT_OK;
}

#define LT_F32_UNARY_KERNEL(op_name)   \
  const lt_kernel lt_f32_##op_name = { \
    .name = "lt_f32_" #op_name,        \
    .score = 100,                      \
    .supports = unary_supports,        \
    .prepare = unary_prepare,          \
    .run = unary_run,                  \
    .release = free,                   \
    .in_place = true,                  \
  };

LT_F32_UNARY_KERNEL (erf)
LT_F32_UNARY_KERNEL (exp)
LT_F32_UNARY_KERNEL (sigmoid)
LT_F32_UNARY_KERNEL (tanh)
