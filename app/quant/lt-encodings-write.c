/* lt-encodings-write.c — an LtEncodingSet as 0.6.1, 1.0.0 or 2.0.0 text.
 *
 * Keys come in a fixed order per layout, so the same set always gives the
 * same bytes.  Numbers are inserted as raw text: float32 scales with the
 * fewest digits that read back to the same float, doubles (min, max) with
 * the fewest that read back to the same double, integers as integers.
 * NaN and infinity cannot occur (the reader refuses them).
 */
#include "lt-encodings-io.h"

#include "config.h"

#include <cjson/cJSON.h>
#include <glib/gi18n-lib.h>
#include <math.h>

/* The shortest "%.Ng" text of `value` that reads back to the same float
 * (as_float) or the same double. */
static cJSON *
number_shortest (double   value,
                 int      max_digits,
                 gboolean as_float)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 1; digits <= max_digits; digits++)
    {
      char   format[8];
      double back;

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (text, sizeof text, format, value);
      back = g_ascii_strtod (text, NULL);
      if (as_float ? (float) back == (float) value : back == value)
        break;
    }
  return cJSON_CreateRaw (text);
}

static cJSON *
number_float (float value)
{
  return number_shortest (value, 9, TRUE);
}

static cJSON *
number_double (double value)
{
  return number_shortest (value, 17, FALSE);
}

static cJSON *
number_int (gint64 value)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  return cJSON_CreateRaw (text);
}

static gboolean
unsupported (const LtEncoding *encoding,
             LtEncodingsFormat format,
             GError          **error,
             const char       *why)
{
  g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED, _ ("tensor \"%s\": %s %s cannot be written as %s: %s"),
               encoding->name, lt_encoding_granularity_to_string (encoding->granularity),
               encoding->dtype == LT_ENCODING_DTYPE_FLOAT ? "float" : "int", lt_encodings_format_to_string (format), why);
  return FALSE;
}

/* ---- 0.6.1 ------------------------------------------------------------- */

static gboolean
write_legacy_entry (cJSON            *section,
                    const LtEncoding *encoding,
                    GError          **error)
{
  cJSON *list = cJSON_AddArrayToObject (section, encoding->name);

  if (encoding->granularity == LT_ENCODING_PER_BLOCK || encoding->granularity == LT_ENCODING_LPBQ)
    return unsupported (encoding, LT_ENCODINGS_FORMAT_0_6_1, error, _ ("0.6.1 has per-tensor and per-channel lists only"));
  if (encoding->dtype == LT_ENCODING_DTYPE_FLOAT)
    {
      cJSON *dict = cJSON_CreateObject ();

      cJSON_AddItemToObject (dict, "bitwidth", number_int (encoding->bitwidth));
      cJSON_AddStringToObject (dict, "dtype", "float");
      cJSON_AddItemToArray (list, dict);
      return TRUE;
    }
  for (guint i = 0; i < encoding->n_values; i++)
    {
      cJSON *dict = cJSON_CreateObject ();

      cJSON_AddItemToObject (dict, "bitwidth", number_int (encoding->bitwidth));
      cJSON_AddStringToObject (dict, "dtype", "int");
      cJSON_AddStringToObject (dict, "is_symmetric", encoding->is_symmetric ? "True" : "False");
      cJSON_AddItemToObject (dict, "max", number_double (encoding->max[i]));
      cJSON_AddItemToObject (dict, "min", number_double (encoding->min[i]));
      cJSON_AddItemToObject (dict, "offset", number_int (encoding->offset[i]));
      cJSON_AddItemToObject (dict, "scale", number_float (encoding->scale[i]));
      cJSON_AddItemToArray (list, dict);
    }
  return TRUE;
}

/* ---- 1.0.0 ------------------------------------------------------------- */

