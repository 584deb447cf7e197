/* registry.c — names of the ops in LT_OPS and lookup by (domain, type). */
#include "lt/ops.h"

#include <string.h>

static const char *const op_names[LT_OP_COUNT] = {
#define LT_OP_NAME(name) [LT_OP_##name] = #name,
  LT_OPS (LT_OP_NAME)
#undef LT_OP_NAME
};

const char *
lt_op_name (lt_op op)
{
  if (op < 0 || op >= LT_OP_COUNT)
    return NULL;
  return op_names[op];
}

lt_op
lt_op_lookup (const char *domain,
              const char *op_type)
{
  if (op_type == NULL)
    return LT_OP_UNKNOWN;
  if (domain != NULL && domain[0] != '\0' && strcmp (domain, "ai.onnx") != 0)
    return LT_OP_UNKNOWN;
  /* A linear scan: lookups happen once per node at import, and 120 short
   * string compares cost less than building an index. */
  for (int op = 0; op < LT_OP_COUNT; op++)
    if (strcmp (op_names[op], op_type) == 0)
      return (lt_op) op;
  return LT_OP_UNKNOWN;
}
