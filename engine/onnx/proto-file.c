/* proto-file.c — loading the model's file as a ModelProto again and
 * writing one back atomically (proto-file.h).
 */
#include "proto-file.h"

#include "prescan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Appends `item` to a protobuf-c repeated field. */
bool
lt_onnx_proto_push (void ***array,
                    size_t *n,
                    void   *item)
{
  void **grown = realloc (*array, (*n + 1) * sizeof (void *));

  if (!grown)
    return false;
  grown[(*n)++] = item;
  *array = grown;
  return true;
}

Onnx__TensorProto *
lt_onnx_proto_new_initializer (char          *name,
                               lt_dtype       dtype,
                               const int64_t *dims,
                               size_t         rank,
                               uint8_t       *bytes,
                               size_t         nbytes)
{
  Onnx__TensorProto *tp = malloc (sizeof *tp);
  int64_t           *d = rank ? malloc (rank * sizeof *d) : NULL;

  if (!tp || (rank && !d))
    {
      free (tp);
      free (d);
      return NULL;
    }
  onnx__tensor_proto__init (tp);
  if (rank)
    memcpy (d, dims, rank * sizeof *d);
  tp->name = name;
  tp->dims = d;
  tp->n_dims = rank;
  tp->has_data_type = true;
  tp->data_type = (int32_t) dtype;
  tp->has_raw_data = true;
  tp->raw_data.data = bytes;
  tp->raw_data.len = nbytes;
  return tp;
}

ssize_t
lt_onnx_proto_find_initializer (const Onnx__GraphProto *gp,
                                const char             *name)
{
  for (size_t i = 0; i < gp->n_initializer; i++)
    if (gp->initializer[i]->name && strcmp (gp->initializer[i]->name, name) == 0)
      return (ssize_t) i;
  return -1;
}

static lt_status
read_file (const char *path,
           uint8_t   **out,
           size_t     *len,
           lt_error   *err)
{
  int         fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  uint8_t    *buf;
  size_t      done = 0;

  if (fd < 0)
    return lt_error_set (err, LT_ERR_IO, NULL, "cannot open the model again: %s", strerror (errno));
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size <= 0)
    {
      close (fd);
      return lt_error_set (err, LT_ERR_IO, NULL, "the model is no longer a readable regular file");
    }
  buf = malloc ((size_t) st.st_size);
  if (!buf)
    {
      close (fd);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory");
    }
  while (done < (size_t) st.st_size)
    {
      ssize_t n = read (fd, buf + done, (size_t) st.st_size - done);

      if (n <= 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          close (fd);
          free (buf);
          return lt_error_set (err, LT_ERR_IO, NULL, "cannot read the model again: %s",
                               n < 0 ? strerror (errno) : "it became shorter");
        }
      done += (size_t) n;
    }
  close (fd);
  *out = buf;
  *len = done;
  return LT_OK;
}

/* Writes `len` bytes to `path` through a temporary file in its folder. */
static lt_status
write_atomically (const char    *path,
                  const uint8_t *data,
                  size_t         len,
                  lt_error      *err)
{
  const char *slash = strrchr (path, '/');
  size_t      dir_len = slash ? (size_t) (slash - path) + 1 : 0;
  size_t      tmp_len = strlen (path) + 16;
  char       *tmp = malloc (tmp_len);
  size_t      done = 0;
  int         fd;

  if (!tmp)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory");
  snprintf (tmp, tmp_len, "%.*s.%s.XXXXXX", (int) dir_len, path, path + dir_len);
  fd = mkstemp (tmp);
  if (fd < 0)
    {
      lt_error_set (err, LT_ERR_IO, NULL, "cannot create a file in the target folder: %s", strerror (errno));
      free (tmp);
      return err ? err->code : LT_ERR_IO;
    }
  while (done < len)
    {
      ssize_t n = write (fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (size_t) n;
    }
  if (done < len || fchmod (fd, 0644) != 0 || fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      if (done < len)
        close (fd);
      unlink (tmp);
      free (tmp);
      return lt_error_set (err, LT_ERR_IO, NULL, "cannot write the file: %s", strerror (saved));
    }
  /* rename replaces a symbolic link at `path` rather than writing through it. */
  if (rename (tmp, path) != 0)
    {
      int saved = errno;

      unlink (tmp);
      free (tmp);
      return lt_error_set (err, LT_ERR_IO, NULL, "cannot replace the file: %s", strerror (saved));
    }
  free (tmp);
  return LT_OK;
}

lt_status
lt_onnx_proto_load (const lt_model    *model,
                    Onnx__ModelProto **out,
                    lt_error          *err)
{
  const char       *src = lt_model_get_path (model);
  lt_prescan_limits limits = { 100, 16, 1000000, 16u << 20, 1ull << 30, 0, NULL, NULL };
  lt_prescan_result scan = { 0 };
  uint8_t          *file = NULL;
  size_t            file_len = 0;
  lt_status         st;
  Onnx__ModelProto *mp;

  *out = NULL;
  if ((st = read_file (src, &file, &file_len, err)) != LT_OK || (st = lt_onnx_prescan (file, file_len, &limits, &scan, err)) != LT_OK)
    {
      free (file);
      lt_error_set_file (err, src);
      return st;
    }
  free (scan.stripped);
  mp = onnx__model_proto__unpack (NULL, file_len, file);
  free (file);
  if (!mp || !mp->graph)
    {
      if (mp)
        onnx__model_proto__free_unpacked (mp, NULL);
      st = lt_error_set (err, LT_ERR_PARSE, NULL, "the model's file no longer decodes as an ONNX model");
      lt_error_set_file (err, src);
      return st;
    }
  *out = mp;
  return LT_OK;
}

lt_status
lt_onnx_proto_save (const Onnx__ModelProto *mp,
                    const char             *path,
                    lt_error               *err)
{
  size_t    packed_len = onnx__model_proto__get_packed_size (mp);
  uint8_t  *packed = malloc (packed_len ? packed_len : 1);
  lt_status st;

  if (!packed)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory");
  onnx__model_proto__pack (mp, packed);
  if ((st = write_atomically (path, packed, packed_len, err)) != LT_OK)
    lt_error_set_file (err, path);
  free (packed);
  return st;
}
