/* lt-fake-quant.c — quantize-dequantize of float tensors (see
 * lt-fake-quant.h).
 *
 * Element i of a per-channel or per-block tensor uses entry
 * c * n_blocks + b, where c is its coordinate on the channel axis and b
 * its coordinate on the block axis divided by the block size (per-channel
 * encodings are one block per channel).  Arithmetic is in double, so a
 * 32-bit grid rounds as exactly as an 8-bit one.
 */
#include "lt-fake-quant.h"

#include "lt-encodings-io.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct LtFakeQuant
{
  char    *name;
  gboolean is_float; /* a float encoding: float16 rounding or nothing */
  guint    bitwidth;
  double   q_max; /* 2^bw - 1 */
  guint    n_values;
  double  *scale; /* n_values entries */
  double  *offset;
  gboolean per_tensor;
  guint64  channel_stride; /* elements between channel c and c + 1 */
  guint64  channels;
  guint64  block_stride; /* elements between coordinates of the block axis */
  guint64  block_dim;    /* size of the block axis */
  guint64  block_size;
  guint64  n_blocks; /* per channel; 1 for per-channel encodings */
};

static guint64
stride_of (int32_t        rank,
           const int64_t *dims,
           gint           axis)
{
  guint64 stride = 1;

  for (gint d = axis + 1; d < rank; d++)
    stride *= (guint64) dims[d];
  return stride;
}

static gboolean
unsupported (GError    **error,
             const char *name,
             const char *message)
{
  g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED, "%s: %s", name, message);
  return FALSE;
}

/* Fills the channel and block layout from the tensor's shape. */
static gboolean
set_layout (LtFakeQuant      *quant,
            const LtEncoding *encoding,
            int32_t           rank,
            const int64_t    *dims,
            GError          **error)
{
  gint axis = lt_encoding_normalize_axis (encoding->axis, rank);

  if (axis < 0)
    return unsupported (error, encoding->name, _ ("the channel axis is unknown or outside the tensor's rank"));
  quant->channels = (guint64) dims[axis];
  quant->channel_stride = stride_of (rank, dims, axis);
  quant->n_blocks = 1;
  quant->block_size = 1;
  quant->block_dim = 1;
  quant->block_stride = 1;
  if (encoding->granularity == LT_ENCODING_PER_BLOCK)
    {
      gint block_axis = lt_encoding_normalize_axis (encoding->block_axis, rank);

      if (block_axis < 0 || block_axis == axis || encoding->block_size == 0)
        return unsupported (error, encoding->name, _ ("the block axis is unknown or outside the tensor's rank"));
      quant->block_dim = (guint64) dims[block_axis];
      quant->block_stride = stride_of (rank, dims, block_axis);
      quant->block_size = encoding->block_size;
      quant->n_blocks = (quant->block_dim + quant->block_size - 1) / quant->block_size;
    }
  if (quant->channels * quant->n_blocks != encoding->n_values)
    {
      g_set_error (error, LT_ENCODINGS_ERROR, LT_ENCODINGS_ERROR_UNSUPPORTED,
                   _ ("%s: %u values in the encoding, %llu channels × %llu blocks in the tensor"), encoding->name,
                   encoding->n_values, (unsigned long long) quant->channels, (unsigned long long) quant->n_blocks);
      return FALSE;
    }
  return TRUE;
}

LtFakeQuant *
lt_fake_quant_new (const LtEncoding *encoding,
                   int32_t           rank,
                   const int64_t    *dims,
                   GError          **error)
{
  g_autoptr (LtFakeQuant) quant = g_new0 (LtFakeQuant, 1);

  quant->name = g_strdup (encoding->name);
  quant->is_float = encoding->dtype == LT_ENCODING_DTYPE_FLOAT;
  quant->bitwidth = encoding->bitwidth;
  quant->q_max = lt_encoding_grid_max (encoding->bitwidth);
  quant->per_tensor = quant->is_float || encoding->granularity == LT_ENCODING_PER_TENSOR;
  if (quant->is_float)
    return g_steal_pointer (&quant);
  if (encoding->granularity == LT_ENCODING_LPBQ)
    {
      unsupported (error, encoding->name, _ ("LPBQ encodings are not simulated"));
      return NULL;
    }
  if (!quant->per_tensor && !set_layout (quant, encoding, rank, dims, error))
    return NULL;
  quant->n_values = encoding->n_values;
  quant->scale = g_new (double, encoding->n_values);
  quant->offset = g_new (double, encoding->n_values);
  for (guint i = 0; i < encoding->n_values; i++)
    {
      quant->scale[i] = encoding->scale[i];
      quant->offset[i] = (double) encoding->offset[i];
    }
  return g_steal_pointer (&quant);
}

void
lt_fake_quant_free (LtFakeQuant *quant)
{
  if (quant == NULL)
    return;
  g_free (quant->name);
  g_free (quant->scale);
  g_free (quant->offset);
  g_free (quant);
}

gboolean
lt_fake_quant_is_per_tensor (const LtFakeQuant *quant)
{
  return quant->per_tensor;
}

/* One value onto the grid and back; NaN stays NaN. */
static inline float
round_on_grid (float  x,
               double scale,
               double offset,
               double q_max)
{
  double q = nearbyint ((double) x / scale) - offset;

  if (q < 0)
    q = 0;
  else if (q > q_max)
    q = q_max;
  return (float) ((q + offset) * scale);
}

void
lt_fake_quant_apply (const LtFakeQuant *quant,
                     const float       *in,
                     float             *out,
                     guint64            count)
{
  if (quant->is_float)
    {
      if (quant->bitwidth == 16)
        for (guint64 i = 0; i < count; i++)
          out[i] = lt_f16_to_f32 (lt_f32_to_f16 (in[i]));
      else if (out != in)
        memcpy (out, in, count * sizeof *out);
      return;
    }
  if (quant->per_tensor)
    {
      for (guint64 i = 0; i < count; i++)
        out[i] = round_on_grid (in[i], quant->scale[0], quant->offset[0], quant->q_max);
      return;
    }
  for (guint64 i = 0; i < count; i++)
    {
      guint64 c = (i / quant->channel_stride) % quant->channels;
      guint64 b = (i / quant->block_stride) % quant->block_dim / quant->block_size;
      guint64 k = c * quant->n_blocks + b;
      out[i] = round_on_grid (in[i], quant->scale[k], quant->offset[k], quant->q_max);
    }
}
