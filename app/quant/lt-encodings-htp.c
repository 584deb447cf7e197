/* lt-encodings-htp.c — an encoding set as the NPU runner's per-value
 * encodings (see the header for the sign and axis rules).  A value named
 * in both sections takes the section its kind calls for: params for
 * initializers, activations otherwise. */
#include "lt-encodings-htp.h"
#include "lt-encodings-io.h"

#include <glib/gi18n.h>

void
lt_htp_encodings_free (LtHtpEncodings *encodings)
{
  if (encodings == NULL)
    return;
  g_free (encodings->by_value);
  g_array_unref (encodings->encodings);
  g_ptr_array_unref (encodings->offsets);
  g_free (encodings);
}

/* Appends the encoding of one tensor; slot[id] becomes its index. */
static gboolean
add_encoding (LtHtpEncodings   *out,
              gint             *slot,
              const LtEncoding *encoding,
              const lt_graph   *graph,
              GError          **error)
{
  int32_t           id = lt_graph_find_value (graph, encoding->name);
  const lt_value   *value = id >= 0 ? lt_graph_get_value (graph, id) : NULL;
  gboolean          is_signed = value != NULL && value->constant != NULL;
  gint64            shift = is_signed ? (gint64) 1 << (encoding->bitwidth - 1) : 0;
  int32_t          *offsets;
  lt_quant_encoding enc = { 0 };

  if (value == NULL)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_INVALID, _ ("%s: the model has no tensor of that name"),
                   encoding->name);
      return FALSE;
    }
  if (slot[id] >= 0 && (encoding->section == LT_ENCODING_SECTION_PARAM) != is_signed)
    return TRUE; /* the other section's encoding is the one that fits */
  if (encoding->dtype == LT_ENCODING_DTYPE_FLOAT)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                   _ ("%s: a float encoding; the NPU runs integers only"), encoding->name);
      return FALSE;
    }
  if (encoding->granularity == LT_ENCODING_PER_BLOCK || encoding->granularity == LT_ENCODING_LPBQ)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                   _ ("%s: per-block encodings do not run on the NPU yet"), encoding->name);
      return FALSE;
    }
  offsets = g_new (int32_t, encoding->n_values);
  g_ptr_array_add (out->offsets, offsets);
  for (guint c = 0; c < encoding->n_values; c++)
    {
      gint64 offset = encoding->offset[c] + shift;
      if (offset < G_MININT32 || offset > G_MAXINT32)
        {
          g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                       _ ("%s: offset %lld does not fit 32 bits"), encoding->name, (long long) encoding->offset[c]);
          return FALSE;
        }
      offsets[c] = (int32_t) offset;
    }
  enc.bitwidth = (int32_t) encoding->bitwidth;
  enc.is_signed = is_signed;
  enc.count = encoding->n_values;
  enc.axis = encoding->n_values > 1 ? lt_encoding_normalize_axis (encoding->axis, value->shape.rank) : 0;
  if (enc.axis < 0)
    enc.axis = 0;
  enc.scale = encoding->scale;
  enc.offset = offsets;
  slot[id] = (gint) out->encodings->len;
  g_array_append_val (out->encodings, enc);
  return TRUE;
}

LtHtpEncodings *
lt_htp_encodings_new (const LtEncodingSet *set,
                      const lt_graph      *graph,
                      GError             **error)
{
  g_autoptr (LtHtpEncodings) out = g_new0 (LtHtpEncodings, 1);
  g_autofree gint *slot = NULL;

  out->n_values = lt_graph_get_n_values (graph);
  slot = g_new (gint, out->n_values ? out->n_values : 1);
  for (guint v = 0; v < out->n_values; v++)
    slot[v] = -1;
  out->by_value = g_new0 (const lt_quant_encoding *, out->n_values ? out->n_values : 1);
  out->encodings = g_array_new (FALSE, TRUE, sizeof (lt_quant_encoding));
  out->offsets = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < set->encodings->len; i++)
    if (!add_encoding (out, slot, g_ptr_array_index (set->encodings, i), graph, error))
      return NULL;
  /* Pointers only now: appending may have moved the array. */
  for (guint v = 0; v < out->n_values; v++)
    if (slot[v] >= 0)
      out->by_value[v] = &g_array_index (out->encodings, lt_quant_encoding, slot[v]);
  return g_steal_pointer (&out);
}
