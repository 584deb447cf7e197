/* lt-image-sample.c — checking, decoding and preprocessing one calibration
 * image with gdk-pixbuf.
 *
 * The order matters: nothing reaches gdk-pixbuf's decoders before the magic
 * bytes say PNG or JPEG (gdk-pixbuf alone picks a loader by content and
 * would hand an SVG to librsvg), and nothing is decoded before the header's
 * dimensions pass the pixel limit.  A PNG must end with IEND and a JPEG
 * with EOI (trailing zero padding allowed): gdk-pixbuf's JPEG loader fills
 * a cut file with grey and reports success.
 */
#include "lt-image-sample.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <string.h>

/* Larger files are not calibration images. */
#define MAX_FILE_BYTES (256u * 1024u * 1024u)

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 png_iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
static const guint8 jpeg_soi[3] = { 0xff, 0xd8, 0xff };

void
lt_image_options_init (LtImageOptions *options)
{
  *options = (LtImageOptions){
    .scale = 1.0 / 255.0,
    .mean = { 0, 0, 0 },
    .std = { 1, 1, 1 },
    .layout = LT_IMAGE_LAYOUT_AUTO,
    .max_pixels = LT_IMAGE_DEFAULT_MAX_PIXELS,
  };
}

static gboolean
refuse (GError    **error,
        const char *path,
        const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, why);
  return FALSE;
}

/* "png" or "jpeg" from the magic bytes and the file's end, or an error. */
static const char *
check_container (const char   *path,
                 const guint8 *data,
                 gsize         length,
                 GError      **error)
{
  if (length >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0)
    {
      if (length < sizeof png_signature + sizeof png_iend || memcmp (data + length - sizeof png_iend, png_iend, sizeof png_iend) != 0)
        return refuse (error, path, _ ("the PNG file is truncated (it does not end with an IEND chunk)")), NULL;
      return "png";
    }
  if (length >= sizeof jpeg_soi && memcmp (data, jpeg_soi, sizeof jpeg_soi) == 0)
    {
      while (length > 0 && data[length - 1] == 0)
        length--;
      if (length < 4 || data[length - 2] != 0xff || data[length - 1] != 0xd9)
        return refuse (error, path, _ ("the JPEG file is truncated (it does not end with an EOI marker)")), NULL;
      return "jpeg";
    }
  {
    g_autofree char *type = g_content_type_guess (NULL, data, MIN (length, 4096), NULL);
    g_autofree char *why = g_strdup_printf (_ ("not a PNG or JPEG image (the content is %s)"), type);
    return refuse (error, path, why), NULL;
  }
}

/* Checks the header's dimensions before any pixel is decoded. */
static gboolean
check_dimensions (const char           *path,
                  const char           *container,
                  const LtImageOptions *options,
                  GError              **error)
{
  gint             width = 0, height = 0;
  GdkPixbufFormat *format = gdk_pixbuf_get_file_info (path, &width, &height);
  g_autofree char *name = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;

  if (format == NULL || g_strcmp0 (name, container) != 0)
    return refuse (error, path, _ ("gdk-pixbuf cannot read the image's header"));
  if (width <= 0 || height <= 0 || (guint64) width * (guint64) height > options->max_pixels)
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, options->max_pixels);
      g_autofree char *why = g_strdup_printf (_ ("the header claims %d×%d pixels, more than the limit of %s"),
                                              width, height, limit);
      return refuse (error, path, why);
    }
  return TRUE;
}

