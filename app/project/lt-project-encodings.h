/* lt-project-encodings.h — between an encodings file's data model
 * (LtEncodingSet, app/quant) and a project's encoding rows
 * (LtProjectEncoding).
 *
 * This lives in app/project because the project is the one that knows both
 * sides: app/quant stays free of the project, so the dependency runs one
 * way (project → quant).
 *
 * A project row holds tensor, section, dtype, bitwidth, granularity, axis,
 * block size, symmetry, scales and offsets.  Rows → set → rows is exact.
 * Set → rows → set keeps every one of those fields; what a row has no
 * column for comes back derived or unknown: min/max are derived from scale
 * and offset (has_min_max FALSE), signed_storage is FALSE, and a per-block
 * encoding's n_blocks, block_axis and rank are unknown (lt_encodings_resolve
 * fills them from the model).  A float override (no values in a set) is
 * stored with one placeholder value, since a row needs one, and comes back
 * with none.  What a row cannot hold at all is refused,
 * naming the tensor: LPBQ, a 2.0.0 entry whose section no model has
 * decided, an axis counted from the end, an offset beyond 32 bits.
 */
#pragma once

#include "lt-encoding.h"
#include "lt-project.h"

G_BEGIN_DECLS

/* The rows for `set` (element type LtProjectEncoding); `display_name`
 * names the source in errors (LT_PROJECT_ERROR_INVALID). */
GPtrArray *lt_project_encodings_from_set (const LtEncodingSet *set,
                                          const char          *display_name,
                                          GError             **error);

/* A set (format 1.0.0 unless told otherwise) holding `rows`. */
LtEncodingSet *lt_project_encodings_to_set (GPtrArray *rows);

/* The project's encodings as a set; NULL without an error when it has
 * none. */
LtEncodingSet *lt_project_load_encoding_set (LtProject *project,
                                             GError   **error);

/* Stores every encoding of `set` in the project as ONE edit named `kind`. */
gboolean lt_project_store_encoding_set (LtProject           *project,
                                        const char          *kind,
                                        const LtEncodingSet *set,
                                        const char          *display_name,
                                        GError             **error);

G_END_DECLS
