/* lt-calib-stats.c — calibration statistics: the set, its merge and its
 * JSON file ("lathe-calib-stats" version 1, docs/formats.md).
 *
 * Every number in the file is an integer below 2^53 or a float32 value
 * printed so that it reads back to the same float, so write → read →
 * write is the identity and merged shards are exact.  Reading refuses
 * anything it would have to guess about, naming the file and the field.
 */
#include "lt-calib-stats.h"

#include "lt-folded-values.h"

#include <cjson/cJSON.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define STATS_FORMAT    "lathe-calib-stats"
#define STATS_VERSION   1
#define STATS_GRID      "float32-top-bits"
#define MAX_EXACT_COUNT 9007199254740992.0 /* 2^53 */
#define MAX_FILE_BYTES  (1024u * 1024u * 1024u)

G_DEFINE_QUARK (lt - calib - error - quark, lt_calib_error)

static void
named_stats_free (LtNamedStats *named)
{
  lt_tensor_stats_clear (&named->stats);
  g_free (named->name);
  g_free (named);
}

static void
rejected_free (LtRejectedSample *rejected)
{
  g_free (rejected->sample);
  g_free (rejected->reason);
  g_free (rejected);
}

LtCalibStats *
lt_calib_stats_new (const char *model_sha256,
                    guint       n_dataset_samples,
                    guint       shard,
                    guint       shard_count)
{
  LtCalibStats *stats = g_new0 (LtCalibStats, 1);

  stats->model_sha256 = g_strdup (model_sha256);
  stats->n_dataset_samples = n_dataset_samples;
  stats->shard_count = shard_count;
  stats->shards = g_array_new (FALSE, FALSE, sizeof (guint));
  if (shard > 0)
    g_array_append_val (stats->shards, shard);
  stats->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) rejected_free);
  stats->folded = g_ptr_array_new_with_free_func (g_free);
  stats->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) named_stats_free);
  stats->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return stats;
}

void
lt_calib_stats_free (LtCalibStats *stats)
{
  if (stats == NULL)
    return;
  g_hash_table_unref (stats->by_name);
  g_ptr_array_unref (stats->tensors);
  g_ptr_array_unref (stats->rejected);
  g_ptr_array_unref (stats->folded);
  g_array_unref (stats->shards);
  g_free (stats->model_sha256);
  g_free (stats);
}

LtTensorStats *
lt_calib_stats_ensure (LtCalibStats *stats,
                       const char   *name)
{
  LtNamedStats *named = g_hash_table_lookup (stats->by_name, name);

  if (named == NULL)
    {
      named = g_new0 (LtNamedStats, 1);
      named->name = g_strdup (name);
      lt_tensor_stats_init (&named->stats);
      g_ptr_array_add (stats->tensors, named);
      g_hash_table_insert (stats->by_name, named->name, named);
    }
  return &named->stats;
}

const LtTensorStats *
lt_calib_stats_lookup (const LtCalibStats *stats,
                       const char         *name)
{
  LtNamedStats *named = g_hash_table_lookup (stats->by_name, name);

  return named != NULL ? &named->stats : NULL;
}

void
lt_calib_stats_reject (LtCalibStats *stats,
                       const char   *sample,
                       const char   *reason)
{
  LtRejectedSample *rejected = g_new0 (LtRejectedSample, 1);

  rejected->sample = g_strdup (sample);
  rejected->reason = g_strdup (reason);
  g_ptr_array_add (stats->rejected, rejected);
}

static gboolean
mismatch (GError    **error,
          const char *name,
          const char *why)
{
  g_set_error (error, LT_CALIB_ERROR, LT_CALIB_ERROR_MISMATCH, "%s: %s", name, why);
  return FALSE;
}

static gint
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

