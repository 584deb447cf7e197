/* lt-engine-error.c — lt_error → GError. */
#include "lt-engine-error.h"

G_DEFINE_QUARK (lt-engine-error-quark, lt_engine_error)

void
lt_engine_error_propagate (GError        **error,
                           const lt_error *err)
{
  char text[LT_ERROR_MESSAGE_MAX + 2 * LT_ERROR_NAME_MAX + 8];

  lt_error_format (err, text, sizeof text);
  g_set_error_literal (error, LT_ENGINE_ERROR, (int) err->code, text);
}
