#!/usr/bin/python3
"""Writes bench/models/mobilenetv2-bn.onnx and mobilenetv2-bn-folded.onnx
from bench/models/mobilenetv2.onnx (run bench/make-models.py first), for
bench/calib/cle-sqnr.sh.

mobilenetv2.onnx has its BatchNormalization folded already and He-initialized
weights, so its channels have similar weight ranges; trained MobileNets have
widely different ranges per channel, mostly from their normalizations'
scale / sqrt(var).  Here every Conv gets a BatchNormalization after it with
scale 2^U(-3, 3), divided by the layer's root mean square of them so that no
layer amplifies on the whole (half the channels' scales negative), B ~ N(0.3, 0.5),
mean ~ N(0, 0.1) and var ~ U(0.5, 2), fixed seed: a synthetic model whose
folded Conv channels are unbalanced as a trained one's are.  The -folded
file is the same model with each normalization folded into its Conv here,
in numpy: the baseline quantization sees without cross-layer equalization."""
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
rng = np.random.default_rng(12)
model = onnx.load(os.path.join(MODELS, "mobilenetv2.onnx"))
folded = onnx.load(os.path.join(MODELS, "mobilenetv2.onnx"))
inits = {t.name: t for t in model.graph.initializer}
folded_inits = {t.name: t for t in folded.graph.initializer}

nodes = []
for node in model.graph.node:
    nodes.append(node)
    if node.op_type != "Conv":
        continue
    w = numpy_helper.to_array(inits[node.input[1]])
    b = numpy_helper.to_array(inits[node.input[2]])
    n = w.shape[0]
    spread = 2.0 ** rng.uniform(-3, 3, n)
    scale = (spread / np.sqrt(np.mean(spread ** 2)) * rng.choice([-1, 1], n)).astype(np.float32)
    beta = rng.normal(0.3, 0.5, n).astype(np.float32)
    mean = rng.normal(0, 0.1, n).astype(np.float32)
    var = rng.uniform(0.5, 2, n).astype(np.float32)
    names = [f"{node.name}.bn.{p}" for p in ("scale", "B", "mean", "var")]
    model.graph.initializer.extend(numpy_helper.from_array(a, nm) for a, nm in zip((scale, beta, mean, var), names))
    out = node.output[0]
    node.output[0] = out + ".conv"
    nodes.append(helper.make_node("BatchNormalization", [node.output[0]] + names, [out], name=f"{node.name}.bn"))
    k = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + 1e-5)
    folded_inits[node.input[1]].CopyFrom(numpy_helper.from_array(
        (w * k.reshape(-1, 1, 1, 1)).astype(np.float32), node.input[1]))
    folded_inits[node.input[2]].CopyFrom(numpy_helper.from_array(((b - mean) * k + beta).astype(np.float32), node.input[2]))
del model.graph.node[:]
model.graph.node.extend(nodes)
onnx.checker.check_model(model)
onnx.save(model, os.path.join(MODELS, "mobilenetv2-bn.onnx"))
onnx.save(folded, os.path.join(MODELS, "mobilenetv2-bn-folded.onnx"))
