/* f32-softmax.c — Softmax over contiguous rows of an f32 tensor.
 *
 * Opset < 13 normalizes the tensor flattened to [before axis, from axis],
 * so every axis gives contiguous rows; opset ≥ 13 normalizes along one
 * axis, contiguous only when it is the last one (other axes go to the
 * reference kernel).  Each row: subtract the max, exponentiate (the
 * vectorized exp of f32-vmath.h, picked in prepare), divide by the sum;
 * rows in parallel.
 */
#include "cpu-kernel-util.h"
#include "f32-vmath.h"
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>

typedef struct softmax_shape
{
  uint64_t       rows;
  uint64_t       cols;
  lt_f32_vexp_fn exp; /* filled in prepare */
} softmax_shape;

static bool
rows_of (const lt_kernel_call *call,
         softmax_shape        *shape)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  bool                    new_semantics = call->node->opset >= 13;
  int64_t                 axis = lt_node_get_attr_int (call->node, "axis", new_semantics ? -1 : 1);
  int32_t                 rank = x->rank > 0 ? x->rank : 1;

  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank || (new_semantics && axis != rank - 1))
    return false;
  shape->rows = lt_ref_count_before (x, (int32_t) axis);
  shape->cols = lt_ref_count_from (x, (int32_t) axis);
  return true;
}

static bool
softmax_supports (const lt_kernel_call *call)
{
  softmax_shape shape;

  return call->inputs[0].dtype == LT_DTYPE_F32 && rows_of (call, &shape);
}

static lt_status
softmax_prepare (const lt_kernel_call *call,
                 void                **state,
                 size_t               *scratch_bytes)
{
  softmax_shape shape;

  rows_of (call, &shape);
  shape.exp = lt_f32_vmath_for (lt_cpu_isa_get ())->exp;
  *scratch_bytes = 0;
  return lt_ref_keep_state (call, &shape, sizeof shape, state);
}

typedef struct softmax_job
{
  const float   *x;
  float         *y;
  uint64_t       cols;
  lt_f32_vexp_fn exp;
} softmax_job;

static void
softmax_rows (void    *context,
              uint64_t begin,
              uint64_t end)
{
  const softmax_job *job = context;
  uint64_t           n = job->cols;

  for (uint64_t row = begin; row < end; row++)
    {
      const float *x = job->x + row * n;
      float       *y = job->y + row * n;
      float        max = -INFINITY, scale;

      for (uint64_t i = 0; i < n; i++)
        max = x[i] > max ? x[i] : max;
      scale = 1.0f / job->exp (n, x, max, y);
      for (uint64_t i = 0; i < n; i++)
        y[i] *= scale;
    }
}

static lt_status
softmax_run (const lt_kernel_call *call)
{
  const softmax_shape *shape = call->state;
  softmax_job          job = { call->inputs[0].data, call->outputs[0].data, shape->cols, shape->exp };

  lt_threadpool_parallel_for (call->pool, shape->rows, 1 + 2048 / (shape->cols + 1), softmax_rows, &job);
  return LT_OK;
}

const lt_kernel lt_f32_softmax = {
  .name = "lt_f32_softmax",
  .score = 100,
  .supports = softmax_supports,
  .prepare = softmax_prepare,
  .run = softmax_run,
  .release = free,
};
