/* lt-encodings-read.c — parse an encodings file into an LtEncodingSet.
 *
 * Order of checks: size cap, UTF-8 (no BOM, no "\u0000" escape), cJSON
 * with nothing after the document, duplicate keys anywhere in the tree,
 * then the layout named by "version" (none = 0.4, "0.x" = the dict layout
 * of 0.6.1, "1.0.0" lists, "2.0.0" QuantizeLinear terms).  Every field is
 * checked for type, integrality, range and finiteness; unknown fields are
 * refused.  After an integer encoding is read, offsets written with the
 * opposite sign are detected from min/max and converted with a warning.
 */
#include "lt-encodings-io.h"

#include "config.h"

#include <cjson/cJSON.h>
#include <glib/gi18n-lib.h>
#include <float.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (lt-encodings-error-quark, lt_encodings_error)

typedef struct
{
  const char    *file;
  const char    *tensor; /* the entry being read, NULL at top level */
  LtEncodingSet *set;
} ReadContext;

/* Fails with "FILE: tensor "T": field "F": message"; returns FALSE. */
static gboolean fail (const ReadContext *ctx,
                      const char        *field,
                      GError           **error,
                      LtEncodingsError   code,
                      const char        *format,
                      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (const ReadContext *ctx,
      const char        *field,
      GError           **error,
      LtEncodingsError   code,
      const char        *format,
      ...)
{
  g_autoptr (GString) text = g_string_new (ctx->file);
  va_list args;

  g_string_append (text, ": ");
  if (ctx->tensor)
    g_string_append_printf (text, "tensor \"%s\": ", ctx->tensor);
  if (field)
    g_string_append_printf (text, "field \"%s\": ", field);
  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
  g_set_error_literal (error, LT_ENCODINGS_ERROR, code, text->str);
  return FALSE;
}

#define INVALID LT_ENCODINGS_ERROR_INVALID

/* ---- text-level checks ------------------------------------------------- */

static gboolean
check_text (const ReadContext *ctx,
            const char        *data,
            gsize              length,
            GError           **error)
{
  const char *bad;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    return fail (ctx, NULL, error, LT_ENCODINGS_ERROR_SYNTAX, _ ("starts with a UTF-8 byte order mark, which JSON does not allow"));
  if (!g_utf8_validate_len (data, length, &bad))
    return fail (ctx, NULL, error, LT_ENCODINGS_ERROR_SYNTAX, _ ("invalid UTF-8 at byte %zu"), (size_t) (bad - data));
  /* cJSON decodes "\u0000" into a string that C then cuts short. */
  for (gsize i = 0; i + 1 < length; i++)
    if (data[i] == '\\')
      {
        if (data[i + 1] == 'u' && i + 5 < length && g_ascii_strncasecmp (data + i + 2, "0000", 4) == 0)
          return fail (ctx, NULL, error, LT_ENCODINGS_ERROR_SYNTAX, _ ("a string holds a NUL character (\\u0000) at byte %zu"), (size_t) i);
        i++;
      }
  return TRUE;
}

/* TRUE when an earlier sibling of `child` has its key.  Small objects are
 * scanned; large ones (a section with thousands of tensors) use `seen`. */
static gboolean
key_seen_before (const cJSON *object,
                 const cJSON *child,
                 GHashTable **seen)
{
  if (*seen == NULL && cJSON_GetArraySize (object) <= 16)
    {
      for (const cJSON *earlier = object->child; earlier != child; earlier = earlier->next)
        if (strcmp (earlier->string, child->string) == 0)
          return TRUE;
      return FALSE;
    }
  if (*seen == NULL)
    *seen = g_hash_table_new (g_str_hash, g_str_equal);
  return !g_hash_table_add (*seen, child->string);
}

/* cJSON keeps every copy of a repeated key; refuse them at any depth.
 * `path` holds the location of `item` ("activation_encodings/conv1[0]")
 * and is restored before returning. */
static gboolean
check_duplicate_keys (const ReadContext *ctx,
                      const cJSON       *item,
                      GString           *path,
                      GError           **error)
{
  g_autoptr (GHashTable) seen = NULL;
  gboolean is_section = strcmp (path->str, "activation_encodings") == 0 || strcmp (path->str, "param_encodings") == 0;
  gsize    length = path->len;
  guint    index = 0;

  for (const cJSON *child = item->child; child; child = child->next, index++)
    {
      ReadContext  inner = *ctx;
      const cJSON *name = cJSON_GetObjectItemCaseSensitive (child, "name");

      if (cJSON_IsObject (item) && key_seen_before (item, child, &seen))
        return fail (ctx, child->string, error, INVALID, _ ("appears twice in %s"), length ? path->str : _ ("the top-level object"));
      if (!cJSON_IsObject (child) && !cJSON_IsArray (child))
        continue;
      /* Name the tensor: a key of a 0.x section, or an entry's "name". */
      if (is_section && cJSON_IsObject (item))
        inner.tensor = child->string;
      else if (cJSON_IsObject (child) && cJSON_IsString (name))
        inner.tensor = name->valuestring;
      if (cJSON_IsObject (item))
        g_string_append_printf (path, "%s%s", length ? "/" : "", child->string);
      else
        g_string_append_printf (path, "[%u]", index);
      if (!check_duplicate_keys (&inner, child, path, error))
        return FALSE;
      g_string_truncate (path, length);
    }
  return TRUE;
}

/* Refuses fields not in `allowed` (NULL-terminated). */
static gboolean
check_known_fields (const ReadContext *ctx,
                    const cJSON       *object,
                    const char *const *allowed,
                    GError           **error)
{
  for (const cJSON *child = object->child; child; child = child->next)
    if (!g_strv_contains (allowed, child->string))
      return fail (ctx, child->string, error, INVALID, _ ("unknown field for this format"));
  return TRUE;
}

/* ---- typed fields ------------------------------------------------------ */

static gboolean
get_number (const ReadContext *ctx,
            const cJSON       *item,
            const char        *field,
            double            *out,
            GError           **error)
{
  if (item == NULL)
    return fail (ctx, field, error, INVALID, _ ("missing"));
  if (cJSON_IsString (item))
    return fail (ctx, field, error, INVALID, _ ("must be a number, not the string \"%s\""), item->valuestring);
  if (!cJSON_IsNumber (item))
    return fail (ctx, field, error, INVALID, _ ("must be a number"));
  if (!isfinite (item->valuedouble))
    return fail (ctx, field, error, INVALID, _ ("is not a finite number (out of range)"));
  *out = item->valuedouble;
  return TRUE;
}

static gboolean
get_integer (const ReadContext *ctx,
             const cJSON       *item,
             const char        *field,
             double             lowest,
             double             highest,
             gint64            *out,
             GError           **error)
{
  double value = 0;

  if (!get_number (ctx, item, field, &value, error))
    return FALSE;
  if (floor (value) != value)
    return fail (ctx, field, error, INVALID, _ ("must be an integer, not %.10g"), value);
  if (value < lowest || value > highest)
    return fail (ctx, field, error, INVALID, _ ("%.10g is outside [%.10g, %.10g]"), value, lowest, highest);
  *out = (gint64) value;
  return TRUE;
}

static gboolean
get_bitwidth (const ReadContext *ctx,
              const cJSON       *item,
              const char        *field,
              guint              lowest,
              guint             *out,
              GError           **error)
{
  gint64 value;

  if (!get_integer (ctx, item, field, lowest, 32, &value, error))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
get_scale (const ReadContext *ctx,
           const cJSON       *item,
           const char        *field,
           float             *out,
           GError           **error)
{
  double value = 0;
  float  single;

  if (!get_number (ctx, item, field, &value, error))
    return FALSE;
  if (value <= 0)
    return fail (ctx, field, error, INVALID, _ ("must be positive, not %.17g"), value);
  if (value > FLT_MAX)
    return fail (ctx, field, error, INVALID, _ ("%.17g overflows float32"), value);
  single = (float) value;
  if (single < FLT_MIN)
    return fail (ctx, field, error, INVALID, _ ("%.17g is below the smallest normal float32"), value);
  *out = single;
  return TRUE;
}

/* |offset| <= 2^bw: wide enough for files of either sign convention. */
static gboolean
get_offset (const ReadContext *ctx,
            const cJSON       *item,
            const char        *field,
            guint              bitwidth,
            gint64            *out,
            GError           **error)
{
  double limit = ldexp (1.0, (int) bitwidth);

  return get_integer (ctx, item, field, -limit, limit, out, error);
}

static gboolean
get_string (const ReadContext *ctx,
            const cJSON       *item,
            const char        *field,
            const char       **out,
            GError           **error)
{
  if (item == NULL)
    return fail (ctx, field, error, INVALID, _ ("missing"));
  if (!cJSON_IsString (item))
    return fail (ctx, field, error, INVALID, _ ("must be a string"));
  *out = item->valuestring;
  return TRUE;
}

/* One of `choices` (NULL-terminated); its index in *out. */
static gboolean
get_choice (const ReadContext *ctx,
            const cJSON       *item,
            const char        *field,
            const char *const *choices,
            guint             *out,
            GError           **error)
{
  const char      *text = NULL;
  g_autofree char *list = NULL;

  if (!get_string (ctx, item, field, &text, error))
    return FALSE;
  for (guint i = 0; choices[i]; i++)
    if (strcmp (text, choices[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  list = g_strjoinv ("\", \"", (char **) choices);
  return fail (ctx, field, error, INVALID, _ ("\"%s\" is not one of \"%s\""), text, list);
}

static gboolean
get_array (const ReadContext *ctx,
           const cJSON       *item,
           const char        *field,
           guint             *length,
           GError           **error)
{
  if (item == NULL)
    return fail (ctx, field, error, INVALID, _ ("missing"));
  if (!cJSON_IsArray (item))
    return fail (ctx, field, error, INVALID, _ ("must be a list"));
  *length = (guint) cJSON_GetArraySize (item);
  if (*length == 0)
    return fail (ctx, field, error, INVALID, _ ("is an empty list"));
  return TRUE;
}

/* ---- after an entry is read -------------------------------------------- */

/* Offsets of the opposite sign reproduce min = -offset * scale.  Convert
 * only when the negated offset matches min within half a step and the given
 * one does not. */
static void
fix_offset_sign (LtEncodingSet *set,
                 LtEncoding    *encoding)
{
  guint flipped = 0;

  if (encoding->dtype != LT_ENCODING_DTYPE_INT || !encoding->has_min_max)
    return;
  for (guint i = 0; i < encoding->n_values; i++)
    {
      double half_step = encoding->scale[i] / 2.0;
      double as_given = (double) encoding->offset[i] * encoding->scale[i];

      if (fabs (as_given - encoding->min[i]) > half_step && fabs (-as_given - encoding->min[i]) <= half_step)
        {
          encoding->offset[i] = -encoding->offset[i];
          flipped++;
        }
    }
  if (flipped > 0)
    lt_encoding_set_warn (set, _ ("tensor \"%s\": %u of %u offsets have the opposite sign (min = -offset * scale); converted to the QNN convention float = (q + offset) * scale"),
                          encoding->name, flipped, encoding->n_values);
}

static gboolean
check_min_max (const ReadContext *ctx,
               const LtEncoding  *encoding,
               GError           **error)
{
  for (guint i = 0; i < encoding->n_values; i++)
    if (encoding->min[i] > encoding->max[i])
      return fail (ctx, "min", error, INVALID, _ ("min %.17g is above max %.17g (entry %u)"), encoding->min[i], encoding->max[i], i);
  return TRUE;
}

/* Takes `encoding`: into the set, or freed on failure. */
static gboolean
add_encoding (const ReadContext *ctx,
              LtEncoding        *encoding,
              GError           **error)
{
  g_autoptr (LtEncoding) owned = encoding;

  if (encoding->dtype == LT_ENCODING_DTYPE_INT)
    {
      if (!encoding->has_min_max)
        lt_encoding_derive_min_max (encoding);
      else if (!check_min_max (ctx, encoding, error))
        return FALSE;
      fix_offset_sign (ctx->set, encoding);
    }
  if (!lt_encoding_set_add (ctx->set, encoding))
    return fail (ctx, NULL, error, INVALID, _ ("listed twice in %s"), lt_encoding_section_to_string (encoding->section));
  g_steal_pointer (&owned);
  return TRUE;
}

/* ---- the 0.4 / 0.6.1 dict layout --------------------------------------- */

static const char *const legacy_fields[] = { "bitwidth", "dtype", "is_symmetric", "min", "max", "offset", "scale", NULL };
static const char *const legacy_dtypes[] = { "int", "float", NULL };
static const char *const legacy_bools[] = { "False", "True", NULL };

/* One dict of a 0.x list into entry `index` of `encoding`; the first dict
 * sets bitwidth, dtype and symmetry, later ones must agree. */
static gboolean
read_legacy_dict (const ReadContext *ctx,
                  const cJSON       *dict,
                  guint              index,
                  LtEncoding        *encoding,
                  GError           **error)
{
  const cJSON *min = cJSON_GetObjectItemCaseSensitive (dict, "min");
  const cJSON *max = cJSON_GetObjectItemCaseSensitive (dict, "max");
  const cJSON *scale = cJSON_GetObjectItemCaseSensitive (dict, "scale");
  const cJSON *offset = cJSON_GetObjectItemCaseSensitive (dict, "offset");
  const char  *range_fields[] = { "scale", "offset", "min", "max" };
  const cJSON *item;
  guint        bitwidth, dtype = LT_ENCODING_DTYPE_INT, symmetric = 0;

  if (!cJSON_IsObject (dict))
    return fail (ctx, NULL, error, INVALID, _ ("entry %u must be an object"), index);
  if (!check_known_fields (ctx, dict, legacy_fields, error))
    return FALSE;
  if ((item = cJSON_GetObjectItemCaseSensitive (dict, "dtype")) &&
      !get_choice (ctx, item, "dtype", legacy_dtypes, &dtype, error))
    return FALSE;
  if ((item = cJSON_GetObjectItemCaseSensitive (dict, "is_symmetric")) &&
      !get_choice (ctx, item, "is_symmetric", legacy_bools, &symmetric, error))
    return FALSE;
  if (!get_bitwidth (ctx, cJSON_GetObjectItemCaseSensitive (dict, "bitwidth"), "bitwidth", 4, &bitwidth, error))
    return FALSE;
  if (index == 0)
    {
      encoding->dtype = dtype;
      encoding->bitwidth = bitwidth;
      encoding->is_symmetric = symmetric;
      encoding->signed_storage = symmetric;
    }
  else if (dtype != encoding->dtype || bitwidth != encoding->bitwidth || (gboolean) symmetric != encoding->is_symmetric)
    return fail (ctx, "bitwidth", error, INVALID, _ ("channel %u differs from channel 0 in bitwidth, dtype or is_symmetric"), index);

  if (dtype == LT_ENCODING_DTYPE_FLOAT)
    {
      if (bitwidth != 16 && bitwidth != 32)
        return fail (ctx, "bitwidth", error, INVALID, _ ("a float encoding is 16 or 32 bits, not %u"), bitwidth);
      for (guint i = 0; i < G_N_ELEMENTS (range_fields); i++)
        if (cJSON_GetObjectItemCaseSensitive (dict, range_fields[i]))
          return fail (ctx, range_fields[i], error, INVALID, _ ("a float encoding has no range"));
      return TRUE;
    }
  if ((min == NULL) != (max == NULL))
    return fail (ctx, min ? "max" : "min", error, INVALID, _ ("missing (min and max come together)"));
  if (index > 0 && (min != NULL) != encoding->has_min_max)
    return fail (ctx, "min", error, INVALID, _ ("channel %u and channel 0 differ in giving min and max"), index);
  if (min)
    {
      if (!get_number (ctx, min, "min", &encoding->min[index], error) ||
          !get_number (ctx, max, "max", &encoding->max[index], error))
        return FALSE;
      encoding->has_min_max = TRUE;
    }
  if (scale == NULL && offset == NULL && min)
    {
      /* QNN computes the grid from min/max when a file gives only those. */
      if (encoding->min[index] > encoding->max[index])
        return fail (ctx, "min", error, INVALID, _ ("min %.17g is above max %.17g"), encoding->min[index], encoding->max[index]);
      lt_encoding_from_min_max (encoding->min[index], encoding->max[index], bitwidth, &encoding->scale[index],
                                &encoding->offset[index], &encoding->min[index], &encoding->max[index]);
      if (index == 0)
        lt_encoding_set_warn (ctx->set, _ ("tensor \"%s\": no scale/offset; computed from min/max"), ctx->tensor);
      return TRUE;
    }
  return get_scale (ctx, scale, "scale", &encoding->scale[index], error) &&
         get_offset (ctx, offset, "offset", bitwidth, &encoding->offset[index], error);
}

static gboolean
read_legacy_section (const ReadContext *top,
                     const cJSON       *section_item,
                     LtEncodingSection  section,
                     GError           **error)
{
  ReadContext ctx = *top;

  if (section_item == NULL)
    return TRUE;
  if (!cJSON_IsObject (section_item))
    return fail (top, lt_encoding_section_to_string (section), error, INVALID, _ ("must be an object of tensor name to list"));
  for (const cJSON *tensor = section_item->child; tensor; tensor = tensor->next)
    {
      g_autoptr (LtEncoding) encoding = NULL;
      guint n, i;

      ctx.tensor = tensor->string;
      if (!get_array (&ctx, tensor, lt_encoding_section_to_string (section), &n, error))
        return FALSE;
      encoding = lt_encoding_new (tensor->string, section, n);
      encoding->granularity = n > 1 ? LT_ENCODING_PER_CHANNEL : LT_ENCODING_PER_TENSOR;
      i = 0;
      for (const cJSON *dict = tensor->child; dict; dict = dict->next, i++)
        if (!read_legacy_dict (&ctx, dict, i, encoding, error))
          return FALSE;
      if (encoding->dtype == LT_ENCODING_DTYPE_FLOAT)
        encoding->n_values = 0;
      if (!add_encoding (&ctx, g_steal_pointer (&encoding), error))
        return FALSE;
    }
  return TRUE;
}

/* ---- 1.0.0 ------------------------------------------------------------- */

static const char *const v1_fields[] = { "name", "dtype", "enc_type", "bw", "is_sym", "scale", "offset",
                                         "block_size", "compressed_bw", "per_block_int_scale", NULL };
/* The spec's table names the float type "FP"; exporters write "FLOAT". */
static const char *const v1_dtypes[] = { "INT", "FLOAT", "FP", NULL };
static const char *const v1_enc_types[] = { "PER_TENSOR", "PER_CHANNEL", "PER_BLOCK", "LPBQ", NULL };

static gboolean
read_v1_entry (ReadContext      *ctx,
               const cJSON      *entry,
               LtEncodingSection section,
               GError          **error)
{
  g_autoptr (LtEncoding) encoding = NULL;
  const cJSON *scale = NULL, *offset, *item;
  const char  *name = NULL;
  guint        dtype, bitwidth, granularity = LT_ENCODING_PER_TENSOR, n = 0, n_offsets, i;

  if (!cJSON_IsObject (entry))
    return fail (ctx, lt_encoding_section_to_string (section), error, INVALID, _ ("every entry must be an object"));
  if (!get_string (ctx, cJSON_GetObjectItemCaseSensitive (entry, "name"), "name", &name, error))
    return FALSE;
  ctx->tensor = name;
  if (!check_known_fields (ctx, entry, v1_fields, error) ||
      !get_choice (ctx, cJSON_GetObjectItemCaseSensitive (entry, "dtype"), "dtype", v1_dtypes, &dtype, error) ||
      !get_bitwidth (ctx, cJSON_GetObjectItemCaseSensitive (entry, "bw"), "bw", 4, &bitwidth, error))
    return FALSE;
  dtype = dtype == 0 ? LT_ENCODING_DTYPE_INT : LT_ENCODING_DTYPE_FLOAT; /* "FLOAT" or "FP" */
  if ((item = cJSON_GetObjectItemCaseSensitive (entry, "enc_type")))
    {
      if (cJSON_IsString (item) && g_strcmp0 (item->valuestring, "VECTOR") == 0)
        return fail (ctx, "enc_type", error, LT_ENCODINGS_ERROR_UNSUPPORTED, _ ("VECTOR encodings are not supported"));
      if (!get_choice (ctx, item, "enc_type", v1_enc_types, &granularity, error))
        return FALSE;
    }
  else if (dtype == LT_ENCODING_DTYPE_INT)
    return fail (ctx, "enc_type", error, INVALID, _ ("missing"));

  if (dtype == LT_ENCODING_DTYPE_FLOAT)
    {
      if (bitwidth != 16 && bitwidth != 32)
        return fail (ctx, "bw", error, INVALID, _ ("a FLOAT encoding is 16 or 32 bits, not %u"), bitwidth);
      if (granularity != LT_ENCODING_PER_TENSOR)
        return fail (ctx, "enc_type", error, INVALID, _ ("a FLOAT encoding is PER_TENSOR"));
      encoding = lt_encoding_new (name, section, 0);
      encoding->dtype = LT_ENCODING_DTYPE_FLOAT;
      encoding->bitwidth = bitwidth;
      return add_encoding (ctx, g_steal_pointer (&encoding), error);
    }

  scale = cJSON_GetObjectItemCaseSensitive (entry, "scale");
  offset = cJSON_GetObjectItemCaseSensitive (entry, "offset");
  if (!get_array (ctx, scale, "scale", &n, error) || !get_array (ctx, offset, "offset", &n_offsets, error))
    return FALSE;
  if (n_offsets != n)
    return fail (ctx, "offset", error, INVALID, _ ("has %u values but scale has %u"), n_offsets, n);
  if (granularity == LT_ENCODING_PER_TENSOR && n != 1)
    return fail (ctx, "scale", error, INVALID, _ ("a PER_TENSOR encoding has one scale, not %u"), n);
  encoding = lt_encoding_new (name, section, n);
  encoding->dtype = LT_ENCODING_DTYPE_INT;
  encoding->bitwidth = bitwidth;
  encoding->granularity = granularity;
  item = cJSON_GetObjectItemCaseSensitive (entry, "is_sym");
  if (!cJSON_IsBool (item))
    return fail (ctx, "is_sym", error, INVALID, item ? _ ("must be true or false (a JSON bool)") : _ ("missing"));
  encoding->is_symmetric = encoding->signed_storage = cJSON_IsTrue (item);
  i = 0;
  for (const cJSON *s = scale->child, *o = offset->child; s && o; s = s->next, o = o->next, i++)
    if (!get_scale (ctx, s, "scale", &encoding->scale[i], error) ||
        !get_offset (ctx, o, "offset", bitwidth, &encoding->offset[i], error))
      return FALSE;

  if (granularity == LT_ENCODING_PER_BLOCK || granularity == LT_ENCODING_LPBQ)
    {
      gint64 block_size;

      if (!get_integer (ctx, cJSON_GetObjectItemCaseSensitive (entry, "block_size"), "block_size", 1, G_MAXINT32, &block_size, error))
        return FALSE;
      encoding->block_size = (guint) block_size;
    }
  else if (cJSON_GetObjectItemCaseSensitive (entry, "block_size"))
    return fail (ctx, "block_size", error, INVALID, _ ("only PER_BLOCK and LPBQ encodings have blocks"));

  if (granularity == LT_ENCODING_LPBQ)
    {
      const cJSON *int_scales = cJSON_GetObjectItemCaseSensitive (entry, "per_block_int_scale");
      guint        n_int;

      if (!get_bitwidth (ctx, cJSON_GetObjectItemCaseSensitive (entry, "compressed_bw"), "compressed_bw", 2,
                         &encoding->compressed_bitwidth, error) ||
          !get_array (ctx, int_scales, "per_block_int_scale", &n_int, error))
        return FALSE;
      if (encoding->compressed_bitwidth >= bitwidth)
        return fail (ctx, "compressed_bw", error, INVALID, _ ("%u is not below bw %u"), encoding->compressed_bitwidth, bitwidth);
      if (n_int % n != 0)
        return fail (ctx, "per_block_int_scale", error, INVALID, _ ("%u values do not split into %u channels"), n_int, n);
      encoding->n_block_int_scales = n_int;
      encoding->n_blocks = n_int / n;
      encoding->block_int_scale = g_new (gint64, n_int);
      i = 0;
      for (const cJSON *v = int_scales->child; v; v = v->next, i++)
        if (!get_integer (ctx, v, "per_block_int_scale", 1,
                          ldexp (1.0, (int) (bitwidth - encoding->compressed_bitwidth)), &encoding->block_int_scale[i], error))
          return FALSE;
    }
  else if (cJSON_GetObjectItemCaseSensitive (entry, "compressed_bw") || cJSON_GetObjectItemCaseSensitive (entry, "per_block_int_scale"))
    return fail (ctx, "compressed_bw", error, INVALID, _ ("only LPBQ encodings have compressed_bw and per_block_int_scale"));

  return add_encoding (ctx, g_steal_pointer (&encoding), error);
}

static gboolean
read_v1_section (const ReadContext *top,
                 const cJSON       *list,
                 LtEncodingSection  section,
                 GError           **error)
{
  ReadContext ctx = *top;

  if (list == NULL)
    return TRUE;
  if (!cJSON_IsArray (list))
    return fail (top, lt_encoding_section_to_string (section), error, INVALID, _ ("must be a list of entries"));
  for (const cJSON *entry = list->child; entry; entry = entry->next)
    {
      ctx.tensor = NULL;
      if (!read_v1_entry (&ctx, entry, section, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- 2.0.0 ------------------------------------------------------------- */

static const char *const v2_fields[] = { "name", "output_dtype", "y_scale", "y_zero_point", "axis", "block_size",
                                         "per_channel_float_scale", "per_block_int_scale", NULL };

/* "int8" → 8 bits, signed; "uint16" → 16 bits, unsigned. */
static gboolean
parse_output_dtype (const char *text,
                    guint      *bitwidth,
                    gboolean   *is_signed)
{
  const char *digits;
  guint       bits;

  if (g_str_has_prefix (text, "uint"))
    *is_signed = FALSE, digits = text + 4;
  else if (g_str_has_prefix (text, "int"))
    *is_signed = TRUE, digits = text + 3;
  else
    return FALSE;
  if (strcmp (digits, "2") == 0 || strcmp (digits, "4") == 0 || strcmp (digits, "8") == 0)
    bits = (guint) (digits[0] - '0');
  else if (strcmp (digits, "16") == 0 || strcmp (digits, "32") == 0)
    bits = digits[0] == '1' ? 16 : 32;
  else
    return FALSE;
  *bitwidth = bits;
  return TRUE;
}

/* Every list at `depth` has dims[depth] items, down to numbers at `rank`. */
static gboolean
check_shape (const ReadContext *ctx,
             const cJSON       *item,
             const char        *field,
             guint              depth,
             guint              rank,
             const guint       *dims,
             GError           **error)
{
  if (depth == rank)
    return cJSON_IsArray (item) ? fail (ctx, field, error, INVALID, _ ("lists nested to different depths")) : TRUE;
  if (!cJSON_IsArray (item) || (guint) cJSON_GetArraySize (item) != dims[depth])
    return fail (ctx, field, error, INVALID, _ ("lists of different lengths or depths"));
  for (const cJSON *child = item->child; child; child = child->next)
    if (!check_shape (ctx, child, field, depth + 1, rank, dims, error))
      return FALSE;
  return TRUE;
}

/* y_scale / y_zero_point are a number (rank 0) or regular nested lists
 * (per channel: one level; per block: the tensor's rank).  Fills dims. */
static gboolean
measure_shape (const ReadContext *ctx,
               const cJSON       *item,
               const char        *field,
               guint             *rank,
               guint             *dims,
               GError           **error)
{
  *rank = 0;
  for (const cJSON *level = item; cJSON_IsArray (level); level = level->child)
    {
      if (*rank == LT_ENCODING_MAX_RANK)
        return fail (ctx, field, error, INVALID, _ ("lists nested deeper than %d levels"), LT_ENCODING_MAX_RANK);
      if (!get_array (ctx, level, field, &dims[*rank], error))
        return FALSE;
      (*rank)++;
    }
  return check_shape (ctx, item, field, 0, *rank, dims, error);
}

/* The numbers of `item` in row-major order (borrowed from `item`). */
static void
collect_values (const cJSON *item,
                GPtrArray   *values)
{
  if (!cJSON_IsArray (item))
    g_ptr_array_add (values, (gpointer) item);
  else
    for (const cJSON *child = item->child; child; child = child->next)
      collect_values (child, values);
}

/* For a per-block y_scale of shape dims with blocks along `block_axis`: the
 * channel axis is the one other axis with more than one value (the first
 * other axis when there is none).  -1 when there are two. */
static gint
find_channel_axis (const guint *dims,
                   guint        rank,
                   gint         block_axis)
{
  gint channel_axis = -1, first_other = -1;

  for (gint d = 0; d < (gint) rank; d++)
    {
      if (d == block_axis)
        continue;
      if (first_other < 0)
        first_other = d;
      if (dims[d] > 1 && channel_axis >= 0)
        return -1;
      if (dims[d] > 1)
        channel_axis = d;
    }
  return channel_axis >= 0 ? channel_axis : first_other;
}

/* Index in the channel-major order of value `flat` (row-major in dims). */
static guint
channel_major_index (guint        flat,
                     const guint *dims,
                     guint        rank,
                     gint         channel_axis,
                     gint         block_axis)
{
  guint channel = 0, block = 0;

  for (gint d = (gint) rank - 1; d >= 0; d--)
    {
      guint coordinate = flat % dims[d];

      flat /= dims[d];
      if (d == channel_axis)
        channel = coordinate;
      else if (d == block_axis)
        block = coordinate;
    }
  return channel * dims[block_axis] + block;
}

/* Granularity, axes and block count of a 2.0.0 entry from its y_scale
 * shape and its "axis" / "block_size" fields. */
static gboolean
read_v2_layout (const ReadContext *ctx,
                const cJSON       *entry,
                guint              rank,
                const guint       *dims,
                LtEncoding        *encoding,
                GError           **error)
{
  const cJSON *axis_item = cJSON_GetObjectItemCaseSensitive (entry, "axis");
  const cJSON *block_item = cJSON_GetObjectItemCaseSensitive (entry, "block_size");
  gint64       axis = 0, block_size;
  gint         block_axis, channel_axis;

  if (axis_item && !get_integer (ctx, axis_item, "axis", -LT_ENCODING_MAX_RANK, LT_ENCODING_MAX_RANK - 1, &axis, error))
    return FALSE;
  if (rank == 0)
    {
      if (block_item)
        return fail (ctx, "block_size", error, INVALID, _ ("given, but y_scale is a single number"));
      encoding->granularity = LT_ENCODING_PER_TENSOR;
      encoding->axis = axis_item ? (gint) axis : LT_ENCODING_AXIS_UNKNOWN;
      return TRUE;
    }
  if (axis_item == NULL)
    return fail (ctx, "axis", error, INVALID, _ ("missing: a per-channel or per-block encoding needs its axis"));
  if (block_item == NULL)
    {
      if (rank != 1)
        return fail (ctx, "block_size", error, INVALID, _ ("missing: y_scale is nested %u deep, so it is per block"), rank);
      encoding->granularity = LT_ENCODING_PER_CHANNEL;
      encoding->axis = (gint) axis;
      return TRUE;
    }
  if (!get_integer (ctx, block_item, "block_size", 1, G_MAXINT32, &block_size, error))
    return FALSE;
  block_axis = lt_encoding_normalize_axis ((gint) axis, (gint) rank);
  if (block_axis < 0)
    return fail (ctx, "axis", error, INVALID, _ ("%d is outside y_scale's %u dimensions"), (gint) axis, rank);
  channel_axis = find_channel_axis (dims, rank, block_axis);
  if (rank > 1 && channel_axis < 0)
    return fail (ctx, "y_scale", error, INVALID, _ ("more than one axis besides the block axis has several values"));
  encoding->granularity = LT_ENCODING_PER_BLOCK;
  encoding->block_size = (guint) block_size;
  encoding->block_axis = (gint) axis;
  encoding->axis = channel_axis >= 0 ? channel_axis : LT_ENCODING_AXIS_UNKNOWN;
  encoding->rank = rank;
  encoding->n_blocks = dims[block_axis];
  return TRUE;
}

/* 2.0.0 LPBQ: per_block_int_scale in the tensor's layout with blocks along
 * `axis`, per_channel_float_scale the same with 1 on that axis; the type is
 * the compressed one and bw is twice it (the only case 2.0.0 holds). */
static gboolean
read_v2_lpbq (ReadContext *ctx,
              const cJSON *entry,
              const char  *name,
              guint        compressed_bitwidth,
              gboolean     is_signed,
              GError     **error)
{
  const cJSON *float_scale = cJSON_GetObjectItemCaseSensitive (entry, "per_channel_float_scale");
  const cJSON *int_scale = cJSON_GetObjectItemCaseSensitive (entry, "per_block_int_scale");
  g_autoptr (GPtrArray) floats = g_ptr_array_new ();
  g_autoptr (GPtrArray) ints = g_ptr_array_new ();
  g_autoptr (LtEncoding) encoding = NULL;
  guint  rank, dims[LT_ENCODING_MAX_RANK], float_rank, float_dims[LT_ENCODING_MAX_RANK], channels;
  gint64 axis, block_size;
  gint   block_axis, channel_axis;

  if (float_scale == NULL || int_scale == NULL)
    return fail (ctx, float_scale ? "per_block_int_scale" : "per_channel_float_scale", error, INVALID, _ ("missing (LPBQ has both scales)"));
  if (cJSON_GetObjectItemCaseSensitive (entry, "y_scale") || cJSON_GetObjectItemCaseSensitive (entry, "y_zero_point"))
    return fail (ctx, "y_scale", error, INVALID, _ ("an LPBQ entry has per_channel_float_scale instead"));
  if (!is_signed || compressed_bitwidth > 16)
    return fail (ctx, "output_dtype", error, INVALID, _ ("LPBQ is symmetric on int4, int8 or int16"));
  if (!measure_shape (ctx, int_scale, "per_block_int_scale", &rank, dims, error) ||
      !measure_shape (ctx, float_scale, "per_channel_float_scale", &float_rank, float_dims, error) ||
      !get_integer (ctx, cJSON_GetObjectItemCaseSensitive (entry, "axis"), "axis", -LT_ENCODING_MAX_RANK, LT_ENCODING_MAX_RANK - 1, &axis, error) ||
      !get_integer (ctx, cJSON_GetObjectItemCaseSensitive (entry, "block_size"), "block_size", 1, G_MAXINT32, &block_size, error))
    return FALSE;
  block_axis = lt_encoding_normalize_axis ((gint) axis, (gint) rank);
  if (block_axis < 0)
    return fail (ctx, "axis", error, INVALID, _ ("%d is outside per_block_int_scale's %u dimensions"), (gint) axis, rank);
  channel_axis = find_channel_axis (dims, rank, block_axis);
  if (rank > 1 && channel_axis < 0)
    return fail (ctx, "per_block_int_scale", error, INVALID, _ ("more than one axis besides the block axis has several values"));
  for (guint d = 0; d < rank; d++)
    if (float_rank != rank || float_dims[d] != ((gint) d == block_axis ? 1 : dims[d]))
      return fail (ctx, "per_channel_float_scale", error, INVALID, _ ("does not have one value per channel of per_block_int_scale"));
  channels = channel_axis >= 0 ? dims[channel_axis] : 1;

  encoding = lt_encoding_new (name, LT_ENCODING_SECTION_UNSPECIFIED, channels);
  encoding->dtype = LT_ENCODING_DTYPE_INT;
  encoding->granularity = LT_ENCODING_LPBQ;
  encoding->compressed_bitwidth = compressed_bitwidth;
  encoding->bitwidth = 2 * compressed_bitwidth;
  encoding->is_symmetric = encoding->signed_storage = TRUE;
  encoding->block_size = (guint) block_size;
  encoding->block_axis = (gint) axis;
  encoding->axis = channel_axis >= 0 ? channel_axis : LT_ENCODING_AXIS_UNKNOWN;
  encoding->rank = rank;
  encoding->n_blocks = dims[block_axis];
  encoding->n_block_int_scales = channels * encoding->n_blocks;
  encoding->block_int_scale = g_new (gint64, encoding->n_block_int_scales);
  collect_values (float_scale, floats);
  collect_values (int_scale, ints);
  for (guint c = 0; c < channels; c++)
    {
      if (!get_scale (ctx, g_ptr_array_index (floats, c), "per_channel_float_scale", &encoding->scale[c], error))
        return FALSE;
      encoding->offset[c] = lt_encoding_symmetric_offset (encoding->bitwidth);
    }
  for (guint i = 0; i < ints->len; i++)
    if (!get_integer (ctx, g_ptr_array_index (ints, i), "per_block_int_scale", 1, ldexp (1.0, (int) compressed_bitwidth),
                      &encoding->block_int_scale[channel_major_index (i, dims, rank, channel_axis, block_axis)], error))
      return FALSE;
  return add_encoding (ctx, g_steal_pointer (&encoding), error);
}

static gboolean
read_v2_entry (ReadContext *ctx,
               const cJSON *entry,
               GError     **error)
{
  g_autoptr (GPtrArray) scales = NULL;
  g_autoptr (GPtrArray) zero_points = NULL;
  g_autoptr (LtEncoding) encoding = NULL;
  const cJSON *scale, *zero_point;
  const char  *name = NULL, *dtype_text = NULL;
  guint        bitwidth, rank, zp_rank, dims[LT_ENCODING_MAX_RANK], zp_dims[LT_ENCODING_MAX_RANK];
  gboolean     is_signed;

  if (!cJSON_IsObject (entry))
    return fail (ctx, "encodings", error, INVALID, _ ("every entry must be an object"));
  if (!get_string (ctx, cJSON_GetObjectItemCaseSensitive (entry, "name"), "name", &name, error))
    return FALSE;
  ctx->tensor = name;
  if (!check_known_fields (ctx, entry, v2_fields, error) ||
      !get_string (ctx, cJSON_GetObjectItemCaseSensitive (entry, "output_dtype"), "output_dtype", &dtype_text, error))
    return FALSE;
  if (strcmp (dtype_text, "float16") == 0 || strcmp (dtype_text, "float32") == 0)
    {
      encoding = lt_encoding_new (name, LT_ENCODING_SECTION_UNSPECIFIED, 0);
      encoding->dtype = LT_ENCODING_DTYPE_FLOAT;
      encoding->bitwidth = dtype_text[5] == '1' ? 16 : 32;
      return add_encoding (ctx, g_steal_pointer (&encoding), error);
    }
  if (!parse_output_dtype (dtype_text, &bitwidth, &is_signed) || bitwidth < 4)
    return fail (ctx, "output_dtype", error, INVALID, _ ("\"%s\" is not one of int4, uint4, int8, uint8, int16, uint16, int32, uint32, float16, float32"), dtype_text);

  if (cJSON_GetObjectItemCaseSensitive (entry, "per_channel_float_scale") || cJSON_GetObjectItemCaseSensitive (entry, "per_block_int_scale"))
    return read_v2_lpbq (ctx, entry, name, bitwidth, is_signed, error);
  scale = cJSON_GetObjectItemCaseSensitive (entry, "y_scale");
  if (scale == NULL)
    return fail (ctx, "y_scale", error, INVALID, _ ("missing"));
  if (!measure_shape (ctx, scale, "y_scale", &rank, dims, error))
    return FALSE;
  zero_point = cJSON_GetObjectItemCaseSensitive (entry, "y_zero_point");
  if (zero_point)
    {
      if (!measure_shape (ctx, zero_point, "y_zero_point", &zp_rank, zp_dims, error))
        return FALSE;
      if (zp_rank != rank || memcmp (dims, zp_dims, rank * sizeof (guint)) != 0)
        return fail (ctx, "y_zero_point", error, INVALID, _ ("does not have the shape of y_scale"));
    }
  scales = g_ptr_array_new ();
  collect_values (scale, scales);
  zero_points = g_ptr_array_new ();
  if (zero_point)
    collect_values (zero_point, zero_points);
  encoding = lt_encoding_new (name, LT_ENCODING_SECTION_UNSPECIFIED, scales->len);
  encoding->dtype = LT_ENCODING_DTYPE_INT;
  encoding->bitwidth = bitwidth;
  encoding->signed_storage = is_signed;
  if (!read_v2_layout (ctx, entry, rank, dims, encoding, error))
    return FALSE;
  for (guint i = 0; i < scales->len; i++)
    {
      double limit = ldexp (1.0, (int) bitwidth);
      guint  to = i;
      gint64 zp = 0;

      if (encoding->granularity == LT_ENCODING_PER_BLOCK)
        to = channel_major_index (i, dims, rank, lt_encoding_normalize_axis (encoding->axis, (gint) rank),
                                  lt_encoding_normalize_axis (encoding->block_axis, (gint) rank));
      if (!get_scale (ctx, g_ptr_array_index (scales, i), "y_scale", &encoding->scale[to], error))
        return FALSE;
      if (zero_point && !get_integer (ctx, g_ptr_array_index (zero_points, i), "y_zero_point",
                                      is_signed ? -limit / 2 : 0, is_signed ? limit / 2 - 1 : limit - 1, &zp, error))
        return FALSE;
      /* ONNX: float = (q - zp) * scale on the dtype's own range; on QNN's
       * unsigned grid a signed q is q + 2^(bw-1). */
      encoding->offset[to] = -zp + (is_signed ? lt_encoding_symmetric_offset (bitwidth) : 0);
    }
  /* Symmetric means a signed type with zero points all 0: a uint8 grid
   * centred on 128 is an asymmetric encoding that happens to be centred. */
  encoding->is_symmetric = is_signed;
  for (guint i = 0; i < encoding->n_values; i++)
    encoding->is_symmetric &= encoding->offset[i] == lt_encoding_symmetric_offset (bitwidth);
  return add_encoding (ctx, g_steal_pointer (&encoding), error);
}

/* ---- top level --------------------------------------------------------- */

static const char *const legacy_top[] = { "version", "activation_encodings", "param_encodings", "activation_bitwidth",
                                          "param_bitwidth", "bias_bitwidth", "quantizer_args", NULL };
static const char *const v1_top[] = { "version", "activation_encodings", "param_encodings", "excluded_layers",
                                      "quantizer_args", NULL };
static const char *const v2_top[] = { "version", "encodings", "quantizer_args", NULL };

static gboolean
read_settings (const ReadContext *ctx,
               const cJSON       *root,
               GError           **error)
{
  struct
  {
    const char *field;
    guint      *value;
  } bitwidths[] = {
    { "activation_bitwidth", &ctx->set->activation_bitwidth },
    { "param_bitwidth", &ctx->set->param_bitwidth },
    { "bias_bitwidth", &ctx->set->bias_bitwidth },
  };
  const cJSON *item;

  for (guint i = 0; i < G_N_ELEMENTS (bitwidths); i++)
    if ((item = cJSON_GetObjectItemCaseSensitive (root, bitwidths[i].field)) &&
        !get_bitwidth (ctx, item, bitwidths[i].field, 4, bitwidths[i].value, error))
      return FALSE;
  if ((item = cJSON_GetObjectItemCaseSensitive (root, "quantizer_args")))
    {
      if (!cJSON_IsObject (item))
        return fail (ctx, "quantizer_args", error, INVALID, _ ("must be an object"));
      ctx->set->quantizer_args = cJSON_PrintUnformatted (item);
    }
  if ((item = cJSON_GetObjectItemCaseSensitive (root, "excluded_layers")))
    {
      if (!cJSON_IsArray (item))
        return fail (ctx, "excluded_layers", error, INVALID, _ ("must be a list"));
      ctx->set->excluded_layers = cJSON_PrintUnformatted (item);
    }
  return TRUE;
}

static gboolean
read_document (ReadContext *ctx,
               const cJSON *root,
               GError     **error)
{
  g_autoptr (GString) path = g_string_new ("");
  const cJSON      *version = cJSON_GetObjectItemCaseSensitive (root, "version");
  const char       *text = NULL;
  LtEncodingsFormat format;

  if (!cJSON_IsObject (root))
    return fail (ctx, NULL, error, INVALID, _ ("the top level must be an object"));
  if (!check_duplicate_keys (ctx, root, path, error))
    return FALSE;
  if (version && !get_string (ctx, version, "version", &text, error))
    return FALSE;
  if (text == NULL || strcmp (text, "0.4.0") == 0)
    format = LT_ENCODINGS_FORMAT_0_4;
  else if (strcmp (text, "0.5.0") == 0 || strcmp (text, "0.6.0") == 0 || strcmp (text, "0.6.1") == 0)
    format = LT_ENCODINGS_FORMAT_0_6_1;
  else if (strcmp (text, "1.0.0") == 0)
    format = LT_ENCODINGS_FORMAT_1_0_0;
  else if (strcmp (text, "2.0.0") == 0)
    format = LT_ENCODINGS_FORMAT_2_0_0;
  else
    return fail (ctx, "version", error, LT_ENCODINGS_ERROR_UNSUPPORTED, _ ("\"%s\" is not a known version (0.4.0 to 0.6.1, 1.0.0, 2.0.0)"), text);
  ctx->set->format = format;

  switch (format)
    {
    case LT_ENCODINGS_FORMAT_0_4:
    case LT_ENCODINGS_FORMAT_0_6_1:
      return check_known_fields (ctx, root, legacy_top, error) && read_settings (ctx, root, error) &&
             read_legacy_section (ctx, cJSON_GetObjectItemCaseSensitive (root, "activation_encodings"), LT_ENCODING_SECTION_ACTIVATION, error) &&
             read_legacy_section (ctx, cJSON_GetObjectItemCaseSensitive (root, "param_encodings"), LT_ENCODING_SECTION_PARAM, error);
    case LT_ENCODINGS_FORMAT_1_0_0:
      return check_known_fields (ctx, root, v1_top, error) && read_settings (ctx, root, error) &&
             read_v1_section (ctx, cJSON_GetObjectItemCaseSensitive (root, "activation_encodings"), LT_ENCODING_SECTION_ACTIVATION, error) &&
             read_v1_section (ctx, cJSON_GetObjectItemCaseSensitive (root, "param_encodings"), LT_ENCODING_SECTION_PARAM, error);
    case LT_ENCODINGS_FORMAT_2_0_0:
      {
        const cJSON *list = cJSON_GetObjectItemCaseSensitive (root, "encodings");

        if (!check_known_fields (ctx, root, v2_top, error) || !read_settings (ctx, root, error))
          return FALSE;
        if (list == NULL || !cJSON_IsArray (list))
          return fail (ctx, "encodings", error, INVALID, list ? _ ("must be a list") : _ ("missing"));
        for (const cJSON *entry = list->child; entry; entry = entry->next)
          {
            ctx->tensor = NULL;
            if (!read_v2_entry (ctx, entry, error))
              return FALSE;
          }
        return TRUE;
      }
    }
  g_return_val_if_reached (FALSE);
}

LtEncodingSet *
lt_encodings_read_data (const char *data,
                        gsize       length,
                        const char *display_name,
                        GError    **error)
{
  g_autoptr (LtEncodingSet) set = lt_encoding_set_new (LT_ENCODINGS_FORMAT_0_6_1);
  g_autofree char *copy = NULL;
  ReadContext      ctx = { display_name, NULL, set };
  const char      *end = NULL;
  cJSON           *root;
  gboolean         ok;

  if (length > LT_ENCODINGS_MAX_FILE_BYTES)
    {
      fail (&ctx, NULL, error, LT_ENCODINGS_ERROR_TOO_LARGE, _ ("%zu bytes is more than the %u allowed for an encodings file"),
            (size_t) length, LT_ENCODINGS_MAX_FILE_BYTES);
      return NULL;
    }
  if (!check_text (&ctx, data, length, error))
    return NULL;
  /* cJSON wants the terminating NUL inside the length it is given. */
  copy = g_malloc (length + 1);
  memcpy (copy, data, length);
  copy[length] = '\0';
  root = cJSON_ParseWithLengthOpts (copy, length + 1, &end, TRUE);
  if (root == NULL || end != copy + length)
    {
      gsize at = end && end >= copy ? (gsize) (end - copy) : (gsize) (cJSON_GetErrorPtr () ? cJSON_GetErrorPtr () - copy : 0);

      cJSON_Delete (root);
      fail (&ctx, NULL, error, LT_ENCODINGS_ERROR_SYNTAX, _ ("not valid JSON (error or trailing data at byte %zu)"), (size_t) at);
      return NULL;
    }
  ok = read_document (&ctx, root, error);
  cJSON_Delete (root);
  return ok ? g_steal_pointer (&set) : NULL;
}

LtEncodingSet *
lt_encodings_read_file (const char *path,
                        GError    **error)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_IO, "%s", local->message);
      return NULL;
    }
  length = g_mapped_file_get_length (mapped);
  return lt_encodings_read_data (length ? g_mapped_file_get_contents (mapped) : "", length, path, error);
}