static gboolean
write_v1_entry (cJSON            *list,
                const LtEncoding *encoding,
                GError          **error)
{
  cJSON *entry = cJSON_CreateObject ();
  cJSON *scale, *offset;

  cJSON_AddItemToArray (list, entry);
  cJSON_AddStringToObject (entry, "name", encoding->name);
  cJSON_AddStringToObject (entry, "dtype", encoding->dtype == LT_ENCODING_DTYPE_FLOAT ? "FLOAT" : "INT");
  cJSON_AddStringToObject (entry, "enc_type", lt_encoding_granularity_to_string (encoding->granularity));
  cJSON_AddItemToObject (entry, "bw", number_int (encoding->bitwidth));
  if (encoding->dtype == LT_ENCODING_DTYPE_FLOAT)
    return TRUE;
  if (encoding->granularity == LT_ENCODING_PER_TENSOR && encoding->n_values != 1)
    return unsupported (encoding, LT_ENCODINGS_FORMAT_1_0_0, error, _ ("more than one scale"));
  cJSON_AddBoolToObject (entry, "is_sym", encoding->is_symmetric);
  scale = cJSON_AddArrayToObject (entry, "scale");
  offset = cJSON_AddArrayToObject (entry, "offset");
  for (guint i = 0; i < encoding->n_values; i++)
    {
      cJSON_AddItemToArray (scale, number_float (encoding->scale[i]));
      cJSON_AddItemToArray (offset, number_int (encoding->offset[i]));
    }
  if (encoding->block_size > 0)
    cJSON_AddItemToObject (entry, "block_size", number_int (encoding->block_size));
  if (encoding->granularity == LT_ENCODING_LPBQ)
    {
      cJSON *int_scales;

      cJSON_AddItemToObject (entry, "compressed_bw", number_int (encoding->compressed_bitwidth));
      int_scales = cJSON_AddArrayToObject (entry, "per_block_int_scale");
      for (guint i = 0; i < encoding->n_block_int_scales; i++)
        cJSON_AddItemToArray (int_scales, number_int (encoding->block_int_scale[i]));
    }
  return TRUE;
}

/* ---- 2.0.0 ------------------------------------------------------------- */

/* QNN offset → ONNX zero point for the dtype the entry is written as. */
static gint64
zero_point (const LtEncoding *encoding,
            guint             index)
{
  gint64 zp = -encoding->offset[index];

  return encoding->signed_storage ? zp + lt_encoding_symmetric_offset (encoding->bitwidth) : zp;
}

/* A per-block or LPBQ encoding in the tensor's layout: on the channel axis
 * one entry per channel, on the block axis one per block, 1 elsewhere. */
typedef struct
{
  const LtEncoding *encoding;
  guint             rank;
  guint             dims[LT_ENCODING_MAX_RANK];
  gint              channel_axis; /* -1 when there is a single channel */
  gint              block_axis;
} BlockLayout;

/* The value written for (channel, block). */
typedef cJSON *(*BlockValueFunc) (const LtEncoding *encoding,
                                  guint             channel,
                                  guint             block);

static cJSON *
block_scale (const LtEncoding *encoding,
             guint             channel,
             guint             block)
{
  return number_float (encoding->scale[channel * encoding->n_blocks + block]);
}

static cJSON *
block_zero_point (const LtEncoding *encoding,
                  guint             channel,
                  guint             block)
{
  return number_int (zero_point (encoding, channel * encoding->n_blocks + block));
}

static cJSON *
channel_float_scale (const LtEncoding *encoding,
                     guint             channel,
                     guint             block)
{
  (void) block;
  return number_float (encoding->scale[channel]);
}

static cJSON *
block_int_scale (const LtEncoding *encoding,
                 guint             channel,
                 guint             block)
{
  return number_int (encoding->block_int_scale[channel * encoding->n_blocks + block]);
}

/* Nested lists of `layout`'s dims from `depth` down; blocks along the block
 * axis only when `per_block`, a single entry there otherwise. */
