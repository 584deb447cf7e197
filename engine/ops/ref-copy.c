/* ref-copy.c — reference kernels whose output is input 0's bytes under a
 * new shape: Reshape, Flatten, Squeeze, Unsqueeze (and Identity of a
 * tensor, see ref-sequence.c, and Dropout when it keeps everything, see
 * ref-dropout.c).  The session has set the output shape; these only move data,
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

lt_status
lt_ref_copy_run (const lt_kernel_call *call)
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
    .run = lt_ref_copy_run, .in_place = true,   \
  };

COPY_KERNEL (reshape)
COPY_KERNEL (flatten)
COPY_KERNEL (squeeze)
COPY_KERNEL (unsqueeze)
