/* lt-project-data.c — the plain data of a project (encodings, placements,
 * statistics, log entries): constructors, destructors, comparison, and their
 * byte and JSON forms.  No SQL here.
 *
 * Invariants: BLOBs of scale, offset and histogram bins are little-endian
 * arrays whatever the host, so a project file moves between machines.
 */
#include "config.h"

#include "lt-project-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

LtProjectEncoding *
lt_project_encoding_new (const char      *tensor,
                         LtProjectSection section,
                         guint            n_values)
{
  LtProjectEncoding *encoding = g_new0 (LtProjectEncoding, 1);

  encoding->tensor = g_strdup (tensor);
  encoding->section = section;
  encoding->bitwidth = 8;
  encoding->axis = -1;
  encoding->n_values = n_values;
  encoding->scale = g_new0 (float, n_values);
  encoding->offset = g_new0 (gint32, n_values);
  return encoding;
}

LtProjectEncoding *
lt_project_encoding_copy (const LtProjectEncoding *encoding)
{
  LtProjectEncoding *copy = g_memdup2 (encoding, sizeof *encoding);

  copy->tensor = g_strdup (encoding->tensor);
  copy->scale = g_memdup2 (encoding->scale, sizeof (float) * encoding->n_values);
  copy->offset = g_memdup2 (encoding->offset, sizeof (gint32) * encoding->n_values);
  return copy;
}

gboolean
lt_project_encoding_equal (const LtProjectEncoding *a,
                           const LtProjectEncoding *b)
{
  return g_strcmp0 (a->tensor, b->tensor) == 0 &&
         a->section == b->section &&
         !a->is_float == !b->is_float &&
         a->bitwidth == b->bitwidth &&
         a->granularity == b->granularity &&
         a->axis == b->axis &&
         a->block_size == b->block_size &&
         !a->symmetric == !b->symmetric &&
         a->n_values == b->n_values &&
         memcmp (a->scale, b->scale, sizeof (float) * a->n_values) == 0 &&
         memcmp (a->offset, b->offset, sizeof (gint32) * a->n_values) == 0;
}

void
lt_project_encoding_free (LtProjectEncoding *encoding)
{
  if (!encoding)
    return;
  g_free (encoding->tensor);
  g_free (encoding->scale);
  g_free (encoding->offset);
  g_free (encoding);
}

LtProjectPlacement *
lt_project_placement_new (const char *node,
                          const char *backend,
                          gboolean    pinned)
{
  LtProjectPlacement *placement = g_new0 (LtProjectPlacement, 1);

  placement->node = g_strdup (node);
  placement->backend = g_strdup (backend);
  placement->pinned = pinned;
  return placement;
}

void
lt_project_placement_free (LtProjectPlacement *placement)
{
  if (!placement)
    return;
  g_free (placement->node);
  g_free (placement->backend);
  g_free (placement);
}

void
lt_project_model_free (LtProjectModel *model)
{
  if (!model)
    return;
  g_free (model->path);
  g_free (model->sha256);
  g_free (model);
}

void
lt_project_calibration_free (LtProjectCalibration *run)
{
  if (!run)
    return;
  g_free (run->dataset);
  g_free (run->method);
  g_free (run->options);
  g_free (run->date);
  g_free (run);
}

LtProjectTensorStats *
lt_project_tensor_stats_new (const char *tensor,
                             guint       n_bins)
{
  LtProjectTensorStats *stats = g_new0 (LtProjectTensorStats, 1);

  stats->tensor = g_strdup (tensor);
  stats->n_bins = n_bins;
  stats->bins = g_new0 (guint64, n_bins);
  return stats;
}

void
lt_project_tensor_stats_free (LtProjectTensorStats *stats)
{
  if (!stats)
    return;
  g_free (stats->tensor);
  g_free (stats->bins);
  g_free (stats);
}

void
lt_project_metric_free (LtProjectMetric *metric)
{
  if (!metric)
    return;
  g_free (metric->subject);
  g_free (metric->metric);
  g_free (metric);
}

void
lt_project_export_free (LtProjectExport *export_)
{
  if (!export_)
    return;
  g_free (export_->date);
  g_free (export_->destination);
  g_free (export_->sha256);
  g_free (export_);
}

void
lt_project_edit_free (LtProjectEdit *edit)
{
  if (!edit)
    return;
  g_free (edit->time);
  g_free (edit->user);
  g_free (edit->action);
  g_free (edit->kind);
  g_strfreev (edit->subjects);
  g_free (edit->before);
  g_free (edit->after);
  g_free (edit);
}

const char *
lt_project_section_to_string (LtProjectSection section)
{
  return section == LT_PROJECT_SECTION_PARAM ? "param" : "activation";
}

/* ---- BLOBs ---------------------------------------------------------------- */

GBytes *
lt_project_pack_f32 (const float *values,
                     guint        n)
{
  guint32 *words = g_new (guint32, n);

  for (guint i = 0; i < n; i++)
    {
      guint32 bits;

      memcpy (&bits, &values[i], sizeof bits);
      words[i] = GUINT32_TO_LE (bits);
    }
  return g_bytes_new_take (words, sizeof (guint32) * n);
}

GBytes *
lt_project_pack_i32 (const gint32 *values,
                     guint         n)
{
  guint32 *words = g_new (guint32, n);

  for (guint i = 0; i < n; i++)
    words[i] = GUINT32_TO_LE ((guint32) values[i]);
  return g_bytes_new_take (words, sizeof (guint32) * n);
}

