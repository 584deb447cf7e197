/* ref-prepare.c — see ref-prepare.h. */
#include "ops/ref-prepare.h"

#include <stdlib.h>
#include <string.h>

lt_status
lt_ref_get_ints (const lt_kernel_call *call,
                 const char           *name,
                 int                   n,
                 int64_t               fallback,
                 int64_t              *out)
{
  const lt_attr *attr = lt_node_get_attr (call->node, name);

  if (attr == NULL)
    {
      for (int i = 0; i < n; i++)
        out[i] = fallback;
      return LT_OK;
    }
  if (attr->type != LT_ATTR_INTS || attr->count != (uint32_t) n)
    return lt_ref_fail (call, LT_ERR_INVALID_MODEL,
                        "attribute '%s' must be a list of %d integers", name, n);
  if (n > 0)
    memcpy (out, attr->v.ints, (size_t) n * sizeof *out);
  return LT_OK;
}

bool
lt_ref_supports_f32 (const lt_kernel_call *call)
{
  return call->n_inputs > 0 && call->inputs[0].dtype == LT_DTYPE_F32;
}

lt_status
lt_ref_keep_state (const lt_kernel_call *call,
                   const void           *params,
                   size_t                size,
                   void                **state)
{
  void *copy = malloc (size);

  if (copy == NULL)
    return lt_ref_fail (call, LT_ERR_NO_MEMORY, "out of memory for the kernel state");
  memcpy (copy, params, size);
  *state = copy;
  return LT_OK;
}
