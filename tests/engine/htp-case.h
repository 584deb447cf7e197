/* htp-case.h — quantized test tensors for the htp kernel tests: random
 * activations, weights and biases with their encodings and dequantized f32
 * copies, reference runs on those copies, and the error bound check.
 *
 * The bound.  An integer kernel computes y_q = round (acc · m / 2^s) − y_off
 * with acc exact, and m / 2^s within 2^-31 (relative) of the real ratio, so
 * against the exact real result y it errs by at most 0.5 step of y (the
 * rounding) plus |y| · 2^-31; Add takes two partial roundings of 2^-17 each
 * on top.  The f32 reference sees the dequantized inputs rounded to f32
 * (2^-24 relative each) and rounds its result to f32, so it differs from y
 * by at most about K · 2^-24 · Σ|x·w| ≤ 2^-14 · (|y| + range) for the
 * sizes here.  Outputs beyond the encoding's range saturate, so the
 * reference is clamped to [min, max] first.  Hence
 *   |dequant (y_q) − clamp (y_ref)| ≤ 0.5005 · y_scale + 2^-14 · |y_ref|.
 */
#pragma once

#include "ref-harness.h"

#include <lt/htp.h>

#define MAX_CHANNELS 256

/* A quantized tensor with its encoding and its dequantized f32 copy. */
typedef struct qt
{
  lt_htp_tensor     t;
  lt_quant_encoding enc;
  float             scale[MAX_CHANNELS];
  int32_t           offset[MAX_CHANNELS];
  float            *real;
} qt;

size_t  qt_count (const qt *q);
void    qt_clear (qt *q);
int64_t qt_get (const qt *q,
                size_t    i);

/* A random activation covering [lo, hi] (lo <= 0 <= hi); all zeros when
 * rand is NULL. */
void qt_activation (qt            *q,
                    GRand         *rand,
                    lt_dtype       dtype,
                    int32_t        rank,
                    const int64_t *dims,
                    double         lo,
                    double         hi);

/* Random symmetric weights, per channel along `axis` when channels > 1. */
void qt_weights (qt            *q,
                 GRand         *rand,
                 int32_t        bits,
                 int32_t        rank,
                 const int64_t *dims,
                 int32_t        axis,
                 int64_t        channels);

/* A random int32 bias in the accumulator's scale in_scale · w_scale[c]. */
void qt_bias (qt       *q,
              GRand    *rand,
              int64_t   n,
              double    in_scale,
              const qt *w);

/* An output encoding covering `shrink` times the reference's range. */
void qt_output_for (qt            *q,
                    lt_dtype       dtype,
                    int32_t        rank,
                    const int64_t *dims,
                    const float   *ref,
                    double         shrink);

/* Asserts the bound above element by element. */
void assert_within_bound (const qt    *y,
                          const float *ref);

/* The same with `extra` added to the bound, for kernels with intermediate
 * fixed-point roundings (each test derives its own). */
void assert_within_bound_plus (const qt    *y,
                               const float *ref,
                               double       extra);

/* Runs the case's reference kernel, clears the case, returns its output. */
float *run_reference (ref_case *c);

lt_dtype random_activation_dtype (GRand *rand);
