/* lt-engine-error.h — the one bridge from the engine's lt_error to GError. */
#pragma once

#include <glib.h>
#include <lt/lt.h>

G_BEGIN_DECLS

#define LT_ENGINE_ERROR (lt_engine_error_quark ())

/* GError codes are the lt_status values. */
GQuark lt_engine_error_quark (void);

/* Sets *error from an engine error: message "file: subject: message". */
void lt_engine_error_propagate (GError        **error,
                                const lt_error *err);

G_END_DECLS
