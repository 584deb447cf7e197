/* lt-weight-edits.h — new values for a model's float32 initializers, and
 * nodes to remove or turn into a Relu, kept in memory until they are
 * written as a modified copy of the model.
 *
 * An edit starts as a copy of the initializer's current data (so changes
 * compose: equalization then bias correction) or, for a Conv/Gemm without
 * a bias, as a new zero bias.  The model's own constants are never
 * touched; `lt_weight_edits_write` writes the file through the engine's
 * ONNX writer (atomic, every other field kept).
 */
#pragma once

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

typedef struct LtWeightEdits LtWeightEdits;

LtWeightEdits *lt_weight_edits_new (const lt_graph *graph);
void           lt_weight_edits_free (LtWeightEdits *edits);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LtWeightEdits, lt_weight_edits_free)

/* TRUE when `value` is a float32 initializer of the graph whose data an
 * edit may replace. */
gboolean lt_weight_edits_can_edit (const lt_value *value);

/* Input `input` of `node` when it is an editable initializer
 * (lt_weight_edits_can_edit) that no other node reads; NULL otherwise. */
const lt_value *lt_weight_edits_own_constant (const lt_graph *graph,
                                              const lt_node  *node,
                                              guint           input);

/* Why the weights (input 1) or bias (input 2) of Conv/Gemm node `node_id`
 * are not lt_weight_edits_own_constant, for a message naming the node and
 * the value (free it); NULL when both are (or the bias is omitted). */
char *lt_weight_edits_explain_not_own (const lt_graph *graph,
                                       int32_t         node_id);

/* A node's name for messages: its name, or its first output's. */
const char *lt_weight_edits_node_label (const lt_graph *graph,
                                        int32_t         node_id);

/* The editable values of initializer `value` (lt_weight_edits_can_edit),
 * copied from the model on the first call; owned by `edits`. */
float *lt_weight_edits_get (LtWeightEdits  *edits,
                            const lt_value *value);

/* A bias of `count` zeros for the Conv or Gemm node `node_id`, which has
 * none; a second call for the same node returns the same array.  Its name
 * is the node's first output + "_bias" (a counter added while taken). */
float *lt_weight_edits_add_bias (LtWeightEdits *edits,
                                 int32_t        node_id,
                                 guint64        count);

/* The bias of node `node_id`: its third input's values, or the one added
 * with lt_weight_edits_add_bias; NULL when it has neither. */
float *lt_weight_edits_find_bias (LtWeightEdits *edits,
                                  int32_t        node_id);

guint lt_weight_edits_get_n_edits (const LtWeightEdits *edits);

/* Removes node `node_id` from the written model: the caller has folded its
 * function into the values of the node producing its first input (see
 * LT_NODE_BYPASS in lt/onnx-export.h; the removed node's output name
 * stays, written by that producer). */
void lt_weight_edits_bypass_node (LtWeightEdits *edits,
                                  int32_t        node_id);

/* TRUE when lt_weight_edits_bypass_node was called for `node_id`. */
gboolean lt_weight_edits_is_bypassed (const LtWeightEdits *edits,
                                      int32_t              node_id);

/* Makes the Clip node `node_id` a Relu in the written model. */
void lt_weight_edits_clip_to_relu (LtWeightEdits *edits,
                                   int32_t        node_id);

/* Writes `model` with every edit applied to `path`.  The graph given to
 * lt_weight_edits_new must be the model's. */
gboolean lt_weight_edits_write (const LtWeightEdits *edits,
                                const lt_model      *model,
                                const char          *path,
                                GError             **error);

G_END_DECLS
