/* lt-image-sample.h — a calibration image (PNG or JPEG) checked, decoded
 * and preprocessed into a model input.
 *
 * Checked before it is decoded: the content type from the bytes (not the
 * name: an SVG named .png is refused rather than handed to librsvg), the
 * dimensions from the header against a pixel limit (a 60000x60000 header
 * is refused before anything is allocated), and truncation (a PNG must end
 * with its IEND chunk, a JPEG with its EOI marker, and the decoder must
 * finish without error) so that a cut file is refused rather than filled
 * with grey. */
#pragma once

#include "lt-tensor-io.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LT_IMAGE_LAYOUT_AUTO, /* NCHW when dim 1 is 3, NHWC when the last dim is 3 */
  LT_IMAGE_LAYOUT_NCHW,
  LT_IMAGE_LAYOUT_NHWC,
} LtImageLayout;

typedef struct
{
  double        scale;   /* each 0–255 channel value is multiplied by this first */
  double        mean[3]; /* then this is subtracted, per channel in the model's order */
  double        std[3];  /* and the result divided by this */
  gboolean      bgr;     /* the model wants blue, green, red */
  LtImageLayout layout;
  guint         resize;     /* shorter side scaled to this, then a centre crop; 0: scaled straight to the input size */
  guint64       max_pixels; /* refuse images with more pixels than this */
} LtImageOptions;

#define LT_IMAGE_DEFAULT_MAX_PIXELS (64u * 1024u * 1024u)

/* scale 1/255, mean 0, std 1, RGB, layout from the input, no crop. */
void lt_image_options_init (LtImageOptions *options);

/* The image at `path` as an F32 array of the input's shape ([1,3,H,W] or
 * [1,H,W,3], a symbolic batch taken as 1).  Errors name the file. */
LtArray *lt_image_sample_load (const char           *path,
                               const lt_value       *input,
                               const LtImageOptions *options,
                               GError              **error);

G_END_DECLS
