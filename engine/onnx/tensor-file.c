/* tensor-file.c — loads a serialized TensorProto with protobuf-c and
 * converts it with the importer's tensor conversion.  The converted data
 * lives in a parentless lt_graph used only as the owner of its memory. */
#include "lt/tensor-file.h"
#include "lt/graph.h"

#include "onnx/import-tensor.h"
#include "onnx/onnx.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LT_TENSOR_FILE_MAX_BYTES ((long) 0x7fffffff)

struct lt_tensor_file
{
  lt_graph *owner;   /* holds converted bytes and the name */
  lt_tensor tensor;
};

static lt_status
read_whole_file (const char *path,
                 uint8_t   **out,
                 size_t     *out_len,
                 lt_error   *err)
{
  FILE    *f = fopen (path, "rb");
  long     size;
  uint8_t *data;

  if (f == NULL)
    return lt_error_set (err, LT_ERR_IO, NULL, "cannot open: %s", strerror (errno));
  if (fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0 || fseek (f, 0, SEEK_SET) != 0)
    {
      fclose (f);
      return lt_error_set (err, LT_ERR_IO, NULL, "cannot read: %s", strerror (errno));
    }
  if (size > LT_TENSOR_FILE_MAX_BYTES)
    {
      fclose (f);
      return lt_error_set (err, LT_ERR_LIMIT, NULL, "the file is larger than 2 GiB");
    }
  data = malloc ((size_t) size + 1);
  if (data == NULL)
    {
      fclose (f);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory reading the file");
    }
  if (fread (data, 1, (size_t) size, f) != (size_t) size)
    {
      free (data);
      fclose (f);
      return lt_error_set (err, LT_ERR_IO, NULL, "cannot read: short read");
    }
  fclose (f);
  *out = data;
  *out_len = (size_t) size;
  return LT_OK;
}

lt_status
lt_tensor_file_load (const char      *path,
                     lt_tensor_file **out,
                     lt_error        *err)
{
  uint8_t                 *bytes = NULL;
  size_t                   len = 0;
  Onnx__TensorProto       *proto;
  lt_tensor_file          *file;
  lt_status                status;

  status = read_whole_file (path, &bytes, &len, err);
  if (status != LT_OK)
    {
      lt_error_set_file (err, path);
      return status;
    }
  proto = onnx__tensor_proto__unpack (NULL, len, bytes);
  free (bytes);
  if (proto == NULL)
    {
      lt_error_set (err, LT_ERR_PARSE, NULL, "not a serialized ONNX TensorProto");
      lt_error_set_file (err, path);
      return LT_ERR_PARSE;
    }
  file = calloc (1, sizeof *file);
  if (file == NULL || (file->owner = lt_graph_new (NULL)) == NULL)
    {
      free (file);
      onnx__tensor_proto__free_unpacked (proto, NULL);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory reading a tensor");
    }
  status = lt_onnx_tensor_from_proto (proto, file->owner, &file->tensor, err);
  onnx__tensor_proto__free_unpacked (proto, NULL);
  if (status != LT_OK)
    {
      lt_error_set_file (err, path);
      lt_tensor_file_free (file);
      return status;
    }
  *out = file;
  return LT_OK;
}

void
lt_tensor_file_free (lt_tensor_file *file)
{
  if (file == NULL)
    return;
  lt_graph_free (file->owner);
  free (file);
}

const lt_tensor *
lt_tensor_file_get (const lt_tensor_file *file)
{
  return &file->tensor;
}
