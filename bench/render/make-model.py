#!/usr/bin/python3
"""make-model.py — writes a transformer-shaped ONNX model of about N nodes
(default 10,000) for the render benchmark.  Weights are tiny: the benchmark
measures drawing, not inference.

Usage: /usr/bin/python3 bench/render/make-model.py OUT.onnx [N]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    nodes, inits = [], []
    w = numpy_helper.from_array(np.ones((8, 8), np.float32), "w")
    inits.append(w)
    counter = [0]

    def node(op, *inputs):
        counter[0] += 1
        name = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, list(inputs), [name], name=name))
        return name

    x = "x"
    while len(nodes) < target:
        ln = node("Relu", x)
        q = node("MatMul", ln, "w")
        k = node("MatMul", ln, "w")
        v = node("MatMul", ln, "w")
        s = node("Softmax", node("Add", node("MatMul", q, node("Transpose", k)), "mask"))
        a = node("MatMul", node("MatMul", s, v), "w")
        x = node("Add", x, a)
        h = node("MatMul", node("Relu", node("MatMul", x, "w")), "w")
        x = node("Add", x, h)
    graph = helper.make_graph(
        nodes, "render-bench",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, 8]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, [8, 8])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [8, 8])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, out)


main()
