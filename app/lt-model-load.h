/* lt-model-load.h — lt_model_load for GLib callers: a GCancellable as the
 * engine's abort callback and the engine's error as a GError. */
#pragma once

#include <gio/gio.h>
#include <lt/lt.h>

G_BEGIN_DECLS

/* Loads the ONNX model at `path`.  Returns an owned model, or NULL with
 * *error set: G_IO_ERROR_CANCELLED when `cancellable` (may be NULL) was
 * cancelled before or during the load, else the engine's error
 * (LT_ENGINE_ERROR) naming the file and the field, node or tensor. */
lt_model *lt_load_model_cancellable (const char   *path,
                                     GCancellable *cancellable,
                                     GError      **error);

G_END_DECLS
