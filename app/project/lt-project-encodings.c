/* lt-project-encodings.c — LtEncodingSet ⇄ LtProjectEncoding rows; see the
 * header for what is kept, derived and refused. */
#include "config.h"

#include "lt-project-encodings.h"

#include <glib/gi18n-lib.h>

static gboolean
refuse (const char  *display_name,
        const char  *tensor,
        const char  *field,
        const char  *why,
        GError     **error)
{
  g_set_error (error, LT_PROJECT_ERROR, LT_PROJECT_ERROR_INVALID, _("%s: tensor “%s”: %s: %s"), display_name, tensor,
               field, why);
  return FALSE;
}

static LtProjectEncoding *
row_from_encoding (const LtEncoding *encoding,
                   const char       *display_name,
                   GError          **error)
{
  g_autoptr (LtProjectEncoding) row = NULL;

  if (encoding->section == LT_ENCODING_SECTION_UNSPECIFIED)
    {
      refuse (display_name, encoding->name, "section", _("not known yet; read it against the model first"), error);
      return NULL;
    }
  if (encoding->granularity == LT_ENCODING_LPBQ)
    {
      refuse (display_name, encoding->name, "granularity", _("LPBQ encodings cannot be stored in a project"), error);
      return NULL;
    }
  if (encoding->granularity != LT_ENCODING_PER_TENSOR && encoding->axis < 0)
    {
      refuse (display_name, encoding->name, "axis", _("unknown or counted from the end; a project needs it from the start"),
              error);
      return NULL;
    }
  /* A float override has no grid, but a project row needs one value:
   * scale 1, offset 0, dropped again on the way back. */
  row = lt_project_encoding_new (encoding->name,
                                 encoding->section == LT_ENCODING_SECTION_PARAM ? LT_PROJECT_SECTION_PARAM
                                                                                : LT_PROJECT_SECTION_ACTIVATION,
                                 MAX (encoding->n_values, 1));
  row->scale[0] = 1;
  row->is_float = encoding->dtype == LT_ENCODING_DTYPE_FLOAT;
  row->bitwidth = encoding->bitwidth;
  row->granularity = encoding->granularity == LT_ENCODING_PER_TENSOR    ? LT_PROJECT_GRANULARITY_PER_TENSOR
                     : encoding->granularity == LT_ENCODING_PER_CHANNEL ? LT_PROJECT_GRANULARITY_PER_CHANNEL
                                                                        : LT_PROJECT_GRANULARITY_PER_BLOCK;
  row->axis = encoding->granularity == LT_ENCODING_PER_TENSOR ? -1 : encoding->axis;
  row->block_size = encoding->block_size;
  row->symmetric = encoding->is_symmetric;
  for (guint i = 0; i < encoding->n_values; i++)
    {
      if (encoding->offset[i] < G_MININT32 || encoding->offset[i] > G_MAXINT32)
        {
          refuse (display_name, encoding->name, "offset", _("does not fit in 32 bits"), error);
          return NULL;
        }
      row->scale[i] = encoding->scale[i];
      row->offset[i] = (gint32) encoding->offset[i];
    }
  return g_steal_pointer (&row);
}

GPtrArray *
lt_project_encodings_from_set (const LtEncodingSet *set,
                               const char          *display_name,
                               GError             **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) lt_project_encoding_free);

  for (guint i = 0; i < set->encodings->len; i++)
    {
      LtProjectEncoding *row = row_from_encoding (g_ptr_array_index (set->encodings, i), display_name, error);

      if (!row)
        return NULL;
      g_ptr_array_add (rows, row);
    }
  return g_steal_pointer (&rows);
}

static LtEncoding *
encoding_from_row (const LtProjectEncoding *row)
{
  LtEncoding *encoding = lt_encoding_new (row->tensor,
                                          row->section == LT_PROJECT_SECTION_PARAM ? LT_ENCODING_SECTION_PARAM
                                                                                   : LT_ENCODING_SECTION_ACTIVATION,
                                          row->is_float ? 0 : row->n_values);

  encoding->dtype = row->is_float ? LT_ENCODING_DTYPE_FLOAT : LT_ENCODING_DTYPE_INT;
  encoding->bitwidth = row->bitwidth;
  encoding->granularity = row->granularity == LT_PROJECT_GRANULARITY_PER_TENSOR    ? LT_ENCODING_PER_TENSOR
                          : row->granularity == LT_PROJECT_GRANULARITY_PER_CHANNEL ? LT_ENCODING_PER_CHANNEL
                                                                                   : LT_ENCODING_PER_BLOCK;
  encoding->axis = row->granularity == LT_PROJECT_GRANULARITY_PER_TENSOR ? LT_ENCODING_AXIS_UNKNOWN : row->axis;
  encoding->block_size = row->block_size;
  encoding->is_symmetric = row->symmetric;
  for (guint i = 0; i < encoding->n_values; i++)
    {
      encoding->scale[i] = row->scale[i];
      encoding->offset[i] = row->offset[i];
    }
  lt_encoding_derive_min_max (encoding);
  return encoding;
}

LtEncodingSet *
lt_project_encodings_to_set (GPtrArray *rows)
{
  LtEncodingSet *set = lt_encoding_set_new (LT_ENCODINGS_FORMAT_1_0_0);

  /* A project keys encodings by (tensor, section) like a set: no clash. */
  for (guint i = 0; i < rows->len; i++)
    lt_encoding_set_add (set, encoding_from_row (g_ptr_array_index (rows, i)));
  return set;
}

LtEncodingSet *
lt_project_load_encoding_set (LtProject *project,
                              GError   **error)
{
  g_autoptr (GPtrArray) rows = lt_project_list_encodings (project, error);

  if (!rows || rows->len == 0)
    return NULL;
  return lt_project_encodings_to_set (rows);
}

gboolean
lt_project_store_encoding_set (LtProject           *project,
                               const char          *kind,
                               const LtEncodingSet *set,
                               const char          *display_name,
                               GError             **error)
{
  g_autoptr (GPtrArray) rows = lt_project_encodings_from_set (set, display_name, error);

  if (!rows)
    return FALSE;
  return lt_project_set_encodings (project, kind, (const LtProjectEncoding **) rows->pdata, rows->len, error);
}
