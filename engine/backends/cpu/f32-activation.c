/* f32-activation.c — Relu and Clip on f32 tensors, one pass, in place
 * allowed.
 *
 * Both are a clamp to [lo, hi]: Relu is [0, +inf), Clip reads its bounds
 * from constant min/max inputs (opset ≥ 11) or attributes (older opsets);
 * a Clip whose bounds are computed at run time is left to the reference
 * kernel.  Work is split in chunks over the pool.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 16384 /* elements per parallel work item */

typedef struct clamp_bounds
{
  float lo;
  float hi;
} clamp_bounds;

/* A constant scalar f32 input, or `fallback` when the input is omitted;
 * false when present but not a constant scalar. */
static bool
constant_scalar (const lt_kernel_call *call,
                 uint32_t              index,
                 float                 fallback,
                 float                *out)
{
  const lt_tensor *constant;

  *out = fallback;
  if (index >= call->node->n_inputs || call->node->inputs[index] < 0)
    return true;
  constant = lt_kernel_call_get_constant (call, index);
  if (constant == NULL || constant->dtype != LT_DTYPE_F32 || constant->count != 1)
    return false;
  memcpy (out, constant->data, sizeof *out);
  return true;
}

static bool
read_bounds (const lt_kernel_call *call,
             clamp_bounds         *bounds)
{
  if (call->node->op == LT_OP_Relu)
    {
      bounds->lo = 0.0f;
      bounds->hi = INFINITY;
      return true;
    }
  if (call->node->opset < 11)
    {
      bounds->lo = lt_node_get_attr_float (call->node, "min", -INFINITY);
      bounds->hi = lt_node_get_attr_float (call->node, "max", INFINITY);
      return true;
    }
  return constant_scalar (call, 1, -INFINITY, &bounds->lo) && constant_scalar (call, 2, INFINITY, &bounds->hi);
}

static bool
clamp_supports (const lt_kernel_call *call)
{
  clamp_bounds bounds;

  return call->inputs[0].dtype == LT_DTYPE_F32 && read_bounds (call, &bounds);
}

static lt_status
clamp_prepare (const lt_kernel_call *call,
               void                **state,
               size_t               *scratch_bytes)
{
  clamp_bounds *bounds = malloc (sizeof *bounds);

  if (bounds == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  read_bounds (call, bounds);
  *scratch_bytes = 0;
  *state = bounds;
  return LT_OK;
}

typedef struct clamp_job
{
  const float *x;
  float       *y;
  uint64_t     count;
  float        lo, hi;
} clamp_job;

static void
clamp_chunks (void    *context,
              uint64_t begin,
              uint64_t end)
{
  const clamp_job *job = context;
  uint64_t first = begin * CHUNK, last = end * CHUNK < job->count ? end * CHUNK : job->count;
  float lo = job->lo, hi = job->hi;

  for (uint64_t i = first; i < last; i++)
    {
      float v = job->x[i];

      v = v < lo ? lo : v;
      job->y[i] = v > hi ? hi : v;
    }
}

static lt_status
clamp_run (const lt_kernel_call *call)
{
  const clamp_bounds *bounds = call->state;
  clamp_job job = { call->inputs[0].data, call->outputs[0].data, call->outputs[0].count, bounds->lo, bounds->hi };

  lt_threadpool_parallel_for (call->pool, (job.count + CHUNK - 1) / CHUNK, 1, clamp_chunks, &job);
  return LT_OK;
}

const lt_kernel lt_f32_relu = {
  .name = "lt_f32_relu",
  .score = 100,
  .supports = clamp_supports,
  .prepare = clamp_prepare,
  .run = clamp_run,
  .release = free,
  .in_place = true,
};

const lt_kernel lt_f32_clip = {
  .name = "lt_f32_clip",
  .score = 100,
  .supports = clamp_supports,
  .prepare = clamp_prepare,
  .run = clamp_run,
  .release = free,
  .in_place = true,
};
