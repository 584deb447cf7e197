/* lt-cli-image-options.c — image preprocessing options of lathe-cli (see
 * lt-cli-image-options.h). */
#include "lt-cli-image-options.h"

#include "lt-input-specs.h"

#include <glib/gi18n.h>
#include <math.h>

/* --resize's value while it is not given (any other negative is refused). */
#define RESIZE_NOT_GIVEN (-1)

void
lt_cli_add_image_options (GOptionContext *context,
                          LtCliImageArgs *args)
{
  const GOptionEntry entries[] = {
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &args->scale, N_ ("Images: multiply 0-255 values by this first (default 1/255)"), N_ ("S") },
    { "mean", 0, 0, G_OPTION_ARG_STRING, &args->mean, N_ ("Images: subtract per channel (R,G,B order of the model)"), N_ ("A,B,C") },
    { "std", 0, 0, G_OPTION_ARG_STRING, &args->std, N_ ("Images: then divide per channel"), N_ ("A,B,C") },
    { "bgr", 0, 0, G_OPTION_ARG_NONE, &args->bgr, N_ ("Images: the model takes blue, green, red"), NULL },
    { "layout", 0, 0, G_OPTION_ARG_STRING, &args->layout, N_ ("Images: nchw or nhwc (default: from the input's shape)"), N_ ("L") },
    { "resize", 0, 0, G_OPTION_ARG_INT, &args->resize, N_ ("Images: shorter side to this, then centre crop"), N_ ("N") },
    { "input-specs", 0, 0, G_OPTION_ARG_FILENAME, &args->input_specs, N_ ("Images: preprocessing per input from this input_specs.json (the options above override it)"), N_ ("FILE") },
    { NULL },
  };

  *args = (LtCliImageArgs){ .scale = NAN, .resize = RESIZE_NOT_GIVEN };
  g_option_context_add_main_entries (context, entries, NULL);
}

/* "a,b,c" (or one value for all three) into three doubles. */
static gboolean
parse_triple (const char *text,
              double      out[3])
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);

  if (n != 1 && n != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      char *end;
      out[i] = g_ascii_strtod (parts[n == 1 ? 0 : i], &end);
      if (end == parts[n == 1 ? 0 : i] || *end != '\0')
        return FALSE;
    }
  return TRUE;
}

const char *
lt_cli_image_options_check (const LtCliImageArgs *args)
{
  double mean[3], std[3] = { 1, 1, 1 };

  if ((args->mean != NULL && !parse_triple (args->mean, mean)) || (args->std != NULL && !parse_triple (args->std, std)))
    return _ ("--mean and --std take one number or three, separated by commas");
  for (guint c = 0; c < 3; c++)
    if (std[c] == 0)
      return _ ("--std must not be 0");
  if (args->scale == 0 || isinf (args->scale))
    return _ ("--scale must be a number other than 0");
  if (args->layout != NULL && g_strcmp0 (args->layout, "nchw") != 0 && g_strcmp0 (args->layout, "nhwc") != 0)
    return _ ("--layout must be nchw or nhwc");
  if (args->resize < 0 && args->resize != RESIZE_NOT_GIVEN)
    return _ ("--resize must not be negative");
  return NULL;
}

gboolean
lt_cli_image_options_resolve (const LtCliImageArgs *args,
                              const lt_graph       *graph,
                              LtImageOptions       *image,
                              GError              **error)
{
  lt_image_options_init (image);
  if (args->input_specs != NULL)
    {
      g_autoptr (LtInputSpecs) specs = lt_input_specs_read_file (args->input_specs, error);
      if (specs == NULL || !lt_input_specs_apply (specs, graph, image, error))
        return FALSE;
    }
  if (!isnan (args->scale))
    image->scale = args->scale;
  if (args->mean != NULL)
    parse_triple (args->mean, image->mean);
  if (args->std != NULL)
    parse_triple (args->std, image->std);
  if (args->bgr)
    image->bgr = TRUE;
  if (args->layout != NULL)
    image->layout = g_strcmp0 (args->layout, "nchw") == 0 ? LT_IMAGE_LAYOUT_NCHW : LT_IMAGE_LAYOUT_NHWC;
  if (args->resize != RESIZE_NOT_GIVEN)
    image->resize = (guint) args->resize;
  return TRUE;
}

void
lt_cli_image_args_clear (LtCliImageArgs *args)
{
  g_clear_pointer (&args->mean, g_free);
  g_clear_pointer (&args->std, g_free);
  g_clear_pointer (&args->layout, g_free);
  g_clear_pointer (&args->input_specs, g_free);
}
