/* op-schema.h — the arity of each op in LT_OPS.
 *
 * How many inputs and outputs a node of that op may have, over all opsets
 * the engine reads (an optional input counts toward the maximum even when
 * omitted with an empty name).  LT_SCHEMA_VARIADIC as a maximum means "any
 * number".  Used to validate nodes before shape inference and kernels read
 * their inputs by index.
 */
#pragma once

#include "lt/ops.h"

#include <stdint.h>

#define LT_SCHEMA_VARIADIC UINT32_MAX

typedef struct lt_op_schema
{
  uint32_t min_inputs;
  uint32_t max_inputs;
  uint32_t min_outputs;
  uint32_t max_outputs;
} lt_op_schema;

/* The schema of a known op; NULL for LT_OP_UNKNOWN or out of range. */
const lt_op_schema *lt_op_get_schema (lt_op op);
