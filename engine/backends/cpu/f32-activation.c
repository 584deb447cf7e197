/* f32-activation.c — Relu and Clip on f32 tensors, one pass, in place
 * allowed.
 *
 * Both are a clamp to [lo, hi]: Relu is [0, +inf), Clip reads its bounds
 * from constant min/max inputs (opset ≥ 11) or attributes (older opsets),
 * see lt_kernel_clamp_from_node; a Clip whose bounds are computed at run
 * time is left to the reference kernel.  Work is split in chunks over the
 * pool.  lt_f32_clamp, the loop itself, also serves activations fused into
 * other kernels.
 */
#include "cpu-kernel-util.h"
#include "ops/ref-common.h"

#include <stdlib.h>

#define CHUNK 16384 /* elements per parallel work item */

static bool
clamp_supports (const lt_kernel_call *call)
{
  lt_kernel_clamp bounds;

  return call->inputs[0].dtype == LT_DTYPE_F32 && lt_kernel_clamp_from_node (call->graph, call->node, &bounds);
}

static lt_status
clamp_prepare (const lt_kernel_call *call,
               void                **state,
               size_t               *scratch_bytes)
{
  lt_kernel_clamp *bounds = malloc (sizeof *bounds);

  if (bounds == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory");
  lt_kernel_clamp_from_node (call->graph, call->node, bounds);
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
  uint64_t         first = begin * CHUNK, last = end * CHUNK < job->count ? end * CHUNK : job->count;

  lt_f32_clamp (job->x + first, job->y + first, last - first, job->lo, job->hi);
}

void
lt_f32_clamp (const float *x,
              float       *y,
              uint64_t     n,
              float        min,
              float        max)
{
  for (uint64_t i = 0; i < n; i++)
    {
      float v = x[i];

      v = v < min ? min : v;
      y[i] = v > max ? max : v;
    }
}

static lt_status
clamp_run (const lt_kernel_call *call)
{
  const lt_kernel_clamp *bounds = call->state;
  clamp_job              job = { call->inputs[0].data, call->outputs[0].data, call->outputs[0].count, bounds->min, bounds->max };

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
