#!/usr/bin/python3
"""Writes the models tests/app/test-post-training.c runs cross-layer
equalization on when BatchNormalization and ReLU6 are involved; fixed seed.

bn-relu6-chain.onnx: x float [1, 3, 16, 16] -> Conv 3x3 3->8 (bias) -> BN ->
Clip [0, 6] -> depthwise Conv 3x3 8 (no bias) -> BN -> Clip [0, 6] -> Conv 1x1
8->4 (bias) -> BN -> y (a graph output).  Output channels get scales from 1/16
to 16 so that their weight ranges differ widely.  The depthwise layer's
normalization gives channels 0-3 B = 3 and |scale| = 0.1: with inputs in
[-1, 1] their outputs stay within 3 +- 0.3, above the high bias
B - 3|scale| = 2.7 (and below 6), so absorbing that bias into the 1x1 Conv
(which has no padding) keeps the function.  Channels 4-7 have no high bias.

relu6-constant-nodes.onnx: x float [1, 3, 8, 8] -> Conv 1x1 3->4 -> Clip
whose bounds 0 and 6 are Constant nodes' outputs -> Conv 1x1 4->2 -> y.

bn-refusals.onnx: x float [1, 3, 8, 8] -> Conv "conv_a" -> BN "bn_computed"
whose scale is computed (Identity of an initializer) -> ya; Conv "conv_b" ->
BN "bn_shared" -> yb, where conv_b's weights are also read by Conv "conv_c"
-> Relu -> Conv "conv_d" -> yc.  Neither normalization can be folded, and
conv_c -> conv_d cannot be equalized."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(5)


def const(array, name):
    return numpy_helper.from_array(np.asarray(array, np.float32), name)


def weight(name, shape, std):
    w = rng.standard_normal(shape).astype(np.float32) * np.float32(std)
    scales = 2.0 ** rng.integers(-4, 5, size=shape[0])
    return const(w * scales.reshape([-1] + [1] * (len(shape) - 1)), name)


def batchnorm(prefix, n, beta=None, gamma=None, mean=None, var=None):
    """Initializers of a BatchNormalization over n channels."""
    gamma = rng.uniform(0.5, 2.0, n) * rng.choice([-1, 1], n) if gamma is None else gamma
    beta = rng.uniform(-0.5, 0.5, n) if beta is None else beta
    mean = rng.uniform(-0.5, 0.5, n) if mean is None else mean
    var = rng.uniform(0.5, 2.0, n) if var is None else var
    names = [f"{prefix}.{p}" for p in ("scale", "B", "mean", "var")]
    return names, [const(v, name) for v, name in zip((gamma, beta, mean, var), names)]


def save(nodes, inits, inputs, outputs, name):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lathe-tests")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))


def check_high_bias_bound(inits, inits1):
    """Worst case over inputs in [-1, 1]: the depthwise layer's channels 0-3
    stay within 3 +- 0.3 after their normalization, even with Relu for Clip."""
    arrays = {t.name: numpy_helper.to_array(t) for t in inits + inits1}
    gamma, beta, mean, var = (arrays["bn1." + p] for p in ("scale", "B", "mean", "var"))
    c1 = np.abs(arrays["conv1.w"]).sum(axis=(1, 2, 3)) + np.abs(arrays["conv1.b"])
    a1 = np.abs(gamma) / np.sqrt(var + 1e-5) * (c1 + np.abs(mean)) + np.abs(beta)
    dw = np.abs(arrays["dw.w"]).sum(axis=(1, 2, 3)) * a1
    assert (0.1 * dw[:4]).max() < 0.3, dw


def chain():
    bn1, inits1 = batchnorm("bn1", 8)
    bn2, inits2 = batchnorm("bn2", 8,
                            beta=[3.0] * 4 + [0.2] * 4,
                            gamma=[0.1, -0.1, 0.1, 0.1] + [1.0] * 4,
                            mean=[0.0] * 8, var=[1.0] * 8)
    bn3, inits3 = batchnorm("bn3", 4)
    inits = [
        weight("conv1.w", (8, 3, 3, 3), 0.02),
        const(rng.uniform(-0.1, 0.1, 8), "conv1.b"),
        weight("dw.w", (8, 1, 3, 3), 0.002),
        weight("conv3.w", (4, 8, 1, 1), 0.3),
        const(rng.uniform(-0.1, 0.1, 4), "conv3.b"),
        const(0.0, "relu6.min"),
        const(6.0, "relu6.max"),
    ] + inits1 + inits2 + inits3
    check_high_bias_bound(inits, inits1)
    nodes = [
        helper.make_node("Conv", ["x", "conv1.w", "conv1.b"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1"] + bn1, ["n1"], name="bn1"),
        helper.make_node("Clip", ["n1", "relu6.min", "relu6.max"], ["a1"], name="relu6_1"),
        helper.make_node("Conv", ["a1", "dw.w"], ["c2"], name="dw", pads=[1, 1, 1, 1], group=8),
        helper.make_node("BatchNormalization", ["c2"] + bn2, ["n2"], name="bn2", epsilon=1e-3),
        helper.make_node("Clip", ["n2", "relu6.min", "relu6.max"], ["a2"], name="relu6_2"),
        helper.make_node("Conv", ["a2", "conv3.w", "conv3.b"], ["c3"], name="conv3"),
        helper.make_node("BatchNormalization", ["c3"] + bn3, ["y"], name="bn3"),
    ]
    save(nodes, inits, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 16, 16])], "bn-relu6-chain")


def refusals():
    bna, initsa = batchnorm("bna", 4)
    bnb, initsb = batchnorm("bnb", 4)
    inits = [weight("wa", (4, 3, 1, 1), 0.5), weight("ws", (4, 3, 1, 1), 0.5), weight("wd", (4, 4, 1, 1), 0.5)]
    inits += initsa + initsb
    nodes = [
        helper.make_node("Conv", ["x", "wa"], ["ca"], name="conv_a"),
        helper.make_node("Identity", [bna[0]], ["bna.scale_computed"], name="scale_copy"),
        helper.make_node("BatchNormalization", ["ca", "bna.scale_computed"] + bna[1:], ["ya"], name="bn_computed"),
        helper.make_node("Conv", ["x", "ws"], ["cb"], name="conv_b"),
        helper.make_node("BatchNormalization", ["cb"] + bnb, ["yb"], name="bn_shared"),
        helper.make_node("Conv", ["x", "ws"], ["cc"], name="conv_c"),
        helper.make_node("Relu", ["cc"], ["rc"], name="relu_c"),
        helper.make_node("Conv", ["rc", "wd"], ["yc"], name="conv_d"),
    ]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 4, 8, 8]) for n in ("ya", "yb", "yc")]
    save(nodes, inits, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])], outputs, "bn-refusals")


def constant_bounds():
    inits = [weight("w1", (4, 3, 1, 1), 0.5), weight("w2", (2, 4, 1, 1), 0.5)]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1"),
        helper.make_node("Constant", [], ["lo"], name="lo", value=helper.make_tensor("lo", TensorProto.FLOAT, [], [0.0])),
        helper.make_node("Constant", [], ["hi"], name="hi", value=helper.make_tensor("hi", TensorProto.FLOAT, [], [6.0])),
        helper.make_node("Clip", ["c1", "lo", "hi"], ["a1"], name="relu6"),
        helper.make_node("Conv", ["a1", "w2"], ["y"], name="conv2"),
    ]
    save(nodes, inits, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 8, 8])], "relu6-constant-nodes")


chain()
constant_bounds()
refusals()
