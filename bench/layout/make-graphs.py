#!/usr/bin/python3
"""make-graphs.py — writes the layout benchmark graphs (DOT) shaped like models.

Three families, each at about 1,000, 5,000 and 10,000 nodes:
  resnet       conv chains with a skip connection around every block
  inception    blocks of four parallel branches joined by a Concat
  transformer  attention blocks (Q, K, V branches, a shared mask input used by
               every block, residual adds, layer norms, an MLP)
and, with --stress, three graphs of 10,000 nodes that are generated rather than
committed (each is larger than the rest):
  fanout       a chain whose every node also reads one shared input (a long
               trunk branching on every layer)
  random       a dense random DAG, three edges per node
  bipartite    three inputs each feeding all of 10,000 nodes (two layers:
               every pair of vertices shares thousands of neighbours)
The generator is deterministic (fixed seed), so the committed files can be
rebuilt byte for byte:  bench/layout/make-graphs.py bench/layout/graphs
                        bench/layout/make-graphs.py --stress /tmp/stress
"""
import random
import sys
from pathlib import Path


class Graph:
    def __init__(self):
        self.ops = []
        self.edges = []

    def node(self, op, *inputs):
        self.ops.append(op)
        v = len(self.ops) - 1
        for u in inputs:
            self.edges.append((u, v))
        return v

    def write(self, path):
        with open(path, "w") as f:
            f.write("digraph G {\n")
            for i, op in enumerate(self.ops):
                f.write(f'  n{i} [label="{op}"];\n')
            for u, v in self.edges:
                f.write(f"  n{u} -> n{v};\n")
            f.write("}\n")


def resnet(target, rng):
    g = Graph()
    x = g.node("Input")
    while len(g.ops) < target:
        skip = x
        for _ in range(rng.randint(2, 3)):
            x = g.node("Conv", x)
            x = g.node("Relu", x)
        if rng.random() < 0.3:
            skip = g.node("Conv", skip)
        x = g.node("Add", x, skip)
        x = g.node("Relu", x)
    g.node("Output", x)
    return g


def inception(target, rng):
    g = Graph()
    x = g.node("Input")
    while len(g.ops) < target:
        outs = []
        for depth in (1, 2, 3, rng.randint(1, 3)):
            y = x
            for _ in range(depth):
                y = g.node(rng.choice(["Conv", "Conv", "MaxPool"]), y)
                y = g.node("Relu", y)
            outs.append(y)
        x = g.node("Concat", *outs)
    g.node("Output", x)
    return g


def transformer(target, rng):
    g = Graph()
    x = g.node("Input")
    mask = g.node("Input")
    while len(g.ops) < target:
        ln = g.node("LayerNormalization", x)
        q = g.node("Transpose", g.node("Reshape", g.node("MatMul", ln)))
        k = g.node("Transpose", g.node("Reshape", g.node("MatMul", ln)))
        v = g.node("Transpose", g.node("Reshape", g.node("MatMul", ln)))
        s = g.node("Div", g.node("MatMul", q, k))
        s = g.node("Softmax", g.node("Add", s, mask))
        a = g.node("MatMul", g.node("Reshape", g.node("Transpose", g.node("MatMul", s, v))))
        x = g.node("Add", x, a)
        ln = g.node("LayerNormalization", x)
        h = g.node("MatMul", g.node("Gelu", g.node("MatMul", ln)))
        x = g.node("Add", x, h)
    g.node("Output", x)
    return g


def fanout(target, rng):
    g = Graph()
    shared = g.node("Input")
    x = g.node("Input")
    while len(g.ops) < target:
        x = g.node("Add", x, shared)
    g.node("Output", x)
    return g


def random_dag(target, rng):
    g = Graph()
    g.node("Input")
    while len(g.ops) < target:
        n = len(g.ops)
        g.node("Op", *rng.sample(range(n), min(n, 3)))
    return g


def bipartite(target, rng):
    g = Graph()
    shared = [g.node("Input") for _ in range(3)]
    while len(g.ops) < target + 3:
        g.node("Op", *shared)
    return g


def main():
    args = sys.argv[1:]
    stress = "--stress" in args
    args = [a for a in args if a != "--stress"]
    out = Path(args[0] if args else "graphs")
    out.mkdir(parents=True, exist_ok=True)
    if stress:
        fanout(10000, random.Random(1)).write(out / "fanout-10k.dot")
        random_dag(10000, random.Random(1)).write(out / "random-10k.dot")
        bipartite(10000, random.Random(1)).write(out / "bipartite-10k.dot")
        return
    for family in (resnet, inception, transformer):
        for size in (1000, 5000, 10000):
            rng = random.Random(size)
            family(size, rng).write(out / f"{family.__name__}-{size // 1000}k.dot")


main()
