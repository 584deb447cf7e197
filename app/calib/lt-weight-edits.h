/* lt-weight-edits.h — new values for a model's float32 initializers, kept
 * in memory until they are written as a modified copy of the model.
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

/* Writes `model` with every edit applied to `path`.  The graph given to
 * lt_weight_edits_new must be the model's. */
gboolean lt_weight_edits_write (const LtWeightEdits *edits,
                                const lt_model      *model,
                                const char          *path,
                                GError             **error);

G_END_DECLS
