/* node-edits.h — structural changes to the main graph of a ModelProto
 * (the lt_node_edit kinds of lt/onnx-export.h), for the values writer.
 *
 * Each edit names its node by the node's first output.  An edit is checked
 * before anything is changed, so a refused edit leaves the graph as it was
 * (earlier edits of the same call stay applied: the caller writes no file
 * then).  Initializers and Constant nodes that only the edited node read
 * are removed with it.
 */
#pragma once

#include "lt/onnx-export.h"

#include "onnx/onnx.pb-c.h"

/* Applies `edit` to `gp`.  Errors name the node's output or the value at
 * fault: LT_ERR_INVALID_ARGUMENT (no such node, a bypass whose first input
 * is not another node's output read by this node alone), LT_ERR_NO_MEMORY. */
lt_status lt_onnx_apply_node_edit (Onnx__GraphProto   *gp,
                                   const lt_node_edit *edit,
                                   lt_error           *err);
