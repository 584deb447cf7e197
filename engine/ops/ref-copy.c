/* ref-copy.c — reference kernels whose output is input 0's bytes under a
 * new shape: Identity, Dropout (inference, or ratio 0), Reshape, Flatten, Squeeze,
 * Unsqueeze.  The session has set the output shape; these only move data,
 * and run in place when the planner lets output 0 share input 0's memory. */
#include "ops/ref-common.h"

#include <string.h>

/* Bytes of a kernel tensor's data (STRING elements are lt_bytes). */
static size_t
tensor_bytes (const lt_kernel_tensor *t)
{
  size_t bytes = 0;
  if (t->dtype == LT_DTYPE_STRING)
    return (size_t) t->count * sizeof (lt_bytes);
  lt_dtype_storage_size (t->dtype, t->count, &bytes);
  return bytes;
}

static lt_status
copy_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *in = &call->inputs[0];
  lt_kernel_tensor       *out = &call->outputs[0];

  if (in->count != out->count)
    return lt_ref_fail (call, LT_ERR_RUNTIME, "input has %llu elements, output %llu",
                        (unsigned long long) in->count, (unsigned long long) out->count);
  if (out->data != in->data && out->count > 0)
    memcpy (out->data, in->data, tensor_bytes (in));

  /* Dropout's optional mask: every element kept at inference. */
  if (call->n_outputs > 1 && call->outputs[1].data != NULL)
    memset (call->outputs[1].data, 1, (size_t) call->outputs[1].count);
  return LT_OK;
}

#define COPY_KERNEL(base)                        \
  const lt_kernel lt_ref_##base##_kernel = {     \
    .name = "lt_ref_" #base, .score = 0,         \
    .run = copy_run, .in_place = true,           \
  };

COPY_KERNEL (identity)
COPY_KERNEL (reshape)
COPY_KERNEL (flatten)
COPY_KERNEL (squeeze)
COPY_KERNEL (unsqueeze)

/* Dropout in training mode with a ratio above 0 draws a random mask;
 * inference, or training with ratio 0, copies.  `ratio` and
 * `training_mode` are inputs from opset 12: refused at reshape when their
 * contents known then ask for a random mask (in prepare), checked again
 * in run. */
#define DROPOUT_RANDOM_MESSAGE \
  "Dropout in training mode with a ratio above 0 draws a random mask; only inference or ratio 0 is supported"

static bool
dropout_is_random (const lt_kernel_tensor *ratio,
                   const lt_kernel_tensor *training)
{
  if (training == NULL || lt_ref_get_i64 (training->dtype, training->data, 0) == 0)
    return false;
  return ratio == NULL || lt_ref_get_f64 (ratio->dtype, ratio->data, 0) != 0;
}

static lt_status
dropout_prepare (const lt_kernel_call *call,
                 void                **state,
                 size_t               *scratch_bytes)
{
  lt_kernel_tensor ratio, training;

  *state = NULL;
  *scratch_bytes = 0;
  if (!lt_ref_has_input (call, 2) || call->known == NULL || call->known[2] == NULL
      || (lt_ref_has_input (call, 1) && call->known[1] == NULL))
    return LT_OK; /* decided in run */
  training = call->inputs[2];
  training.data = (void *) call->known[2]->data;
  if (lt_ref_has_input (call, 1))
    {
      ratio = call->inputs[1];
      ratio.data = (void *) call->known[1]->data;
    }
  if (dropout_is_random (lt_ref_has_input (call, 1) ? &ratio : NULL, &training))
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, DROPOUT_RANDOM_MESSAGE);
  return LT_OK;
}

static lt_status
dropout_run (const lt_kernel_call *call)
{
  const lt_kernel_tensor *ratio = lt_ref_has_input (call, 1) ? &call->inputs[1] : NULL;

  if (lt_ref_has_input (call, 2) && dropout_is_random (ratio, &call->inputs[2]))
    return lt_ref_fail (call, LT_ERR_UNSUPPORTED, DROPOUT_RANDOM_MESSAGE);
  return copy_run (call);
}

const lt_kernel lt_ref_dropout_kernel = {
  .name = "lt_ref_dropout",
  .prepare = dropout_prepare,
  .run = dropout_run,
  .in_place = true,
};
