/* proto-file.h — the engine's writers' common ground: the loaded model's
 * file unpacked again as a ModelProto (every field kept, unknown ones
 * included), a few builders for its repeated fields, and packing it back
 * into a file atomically.
 *
 * Every string and array hung into the ModelProto must be malloc'd, as
 * protobuf-c's default allocator expects, so that free_unpacked releases
 * old and new parts alike.
 */
#pragma once

#include "lt/dtype.h"
#include "lt/model.h"
#include "lt/status.h"

#include "onnx/onnx.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads `model`'s file again, pre-scans it with the import's limits and
 * unpacks it into *out (free with onnx__model_proto__free_unpacked).  The
 * ModelProto has a graph.  Errors name the model's file. */
lt_status lt_onnx_proto_load (const lt_model    *model,
                              Onnx__ModelProto **out,
                              lt_error          *err);

/* Packs `mp` into `path` through a temporary file in the target's folder
 * renamed over it: a failure leaves no file, and a symbolic link at `path`
 * is replaced, not followed.  Errors name `path`. */
lt_status lt_onnx_proto_save (const Onnx__ModelProto *mp,
                              const char             *path,
                              lt_error               *err);

/* Appends `item` to a protobuf-c repeated field; false when out of memory
 * (the field is unchanged then). */
bool lt_onnx_proto_push (void ***array,
                         size_t *n,
                         void   *item);

/* A tensor initializer of dtype `dtype` and shape `dims` holding `bytes` as
 * raw data; it takes `name` and `bytes` (malloc'd).  NULL when out of memory
 * (neither is freed then). */
Onnx__TensorProto *lt_onnx_proto_new_initializer (char          *name,
                                                  lt_dtype       dtype,
                                                  const int64_t *dims,
                                                  size_t         rank,
                                                  uint8_t       *bytes,
                                                  size_t         nbytes);

/* The index of the main graph's initializer called `name`, or -1. */
ssize_t lt_onnx_proto_find_initializer (const Onnx__GraphProto *gp,
                                        const char             *name);