static cJSON *
block_value_lists (const BlockLayout *layout,
                   BlockValueFunc     value,
                   gboolean           per_block,
                   guint              depth,
                   guint              channel,
                   guint              block)
{
  cJSON *list;
  guint  length;

  if (depth == layout->rank)
    return value (layout->encoding, channel, block);
  list = cJSON_CreateArray ();
  length = (gint) depth == layout->block_axis && !per_block ? 1 : layout->dims[depth];
  for (guint k = 0; k < length; k++)
    cJSON_AddItemToArray (list, block_value_lists (layout, value, per_block, depth + 1, (gint) depth == layout->channel_axis ? k : channel,
                                                   (gint) depth == layout->block_axis ? k : block));
  return list;
}

static gboolean
block_layout_init (BlockLayout      *layout,
                   const LtEncoding *encoding,
                   GError          **error)
{
  guint channels;

  layout->encoding = encoding;
  layout->rank = encoding->rank;
  layout->block_axis = lt_encoding_normalize_axis (encoding->block_axis, (gint) encoding->rank);
  layout->channel_axis = lt_encoding_normalize_axis (encoding->axis, (gint) encoding->rank);
  if (layout->block_axis < 0 || encoding->n_blocks == 0 || encoding->n_values == 0)
    return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("the tensor's rank, block axis or blocks per channel are unknown (give the model)"));
  channels = encoding->granularity == LT_ENCODING_LPBQ ? encoding->n_values : encoding->n_values / encoding->n_blocks;
  if (encoding->granularity == LT_ENCODING_PER_BLOCK && encoding->n_values % encoding->n_blocks != 0)
    return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("the values do not split into blocks evenly"));
  if (channels > 1 && (layout->channel_axis < 0 || layout->channel_axis == layout->block_axis))
    return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("the channel axis is unknown (give the model)"));
  for (guint d = 0; d < layout->rank; d++)
    layout->dims[d] = (gint) d == layout->block_axis ? encoding->n_blocks : (gint) d == layout->channel_axis ? channels
                                                                                                             : 1;
  return TRUE;
}

static gboolean
write_v2_blocks (cJSON            *entry,
                 const LtEncoding *encoding,
                 gboolean          with_zero_points,
                 GError          **error)
{
  BlockLayout layout;

  if (!block_layout_init (&layout, encoding, error))
    return FALSE;
  cJSON_AddItemToObject (entry, "y_scale", block_value_lists (&layout, block_scale, TRUE, 0, 0, 0));
  if (with_zero_points)
    cJSON_AddItemToObject (entry, "y_zero_point", block_value_lists (&layout, block_zero_point, TRUE, 0, 0, 0));
  cJSON_AddItemToObject (entry, "axis", number_int (encoding->block_axis));
  cJSON_AddItemToObject (entry, "block_size", number_int (encoding->block_size));
  return TRUE;
}

/* 2.0.0 LPBQ: the compressed type, float scales per channel and integer
 * scales per block, both in the tensor's layout; symmetric, and only for
 * bw = 2 * compressed_bw (the layout does not carry bw). */
static gboolean
write_v2_lpbq (cJSON            *entry,
               const LtEncoding *encoding,
               GError          **error)
{
  BlockLayout layout;
  char        dtype[16];

  if (encoding->bitwidth != 2 * encoding->compressed_bitwidth)
    return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("2.0.0 holds LPBQ only when bw is twice compressed_bw"));
  for (guint i = 0; i < encoding->n_values; i++)
    if (encoding->offset[i] != lt_encoding_symmetric_offset (encoding->bitwidth))
      return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("2.0.0 holds symmetric LPBQ only"));
  if (!block_layout_init (&layout, encoding, error))
    return FALSE;
  g_snprintf (dtype, sizeof dtype, "int%u", encoding->compressed_bitwidth);
  cJSON_AddStringToObject (entry, "output_dtype", dtype);
  cJSON_AddItemToObject (entry, "per_channel_float_scale", block_value_lists (&layout, channel_float_scale, FALSE, 0, 0, 0));
  cJSON_AddItemToObject (entry, "per_block_int_scale", block_value_lists (&layout, block_int_scale, TRUE, 0, 0, 0));
  cJSON_AddItemToObject (entry, "axis", number_int (encoding->block_axis));
  cJSON_AddItemToObject (entry, "block_size", number_int (encoding->block_size));
  return TRUE;
}

