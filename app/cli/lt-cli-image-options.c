/* lt-cli-image-options.c — image preprocessing options of lathe-cli (see
 * lt-cli-image-options.h). */
#include "lt-cli-image-options.h"

#include <glib/gi18n.h>

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
    { NULL },
  };

  *args = (LtCliImageArgs){ .scale = 1.0 / 255.0 };
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
lt_cli_image_options_apply (const LtCliImageArgs *args,
                            LtImageOptions       *image)
{
  lt_image_options_init (image);
  if ((args->mean != NULL && !parse_triple (args->mean, image->mean)) || (args->std != NULL && !parse_triple (args->std, image->std)))
    return _ ("--mean and --std take one number or three, separated by commas");
  for (guint c = 0; c < 3; c++)
    if (image->std[c] == 0)
      return _ ("--std must not be 0");
  if (args->layout != NULL && g_strcmp0 (args->layout, "nchw") != 0 && g_strcmp0 (args->layout, "nhwc") != 0)
    return _ ("--layout must be nchw or nhwc");
  if (args->resize < 0)
    return _ ("--resize must not be negative");
  image->scale = args->scale;
  image->bgr = args->bgr;
  image->layout = args->layout == NULL                    ? LT_IMAGE_LAYOUT_AUTO
                  : g_strcmp0 (args->layout, "nchw") == 0 ? LT_IMAGE_LAYOUT_NCHW
                                                          : LT_IMAGE_LAYOUT_NHWC;
  image->resize = (guint) args->resize;
  return NULL;
}

void
lt_cli_image_args_clear (LtCliImageArgs *args)
{
  g_clear_pointer (&args->mean, g_free);
  g_clear_pointer (&args->std, g_free);
  g_clear_pointer (&args->layout, g_free);
}
