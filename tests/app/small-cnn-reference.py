#!/usr/bin/python3
"""Computes the logits of resources/demo/small-cnn.onnx with numpy alone
(float64 arithmetic, no inference engine) for the input the run test
feeds it, and writes them to tests/app/small-cnn-logits.npy.

The input is x[i] = ((i * 7919) % 256) / 255 over the flattened
1x3x224x224 tensor, computed in float32 (exactly what test-cli-run.c
writes).  Run again after changing the demo model and commit the result.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
model = onnx.load(os.path.join(root, "resources", "demo", "small-cnn.onnx"))
weights = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def conv(x, w, b, pads, strides):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - kh) // strides[0] + 1
    ow = (x.shape[3] - kw) // strides[1] + 1
    out = np.zeros((n, m, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + strides[0] * oh:strides[0], j:j + strides[1] * ow:strides[1]]
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return out + b.reshape(1, m, 1, 1)


count = 1 * 3 * 224 * 224
index = np.arange(count, dtype=np.int64)
x = (((index * 7919) % 256).astype(np.float32) / np.float32(255)).reshape(1, 3, 224, 224)
values = {model.graph.input[0].name: x.astype(np.float64)}

for node in model.graph.node:
    ins = [values[i] if i in values else weights[i] for i in node.input]
    if node.op_type == "Conv":
        y = conv(ins[0], ins[1], ins[2], attr(node, "pads", [0, 0, 0, 0]), attr(node, "strides", [1, 1]))
    elif node.op_type == "Relu":
        y = np.maximum(ins[0], 0)
    elif node.op_type == "GlobalAveragePool":
        y = ins[0].mean(axis=(2, 3), keepdims=True)
    elif node.op_type == "Flatten":
        y = ins[0].reshape(ins[0].shape[0], -1)
    elif node.op_type == "Gemm":
        b = ins[1].T if attr(node, "transB", 0) else ins[1]
        y = ins[0] @ b + ins[2]
    else:
        sys.exit("small-cnn-reference.py: op %s is not implemented here" % node.op_type)
    values[node.output[0]] = y

np.save(os.path.join(here, "small-cnn-logits.npy"), values[model.graph.output[0].name].astype(np.float32))
