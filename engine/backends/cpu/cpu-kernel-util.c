/* cpu-kernel-util.c — see cpu-kernel-util.h. */
#include "cpu-kernel-util.h"

#include <stdlib.h>
#include <string.h>

const lt_tensor *
lt_kernel_call_get_constant (const lt_kernel_call *call,
                             uint32_t              index)
{
  const lt_value *value;

  if (call->constants != NULL)
    return index < call->n_inputs ? call->constants[index] : NULL;
  if (index >= call->node->n_inputs || call->node->inputs[index] < 0)
    return NULL;
  value = lt_graph_get_value (call->graph, call->node->inputs[index]);
  return value != NULL ? value->constant : NULL;
}

float *
lt_kernel_call_copy_constant_f32 (const lt_tensor *constant)
{
  float *copy = malloc (constant->count * sizeof (float) + 1);

  if (copy != NULL && constant->count > 0)
    memcpy (copy, constant->data, constant->count * sizeof (float));
  return copy;
}
