/* ref-norm.c — reference BatchNormalization, InstanceNormalization,
 * LayerNormalization and LRN, f32.
 *
 * Statistics are computed in double in two passes (mean, then the mean of
 * squared deviations: the population variance, as ONNX specifies), then
 * y = (x - mean) / sqrt(var + epsilon) * scale + bias.
 */
#include "ops/ref-helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Checks that input `index` is a float vector of `n` elements. */
static lt_status
check_channel_vector (const lt_kernel_call *call,
                      uint32_t              index,
                      const char           *what,
                      int64_t               n)
{
  const lt_kernel_tensor *t = &call->inputs[index];

  if (!lt_ref_has_input (call, index) || t->dtype != LT_DTYPE_F32 || t->rank != 1 || t->dims[0] != n)
    return lt_ref_fail (call, LT_ERR_SHAPE, "%s must be a float vector of %lld elements", what, (long long) n);
  return LT_OK;
}

/* Checks that output 0 has input 0's shape and type. */
static lt_status
check_same_shape (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0], *y = &call->outputs[0];

  if (y->dtype != x->dtype || y->rank != x->rank || y->count != x->count)
    return lt_ref_fail (call, LT_ERR_SHAPE, "Y must have the type and shape of X");
  return LT_OK;
}

static lt_status
check_epsilon (const lt_kernel_call *call)
{
  float eps = lt_node_get_attr_float (call->node, "epsilon", 1e-5f);

  if (!(eps >= 0.0f))
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'epsilon' must be >= 0");
  return LT_OK;
}

/* ---- BatchNormalization ----------------------------------------------------- */

static lt_status
batch_norm_prepare (const lt_kernel_call *call,
                    void                **state,
                    size_t               *scratch_bytes)
{
  const lt_kernel_tensor  *x = &call->inputs[0];
  static const char *const names[4] = { "scale", "B", "input_mean", "input_var" };
  lt_status                st;

  (void) state;
  *scratch_bytes = 0;
  if (call->node->opset < 9 && lt_node_get_attr_int (call->node, "spatial", 1) == 0)
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, "spatial = 0 (per-activation statistics) is not supported");
  if (x->rank < 2)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must be [N, C, ...] (got rank %d)", x->rank);
  if ((st = check_epsilon (call)) != LT_OK || (st = check_same_shape (call)) != LT_OK)
    return st;
  for (uint32_t i = 0; i < 4; i++)
    if ((st = check_channel_vector (call, i + 1, names[i], x->dims[1])) != LT_OK)
      return st;
  for (uint32_t i = 1; i < call->n_outputs && i < 3; i++)
    if (call->outputs[i].dtype != LT_DTYPE_UNDEFINED && (call->outputs[i].dtype != LT_DTYPE_F32 || call->outputs[i].count != (uint64_t) x->dims[1]))
      return lt_ref_fail (call, LT_ERR_SHAPE, "output %u must be a float vector of %lld elements", i,
                          (long long) x->dims[1]);
  return LT_OK;
}

/* training_mode = 1 (opset 14): normalize with the batch's own mean and
 * population variance per channel, and output the running statistics
 * input * momentum + batch * (1 - momentum). */
static lt_status
batch_norm_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const float            *xd = x->data;
  const float            *scale = call->inputs[1].data, *bias = call->inputs[2].data;
  const float            *mean = call->inputs[3].data, *var = call->inputs[4].data;
  float                  *y = call->outputs[0].data;
  float                  *running_mean = call->n_outputs > 1 ? call->outputs[1].data : NULL;
  float                  *running_var = call->n_outputs > 2 ? call->outputs[2].data : NULL;
  bool                    training = lt_node_get_attr_int (call->node, "training_mode", 0) != 0;
  double                  eps = lt_node_get_attr_float (call->node, "epsilon", 1e-5f);
  double                  momentum = lt_node_get_attr_float (call->node, "momentum", 0.9f);
  int64_t                 channels = x->dims[1];
  uint64_t                inner = lt_ref_count_from (x, 2);

  for (int64_t c = 0; c < channels; c++)
    {
      double m = mean[c], v = var[c], inv;

      if (training)
        {
          double sum = 0.0, dev = 0.0, n = (double) ((uint64_t) x->dims[0] * inner);
          for (int64_t b = 0; b < x->dims[0]; b++)
            for (uint64_t i = 0; i < inner; i++)
              sum += xd[((uint64_t) (b * channels + c)) * inner + i];
          m = sum / n;
          for (int64_t b = 0; b < x->dims[0]; b++)
            for (uint64_t i = 0; i < inner; i++)
              {
                double d = xd[((uint64_t) (b * channels + c)) * inner + i] - m;
                dev += d * d;
              }
          v = dev / n;
          if (running_mean != NULL)
            running_mean[c] = (float) (mean[c] * momentum + m * (1.0 - momentum));
          if (running_var != NULL)
            running_var[c] = (float) (var[c] * momentum + v * (1.0 - momentum));
        }
      inv = 1.0 / sqrt (v + eps);
      for (int64_t b = 0; b < x->dims[0]; b++)
        for (uint64_t i = 0; i < inner; i++)
          {
            uint64_t at = ((uint64_t) (b * channels + c)) * inner + i;
            y[at] = (float) (((double) xd[at] - m) * inv * scale[c] + bias[c]);
          }
    }
  return LT_OK;
}

