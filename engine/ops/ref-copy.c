/* ref-copy.c — reference kernels whose output is input 0's bytes under a
 * new shape: Identity, Dropout (inference), Reshape, Flatten, Squeeze,
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

/* Dropout in training mode changes values; only inference is supported. */
static bool
dropout_supports (const lt_kernel_call *call)
{
  if (!lt_ref_has_input (call, 2))
    return true;
  const lt_kernel_tensor *training = &call->inputs[2];
  return training->data != NULL && lt_ref_get_i64 (training->dtype, training->data, 0) == 0;
}

const lt_kernel lt_ref_dropout_kernel = {
  .name = "lt_ref_dropout",
  .supports = dropout_supports,
  .run = copy_run,
  .in_place = true,
};
