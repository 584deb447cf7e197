/* lt-encoding.c — the encoding record, the set, and the grid arithmetic.
 *
 * All arithmetic follows the QNN convention of lt-encoding.h; scales are
 * rounded to float32 before min/max are derived from them, so derived
 * ranges are exactly what a device computes from the stored scale.
 */
#include "lt-encoding.h"

#include <math.h>
#include <string.h>

LtEncoding *
lt_encoding_new (const char       *name,
                 LtEncodingSection section,
                 guint             n_values)
{
  LtEncoding *encoding = g_new0 (LtEncoding, 1);

  encoding->name = g_strdup (name);
  encoding->section = section;
  encoding->axis = LT_ENCODING_AXIS_UNKNOWN;
  encoding->block_axis = LT_ENCODING_AXIS_UNKNOWN;
  encoding->n_values = n_values;
  if (n_values > 0)
    {
      encoding->scale = g_new0 (float, n_values);
      encoding->offset = g_new0 (gint64, n_values);
      encoding->min = g_new0 (double, n_values);
      encoding->max = g_new0 (double, n_values);
    }
  return encoding;
}

void
lt_encoding_free (LtEncoding *encoding)
{
  if (encoding == NULL)
    return;
  g_free (encoding->name);
  g_free (encoding->scale);
  g_free (encoding->offset);
  g_free (encoding->min);
  g_free (encoding->max);
  g_free (encoding->block_int_scale);
  g_free (encoding);
}

double
lt_encoding_grid_max (guint bitwidth)
{
  return ldexp (1.0, (int) bitwidth) - 1.0;
}

gint
lt_encoding_normalize_axis (gint axis,
                            gint rank)
{
  if (axis == LT_ENCODING_AXIS_UNKNOWN)
    return -1;
  if (axis < 0)
    axis += rank;
  return axis >= 0 && axis < rank ? axis : -1;
}

gint64
lt_encoding_symmetric_offset (guint bitwidth)
{
  return -(gint64) ldexp (1.0, (int) bitwidth - 1);
}

void
lt_encoding_to_min_max (float   scale,
                        gint64  offset,
                        guint   bitwidth,
                        double *min,
                        double *max)
{
  *min = (double) offset * (double) scale;
  *max = (lt_encoding_grid_max (bitwidth) + (double) offset) * (double) scale;
}

void
lt_encoding_from_min_max (double  min,
                          double  max,
                          guint   bitwidth,
                          float  *scale,
                          gint64 *offset,
                          double *out_min,
                          double *out_max)
{
  double steps = lt_encoding_grid_max (bitwidth);
  double q_min, q_max;
  gint64 q_offset;
  float  q_scale;

  /* Zero must lie inside the range for it to be a grid point. */
  min = MIN (min, 0.0);
  max = MAX (max, 0.0);
  if (max - min < LT_ENCODING_MIN_RANGE)
    max = min + LT_ENCODING_MIN_RANGE;
  q_scale = (float) ((max - min) / steps);
  q_offset = (gint64) llround (min / (double) q_scale);
  q_offset = CLAMP (q_offset, -(gint64) steps, 0);
  lt_encoding_to_min_max (q_scale, q_offset, bitwidth, &q_min, &q_max);
  *scale = q_scale;
  *offset = q_offset;
  if (out_min)
    *out_min = q_min;
  if (out_max)
    *out_max = q_max;
}

void
lt_encoding_derive_min_max (LtEncoding *encoding)
{
  for (guint i = 0; i < encoding->n_values; i++)
    lt_encoding_to_min_max (encoding->scale[i], encoding->offset[i], encoding->bitwidth,
                            &encoding->min[i], &encoding->max[i]);
  encoding->has_min_max = FALSE;
}

