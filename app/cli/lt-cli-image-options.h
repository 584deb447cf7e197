/* lt-cli-image-options.h — the image preprocessing options shared by the
 * lathe-cli commands that read a dataset (--scale, --mean, --std, --bgr,
 * --layout, --resize), so that analysis sees images exactly as
 * calibration did. */
#pragma once

#include "lt-image-sample.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double   scale;
  char    *mean;
  char    *std;
  gboolean bgr;
  char    *layout;
  gint     resize;
} LtCliImageArgs;

/* Sets the defaults and adds the options to the context's main group;
 * `args` must outlive the parse. */
void lt_cli_add_image_options (GOptionContext *context,
                               LtCliImageArgs *args);

/* Fills `image` from the parsed options; a usage message when one is
 * wrong, NULL when all are well. */
const char *lt_cli_image_options_apply (const LtCliImageArgs *args,
                                        LtImageOptions       *image);

void lt_cli_image_args_clear (LtCliImageArgs *args);

G_END_DECLS