static gboolean
same_names (const GPtrArray *a,
            const GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

gboolean
lt_calib_stats_merge (LtCalibStats       *into,
                      const LtCalibStats *from,
                      const char         *from_name,
                      GError            **error)
{
  if (g_strcmp0 (into->model_sha256, from->model_sha256) != 0)
    return mismatch (error, from_name, _ ("the statistics come from another model (model_sha256 differs)"));
  if (into->n_dataset_samples != from->n_dataset_samples)
    return mismatch (error, from_name, _ ("the statistics come from a dataset of another size (dataset_samples differs)"));
  if (into->shard_count != from->shard_count)
    return mismatch (error, from_name, _ ("the statistics were cut into another number of shards (shard_count differs)"));
  if (!same_names (into->folded, from->folded))
    return mismatch (error, from_name, _ ("the statistics disagree on the values the engine folded away (folded differs)"));
  for (guint i = 0; i < from->shards->len; i++)
    for (guint j = 0; j < into->shards->len; j++)
      if (g_array_index (from->shards, guint, i) == g_array_index (into->shards, guint, j))
        {
          g_autofree char *why = g_strdup_printf (_ ("shard %u/%u is already in the merge"),
                                                  g_array_index (from->shards, guint, i), from->shard_count);
          return mismatch (error, from_name, why);
        }

  g_array_append_vals (into->shards, from->shards->data, from->shards->len);
  g_array_sort (into->shards, compare_guint);
  into->n_samples_used += from->n_samples_used;
  for (guint i = 0; i < from->rejected->len; i++)
    {
      const LtRejectedSample *rejected = g_ptr_array_index (from->rejected, i);
      lt_calib_stats_reject (into, rejected->sample, rejected->reason);
    }
  for (guint i = 0; i < from->tensors->len; i++)
    {
      const LtNamedStats *named = g_ptr_array_index (from->tensors, i);
      lt_tensor_stats_merge (lt_calib_stats_ensure (into, named->name), &named->stats);
    }
  return TRUE;
}

/* ---- writing ------------------------------------------------------------ */

/* cJSON prints 15 significant digits when they read back within an
 * epsilon, which is not always the same float; 17 digits always are. */
static cJSON *
exact_number (float value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  return cJSON_CreateRaw (g_ascii_formatd (text, sizeof text, "%.17g", value));
}

static cJSON *
tensor_to_json (const LtNamedStats *named)
{
  const LtTensorStats *s = &named->stats;
  cJSON               *item = cJSON_CreateObject ();
  cJSON               *bins;

  cJSON_AddStringToObject (item, "name", named->name);
  cJSON_AddNumberToObject (item, "count", (double) s->count);
  cJSON_AddNumberToObject (item, "nonfinite", (double) s->n_nonfinite);
  if (s->count > 0)
    {
      cJSON_AddItemToObject (item, "min", exact_number (s->min));
      cJSON_AddItemToObject (item, "max", exact_number (s->max));
    }
  else
    {
      cJSON_AddNullToObject (item, "min");
      cJSON_AddNullToObject (item, "max");
    }
  bins = cJSON_AddArrayToObject (item, "bins");
  for (guint i = 0; s->bins != NULL && i < LT_HISTOGRAM_BINS; i++)
    if (s->bins[i] != 0)
      {
        cJSON_AddItemToArray (bins, cJSON_CreateNumber (i));
        cJSON_AddItemToArray (bins, cJSON_CreateNumber ((double) s->bins[i]));
      }
  return item;
}

gboolean
lt_calib_stats_write_file (const LtCalibStats *stats,
                           const char         *path,
                           GError            **error)
{
  cJSON   *root = cJSON_CreateObject ();
  cJSON   *histogram, *shards, *rejected, *folded, *tensors;
  char    *text;
  gboolean ok;

  cJSON_AddStringToObject (root, "format", STATS_FORMAT);
  cJSON_AddNumberToObject (root, "version", STATS_VERSION);
  cJSON_AddStringToObject (root, "model_sha256", stats->model_sha256);
  histogram = cJSON_AddObjectToObject (root, "histogram");
  cJSON_AddStringToObject (histogram, "grid", STATS_GRID);
  cJSON_AddNumberToObject (histogram, "mantissa_bits", LT_HISTOGRAM_MANTISSA_BITS);
  cJSON_AddNumberToObject (root, "dataset_samples", stats->n_dataset_samples);
  cJSON_AddNumberToObject (root, "shard_count", stats->shard_count);
  shards = cJSON_AddArrayToObject (root, "shards");
  for (guint i = 0; i < stats->shards->len; i++)
    cJSON_AddItemToArray (shards, cJSON_CreateNumber (g_array_index (stats->shards, guint, i)));
  cJSON_AddNumberToObject (root, "samples_used", stats->n_samples_used);
  rejected = cJSON_AddArrayToObject (root, "rejected");
  for (guint i = 0; i < stats->rejected->len; i++)
    {
      const LtRejectedSample *r = g_ptr_array_index (stats->rejected, i);
      cJSON                  *item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "sample", r->sample);
      cJSON_AddStringToObject (item, "reason", r->reason);
      cJSON_AddItemToArray (rejected, item);
    }
  folded = cJSON_AddArrayToObject (root, "folded");
  for (guint i = 0; i < stats->folded->len; i++)
    cJSON_AddItemToArray (folded, cJSON_CreateString (g_ptr_array_index (stats->folded, i)));
  tensors = cJSON_AddArrayToObject (root, "tensors");
  for (guint i = 0; i < stats->tensors->len; i++)
    cJSON_AddItemToArray (tensors, tensor_to_json (g_ptr_array_index (stats->tensors, i)));

  text = cJSON_PrintUnformatted (root);
  cJSON_Delete (root);
  ok = g_file_set_contents (path, text, -1, error);
  cJSON_free (text);
  return ok;
}