const char *
lt_encoding_granularity_to_string (LtEncodingGranularity granularity)
{
  switch (granularity)
    {
    case LT_ENCODING_PER_TENSOR:
      return "PER_TENSOR";
    case LT_ENCODING_PER_CHANNEL:
      return "PER_CHANNEL";
    case LT_ENCODING_PER_BLOCK:
      return "PER_BLOCK";
    case LT_ENCODING_LPBQ:
      return "LPBQ";
    }
  g_return_val_if_reached ("PER_TENSOR");
}

const char *
lt_encoding_section_to_string (LtEncodingSection section)
{
  switch (section)
    {
    case LT_ENCODING_SECTION_ACTIVATION:
      return "activation_encodings";
    case LT_ENCODING_SECTION_PARAM:
      return "param_encodings";
    case LT_ENCODING_SECTION_UNSPECIFIED:
      return "encodings";
    }
  g_return_val_if_reached ("encodings");
}

const char *
lt_encodings_format_to_string (LtEncodingsFormat format)
{
  switch (format)
    {
    case LT_ENCODINGS_FORMAT_0_4:
      return "0.4";
    case LT_ENCODINGS_FORMAT_0_6_1:
      return "0.6.1";
    case LT_ENCODINGS_FORMAT_1_0_0:
      return "1.0.0";
    case LT_ENCODINGS_FORMAT_2_0_0:
      return "2.0.0";
    }
  g_return_val_if_reached ("0.6.1");
}

gboolean
lt_encodings_format_from_string (const char        *text,
                                 LtEncodingsFormat *format)
{
  static const LtEncodingsFormat writable[] = {
    LT_ENCODINGS_FORMAT_0_6_1,
    LT_ENCODINGS_FORMAT_1_0_0,
    LT_ENCODINGS_FORMAT_2_0_0,
  };

  for (guint i = 0; i < G_N_ELEMENTS (writable); i++)
    if (g_strcmp0 (text, lt_encodings_format_to_string (writable[i])) == 0)
      {
        *format = writable[i];
        return TRUE;
      }
  return FALSE;
}

LtEncodingSet *
lt_encoding_set_new (LtEncodingsFormat format)
{
  LtEncodingSet *set = g_new0 (LtEncodingSet, 1);

  set->format = format;
  set->encodings = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_encoding_free);
  for (guint i = 0; i < G_N_ELEMENTS (set->by_name); i++)
    set->by_name[i] = g_hash_table_new (g_str_hash, g_str_equal);
  set->warnings = g_ptr_array_new_with_free_func (g_free);
  return set;
}

void
lt_encoding_set_free (LtEncodingSet *set)
{
  if (set == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (set->by_name); i++)
    g_hash_table_destroy (set->by_name[i]);
  g_ptr_array_unref (set->encodings);
  g_ptr_array_unref (set->warnings);
  g_free (set->quantizer_args);
  g_free (set->excluded_layers);
  g_free (set);
}

gboolean
lt_encoding_set_add (LtEncodingSet *set,
                     LtEncoding    *encoding)
{
  GHashTable *table = set->by_name[encoding->section];

  if (g_hash_table_contains (table, encoding->name))
    return FALSE;
  g_hash_table_insert (table, encoding->name, encoding);
  g_ptr_array_add (set->encodings, encoding);
  return TRUE;
}

gboolean
lt_encoding_set_move (LtEncodingSet    *set,
                      LtEncoding       *encoding,
                      LtEncodingSection section)
{
  if (encoding->section == section)
    return TRUE;
  if (g_hash_table_contains (set->by_name[section], encoding->name))
    return FALSE;
  g_hash_table_remove (set->by_name[encoding->section], encoding->name);
  encoding->section = section;
  g_hash_table_insert (set->by_name[section], encoding->name, encoding);
  return TRUE;
}

LtEncoding *
lt_encoding_set_lookup (const LtEncodingSet *set,
                        LtEncodingSection    section,
                        const char          *name)
{
  return g_hash_table_lookup (set->by_name[section], name);
}

void
lt_encoding_set_warn (LtEncodingSet *set,
                      const char    *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (set->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}
