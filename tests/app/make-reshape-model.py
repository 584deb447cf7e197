#!/usr/bin/python3
"""Writes tests/app/reshape-by-input.onnx: y = Relu (Reshape (x, s)) with x
float [2, 6] and the target shape s an int64 [2] graph input, so the
output shape depends on an input's values."""
import os

import onnx
from onnx import TensorProto, helper

graph = helper.make_graph(
    [helper.make_node("Reshape", ["x", "s"], ["r"]), helper.make_node("Relu", ["r"], ["y"])],
    "reshape-by-input",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6]),
     helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lathe-tests")
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reshape-by-input.onnx"))
