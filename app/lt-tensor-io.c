/* lt-tensor-io.c — .npy and .raw reading and writing.
 *
 * The .npy header is a Python dict literal; only the three keys numpy
 * writes are accepted ('descr', 'fortran_order', 'shape'), parsed by a
 * small scanner rather than evaluated.  Layout: "\x93NUMPY", major and
 * minor version bytes, header length (2 bytes little-endian in version 1,
 * 4 bytes in 2 and 3), the header padded with spaces and ending in '\n',
 * then the data.
 */
#include "lt-tensor-io.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#define NPY_MAGIC     "\x93NUMPY"
#define NPY_MAGIC_LEN 6

void
lt_array_free (LtArray *array)
{
  if (array == NULL)
    return;
  g_clear_pointer (&array->data, g_bytes_unref);
  g_free (array);
}

/* numpy's type codes (without the byte-order character). */
static const struct
{
  const char *code;
  lt_dtype    dtype;
} npy_types[] = {
  { "b1", LT_DTYPE_BOOL }, { "i1", LT_DTYPE_I8 }, { "u1", LT_DTYPE_U8 },
  { "i2", LT_DTYPE_I16 },  { "u2", LT_DTYPE_U16 }, { "i4", LT_DTYPE_I32 },
  { "u4", LT_DTYPE_U32 },  { "i8", LT_DTYPE_I64 }, { "u8", LT_DTYPE_U64 },
  { "f2", LT_DTYPE_F16 },  { "f4", LT_DTYPE_F32 }, { "f8", LT_DTYPE_F64 },
};

static const char *
npy_code (lt_dtype dtype)
{
  for (gsize i = 0; i < G_N_ELEMENTS (npy_types); i++)
    if (npy_types[i].dtype == dtype)
      return npy_types[i].code;
  return NULL;
}

static gboolean
fail (GError    **error,
      const char *path,
      const char *reason)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, reason);
  return FALSE;
}

/* Finds `'key':` in the header and returns the text after it. */
static const char *
header_value (const char *header,
              const char *key)
{
  g_autofree char *quoted = g_strdup_printf ("'%s'", key);
  const char      *at = strstr (header, quoted);

  if (at == NULL)
    return NULL;
  at += strlen (quoted);
  while (*at == ' ')
    at++;
  if (*at != ':')
    return NULL;
  at++;
  while (*at == ' ')
    at++;
  return at;
}

static gboolean
parse_header (const char *path,
              const char *header,
              LtArray    *array,
              GError    **error)
{
  const char *descr = header_value (header, "descr");
  const char *fortran = header_value (header, "fortran_order");
  const char *shape = header_value (header, "shape");
  gboolean    found = FALSE;

  if (descr == NULL || fortran == NULL || shape == NULL)
    return fail (error, path, _("the .npy header lacks 'descr', 'fortran_order' or 'shape'"));
  if (descr[0] != '\'' || strlen (descr) < 5 || descr[4] != '\'')
    return fail (error, path, _("the .npy dtype is not a plain type (object and structured arrays are not supported)"));
  if (descr[1] == '>' && descr[3] != '1')
    return fail (error, path, _("big-endian .npy files are not supported"));
  if (descr[1] != '<' && descr[1] != '|' && descr[1] != '=')
    return fail (error, path, _("the .npy dtype has an unknown byte order"));
  for (gsize i = 0; i < G_N_ELEMENTS (npy_types); i++)
    if (strncmp (descr + 2, npy_types[i].code, 2) == 0)
      {
        array->dtype = npy_types[i].dtype;
        found = TRUE;
      }
  if (!found)
    {
      g_autofree char *why = g_strdup_printf (_("unsupported .npy dtype %.4s"), descr + 1);
      return fail (error, path, why);
    }
  if (g_str_has_prefix (fortran, "True"))
    return fail (error, path, _("Fortran-ordered .npy arrays are not supported"));
  if (!g_str_has_prefix (fortran, "False"))
    return fail (error, path, _("the .npy 'fortran_order' is neither True nor False"));

  if (shape[0] != '(')
    return fail (error, path, _("the .npy 'shape' is not a tuple"));
  array->rank = 0;
  array->count = 1;
  for (const char *p = shape + 1;;)
    {
      char   *end;
      guint64 dim;
      while (*p == ' ' || *p == ',')
        p++;
      if (*p == ')')
        break;
      if (!g_ascii_isdigit (*p))
        return fail (error, path, _("the .npy 'shape' holds something other than sizes"));
      dim = g_ascii_strtoull (p, &end, 10);
      if (array->rank == LT_MAX_RANK || dim > G_MAXINT64 || (dim > 0 && array->count > G_MAXUINT64 / dim))
        return fail (error, path, _("the .npy shape has too many or too large dims"));
      array->dims[array->rank++] = (int64_t) dim;
      array->count *= dim;
      p = end;
    }
  return TRUE;
}

