/* lt-project-model.c — the model a project is about, loaded.
 *
 * An embedded model is extracted into a private temporary folder and loaded
 * from there (the engine keeps its own mapping, so the copy is removed at
 * once unless the caller asks for the file).  A recorded model is loaded
 * only when the file still has the SHA-256 the project recorded, so a
 * project never silently runs on a different model.  The hash and the load
 * both stop when the GCancellable is cancelled.
 */
#include "config.h"

#include "lt-project.h"

#include "lt-model-load.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/* Bytes hashed between two looks at the cancellable. */
#define HASH_STEP (16u << 20)

void
lt_project_model_file_free (LtProjectModelFile *file)
{
  if (!file)
    return;
  if (file->extracted)
    {
      g_autofree char *dir = g_path_get_dirname (file->path);

      g_unlink (file->path);
      g_rmdir (dir);
    }
  g_free (file->path);
  g_free (file);
}

static lt_model *
load_embedded (LtProject           *self,
               GCancellable        *cancellable,
               LtProjectModelFile **file,
               GError             **error)
{
  g_autofree char *dir = g_dir_make_tmp ("lathe-model-XXXXXX", error);
  g_autoptr (LtProjectModelFile) extracted = NULL;
  lt_model *model = NULL;

  if (!dir)
    return NULL;
  extracted = g_new0 (LtProjectModelFile, 1);
  extracted->path = g_build_filename (dir, "model.onnx", NULL);
  extracted->extracted = TRUE;
  if (lt_project_extract_model (self, extracted->path, error))
    model = lt_load_model_cancellable (extracted->path, cancellable, error);
  if (model && file)
    *file = g_steal_pointer (&extracted);
  return model;
}

/* Whether the file at `path` has the SHA-256 `expected`. */
static gboolean
has_sha256 (const char   *path,
            const char   *expected,
            gboolean     *same,
            GCancellable *cancellable,
            GError      **error)
{
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const guchar *bytes;
  gsize         length;

  if (!mapped)
    return FALSE;
  bytes = (const guchar *) g_mapped_file_get_contents (mapped);
  length = g_mapped_file_get_length (mapped);
  for (gsize offset = 0; offset < length; offset += HASH_STEP)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_checksum_update (checksum, bytes + offset, MIN (HASH_STEP, length - offset));
    }
  *same = g_strcmp0 (g_checksum_get_string (checksum), expected) == 0;
  return TRUE;
}

static lt_model *
load_recorded (LtProject            *self,
               const LtProjectModel *info,
               GCancellable         *cancellable,
               LtProjectModelFile  **file,
               GError              **error)
{
  gboolean  same = FALSE;
  lt_model *model;

  if (!has_sha256 (info->path, info->sha256, &same, cancellable, error))
    return NULL;
  if (!same)
    {
      g_autofree char *name = g_filename_display_name (info->path);
      g_autofree char *project_name = g_filename_display_name (lt_project_get_path (self));

      g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_MODEL_CHANGED,
                   _("The model “%s” recorded in “%s” has changed since the project was made (SHA-256 differs)"),
                   name, project_name);
      return NULL;
    }
  model = lt_load_model_cancellable (info->path, cancellable, error);
  if (model && file)
    {
      *file = g_new0 (LtProjectModelFile, 1);
      (*file)->path = g_strdup (info->path);
    }
  return model;
}

lt_model *
lt_project_load_model (LtProject           *self,
                       GCancellable        *cancellable,
                       LtProjectModelFile **file,
                       GError             **error)
{
  g_autoptr (LtProjectModel) info = NULL;

  g_return_val_if_fail (LT_IS_PROJECT (self), NULL);
  info = lt_project_get_model (self, error);
  if (!info)
    return NULL;
  if (info->embedded)
    return load_embedded (self, cancellable, file, error);
  return load_recorded (self, info, cancellable, file, error);
}
