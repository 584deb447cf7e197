/* lt-model-load.c — lt_model_load with a GCancellable.
 *
 * The engine polls its abort callback from the loading thread; the callback
 * only reads the cancellable's flag, which is thread-safe, so a Cancel in
 * the main loop stops a load running in a worker thread within one poll.
 */
#include "lt-model-load.h"

#include "lt-engine-error.h"

#include <glib/gi18n.h>

static bool
is_cancelled (void *user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

lt_model *
lt_load_model_cancellable (const char   *path,
                           GCancellable *cancellable,
                           GError      **error)
{
  lt_load_options options = { 0 };
  lt_model       *model = NULL;
  lt_error        err;

  if (cancellable != NULL)
    {
      options.abort_fn = is_cancelled;
      options.abort_data = cancellable;
    }
  lt_error_clear (&err);
  if (lt_model_load (path, &options, &model, &err) == LT_OK)
    return model;
  if (err.code == LT_ERR_CANCELLED)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Loading “%s” was cancelled"), name);
    }
  else
    lt_engine_error_propagate (error, &err);
  return NULL;
}