/* ---- reading ------------------------------------------------------------ */

typedef struct
{
  const char *path;
  GError    **error;
} reader;

static gboolean
invalid (reader     *r,
         const char *field,
         const char *why)
{
  g_set_error (r->error, LT_CALIB_ERROR, LT_CALIB_ERROR_INVALID, "%s: %s: %s", r->path, field, why);
  return FALSE;
}

/* An integer in [0, max] at `key`. */
static gboolean
read_count (reader      *r,
            const cJSON *object,
            const char  *key,
            double       max,
            guint64     *out)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  if (!cJSON_IsNumber (item) || item->valuedouble < 0 || item->valuedouble > max || floor (item->valuedouble) != item->valuedouble)
    return invalid (r, key, _ ("must be a whole number in range"));
  *out = (guint64) item->valuedouble;
  return TRUE;
}

static gboolean
read_uint (reader      *r,
           const cJSON *object,
           const char  *key,
           guint       *out)
{
  guint64 value;

  if (!read_count (r, object, key, G_MAXUINT, &value))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static const char *
read_string (reader      *r,
             const cJSON *object,
             const char  *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  if (!cJSON_IsString (item))
    return invalid (r, key, _ ("must be a string")), NULL;
  return item->valuestring;
}

/* A float32 value stored as a JSON number: it must read back exactly. */
static gboolean
read_float (reader      *r,
            const cJSON *object,
            const char  *key,
            float       *out)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  if (!cJSON_IsNumber (item) || !isfinite (item->valuedouble) || (double) (float) item->valuedouble != item->valuedouble)
    return invalid (r, key, _ ("must be a finite float32 value"));
  *out = (float) item->valuedouble;
  return TRUE;
}

static gboolean
read_tensor (reader       *r,
             const cJSON  *item,
             LtCalibStats *stats)
{
  const char      *name = cJSON_IsObject (item) ? read_string (r, item, "name") : NULL;
  const cJSON     *bins;
  LtTensorStats   *s;
  guint64          total = 0;
  g_autofree char *field = NULL;

  if (name == NULL)
    return cJSON_IsObject (item) ? FALSE : invalid (r, "tensors", _ ("each entry must be an object"));
  if (g_hash_table_contains (stats->by_name, name))
    return invalid (r, name, _ ("the tensor is listed twice"));
  s = lt_calib_stats_ensure (stats, name);
  field = g_strdup_printf ("tensors[%s]", name);
  if (!read_count (r, item, "count", MAX_EXACT_COUNT, &s->count) || !read_count (r, item, "nonfinite", MAX_EXACT_COUNT, &s->n_nonfinite))
    return g_prefix_error (r->error, "%s: ", field), FALSE;
  if (s->count > 0)
    {
      if (!read_float (r, item, "min", &s->min) || !read_float (r, item, "max", &s->max))
        return g_prefix_error (r->error, "%s: ", field), FALSE;
      if (s->min > s->max)
        return invalid (r, field, _ ("min is greater than max"));
    }
  bins = cJSON_GetObjectItemCaseSensitive (item, "bins");
  if (!cJSON_IsArray (bins) || cJSON_GetArraySize (bins) % 2 != 0)
    return invalid (r, field, _ ("'bins' must be a list of index, count pairs"));
  for (const cJSON *at = bins->child; at != NULL; at = at->next->next)
    {
      const cJSON *count = at->next;
      double       index = at->valuedouble;
      if (!cJSON_IsNumber (at) || !cJSON_IsNumber (count) || floor (index) != index || index < 0 || index >= LT_HISTOGRAM_BINS || floor (count->valuedouble) != count->valuedouble || count->valuedouble < 1 || count->valuedouble > MAX_EXACT_COUNT || (s->bins != NULL && s->bins[(guint) index] != 0) || !lt_tensor_stats_add_bin (s, (guint) index, (guint64) count->valuedouble))
        return invalid (r, field, _ ("'bins' holds a bad or repeated index, or a bad count"));
      total += (guint64) count->valuedouble;
    }
  if (total != s->count)
    return invalid (r, field, _ ("the histogram's counts do not add up to 'count'"));
  return TRUE;
}