LtArray *
lt_npy_load (const char *path,
             GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (LtArray) array = g_new0 (LtArray, 1);
  gsize            length = 0, header_len, offset;
  size_t           nbytes;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length < NPY_MAGIC_LEN + 4 || memcmp (contents, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
    return fail (error, path, _("not a .npy file (bad magic)")), NULL;
  if (contents[6] == 1)
    {
      header_len = (guchar) contents[8] | (gsize) (guchar) contents[9] << 8;
      offset = 10;
    }
  else if ((contents[6] == 2 || contents[6] == 3) && length >= 12)
    {
      header_len = (guchar) contents[8] | (gsize) (guchar) contents[9] << 8 | (gsize) (guchar) contents[10] << 16
                   | (gsize) (guchar) contents[11] << 24;
      offset = 12;
    }
  else
    return fail (error, path, _("unsupported .npy version")), NULL;
  if (header_len > length - offset)
    return fail (error, path, _("the .npy header runs past the end of the file")), NULL;
  {
    g_autofree char *header = g_strndup (contents + offset, header_len);
    if (strlen (header) != header_len || header_len == 0 || header[header_len - 1] != '\n')
      return fail (error, path, _("the .npy header is malformed")), NULL;
    if (!parse_header (path, header, array, error))
      return NULL;
  }
  offset += header_len;
  if (!lt_dtype_storage_size (array->dtype, array->count, &nbytes) || nbytes != length - offset)
    {
      g_autofree char *why = g_strdup_printf (_("the .npy data holds %llu bytes, its header says %llu elements of %s"),
                                              (unsigned long long) (length - offset), (unsigned long long) array->count, lt_dtype_name (array->dtype));
      return fail (error, path, why), NULL;
    }
  array->data = g_bytes_new (contents + offset, nbytes);
  return g_steal_pointer (&array);
}

LtArray *
lt_raw_load (const char    *path,
             lt_dtype       dtype,
             int32_t        rank,
             const int64_t *dims,
             GError       **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (LtArray) array = g_new0 (LtArray, 1);
  gsize            length = 0;
  size_t           nbytes = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  array->dtype = dtype;
  array->rank = rank;
  array->count = 1;
  for (int32_t d = 0; d < rank; d++)
    {
      array->dims[d] = dims[d];
      if (dims[d] < 0 || !g_uint64_checked_mul (&array->count, array->count, (guint64) dims[d]))
        return fail (error, path, _("the input's shape is too large")), NULL;
    }
  if (!lt_dtype_storage_size (dtype, array->count, &nbytes) || nbytes != length)
    {
      g_autofree char *why = g_strdup_printf (_("the .raw file holds %llu bytes, %llu elements of %s need %llu"),
                                              (unsigned long long) length, (unsigned long long) array->count,
                                              lt_dtype_name (dtype), (unsigned long long) nbytes);
      return fail (error, path, why), NULL;
    }
  array->data = g_bytes_new (contents, nbytes);
  return g_steal_pointer (&array);
}

gboolean
lt_raw_save (const char      *path,
             const lt_tensor *tensor,
             GError         **error)
{
  return g_file_set_contents (path, tensor->data != NULL ? tensor->data : "", (gssize) tensor->nbytes, error);
}

gboolean
lt_npy_save (const char      *path,
             const lt_tensor *tensor,
             GError         **error)
{
  const char *code = npy_code (tensor->dtype);
  g_autoptr (GString) header = g_string_new (NULL);
  g_autoptr (GByteArray) file = g_byte_array_new ();
  guint8      prefix[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0 };

  if (code == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("%s: %s tensors cannot be written as .npy"),
                   path, lt_dtype_name (tensor->dtype));
      return FALSE;
    }
  g_string_printf (header, "{'descr': '%c%s', 'fortran_order': False, 'shape': (",
                   code[1] == '1' ? '|' : '<', code);
  for (int32_t d = 0; d < tensor->rank; d++)
    g_string_append_printf (header, "%" G_GINT64_FORMAT "%s", tensor->dims[d],
                            tensor->rank == 1 || d + 1 < tensor->rank ? ", " : "");
  g_string_append (header, "), }");
  /* Pad so the data starts on a 64-byte boundary, as numpy does. */
  while ((sizeof prefix + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  prefix[8] = (guint8) (header->len & 0xff);
  prefix[9] = (guint8) (header->len >> 8);
  g_byte_array_append (file, prefix, sizeof prefix);
  g_byte_array_append (file, (const guint8 *) header->str, (guint) header->len);
  if (tensor->nbytes > 0)
    g_byte_array_append (file, tensor->data, (guint) tensor->nbytes);
  return g_file_set_contents (path, (const char *) file->data, (gssize) file->len, error);
}
