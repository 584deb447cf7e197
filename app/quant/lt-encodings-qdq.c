/* lt-encodings-qdq.c — encodings as ONNX Q/DQ parameters (see the header
 * for the storage rules).  Offsets are in QNN's unsigned-grid convention
 * (float = (q + offset) * scale, q in [0, 2^bw - 1]), so the same encoding
 * is stored unsigned with zero point -offset or signed with zero point
 * -offset - 2^(bw-1). */
#include "lt-encodings-qdq.h"
#include "lt-encodings-io.h"

#include <glib/gi18n.h>

void
lt_qdq_plan_free (LtQdqPlan *plan)
{
  if (plan == NULL)
    return;
  g_array_unref (plan->encodings);
  g_ptr_array_unref (plan->storage);
  g_ptr_array_unref (plan->skipped);
  g_free (plan);
}

static lt_dtype
storage_dtype (guint    bitwidth,
               gboolean is_signed)
{
  switch (bitwidth)
    {
    case 8:
      return is_signed ? LT_DTYPE_I8 : LT_DTYPE_U8;
    case 16:
      return is_signed ? LT_DTYPE_I16 : LT_DTYPE_U16;
    case 32:
      return LT_DTYPE_I32;
    default:
      return LT_DTYPE_UNDEFINED;
    }
}

static gboolean
add_encoding (LtQdqPlan        *plan,
              const LtEncoding *encoding,
              const lt_graph   *graph,
              GError          **error)
{
  int32_t         id = lt_graph_find_value (graph, encoding->name);
  const lt_value *value = id >= 0 ? lt_graph_get_value (graph, id) : NULL;
  gboolean        is_weight = value != NULL && value->constant != NULL;
  gboolean        is_signed = is_weight || encoding->signed_storage || encoding->bitwidth == 32;
  lt_dtype        dtype = storage_dtype (encoding->bitwidth, is_signed);
  gint64          shift = is_signed ? (gint64) 1 << (encoding->bitwidth - 1) : 0;
  gint64         *zero_points;
  lt_qdq_encoding qdq = { 0 };

  if (encoding->granularity == LT_ENCODING_PER_BLOCK || encoding->granularity == LT_ENCODING_LPBQ)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                   _ ("%s: per-block encodings have no QDQ export yet"), encoding->name);
      return FALSE;
    }
  if (dtype == LT_DTYPE_UNDEFINED)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                   _ ("%s: bitwidth %u has no QDQ export (8, 16 and 32 do)"), encoding->name, encoding->bitwidth);
      return FALSE;
    }
  zero_points = g_new (gint64, encoding->n_values);
  g_ptr_array_add (plan->storage, zero_points);
  for (guint c = 0; c < encoding->n_values; c++)
    zero_points[c] = -encoding->offset[c] - shift;
  qdq.name = encoding->name;
  qdq.dtype = dtype;
  qdq.n_channels = encoding->n_values;
  qdq.axis = encoding->axis == LT_ENCODING_AXIS_UNKNOWN ? 0 : encoding->axis;
  qdq.scale = encoding->scale;
  qdq.zero_point = zero_points;
  g_array_append_val (plan->encodings, qdq);
  if (is_weight)
    plan->n_weights++;
  else
    plan->n_activations++;
  return TRUE;
}

LtQdqPlan *
lt_qdq_plan_new (const LtEncodingSet *set,
                 const lt_graph      *graph,
                 GError             **error)
{
  g_autoptr (LtQdqPlan) plan = g_new0 (LtQdqPlan, 1);

  plan->encodings = g_array_new (FALSE, TRUE, sizeof (lt_qdq_encoding));
  plan->storage = g_ptr_array_new_with_free_func (g_free);
  plan->skipped = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < set->encodings->len; i++)
    {
      const LtEncoding *encoding = g_ptr_array_index (set->encodings, i);

      if (encoding->dtype == LT_ENCODING_DTYPE_FLOAT)
        g_ptr_array_add (plan->skipped,
                         g_strdup_printf (_ ("%s: a float encoding; the tensor stays in float"), encoding->name));
      else if (!add_encoding (plan, encoding, graph, error))
        return NULL;
    }
  return g_steal_pointer (&plan);
}
