/* capability.h — the capability table's view for the htp runner: the role
 * each input of a node plays, and the check of lt_htp_check_node on the
 * shapes shape inference gave (a model's graph is immutable, so its values
 * keep the file's types). */
#pragma once

#include "lt/htp.h"
#include "lt/shape.h"

typedef enum lt_htp_role
{
  LT_HTP_ROLE_ACTIVATION,
  LT_HTP_ROLE_WEIGHTS, /* constant, int8/int4 */
  LT_HTP_ROLE_BIAS,    /* constant, int32 */
  LT_HTP_ROLE_PARAM,   /* shape, axes, bounds: read at prepare, not quantized */
} lt_htp_role;

/* The tensor a value holds before anything runs: its initializer, or the
 * `value` of the Constant node that produces it; NULL otherwise. */
const lt_tensor *lt_htp_value_constant (const lt_graph *graph,
                                        int32_t         value_id);

/* The role of input `i` of `node`; false when the NPU does not run its op. */
bool lt_htp_input_role (const lt_node *node,
                        uint32_t       i,
                        lt_htp_role   *role);

/* lt_htp_check_node with each value's shape taken from `si` (after a run)
 * where it has one; `si` may be NULL. */
bool lt_htp_check_inferred_node (const lt_graph           *graph,
                                 const lt_shape_inference *si,
                                 int32_t                   node_id,
                                 const lt_dtype           *types,
                                 char                     *why,
                                 size_t                    why_size);
