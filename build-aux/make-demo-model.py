#!/usr/bin/python3
"""Writes the studio's bundled demo model: a small CNN (Conv 3->32 3x3, ReLU,
Conv 32->64 3x3, ReLU, GlobalAveragePool, Flatten, Gemm 64->10) for one
1x3x224x224 image, with fixed-seed random weights.

Usage: build-aux/make-demo-model.py resources/demo/small-cnn.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(seed=7):
    rng = np.random.default_rng(seed)

    def weight(name, shape, fan_in):
        data = rng.standard_normal(shape).astype(np.float32) * np.float32(np.sqrt(2.0 / fan_in))
        return numpy_helper.from_array(data, name)

    inits = [
        weight("conv1.weight", (32, 3, 3, 3), 27),
        numpy_helper.from_array(np.zeros(32, np.float32), "conv1.bias"),
        weight("conv2.weight", (64, 32, 3, 3), 288),
        numpy_helper.from_array(np.zeros(64, np.float32), "conv2.bias"),
        weight("fc.weight", (10, 64), 64),
        numpy_helper.from_array(np.zeros(10, np.float32), "fc.bias"),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight", "conv1.bias"], ["conv1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv1"], ["relu1"], name="relu1"),
        helper.make_node("Conv", ["relu1", "conv2.weight", "conv2.bias"], ["conv2"], name="conv2",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv2"], ["relu2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["relu2"], ["pool"], name="pool"),
        helper.make_node("Flatten", ["pool"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "small_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        inits,
    )
    model = helper.make_model(graph, producer_name="lathe-demo", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    onnx.save(build(), sys.argv[1])
