#!/usr/bin/python3
"""Writes the engine benchmark's models, with fixed-seed random weights:

  small-cnn.onnx    the studio's demo CNN (build-aux/make-demo-model.py), 1x3x224x224
  mobilenetv2.onnx  MobileNetV2 1.0 (Conv with folded BatchNorm, ReLU6 as Clip), 1x3x224x224
  resnet18.onnx     ResNet-18 (Conv with folded BatchNorm), 1x3x224x224
  transformer.onnx  4-layer post-LN transformer encoder, hidden 256, 4 heads,
                    FFN 1024, GELU (Erf form), sequence 128, input 1x128x256

Each model records its multiply-accumulate count in the metadata property
"lathe.bench.macs" (Conv, Gemm and MatMul only), which bench/engine uses
for GFLOP/s.  Opset 17, IR 8 (Debian 12's python3-onnx 1.12).

Usage: bench/make-models.py [OUTPUT_DIR]   (default: bench/models)
"""
import importlib.util
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))


class Builder:
    """Accumulates nodes and initializers, tracks shapes and MACs."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.shapes = [], [], {}
        self.macs = 0
        self.count = 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, array, prefix="c"):
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, shape, fan_in):
        data = self.rng.standard_normal(shape).astype(np.float32) * np.float32(np.sqrt(2.0 / fan_in))
        return self.const(data, "w")

    def bias(self, n):
        return self.const((self.rng.standard_normal(n) * 0.01).astype(np.float32), "b")

    def node(self, op, inputs, shape, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        self.shapes[out] = shape
        return out

    def conv(self, x, out_ch, k, stride=1, group=1):
        n, c, h, w = self.shapes[x]
        pad = k // 2
        oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
        wname = self.weight((out_ch, c // group, k, k), c // group * k * k)
        self.macs += n * out_ch * oh * ow * (c // group) * k * k
        return self.node("Conv", [x, wname, self.bias(out_ch)], [n, out_ch, oh, ow],
                         kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4, group=group)

    def relu(self, x):
        return self.node("Relu", [x], self.shapes[x])

    def relu6(self, x):
        lo, hi = self.const(np.float32(0.0)), self.const(np.float32(6.0))
        return self.node("Clip", [x, lo, hi], self.shapes[x])

    def add(self, a, b):
        return self.node("Add", [a, b], self.shapes[a])

    def matmul(self, a, b, shape):
        m, k = self.shapes[a][-2], self.shapes[a][-1]
        batch = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        self.macs += batch * m * k * shape[-1]
        return self.node("MatMul", [a, b], shape)

    def linear(self, x, out_features):
        shape = self.shapes[x]
        w = self.weight((shape[-1], out_features), shape[-1])
        self.shapes[w] = [shape[-1], out_features]
        y = self.matmul(x, w, shape[:-1] + [out_features])
        return self.node("Add", [y, self.bias(out_features)], self.shapes[y])

    def classifier(self, x, classes):
        n, c = self.shapes[x][:2]
        pooled = self.node("GlobalAveragePool", [x], [n, c, 1, 1])
        flat = self.node("Flatten", [pooled], [n, c], axis=1)
        self.macs += n * c * classes
        return self.node("Gemm", [flat, self.weight((classes, c), c), self.bias(classes)], [n, classes], transB=1)

    def model(self, name, inputs, output):
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(i, TensorProto.FLOAT, s) for i, s in inputs],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, self.shapes[output])],
            self.inits)
        m = helper.make_model(graph, producer_name="lathe-bench", opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = 8
        helper.set_model_props(m, {"lathe.bench.macs": str(self.macs)})
        onnx.checker.check_model(m)
        return m


def small_cnn():
    spec = importlib.util.spec_from_file_location("demo", os.path.join(HERE, "..", "build-aux", "make-demo-model.py"))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    m = demo.build()
    macs = 32 * 224 * 224 * 27 + 64 * 224 * 224 * 288 + 64 * 10
    helper.set_model_props(m, {"lathe.bench.macs": str(macs)})
    return m


def mobilenetv2():
    b = Builder(seed=2)
    b.shapes["image"] = [1, 3, 224, 224]
    x = b.relu6(b.conv("image", 32, 3, stride=2))
    c = 32
    # (expansion t, channels, repeats, first stride) as in the MobileNetV2 paper
    for t, ch, reps, stride in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                                (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(reps):
            s = stride if i == 0 else 1
            h = x if t == 1 else b.relu6(b.conv(x, c * t, 1))
            h = b.relu6(b.conv(h, c * t, 3, stride=s, group=c * t))
            h = b.conv(h, ch, 1)
            x = b.add(x, h) if s == 1 and c == ch else h
            c = ch
    x = b.relu6(b.conv(x, 1280, 1))
    return b.model("mobilenetv2", [("image", [1, 3, 224, 224])], b.classifier(x, 1000))


def resnet18():
    b = Builder(seed=3)
    b.shapes["image"] = [1, 3, 224, 224]
    x = b.relu(b.conv("image", 64, 7, stride=2))
    n, c, h, w = b.shapes[x]
    x = b.node("MaxPool", [x], [n, c, h // 2, w // 2], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    for ch, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        for i in range(2):
            s = stride if i == 0 else 1
            h = b.relu(b.conv(x, ch, 3, stride=s))
            h = b.conv(h, ch, 3)
            shortcut = b.conv(x, ch, 1, stride=s) if s != 1 or b.shapes[x][1] != ch else x
            x = b.relu(b.add(h, shortcut))
    return b.model("resnet18", [("image", [1, 3, 224, 224])], b.classifier(x, 1000))


def transformer(layers=4, hidden=256, heads=4, ffn=1024, seq=128):
    b = Builder(seed=4)
    b.shapes["tokens"] = [1, seq, hidden]
    x = "tokens"
    d = hidden // heads
    split_shape = b.const(np.array([1, seq, heads, d], np.int64), "shape")
    merge_shape = b.const(np.array([1, seq, hidden], np.int64), "shape")
    scale = b.const(np.float32(1.0 / np.sqrt(d)))
    half, one, rsqrt2 = b.const(np.float32(0.5)), b.const(np.float32(1.0)), b.const(np.float32(1 / np.sqrt(2)))

    def heads_of(t, perm, shape):
        r = b.node("Reshape", [t, split_shape], [1, seq, heads, d])
        return b.node("Transpose", [r], shape, perm=perm)

    def layer_norm(t):
        gamma = b.const(np.ones(hidden, np.float32))
        beta = b.const(np.zeros(hidden, np.float32))
        return b.node("LayerNormalization", [t, gamma, beta], b.shapes[t], axis=-1, epsilon=1e-5)

    for _ in range(layers):
        q = heads_of(b.linear(x, hidden), [0, 2, 1, 3], [1, heads, seq, d])
        k = heads_of(b.linear(x, hidden), [0, 2, 3, 1], [1, heads, d, seq])
        v = heads_of(b.linear(x, hidden), [0, 2, 1, 3], [1, heads, seq, d])
        scores = b.node("Mul", [b.matmul(q, k, [1, heads, seq, seq]), scale], [1, heads, seq, seq])
        probs = b.node("Softmax", [scores], [1, heads, seq, seq], axis=-1)
        ctx = b.node("Transpose", [b.matmul(probs, v, [1, heads, seq, d])], [1, seq, heads, d], perm=[0, 2, 1, 3])
        ctx = b.node("Reshape", [ctx, merge_shape], [1, seq, hidden])
        x = layer_norm(b.add(x, b.linear(ctx, hidden)))
        h = b.linear(x, ffn)
        erf = b.node("Erf", [b.node("Mul", [h, rsqrt2], b.shapes[h])], b.shapes[h])
        gelu = b.node("Mul", [b.node("Mul", [h, half], b.shapes[h]), b.node("Add", [erf, one], b.shapes[h])],
                      b.shapes[h])
        x = layer_norm(b.add(x, b.linear(gelu, hidden)))
    return b.model("transformer", [("tokens", [1, seq, hidden])], x)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "models")
    os.makedirs(out_dir, exist_ok=True)
    for name, build in [("small-cnn", small_cnn), ("mobilenetv2", mobilenetv2),
                        ("resnet18", resnet18), ("transformer", transformer)]:
        path = os.path.join(out_dir, name + ".onnx")
        onnx.save(build(), path + ".part")
        os.replace(path + ".part", path)
        print(path)


if __name__ == "__main__":
    main()
