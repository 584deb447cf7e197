#!/usr/bin/python3
"""Writes tests/app/layer-chain.onnx, a small model for cross-layer
equalization, bias correction and calibration: Conv 3->8 (no bias) -> Relu ->
depthwise Conv 8 (no bias) -> Relu -> Conv 1x1 8->4 (no bias) -> Clip [0, 6] -> GlobalAveragePool ->
Flatten -> Gemm 4->5 (transB, no C) -> Relu -> Gemm 5->3 (C [3]).  Input
float [1, 3, 64, 64].  Output channels get scales from 1/16 to 16 so that
their weight ranges differ widely; fixed seed."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(3)


def weight(name, shape, axis=0):
    w = rng.standard_normal(shape).astype(np.float32)
    scales = 2.0 ** rng.integers(-4, 5, size=shape[axis])
    w *= scales.reshape([-1 if d == axis else 1 for d in range(len(shape))]).astype(np.float32)
    return numpy_helper.from_array(w, name)


inits = [
    weight("conv1.w", (8, 3, 3, 3)),
    weight("dw.w", (8, 1, 3, 3)),
    weight("conv3.w", (4, 8, 1, 1)),
    weight("fc1.w", (5, 4)),
    weight("fc2.w", (5, 3), axis=1),
    numpy_helper.from_array(rng.standard_normal(3).astype(np.float32), "fc2.b"),
    numpy_helper.from_array(np.array(0, np.float32), "clip.min"),
    numpy_helper.from_array(np.array(6, np.float32), "clip.max"),
]
nodes = [
    helper.make_node("Conv", ["x", "conv1.w"], ["c1"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("Conv", ["r1", "dw.w"], ["c2"], pads=[1, 1, 1, 1], group=8),
    helper.make_node("Relu", ["c2"], ["r2"]),
    helper.make_node("Conv", ["r2", "conv3.w"], ["c3"]),
    helper.make_node("Clip", ["c3", "clip.min", "clip.max"], ["k3"]),
    helper.make_node("GlobalAveragePool", ["k3"], ["p"]),
    helper.make_node("Flatten", ["p"], ["f"]),
    helper.make_node("Gemm", ["f", "fc1.w"], ["g1"], transB=1),
    helper.make_node("Relu", ["g1"], ["r3"]),
    helper.make_node("Gemm", ["r3", "fc2.w", "fc2.b"], ["y"]),
]
graph = helper.make_graph(nodes, "layer-chain",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 64, 64])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lathe-tests")
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "layer-chain.onnx"))
