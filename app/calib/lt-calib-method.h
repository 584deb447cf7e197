/* lt-calib-method.h — calibration methods: from a tensor's statistics to
 * the range [min, max] it is quantized on.
 *
 *  - min-max (QNN "tf"): the exact smallest and largest values seen;
 *  - percentile: the values at (100 - p) % and p % of the histogram,
 *    interpolated inside a bin (within a bin's width, 1/64 of an octave);
 *  - mse (QNN "enhanced"-like): the clip range that minimizes the expected
 *    squared error on the actual grid — (x - clip)^2 for clipped values,
 *    scale^2 / 12 for the rounding of the others — searched over 100
 *    fractions of min and max, each end in turn;
 *  - entropy: the threshold T that minimizes the KL divergence between
 *    the |x| distribution clipped at T and its quantization on 2^(bw-1)
 *    levels, over a 2048-bin histogram of [0, max |x|] (zeros left out:
 *    they are exact on any grid); the range is the
 *    seen range clipped to [-T, T].
 * Symmetric ranges are made symmetric around 0 from the result. */
#pragma once

#include "lt-observer.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LT_CALIB_METHOD_MIN_MAX,
  LT_CALIB_METHOD_PERCENTILE,
  LT_CALIB_METHOD_MSE,
  LT_CALIB_METHOD_ENTROPY,
} LtCalibMethod;

typedef struct
{
  LtCalibMethod method;
  double        percentile; /* for PERCENTILE, in (50, 100] */
  guint         bitwidth;   /* of the grid the range is for */
  gboolean      symmetric;
} LtCalibMethodOptions;

gboolean    lt_calib_method_from_string (const char    *text,
                                         LtCalibMethod *method);
const char *lt_calib_method_to_string (LtCalibMethod method);

/* The range for a tensor with at least one finite value. */
void lt_calib_method_range (const LtTensorStats        *stats,
                            const LtCalibMethodOptions *options,
                            double                     *min,
                            double                     *max);

G_END_DECLS
