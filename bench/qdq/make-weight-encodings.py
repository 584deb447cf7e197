#!/usr/bin/python3
"""Writes a 1.0.0 encodings file for a float ONNX model, for checking
`lathe-cli export-qdq` against ONNX Runtime by hand (ort-qdq-check.sh).

Weights (initializers of rank >= 2): symmetric int8 per output channel
(axis 0).  Biases (rank 1): int32, scale max|b| / 2^30.  Activations: the
graph input and output only, uint8 over a range given on the command line
(min/max of the data the check runs).  Ops in between stay float.

Usage: make-weight-encodings.py MODEL.onnx IN_MIN IN_MAX OUT_MIN OUT_MAX > FILE
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def activation(name, lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    offset = round(lo / scale)
    return {"name": name, "dtype": "INT", "enc_type": "PER_TENSOR", "bw": 8,
            "is_sym": False, "scale": [scale], "offset": [offset]}


def main():
    model = onnx.load(sys.argv[1])
    in_min, in_max, out_min, out_max = map(float, sys.argv[2:6])
    params = []
    for init in model.graph.initializer:
        w = numpy_helper.to_array(init).astype(np.float64)
        if w.dtype.kind != "f" or w.ndim == 0:
            continue
        if w.ndim >= 2:
            m = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
            scales = [max(float(x) / 127.0, 1e-6) for x in m]
            params.append({"name": init.name, "dtype": "INT",
                           "enc_type": "PER_CHANNEL" if len(scales) > 1 else "PER_TENSOR",
                           "bw": 8, "is_sym": True, "scale": scales,
                           "offset": [-128] * len(scales)})
        else:
            scale = max(float(np.abs(w).max()), 1e-3) / 2.0 ** 30
            params.append({"name": init.name, "dtype": "INT", "enc_type": "PER_TENSOR",
                           "bw": 32, "is_sym": True, "scale": [scale], "offset": [-2 ** 31]})
    acts = [activation(model.graph.input[0].name, in_min, in_max),
            activation(model.graph.output[0].name, out_min, out_max)]
    json.dump({"version": "1.0.0", "activation_encodings": acts, "param_encodings": params},
              sys.stdout, indent=1)


if __name__ == "__main__":
    main()