static GdkPixbuf *
decode (const char   *path,
        const guint8 *data,
        gsize         length,
        const char   *container,
        GError      **error)
{
  g_autoptr (GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (container, error);
  g_autoptr (GError) local = NULL;
  gboolean written;

  if (loader == NULL)
    return NULL;
  written = gdk_pixbuf_loader_write (loader, data, length, &local);
  /* Close even after a failed write, or the loader warns when freed. */
  if (!gdk_pixbuf_loader_close (loader, written ? &local : NULL) || !written)
    {
      refuse (error, path, local != NULL ? local->message : _ ("the image cannot be decoded"));
      return NULL;
    }
  if (gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    return refuse (error, path, _ ("the image cannot be decoded")), NULL;
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Scaled to width×height, through a shorter-side resize and centre crop
 * when options->resize is set. */
static GdkPixbuf *
fit (const char           *path,
     GdkPixbuf            *image,
     gint64                width,
     gint64                height,
     const LtImageOptions *options,
     GError              **error)
{
  gint w = gdk_pixbuf_get_width (image), h = gdk_pixbuf_get_height (image);
  g_autoptr (GdkPixbuf) scaled = NULL;
  gint sw, sh;

  if (options->resize == 0)
    {
      scaled = gdk_pixbuf_scale_simple (image, (int) width, (int) height, GDK_INTERP_BILINEAR);
      if (scaled == NULL)
        return refuse (error, path, _ ("out of memory while resizing")), NULL;
      return g_steal_pointer (&scaled);
    }
  if (w < h)
    {
      sw = (gint) options->resize;
      sh = (gint) MAX (1, ((gint64) h * options->resize + w / 2) / w);
    }
  else
    {
      sh = (gint) options->resize;
      sw = (gint) MAX (1, ((gint64) w * options->resize + h / 2) / h);
    }
  if (sw < width || sh < height)
    return refuse (error, path, _ ("the resize is smaller than the model's input")), NULL;
  scaled = gdk_pixbuf_scale_simple (image, sw, sh, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    return refuse (error, path, _ ("out of memory while resizing")), NULL;
  return gdk_pixbuf_new_subpixbuf (scaled, (int) (sw - width) / 2, (int) (sh - height) / 2, (int) width, (int) height);
}

/* Height and width of the input and where channels go. */
static gboolean
input_geometry (const char           *path,
                const lt_value       *input,
                const LtImageOptions *options,
                gboolean             *nchw,
                gint64               *height,
                gint64               *width,
                GError              **error)
{
  const lt_shape  *shape = &input->shape;
  LtImageLayout    layout = options->layout;
  g_autofree char *why = NULL;

  if (input->dtype != LT_DTYPE_F32 || shape->rank != 4)
    {
      why = g_strdup_printf (_ ("input '%s' is not a float tensor of rank 4, it cannot take an image"), input->name);
      return refuse (error, path, why);
    }
  if (layout == LT_IMAGE_LAYOUT_AUTO)
    layout = shape->dims[1].size == 3   ? LT_IMAGE_LAYOUT_NCHW
             : shape->dims[3].size == 3 ? LT_IMAGE_LAYOUT_NHWC
                                        : LT_IMAGE_LAYOUT_AUTO;
  *nchw = layout == LT_IMAGE_LAYOUT_NCHW;
  if (layout == LT_IMAGE_LAYOUT_AUTO || shape->dims[*nchw ? 1 : 3].size != 3)
    {
      why = g_strdup_printf (_ ("input '%s' has no dimension of 3 channels where the layout needs it"), input->name);
      return refuse (error, path, why);
    }
  *height = shape->dims[*nchw ? 2 : 1].size;
  *width = shape->dims[*nchw ? 3 : 2].size;
  if (*height <= 0 || *width <= 0 || *height * *width > (gint64) options->max_pixels)
    {
      why = g_strdup_printf (_ ("input '%s' has no fixed height and width to scale the image to"), input->name);
      return refuse (error, path, why);
    }
  return TRUE;
}

LtArray *
lt_image_sample_load (const char           *path,
                      const lt_value       *input,
                      const LtImageOptions *options,
                      GError              **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GdkPixbuf) image = NULL;
  g_autoptr (GdkPixbuf) fitted = NULL;
  gsize       length = 0;
  const char *container;
  gboolean    nchw;
  gint64      height, width;
  GStatBuf    st;

  if (!input_geometry (path, input, options, &nchw, &height, &width, error))
    return NULL;
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > MAX_FILE_BYTES)
    return refuse (error, path, _ ("not a regular file of at most 256 MiB")), NULL;
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  container = check_container (path, (const guint8 *) contents, length, error);
  if (container == NULL || !check_dimensions (path, container, options, error))
    return NULL;
  image = decode (path, (const guint8 *) contents, length, container, error);
  if (image == NULL)
    return NULL;
  fitted = fit (path, image, width, height, options, error);
  if (fitted == NULL)
    return NULL;

  g_autoptr (LtArray) array = g_new0 (LtArray, 1);
  gsize         n = (gsize) (height * width * 3);
  float        *out = g_new (float, n);
  const guint8 *pixels = gdk_pixbuf_read_pixels (fitted);
  gint          stride = gdk_pixbuf_get_rowstride (fitted), n_channels = gdk_pixbuf_get_n_channels (fitted);

  for (gint64 y = 0; y < height; y++)
    for (gint64 x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        {
          const guint8 *px = pixels + y * stride + x * n_channels;
          double        v = px[options->bgr ? 2 - c : c] * options->scale;
          gsize         at = nchw ? (gsize) ((c * height + y) * width + x) : (gsize) ((y * width + x) * 3 + c);
          out[at] = (float) ((v - options->mean[c]) / options->std[c]);
        }
  array->dtype = LT_DTYPE_F32;
  array->rank = 4;
  array->dims[0] = 1;
  array->dims[1] = nchw ? 3 : height;
  array->dims[2] = nchw ? height : width;
  array->dims[3] = nchw ? width : 3;
  array->count = n;
  array->data = g_bytes_new_take (out, n * sizeof (float));
  return g_steal_pointer (&array);
}
