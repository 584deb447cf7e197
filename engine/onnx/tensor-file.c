/* tensor-file.c — loads a serialized TensorProto, SequenceProto or
 * OptionalProto with protobuf-c and converts its tensors with the
 * importer's tensor conversion.  The converted data lives in a parentless
 * lt_graph used only as the owner of its memory. */
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

struct lt_sequence_file
{
  lt_graph   *owner;   /* holds the tensors array and their bytes */
  lt_sequence value;
};

/* Converts `n` TensorProtos into the file's value. */
static lt_status
convert_tensors (lt_sequence_file         *file,
                 Onnx__TensorProto *const *protos,
                 size_t                    n,
                 lt_error                 *err)
{
  lt_tensor *tensors = n > 0 ? lt_graph_alloc (file->owner, n * sizeof *tensors) : NULL;

  if (n > 0 && tensors == NULL)
    return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory reading a sequence");
  for (size_t k = 0; k < n; k++)
    {
      lt_status status = lt_onnx_tensor_from_proto (protos[k], file->owner, &tensors[k], err);
      if (status != LT_OK)
        return status;
    }
  file->value.count = (uint32_t) n;
  file->value.tensors = tensors;
  return LT_OK;
}

/* A SequenceProto of tensors (or of nothing). */
static lt_status
convert_sequence (lt_sequence_file            *file,
                  const Onnx__SequenceProto *proto,
                  lt_error                  *err)
{
  if (proto->n_sparse_tensor_values > 0 || proto->n_sequence_values > 0 || proto->n_optional_values > 0
      || (proto->has_elem_type && proto->elem_type != ONNX__SEQUENCE_PROTO__DATA_TYPE__TENSOR
          && proto->elem_type != ONNX__SEQUENCE_PROTO__DATA_TYPE__UNDEFINED))
    return lt_error_set (err, LT_ERR_UNSUPPORTED, NULL, "a sequence of something other than tensors");
  if (proto->n_tensor_values > UINT32_MAX)
    return lt_error_set (err, LT_ERR_LIMIT, NULL, "the sequence holds too many tensors");
  file->value.has_value = true;
  return convert_tensors (file, proto->tensor_values, proto->n_tensor_values, err);
}

static lt_status
convert_file (lt_sequence_file *file,
              const uint8_t    *bytes,
              size_t            len,
              bool              optional,
              lt_error         *err)
{
  Onnx__SequenceProto *sequence;
  Onnx__OptionalProto *opt;
  lt_status            status = LT_OK;

  if (!optional)
    {
      sequence = onnx__sequence_proto__unpack (NULL, len, bytes);
      if (sequence == NULL)
        return lt_error_set (err, LT_ERR_PARSE, NULL, "not a serialized ONNX SequenceProto");
      status = convert_sequence (file, sequence, err);
      onnx__sequence_proto__free_unpacked (sequence, NULL);
      return status;
    }
  opt = onnx__optional_proto__unpack (NULL, len, bytes);
  if (opt == NULL)
    return lt_error_set (err, LT_ERR_PARSE, NULL, "not a serialized ONNX OptionalProto");
  if (opt->sparse_tensor_value != NULL || opt->optional_value != NULL)
    status = lt_error_set (err, LT_ERR_UNSUPPORTED, NULL, "an optional of something other than a tensor or a sequence");
  else if (opt->tensor_value != NULL)
    {
      file->value.has_value = true;
      status = convert_tensors (file, &opt->tensor_value, 1, err);
    }
  else if (opt->sequence_value != NULL)
    status = convert_sequence (file, opt->sequence_value, err);
  onnx__optional_proto__free_unpacked (opt, NULL);
  return status;
}

lt_status
lt_sequence_file_load (const char        *path,
                       bool               optional,
                       lt_sequence_file **out,
                       lt_error          *err)
{
  uint8_t          *bytes = NULL;
  size_t            len = 0;
  lt_sequence_file *file;
  lt_status         status;

  status = read_whole_file (path, &bytes, &len, err);
  if (status != LT_OK)
    {
      lt_error_set_file (err, path);
      return status;
    }
  file = calloc (1, sizeof *file);
  if (file == NULL || (file->owner = lt_graph_new (NULL)) == NULL)
    {
      free (file);
      free (bytes);
      return lt_error_set (err, LT_ERR_NO_MEMORY, NULL, "out of memory reading a sequence");
    }
  status = convert_file (file, bytes, len, optional, err);
  free (bytes);
  if (status != LT_OK)
    {
      lt_error_set_file (err, path);
      lt_sequence_file_free (file);
      return status;
    }
  *out = file;
  return LT_OK;
}

void
lt_sequence_file_free (lt_sequence_file *file)
{
  if (file == NULL)
    return;
  lt_graph_free (file->owner);
  free (file);
}

const lt_sequence *
lt_sequence_file_get (const lt_sequence_file *file)
{
  return &file->value;
}
