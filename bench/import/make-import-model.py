#!/usr/bin/python3
"""Writes the import benchmark's models: a chain of MatMul + Relu layers
holding at least 200 MB of float32 weights (fixed seed), twice:

  OUTDIR/inline/model.onnx      weights as raw_data inside the protobuf
  OUTDIR/external/model.onnx    weights in OUTDIR/external/weights.bin

Usage: /usr/bin/python3 bench/import/make-import-model.py [OUTDIR]
       (default OUTDIR: bench/models/import)
Needs Debian's python3-onnx and python3-numpy.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WIDTH = 2048   # each layer is WIDTH x WIDTH float32 = 16 MiB
LAYERS = 13    # 13 x 16 MiB = 208 MiB = 218 MB of weights
SEED = 20261124


def build_model():
    rng = np.random.default_rng(SEED)
    nodes, initializers = [], []
    current = "x"
    for i in range(LAYERS):
        weight = rng.standard_normal((WIDTH, WIDTH), dtype=np.float32) / np.sqrt(WIDTH)
        initializers.append(numpy_helper.from_array(weight.astype(np.float32), name=f"w{i}"))
        nodes.append(helper.make_node("MatMul", [current, f"w{i}"], [f"mm{i}"], name=f"matmul{i}"))
        nodes.append(helper.make_node("Relu", [f"mm{i}"], [f"h{i}"], name=f"relu{i}"))
        current = f"h{i}"
    graph = helper.make_graph(
        nodes, "import_bench",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", WIDTH])],
        [helper.make_tensor_value_info(current, TensorProto.FLOAT, ["batch", WIDTH])],
        initializers)
    model = helper.make_model(graph, producer_name="lathe-bench",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "models", "import"))
    inline_dir = os.path.join(outdir, "inline")
    external_dir = os.path.join(outdir, "external")
    os.makedirs(inline_dir, exist_ok=True)
    os.makedirs(external_dir, exist_ok=True)

    model = build_model()
    onnx.save_model(model, os.path.join(inline_dir, "model.onnx"))
    weights = os.path.join(external_dir, "weights.bin")
    if os.path.exists(weights):
        os.remove(weights)  # onnx appends to an existing file
    onnx.save_model(model, os.path.join(external_dir, "model.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)
    print(f"{LAYERS} layers of {WIDTH}x{WIDTH} float32: {LAYERS * WIDTH * WIDTH * 4} weight bytes")
    print(f"written under {outdir}")


if __name__ == "__main__":
    main()