/* 2.0.0 writes zero points only when one is not 0 (0 is the default). */
static gboolean
write_v2_entry (cJSON            *list,
                const LtEncoding *encoding,
                GError          **error)
{
  cJSON   *entry = cJSON_CreateObject ();
  cJSON   *scale, *zp;
  gboolean all_zero = TRUE;
  char     dtype[16];

  cJSON_AddItemToArray (list, entry);
  cJSON_AddStringToObject (entry, "name", encoding->name);
  if (encoding->dtype == LT_ENCODING_DTYPE_FLOAT)
    {
      cJSON_AddStringToObject (entry, "output_dtype", encoding->bitwidth == 16 ? "float16" : "float32");
      return TRUE;
    }
  if (encoding->granularity == LT_ENCODING_LPBQ)
    return write_v2_lpbq (entry, encoding, error);
  if (encoding->bitwidth != 4 && encoding->bitwidth != 8 && encoding->bitwidth != 16 && encoding->bitwidth != 32)
    return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("2.0.0 has 4, 8, 16 and 32-bit types only"));
  g_snprintf (dtype, sizeof dtype, "%sint%u", encoding->signed_storage ? "" : "u", encoding->bitwidth);
  cJSON_AddStringToObject (entry, "output_dtype", dtype);
  for (guint i = 0; i < encoding->n_values; i++)
    {
      gint64 point = zero_point (encoding, i);
      gint64 lowest = encoding->signed_storage ? lt_encoding_symmetric_offset (encoding->bitwidth) : 0;

      if (point < lowest || point > lowest + (gint64) lt_encoding_grid_max (encoding->bitwidth))
        return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("an offset puts 0.0 off the grid, which has no zero point"));
      all_zero &= point == 0;
    }

  switch (encoding->granularity)
    {
    case LT_ENCODING_PER_TENSOR:
      cJSON_AddItemToObject (entry, "y_scale", number_float (encoding->scale[0]));
      if (!all_zero)
        cJSON_AddItemToObject (entry, "y_zero_point", number_int (zero_point (encoding, 0)));
      if (encoding->axis != LT_ENCODING_AXIS_UNKNOWN)
        cJSON_AddItemToObject (entry, "axis", number_int (encoding->axis));
      return TRUE;
    case LT_ENCODING_PER_CHANNEL:
      if (encoding->axis == LT_ENCODING_AXIS_UNKNOWN)
        return unsupported (encoding, LT_ENCODINGS_FORMAT_2_0_0, error, _ ("the channel axis is unknown (give the model)"));
      scale = cJSON_AddArrayToObject (entry, "y_scale");
      zp = all_zero ? NULL : cJSON_AddArrayToObject (entry, "y_zero_point");
      for (guint i = 0; i < encoding->n_values; i++)
        {
          cJSON_AddItemToArray (scale, number_float (encoding->scale[i]));
          if (zp)
            cJSON_AddItemToArray (zp, number_int (zero_point (encoding, i)));
        }
      cJSON_AddItemToObject (entry, "axis", number_int (encoding->axis));
      return TRUE;
    case LT_ENCODING_PER_BLOCK:
      return write_v2_blocks (entry, encoding, !all_zero, error);
    case LT_ENCODING_LPBQ:
      break;
    }
  g_return_val_if_reached (FALSE);
}

/* ---- top level --------------------------------------------------------- */

static void
drop_setting (GPtrArray        *warnings,
              const char       *field,
              LtEncodingsFormat format)
{
  if (warnings)
    g_ptr_array_add (warnings, g_strdup_printf (_ (_ ("\"%s\" has no place in the %s layout and was left out")), field,
                                                lt_encodings_format_to_string (format)));
}

