/* f32-global-pool.c — GlobalAveragePool on f32 [N, C, spatial...]: one
 * mean per (image, channel) plane, planes in parallel. */
#include "cpu-kernel-util.h"
#include "f32-reduce.h"

static bool
global_average_supports (const lt_kernel_call *call)
{
  return call->inputs[0].dtype == LT_DTYPE_F32 && call->inputs[0].rank >= 3 &&
         call->outputs[0].count == (uint64_t) (call->inputs[0].dims[0] * call->inputs[0].dims[1]);
}

typedef struct plane_job
{
  const float *x;
  float       *y;
  uint64_t     plane;
} plane_job;

static void
average_planes (void    *context,
                uint64_t begin,
                uint64_t end)
{
  const plane_job *job = context;

  for (uint64_t p = begin; p < end; p++)
    {
      float sum = lt_f32_sum (job->x + p * job->plane, job->plane);

      job->y[p] = job->plane > 0 ? sum / (float) job->plane : 0.0f;
    }
}

static lt_status
global_average_run (const lt_kernel_call *call)
{
  uint64_t  planes = call->outputs[0].count;
  plane_job job = { call->inputs[0].data, call->outputs[0].data, planes > 0 ? call->inputs[0].count / planes : 0 };

  lt_threadpool_parallel_for (call->pool, planes, 1 + 4096 / (job.plane + 1), average_planes, &job);
  return LT_OK;
}

const lt_kernel lt_f32_global_average_pool = {
  .name = "lt_f32_global_average_pool",
  .score = 100,
  .supports = global_average_supports,
  .run = global_average_run,
};
