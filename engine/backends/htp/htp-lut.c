/* htp-lut.c — activation functions as lookup tables (see lt/htp.h).
 *
 * Invariant: a table has exactly 2^bits(x) entries of y's dtype, so any
 * input code indexes it; building is the only place floats are used. */
#include "htp-tensor.h"

#include <math.h>
#include <stdlib.h>

struct lt_htp_lut
{
  lt_dtype x_dtype;
  lt_dtype y_dtype;
  size_t   size;    /* 256 or 65536 */
  uint16_t table[]; /* output codes (8-bit outputs fit too) */
};

static double
apply_fn (lt_htp_lut_fn fn,
          double        v)
{
  switch (fn)
    {
    case LT_HTP_LUT_SIGMOID:
      return 1.0 / (1.0 + exp (-v));
    case LT_HTP_LUT_TANH:
      return tanh (v);
    case LT_HTP_LUT_HARD_SWISH:
      return v * fmax (0.0, fmin (1.0, v / 6.0 + 0.5));
    case LT_HTP_LUT_GELU:
    default:
      return 0.5 * v * (1.0 + erf (v / sqrt (2.0)));
    }
}

lt_status
lt_htp_lut_new (lt_htp_lut_fn        fn,
                const lt_htp_tensor *x,
                const lt_htp_tensor *y,
                lt_htp_lut         **out,
                lt_error            *err)
{
  lt_status   st;
  lt_htp_lut *lut;
  size_t      size;

  *out = NULL;
  if ((st = lt_htp_check_activation (x, "input", err)) != LT_OK || (st = lt_htp_check_activation (y, "output", err)) != LT_OK)
    return st;
  size = x->dtype == LT_DTYPE_U8 ? 256 : 65536;
  lut = malloc (sizeof *lut + size * sizeof lut->table[0]);
  if (!lut)
    return lt_error_set (err, LT_ERR_NO_MEMORY, lt_htp_tensor_label (y, "output"), "no memory for a lookup table");
  lut->x_dtype = x->dtype;
  lut->y_dtype = y->dtype;
  lut->size = size;
  for (size_t q = 0; q < size; q++)
    {
      double real = lt_quant_encoding_dequantize (x->enc, 0, (int64_t) q);
      lut->table[q] = (uint16_t) lt_quant_encoding_quantize (y->enc, 0, apply_fn (fn, real));
    }
  *out = lut;
  return LT_OK;
}

lt_status
lt_htp_lut_apply (const lt_htp_lut    *lut,
                  const lt_htp_tensor *x,
                  lt_htp_tensor       *y,
                  lt_error            *err)
{
  int64_t n = lt_htp_tensor_count (x);

  if (x->dtype != lut->x_dtype || y->dtype != lut->y_dtype || !x->data || !y->data)
    return lt_error_set (err, LT_ERR_INVALID_ARGUMENT, lt_htp_tensor_label (y, "output"),
                         "the tensors are not of the dtypes the lookup table was built for");
  if (n != lt_htp_tensor_count (y))
    return lt_error_set (err, LT_ERR_SHAPE, lt_htp_tensor_label (y, "output"),
                         "a lookup keeps the element count");
  for (int64_t i = 0; i < n; i++)
    {
      uint16_t v = lut->table[lt_htp_load (x, i)];
      if (y->dtype == LT_DTYPE_U8)
        ((uint8_t *) y->data)[i] = (uint8_t) v;
      else
        ((uint16_t *) y->data)[i] = v;
    }
  return LT_OK;
}

void
lt_htp_lut_free (lt_htp_lut *lut)
{
  free (lut);
}
