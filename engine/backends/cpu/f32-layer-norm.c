/* f32-layer-norm.c — LayerNormalization over contiguous rows of f32.
 *
 * The normalized axes [axis, rank) form one contiguous row; Scale and the
 * optional B must have exactly a row's elements (other broadcasts, and
 * nodes that ask for the Mean / InvStdDev outputs, go to the reference
 * kernel).  Each row: mean, variance (two passes, for accuracy), then
 * (x - mean) / sqrt (var + epsilon) · scale + bias; rows in parallel.
 */
#include "cpu-kernel-util.h"
#include "f32-reduce.h"
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>

typedef struct layer_norm_params
{
  uint64_t rows;
  uint64_t cols;
  float    epsilon;
} layer_norm_params;

static bool
layer_norm_params_of (const lt_kernel_call *call,
                      layer_norm_params    *params)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  int64_t                 axis = lt_node_get_attr_int (call->node, "axis", -1);

  if (axis < 0)
    axis += x->rank;
  if (axis < 0 || axis >= x->rank)
    return false;
  params->rows = lt_ref_count_before (x, (int32_t) axis);
  params->cols = lt_ref_count_from (x, (int32_t) axis);
  params->epsilon = lt_node_get_attr_float (call->node, "epsilon", 1e-5f);
  return true;
}

static bool
layer_norm_supports (const lt_kernel_call *call)
{
  layer_norm_params params;

  if (call->n_inputs < 2 || call->inputs[0].dtype != LT_DTYPE_F32 || call->inputs[1].dtype != LT_DTYPE_F32 ||
      !layer_norm_params_of (call, &params) || call->inputs[1].count != params.cols)
    return false;
  if (call->n_inputs > 2 && call->inputs[2].dtype != LT_DTYPE_UNDEFINED &&
      (call->inputs[2].dtype != LT_DTYPE_F32 || call->inputs[2].count != params.cols))
    return false;
  for (uint32_t o = 1; o < call->n_outputs; o++)
    if (call->node->outputs[o] >= 0)
      return false;
  return true;
}

static lt_status
layer_norm_prepare (const lt_kernel_call *call,
                    void                **state,
                    size_t               *scratch_bytes)
{
  layer_norm_params params;

  layer_norm_params_of (call, &params);
  *scratch_bytes = 0;
  return lt_ref_keep_state (call, &params, sizeof params, state);
}

typedef struct layer_norm_job
{
  const layer_norm_params *params;
  const float             *x;
  const float             *scale;
  const float             *bias;
  float                   *y;
} layer_norm_job;

static void
layer_norm_rows (void    *context,
                 uint64_t begin,
                 uint64_t end)
{
  const layer_norm_job *job = context;
  uint64_t              n = job->params->cols;

  for (uint64_t row = begin; row < end; row++)
    {
      const float *x = job->x + row * n;
      float       *y = job->y + row * n;
      float        mean = lt_f32_sum (x, n) / (float) n;
      float        variance = lt_f32_sum_squared_deviation (x, n, mean) / (float) n;
      float        inv_std = 1.0f / sqrtf (variance + job->params->epsilon);

      for (uint64_t i = 0; i < n; i++)
        y[i] = (x[i] - mean) * inv_std * job->scale[i] + (job->bias != NULL ? job->bias[i] : 0.0f);
    }
}

static lt_status
layer_norm_run (const lt_kernel_call *call)
{
  const layer_norm_params *params = call->state;
  layer_norm_job           job = {
              params,
              call->inputs[0].data,
              call->inputs[1].data,
    call->n_inputs > 2 ? call->inputs[2].data : NULL,
              call->outputs[0].data,
  };

  if (params->cols == 0)
    return LT_OK;
  lt_threadpool_parallel_for (call->pool, params->rows, 1 + 2048 / params->cols, layer_norm_rows, &job);
  return LT_OK;
}

const lt_kernel lt_f32_layer_norm = {
  .name = "lt_f32_layer_norm",
  .score = 100,
  .supports = layer_norm_supports,
  .prepare = layer_norm_prepare,
  .run = layer_norm_run,
  .release = free,
};
