/* import-tensor.h — the importer's TensorProto conversion, for readers of
 * lone tensor files (tensor-file.c). */
#pragma once

#include "lt/graph.h"
#include "onnx/onnx.pb-c.h"

/* Converts `proto` into *t with its data copied into `owner`'s memory.
 * Tensors with external data are refused (LT_ERR_UNSUPPORTED). */
lt_status lt_onnx_tensor_from_proto (const Onnx__TensorProto *proto,
                                     lt_graph                *owner,
                                     lt_tensor               *t,
                                     lt_error                *err);
