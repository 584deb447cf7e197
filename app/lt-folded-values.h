/* lt-folded-values.h — the activations the engine folds away: Conv outputs
 * whose BatchNormalization it folds into the Conv at reshape (the Conv then
 * writes the normalization's output).  No run computes them, so they have
 * no statistics and need no encoding; QNN's converter folds the same pairs
 * and its converted graph has no such tensor either.
 *
 * Both functions list the values in value id order, as names (char *,
 * owned by the array). */
#pragma once

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

/* The values of `graph` that a session, reshaped, does not compute though
 * a node produces them.  The session should have an observer, as
 * calibration's does, so that no activation is fused away besides. */
GPtrArray *lt_folded_values_from_session (const lt_session *session,
                                          const lt_graph   *graph);

/* The same for a session over `model` reshaped for its declared input
 * types, an unknown dimension taken as 1 (folding does not depend on
 * sizes).  Empty when the model cannot be reshaped so (an input of
 * unknown rank, an op the engine lacks). */
GPtrArray *lt_folded_values_find (lt_model *model);

/* Whether `name` is in a list the functions above gave (or NULL). */
gboolean lt_folded_values_contain (const GPtrArray *folded,
                                   const char      *name);

G_END_DECLS