/* Reads n little-endian 32-bit words; FALSE when the BLOB has another size. */
static gboolean
unpack_u32 (const void *blob,
            int         n_bytes,
            guint32    *out,
            guint       n)
{
  if (n_bytes < 0 || (gsize) n_bytes != sizeof (guint32) * n || (n > 0 && !blob))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      guint32 word;

      memcpy (&word, (const guint8 *) blob + sizeof word * i, sizeof word);
      out[i] = GUINT32_FROM_LE (word);
    }
  return TRUE;
}

gboolean
lt_project_unpack_f32 (const void *blob,
                       int         n_bytes,
                       float      *out,
                       guint       n)
{
  G_STATIC_ASSERT (sizeof (float) == sizeof (guint32));
  return unpack_u32 (blob, n_bytes, (guint32 *) out, n);
}

gboolean
lt_project_unpack_i32 (const void *blob,
                       int         n_bytes,
                       gint32     *out,
                       guint       n)
{
  return unpack_u32 (blob, n_bytes, (guint32 *) out, n);
}

/* ---- JSON (the edit log's before and after) ------------------------------ */

static const char *const granularity_names[] = { "per_tensor", "per_channel", "per_block" };

cJSON *
lt_project_encoding_to_json (const LtProjectEncoding *encoding)
{
  cJSON *json = cJSON_CreateObject ();
  cJSON *scale = cJSON_AddArrayToObject (json, "scale");
  cJSON *offset = cJSON_AddArrayToObject (json, "offset");

  cJSON_AddStringToObject (json, "dtype", encoding->is_float ? "float" : "int");
  cJSON_AddNumberToObject (json, "bw", encoding->bitwidth);
  cJSON_AddStringToObject (json, "granularity", granularity_names[encoding->granularity]);
  cJSON_AddNumberToObject (json, "axis", encoding->axis);
  cJSON_AddNumberToObject (json, "block_size", encoding->block_size);
  cJSON_AddBoolToObject (json, "sym", encoding->symmetric);
  for (guint i = 0; i < encoding->n_values; i++)
    {
      cJSON_AddItemToArray (scale, cJSON_CreateNumber (encoding->scale[i]));
      cJSON_AddItemToArray (offset, cJSON_CreateNumber (encoding->offset[i]));
    }
  return json;
}

/* A number member that must be an integer within [lo, hi]. */
static gboolean
get_int (const cJSON *json,
         const char  *member,
         double       lo,
         double       hi,
         int         *out)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (json, member);

  if (!cJSON_IsNumber (item) ||
      item->valuedouble != floor (item->valuedouble) ||
      item->valuedouble < lo ||
      item->valuedouble > hi)
    return FALSE;
  *out = (int) item->valuedouble;
  return TRUE;
}

LtProjectEncoding *
lt_project_encoding_from_json (const cJSON     *json,
                               const char      *tensor,
                               LtProjectSection section,
                               GError         **error)
{
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive (json, "dtype");
  const cJSON *granularity = cJSON_GetObjectItemCaseSensitive (json, "granularity");
  const cJSON *sym = cJSON_GetObjectItemCaseSensitive (json, "sym");
  const cJSON *scale = cJSON_GetObjectItemCaseSensitive (json, "scale");
  const cJSON *offset = cJSON_GetObjectItemCaseSensitive (json, "offset");
  g_autoptr (LtProjectEncoding) encoding = NULL;
  int bitwidth, axis, block_size, n, g = -1;

  for (guint i = 0; cJSON_IsString (granularity) && i < G_N_ELEMENTS (granularity_names); i++)
    if (strcmp (granularity->valuestring, granularity_names[i]) == 0)
      g = (int) i;
  n = cJSON_IsArray (scale) ? cJSON_GetArraySize (scale) : -1;
  if (!cJSON_IsString (dtype) ||
      !cJSON_IsBool (sym) ||
      g < 0 ||
      n < 1 ||
      !cJSON_IsArray (offset) ||
      cJSON_GetArraySize (offset) != n ||
      !get_int (json, "bw", 1, 64, &bitwidth) ||
      !get_int (json, "axis", -1, G_MAXINT, &axis) ||
      !get_int (json, "block_size", 0, G_MAXINT, &block_size))
    goto invalid;

  encoding = lt_project_encoding_new (tensor, section, (guint) n);
  encoding->is_float = strcmp (dtype->valuestring, "float") == 0;
  encoding->bitwidth = (guint) bitwidth;
  encoding->granularity = (LtProjectGranularity) g;
  encoding->axis = axis;
  encoding->block_size = (guint) block_size;
  encoding->symmetric = cJSON_IsTrue (sym);
  for (int i = 0; i < n; i++)
    {
      const cJSON *s = cJSON_GetArrayItem (scale, i);
      const cJSON *o = cJSON_GetArrayItem (offset, i);

      if (!cJSON_IsNumber (s) ||
          !isfinite (s->valuedouble) ||
          !cJSON_IsNumber (o) ||
          o->valuedouble != floor (o->valuedouble) ||
          o->valuedouble < G_MININT32 ||
          o->valuedouble > G_MAXINT32)
        goto invalid;
      encoding->scale[i] = (float) s->valuedouble;
      encoding->offset[i] = (gint32) o->valuedouble;
    }
  return g_steal_pointer (&encoding);

invalid:
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID,
               _("the edit log holds a malformed encoding for tensor “%s”"), tensor);
  return NULL;
}
