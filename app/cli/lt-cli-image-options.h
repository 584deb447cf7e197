/* lt-cli-image-options.h — the image preprocessing options shared by the
 * lathe-cli commands that read a dataset (--scale, --mean, --std, --bgr,
 * --layout, --resize, --input-specs), so that analysis sees images exactly
 * as calibration did.  Precedence: the defaults, then the input_specs.json
 * file, then each option given on the command line. */
#pragma once

#include "lt-image-sample.h"
#include "lt/graph.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double   scale;       /* NAN while not given */
  char    *mean;
  char    *std;
  gboolean bgr;
  char    *layout;
  gint     resize;      /* -1 while not given */
  char    *input_specs;
} LtCliImageArgs;

/* Sets the defaults and adds the options to the context's main group;
 * `args` must outlive the parse. */
void lt_cli_add_image_options (GOptionContext *context,
                               LtCliImageArgs *args);

/* A usage message when an option is malformed, NULL when all are well. */
const char *lt_cli_image_options_check (const LtCliImageArgs *args);

/* Fills `image` for the model's graph: defaults, --input-specs (read and
 * checked against the graph), then the options given.  The options must
 * have passed lt_cli_image_options_check. */
gboolean lt_cli_image_options_resolve (const LtCliImageArgs *args,
                                       const lt_graph       *graph,
                                       LtImageOptions       *image,
                                       GError              **error);

void lt_cli_image_args_clear (LtCliImageArgs *args);

G_END_DECLS