/* ---- InstanceNormalization -------------------------------------------------- */

static lt_status
instance_norm_prepare (const lt_kernel_call *call,
                       void                **state,
                       size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  lt_status               st;

  (void) state;
  *scratch_bytes = 0;
  if (x->rank < 3)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must be [N, C, D1, ...] (got rank %d)", x->rank);
  if ((st = check_epsilon (call)) != LT_OK || (st = check_same_shape (call)) != LT_OK || (st = check_channel_vector (call, 1, "scale", x->dims[1])) != LT_OK || (st = check_channel_vector (call, 2, "B", x->dims[1])) != LT_OK)
    return st;
  return LT_OK;
}

/* Mean and population variance of n floats. */
static void
moments (const float *x,
         uint64_t     n,
         double      *mean,
         double      *var)
{
  double sum = 0.0, dev = 0.0;

  for (uint64_t i = 0; i < n; i++)
    sum += x[i];
  *mean = n ? sum / (double) n : 0.0;
  for (uint64_t i = 0; i < n; i++)
    dev += ((double) x[i] - *mean) * ((double) x[i] - *mean);
  *var = n ? dev / (double) n : 0.0;
}

static lt_status
instance_norm_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const float            *xd = x->data;
  const float            *scale = call->inputs[1].data, *bias = call->inputs[2].data;
  float                  *y = call->outputs[0].data;
  double                  eps = lt_node_get_attr_float (call->node, "epsilon", 1e-5f);
  uint64_t                inner = lt_ref_count_from (x, 2);

  for (uint64_t plane = 0; plane < (uint64_t) (x->dims[0] * x->dims[1]); plane++)
    {
      int64_t c = (int64_t) (plane % (uint64_t) x->dims[1]);
      double  mean, var, inv;

      moments (xd + plane * inner, inner, &mean, &var);
      inv = 1.0 / sqrt (var + eps);
      for (uint64_t i = plane * inner; i < (plane + 1) * inner; i++)
        y[i] = (float) (((double) xd[i] - mean) * inv * scale[c] + bias[c]);
    }
  return LT_OK;
}

/* ---- LayerNormalization ----------------------------------------------------- */

typedef struct layer_norm_params
{
  int32_t axis;                    /* normalized axes: [axis, rank) */
  int64_t strides[2][LT_MAX_RANK]; /* Scale and B read over those axes */
} layer_norm_params;

static lt_status
layer_norm_prepare (const lt_kernel_call *call,
                    void                **state,
                    size_t               *scratch_bytes)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  layer_norm_params       p = { 0 };
  lt_kernel_tensor        inner = { .dtype = x->dtype };
  lt_status               st;

  *scratch_bytes = 0;
  if ((st = lt_ref_get_axis (call, -1, x->rank, &p.axis)) != LT_OK || (st = check_epsilon (call)) != LT_OK || (st = check_same_shape (call)) != LT_OK)
    return st;
  inner.rank = x->rank - p.axis;
  memcpy (inner.dims, x->dims + p.axis, (size_t) inner.rank * sizeof inner.dims[0]);
  for (uint32_t i = 1; i <= 2; i++)
    {
      if (!lt_ref_has_input (call, i))
        continue;
      if (call->inputs[i].dtype != LT_DTYPE_F32 || !lt_ref_broadcast_strides (&call->inputs[i], &inner, p.strides[i - 1]))
        return lt_ref_fail (call, LT_ERR_SHAPE, "%s must be a float tensor that broadcasts to X's axes from %d on",
                            i == 1 ? "Scale" : "B", p.axis);
    }
  for (uint32_t i = 1; i < call->n_outputs && i < 3; i++)
    if (call->outputs[i].dtype != LT_DTYPE_UNDEFINED && (call->outputs[i].dtype != LT_DTYPE_F32 || call->outputs[i].count != lt_ref_count_before (x, p.axis)))
      return lt_ref_fail (call, LT_ERR_SHAPE, "output %u must be float with one element per normalized row", i);
  return lt_ref_keep_state (call, &p, sizeof p, state);
}