static void
write_settings (cJSON               *root,
                const LtEncodingSet *set,
                LtEncodingsFormat    format,
                GPtrArray           *warnings)
{
  const struct
  {
    const char *field;
    guint       value;
  } bitwidths[] = {
    { "activation_bitwidth", set->activation_bitwidth },
    { "param_bitwidth", set->param_bitwidth },
    { "bias_bitwidth", set->bias_bitwidth },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bitwidths); i++)
    if (bitwidths[i].value == 0)
      continue;
    else if (format == LT_ENCODINGS_FORMAT_0_6_1)
      cJSON_AddItemToObject (root, bitwidths[i].field, number_int (bitwidths[i].value));
    else
      drop_setting (warnings, bitwidths[i].field, format);
  if (set->excluded_layers)
    {
      if (format == LT_ENCODINGS_FORMAT_1_0_0)
        cJSON_AddItemToObject (root, "excluded_layers", cJSON_CreateRaw (set->excluded_layers));
      else
        drop_setting (warnings, "excluded_layers", format);
    }
  if (set->quantizer_args)
    cJSON_AddItemToObject (root, "quantizer_args", cJSON_CreateRaw (set->quantizer_args));
}

typedef gboolean (*WriteEntryFunc) (cJSON *, const LtEncoding *, GError **);

static gboolean
write_sections (cJSON               *root,
                const LtEncodingSet *set,
                LtEncodingsFormat    format,
                GError             **error)
{
  gboolean       legacy = format == LT_ENCODINGS_FORMAT_0_6_1;
  WriteEntryFunc write_entry = legacy ? write_legacy_entry : write_v1_entry;
  cJSON         *sections[2];

  sections[LT_ENCODING_SECTION_ACTIVATION] = legacy ? cJSON_AddObjectToObject (root, "activation_encodings")
                                                    : cJSON_AddArrayToObject (root, "activation_encodings");
  sections[LT_ENCODING_SECTION_PARAM] = legacy ? cJSON_AddObjectToObject (root, "param_encodings")
                                               : cJSON_AddArrayToObject (root, "param_encodings");
  for (guint i = 0; i < set->encodings->len; i++)
    {
      const LtEncoding *encoding = g_ptr_array_index (set->encodings, i);

      if (encoding->section == LT_ENCODING_SECTION_UNSPECIFIED)
        {
          g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                       _ ("tensor \"%s\": not known to be an activation or a parameter (the 2.0.0 layout does not say; give the model)"),
                       encoding->name);
          return FALSE;
        }
      if (!write_entry (sections[encoding->section], encoding, error))
        return FALSE;
    }
  return TRUE;
}

char *
lt_encodings_write_data (const LtEncodingSet *set,
                         LtEncodingsFormat    format,
                         GPtrArray           *warnings,
                         GError             **error)
{
  cJSON   *root = cJSON_CreateObject ();
  gboolean ok = TRUE;
  char    *text = NULL;

  g_return_val_if_fail (format != LT_ENCODINGS_FORMAT_0_4, NULL);
  cJSON_AddStringToObject (root, "version", lt_encodings_format_to_string (format));
  if (format == LT_ENCODINGS_FORMAT_2_0_0)
    {
      cJSON *list = cJSON_AddArrayToObject (root, "encodings");

      for (guint i = 0; ok && i < set->encodings->len; i++)
        ok = write_v2_entry (list, g_ptr_array_index (set->encodings, i), error);
    }
  else
    ok = write_sections (root, set, format, error);
  if (ok)
    {
      char *printed;

      write_settings (root, set, format, warnings);
      printed = cJSON_Print (root);
      text = g_strconcat (printed, "\n", NULL);
      cJSON_free (printed);
    }
  cJSON_Delete (root);
  return text;
}

gboolean
lt_encodings_write_file (const LtEncodingSet *set,
                         LtEncodingsFormat    format,
                         const char          *path,
                         GPtrArray           *warnings,
                         GError             **error)
{
  g_autofree char *text = lt_encodings_write_data (set, format, warnings, error);
  g_autoptr (GError) local = NULL;

  if (text == NULL)
    return FALSE;
  /* CONSISTENT writes a temporary file and renames it over `path`: readers
   * see the old file or the whole new one, and a symlink at `path` is
   * replaced, not followed. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
