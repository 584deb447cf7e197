/* htp-case.c — quantized test tensors and the bound check (htp-case.h). */
#include "htp-case.h"

#include <math.h>
#include <string.h>

static void
qt_shape (qt            *q,
          lt_dtype       dtype,
          int32_t        rank,
          const int64_t *dims)
{
  size_t bytes = dtype == LT_DTYPE_U8 || dtype == LT_DTYPE_I8 ? 1 : dtype == LT_DTYPE_U16 ? 2
                                                                                          : 4;
  size_t n = 1;

  memset (q, 0, sizeof *q);
  q->t.dtype = dtype;
  q->t.rank = rank;
  for (int32_t i = 0; i < rank; i++)
    {
      q->t.dims[i] = dims[i];
      n *= dims[i];
    }
  q->t.data = g_malloc0 (n * bytes);
  q->real = g_new0 (float, n);
  q->t.enc = &q->enc;
  q->enc.scale = q->scale;
  q->enc.offset = q->offset;
  q->enc.count = 1;
}

size_t
qt_count (const qt *q)
{
  size_t n = 1;

  for (int32_t i = 0; i < q->t.rank; i++)
    n *= q->t.dims[i];
  return n;
}

void
qt_clear (qt *q)
{
  g_free (q->t.data);
  g_free (q->real);
}

static void
qt_set (qt     *q,
        size_t  i,
        int64_t v)
{
  switch (q->t.dtype)
    {
    case LT_DTYPE_U8:
      ((uint8_t *) q->t.data)[i] = (uint8_t) v;
      break;
    case LT_DTYPE_U16:
      ((uint16_t *) q->t.data)[i] = (uint16_t) v;
      break;
    case LT_DTYPE_I8:
      ((int8_t *) q->t.data)[i] = (int8_t) v;
      break;
    default:
      ((int32_t *) q->t.data)[i] = (int32_t) v;
    }
}

int64_t
qt_get (const qt *q,
        size_t    i)
{
  switch (q->t.dtype)
    {
    case LT_DTYPE_U8:
      return ((uint8_t *) q->t.data)[i];
    case LT_DTYPE_U16:
      return ((uint16_t *) q->t.data)[i];
    case LT_DTYPE_I8:
      return ((int8_t *) q->t.data)[i];
    default:
      return ((int32_t *) q->t.data)[i];
    }
}

/* A random activation covering [lo, hi] (lo <= 0 <= hi). */
void
qt_activation (qt            *q,
               GRand         *rand,
               lt_dtype       dtype,
               int32_t        rank,
               const int64_t *dims,
               double         lo,
               double         hi)
{
  int32_t bits = dtype == LT_DTYPE_U8 ? 8 : 16;
  int64_t q_max = ((int64_t) 1 << bits) - 1;

  qt_shape (q, dtype, rank, dims);
  q->enc.bitwidth = bits;
  q->scale[0] = (float) ((hi - lo) / q_max);
  q->offset[0] = (int32_t) lround (lo / q->scale[0]);
  for (size_t i = 0; i < qt_count (q); i++)
    {
      int64_t v = rand ? g_rand_int_range (rand, 0, (gint32) q_max + 1) : 0;
      qt_set (q, i, v);
      q->real[i] = (float) ((v + q->offset[0]) * (double) q->scale[0]);
    }
}

/* Random symmetric weights, per channel along `axis` when channels > 1. */
void
qt_weights (qt            *q,
            GRand         *rand,
            int32_t        bits,
            int32_t        rank,
            const int64_t *dims,
            int32_t        axis,
            int64_t        channels)
{
  int64_t inner = 1, lim = (int64_t) 1 << (bits - 1);

  g_assert_cmpint (channels, <=, MAX_CHANNELS);
  qt_shape (q, LT_DTYPE_I8, rank, dims);
  q->enc.bitwidth = bits;
  q->enc.is_signed = true;
  q->enc.axis = axis;
  q->enc.count = channels;
  for (int32_t i = axis + 1; i < rank; i++)
    inner *= dims[i];
  for (int64_t c = 0; c < channels; c++)
    q->scale[c] = (float) g_rand_double_range (rand, 0.2, 1.0) / (float) lim;
  for (size_t i = 0; i < qt_count (q); i++)
    {
      int64_t v = g_rand_int_range (rand, (gint32) -lim, (gint32) lim);
      int64_t c = channels > 1 ? (int64_t) (i / inner) % dims[axis] : 0;
      qt_set (q, i, v);
      q->real[i] = (float) (v * (double) q->scale[c]);
    }
}

/* A random int32 bias in the accumulator's scale in_scale · w_scale[c]. */
void
qt_bias (qt       *q,
         GRand    *rand,
         int64_t   n,
         double    in_scale,
         const qt *w)
{
  qt_shape (q, LT_DTYPE_I32, 1, &n);
  q->t.enc = NULL;
  for (int64_t c = 0; c < n; c++)
    {
      int64_t v = g_rand_int_range (rand, -4000, 4000);
      qt_set (q, c, v);
      q->real[c] = (float) (v * in_scale * w->scale[w->enc.count > 1 ? c : 0]);
    }
}

/* An output encoding that covers the reference's range with `dtype`. */
void
qt_output_for (qt            *q,
               lt_dtype       dtype,
               int32_t        rank,
               const int64_t *dims,
               const float   *ref,
               double         shrink)
{
  size_t n = 1;
  double lo = 0, hi = 0;

  for (int32_t i = 0; i < rank; i++)
    n *= dims[i];
  for (size_t i = 0; i < n; i++)
    {
      lo = MIN (lo, ref[i]);
      hi = MAX (hi, ref[i]);
    }
  if (hi - lo < 1e-3)
    hi = lo + 1e-3;
  qt_activation (q, NULL, dtype, rank, dims, lo * shrink, hi * shrink);
}

void
assert_within_bound (const qt    *y,
                     const float *ref)
{
  assert_within_bound_plus (y, ref, 0);
}

void
assert_within_bound_plus (const qt    *y,
                          const float *ref,
                          double       extra)
{
  double lo = y->offset[0] * (double) y->scale[0];
  double hi = ((y->enc.bitwidth == 8 ? 255 : 65535) + y->offset[0]) * (double) y->scale[0];

  for (size_t i = 0; i < qt_count (y); i++)
    {
      double want = CLAMP ((double) ref[i], lo, hi);
      double got = (qt_get (y, i) + y->offset[0]) * (double) y->scale[0];
      double bound = 0.5005 * y->scale[0] + 0x1p-14 * fabs (ref[i]) + extra;
      if (fabs (got - want) > bound)
        g_error ("element %zu: integer %g, f32 reference %g (clamped %g), bound %g", i, got, (double) ref[i], want, bound);
    }
}

float *
run_reference (ref_case *c)
{
  float *out;

  g_assert_cmpint (ref_case_run (c, lt_cpu_reference_kernel (lt_op_lookup ("", c->op_type))), ==, LT_OK);
  out = g_memdup2 (c->outputs[0].data, c->outputs[0].count * sizeof (float));
  ref_case_clear (c);
  return out;
}

lt_dtype
random_activation_dtype (GRand *rand)
{
  return g_rand_boolean (rand) ? LT_DTYPE_U8 : LT_DTYPE_U16;
}