static lt_status
layer_norm_run (const lt_kernel_call *call)
{
  const layer_norm_params *p = call->state;
  const lt_kernel_tensor  *x = &call->inputs[0];
  const float             *xd = x->data;
  const float             *scale = call->inputs[1].data;
  const float             *bias = lt_ref_has_input (call, 2) ? call->inputs[2].data : NULL;
  float                   *y = call->outputs[0].data;
  float                   *mean_out = call->n_outputs > 1 ? call->outputs[1].data : NULL;
  float                   *inv_out = call->n_outputs > 2 ? call->outputs[2].data : NULL;
  double                   eps = lt_node_get_attr_float (call->node, "epsilon", 1e-5f);
  uint64_t                 inner = lt_ref_count_from (x, p->axis);
  uint64_t                 rows = lt_ref_count_before (x, p->axis);
  int64_t                  strides[2][LT_MAX_RANK];

  memcpy (strides, p->strides, sizeof strides);
  for (uint64_t r = 0; r < rows; r++)
    {
      const float *row = xd + r * inner;
      int64_t      index[LT_MAX_RANK] = { 0 };
      uint64_t     offsets[2] = { 0, 0 }; /* into Scale and B */
      double       mean, var, inv;

      moments (row, inner, &mean, &var);
      inv = 1.0 / sqrt (var + eps);
      for (uint64_t i = 0; i < inner; i++)
        {
          double v = ((double) row[i] - mean) * inv * scale[offsets[0]];
          if (bias != NULL)
            v += bias[offsets[1]];
          y[r * inner + i] = (float) v;
          lt_ref_index_next (x->rank - p->axis, x->dims + p->axis, index, 2, strides, offsets);
        }
      if (mean_out != NULL)
        mean_out[r] = (float) mean;
      if (inv_out != NULL)
        inv_out[r] = (float) inv;
    }
  return LT_OK;
}

/* ---- LRN -------------------------------------------------------------------- */

static lt_status
lrn_prepare (const lt_kernel_call *call,
             void                **state,
             size_t               *scratch_bytes)
{
  (void) state;
  *scratch_bytes = 0;
  if (lt_node_get_attr_int (call->node, "size", 0) < 1)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL, "attribute 'size' is required and must be >= 1");
  if (call->inputs[0].rank < 3)
    return lt_ref_fail (call, LT_ERR_SHAPE, "X must be [N, C, D1, ...] (got rank %d)", call->inputs[0].rank);
  return check_same_shape (call);
}

static lt_status
lrn_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *x = &call->inputs[0];
  const float            *xd = x->data;
  float                  *y = call->outputs[0].data;
  int64_t                 size = lt_node_get_attr_int (call->node, "size", 1);
  double                  alpha = lt_node_get_attr_float (call->node, "alpha", 1e-4f);
  double                  beta = lt_node_get_attr_float (call->node, "beta", 0.75f);
  double                  bias = lt_node_get_attr_float (call->node, "bias", 1.0f);
  int64_t                 channels = x->dims[1];
  uint64_t                inner = lt_ref_count_from (x, 2);
  /* The window over channels is [c - floor((size-1)/2), c + ceil((size-1)/2)]. */
  int64_t before = (size - 1) / 2, after = size - 1 - before;

  for (uint64_t i = 0; i < x->count; i++)
    {
      int64_t  c = (int64_t) ((i / inner) % (uint64_t) channels);
      uint64_t base = i - (uint64_t) c * inner;
      double   square_sum = 0.0;

      for (int64_t j = c - before; j <= c + after; j++)
        if (j >= 0 && j < channels)
          square_sum += (double) xd[base + (uint64_t) j * inner] * xd[base + (uint64_t) j * inner];
      y[i] = (float) (xd[i] / pow (bias + alpha / (double) size * square_sum, beta));
    }
  return LT_OK;
}

const lt_kernel lt_ref_batch_normalization_kernel = {
  .name = "lt_ref_batch_normalization",
  .supports = lt_ref_supports_f32,
  .prepare = batch_norm_prepare,
  .run = batch_norm_run,
};

const lt_kernel lt_ref_instance_normalization_kernel = {
  .name = "lt_ref_instance_normalization",
  .supports = lt_ref_supports_f32,
  .prepare = instance_norm_prepare,
  .run = instance_norm_run,
};

const lt_kernel lt_ref_layer_normalization_kernel = {
  .name = "lt_ref_layer_normalization",
  .supports = lt_ref_supports_f32,
  .prepare = layer_norm_prepare,
  .run = layer_norm_run,
  .release = free,
};

const lt_kernel lt_ref_lrn_kernel = {
  .name = "lt_ref_lrn",
  .supports = lt_ref_supports_f32,
  .prepare = lrn_prepare,
  .run = lrn_run,
};
