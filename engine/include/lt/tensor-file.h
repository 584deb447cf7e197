/* lt/tensor-file.h — a tensor read from a serialized ONNX TensorProto
 * (the `input_K.pb` / `output_K.pb` files of ONNX test folders), or a
 * sequence or optional read from a SequenceProto or OptionalProto (the
 * files of the same folders whose graph value is one).
 *
 * The file is read whole, parsed, and converted the way initializers of a
 * model are; the tensor's data belongs to the lt_tensor_file.  External
 * data is refused (a lone tensor file has no folder of its own to resolve
 * it against).
 */
#pragma once

#include "lt/status.h"
#include "lt/tensor.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lt_tensor_file lt_tensor_file;

/* Loads `path`.  Errors name the file: LT_ERR_IO (cannot read),
 * LT_ERR_LIMIT (larger than 2 GiB), LT_ERR_PARSE (not a TensorProto),
 * LT_ERR_INVALID_MODEL (data that does not match dims and type),
 * LT_ERR_UNSUPPORTED (external or segmented data). */
lt_status lt_tensor_file_load (const char      *path,
                               lt_tensor_file **out,
                               lt_error        *err);

void lt_tensor_file_free (lt_tensor_file *file); /* accepts NULL */

/* The tensor, valid as long as the file object. */
const lt_tensor *lt_tensor_file_get (const lt_tensor_file *file);

typedef struct lt_sequence_file lt_sequence_file;

/* Loads `path` as an OptionalProto (`optional`) or a SequenceProto, of
 * tensors: an optional holds one tensor, a sequence of tensors, or
 * nothing (an optional with no value field).  Errors as
 * lt_tensor_file_load, naming the file; elements that are not tensors
 * (sparse tensors, maps, nested sequences or optionals) are
 * LT_ERR_UNSUPPORTED. */
lt_status lt_sequence_file_load (const char        *path,
                                 bool               optional,
                                 lt_sequence_file **out,
                                 lt_error          *err);

void lt_sequence_file_free (lt_sequence_file *file); /* accepts NULL */

/* The value, valid as long as the file object. */
const lt_sequence *lt_sequence_file_get (const lt_sequence_file *file);

#ifdef __cplusplus
}
#endif