static LtCalibStats *
stats_from_json (reader      *r,
                 const cJSON *root)
{
  g_autoptr (LtCalibStats) stats = NULL;
  const char  *format, *sha, *grid;
  const cJSON *histogram, *shards, *rejected, *folded, *tensors, *item;
  guint        version, mantissa_bits, n_samples, shard_count;

  if (!cJSON_IsObject (root))
    return invalid (r, "format", _ ("not a calibration statistics file")), NULL;
  format = read_string (r, root, "format");
  if (format == NULL || strcmp (format, STATS_FORMAT) != 0)
    return g_clear_error (r->error), invalid (r, "format", _ ("not a calibration statistics file")), NULL;
  if (!read_uint (r, root, "version", &version))
    return NULL;
  if (version != STATS_VERSION)
    return invalid (r, "version", _ ("this version of the statistics format is not supported")), NULL;
  histogram = cJSON_GetObjectItemCaseSensitive (root, "histogram");
  if (!cJSON_IsObject (histogram) || (grid = read_string (r, histogram, "grid")) == NULL || !read_uint (r, histogram, "mantissa_bits", &mantissa_bits))
    return g_clear_error (r->error), invalid (r, "histogram", _ ("must hold 'grid' and 'mantissa_bits'")), NULL;
  if (strcmp (grid, STATS_GRID) != 0 || mantissa_bits != LT_HISTOGRAM_MANTISSA_BITS)
    return invalid (r, "histogram", _ ("the histogram grid differs from this version's")), NULL;
  if ((sha = read_string (r, root, "model_sha256")) == NULL || !read_uint (r, root, "dataset_samples", &n_samples) || !read_uint (r, root, "shard_count", &shard_count))
    return NULL;
  if (shard_count == 0)
    return invalid (r, "shard_count", _ ("must be at least 1")), NULL;
  stats = lt_calib_stats_new (sha, n_samples, 0, shard_count);
  if (!read_uint (r, root, "samples_used", &stats->n_samples_used))
    return NULL;

  shards = cJSON_GetObjectItemCaseSensitive (root, "shards");
  if (!cJSON_IsArray (shards))
    return invalid (r, "shards", _ ("must be a list")), NULL;
  cJSON_ArrayForEach (item, shards)
  {
    guint k = cJSON_IsNumber (item) && item->valuedouble >= 1 && item->valuedouble <= shard_count && floor (item->valuedouble) == item->valuedouble
                  ? (guint) item->valuedouble
                  : 0;
    if (k == 0 || (stats->shards->len > 0 && g_array_index (stats->shards, guint, stats->shards->len - 1) >= k))
      return invalid (r, "shards", _ ("must list shard numbers from 1 to shard_count, increasing")), NULL;
    g_array_append_val (stats->shards, k);
  }

  rejected = cJSON_GetObjectItemCaseSensitive (root, "rejected");
  if (!cJSON_IsArray (rejected))
    return invalid (r, "rejected", _ ("must be a list")), NULL;
  cJSON_ArrayForEach (item, rejected)
  {
    const char *sample = cJSON_IsObject (item) ? read_string (r, item, "sample") : NULL;
    const char *reason = sample != NULL ? read_string (r, item, "reason") : NULL;
    if (reason == NULL)
      return g_clear_error (r->error), invalid (r, "rejected", _ ("each entry needs 'sample' and 'reason'")), NULL;
    lt_calib_stats_reject (stats, sample, reason);
  }

  /* Files written before the list existed have none. */
  folded = cJSON_GetObjectItemCaseSensitive (root, "folded");
  if (folded != NULL && !cJSON_IsArray (folded))
    return invalid (r, "folded", _ ("must be a list")), NULL;
  cJSON_ArrayForEach (item, folded)
  {
    if (!cJSON_IsString (item))
      return invalid (r, "folded", _ ("each entry must be a tensor name")), NULL;
    if (lt_folded_values_contain (stats->folded, item->valuestring))
      return invalid (r, "folded", _ ("a tensor is listed twice")), NULL;
    g_ptr_array_add (stats->folded, g_strdup (item->valuestring));
  }

  tensors = cJSON_GetObjectItemCaseSensitive (root, "tensors");
  if (!cJSON_IsArray (tensors))
    return invalid (r, "tensors", _ ("must be a list")), NULL;
  cJSON_ArrayForEach (item, tensors) if (!read_tensor (r, item, stats)) return NULL;
  return g_steal_pointer (&stats);
}

LtCalibStats *
lt_calib_stats_read_file (const char *path,
                          GError    **error)
{
  g_autofree char *text = NULL;
  gsize            length = 0;
  cJSON           *root;
  LtCalibStats    *stats;
  reader           r = { path, error };
  GStatBuf         st;

  if (g_stat (path, &st) == 0 && (guint64) st.st_size > MAX_FILE_BYTES)
    return invalid (&r, "file", _ ("larger than 1 GiB, not a statistics file")), NULL;
  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  /* Length with the terminating NUL: cJSON wants to see it, and a NUL
   * inside the file then ends the text early and fails the parse. */
  root = cJSON_ParseWithLengthOpts (text, length + 1, NULL, TRUE);
  if (root == NULL)
    return invalid (&r, "file", _ ("not valid JSON")), NULL;
  stats = stats_from_json (&r, root);
  cJSON_Delete (root);
  return stats;
}

char *
lt_calib_file_sha256 (const char *path,
                      GError    **error)
{
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  if (mapped == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}
