#!/bin/sh
# ort-qdq-check.sh — by hand, not a CI test: exports the digits model with
# lathe-cli export-qdq (int8 per-channel weights, int32 biases, uint8 input
# and output), runs the held-out split through the QDQ model on Lathe's
# engine (lathe-cli run) and on ONNX Runtime, and prints the largest
# difference of the outputs in output quantization steps.
#
# Needs: a build in _build, Debian's python3-onnx, node and
# `cd bench && npm install --ignore-scripts onnxruntime-node`.
# Usage: bench/qdq/ort-qdq-check.sh  (from the source root)
set -eu
src=$(pwd)
cli="$src/_build/app/cli/lathe-cli"
data="$src/tests/data/digits"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The output's range: the float logits of the same split.
range=$(/usr/bin/python3 -c "import numpy as np; l=np.load('$data/torch-logits.npy'); print(l.min(), l.max())")
/usr/bin/python3 "$src/bench/qdq/make-weight-encodings.py" "$data/digits-cnn.onnx" 0 1 $range > "$work/digits.encodings"
"$cli" export-qdq "$data/digits-cnn.onnx" --encodings "$work/digits.encodings" -o "$work/digits-qdq.onnx"
echo "$data/heldout-images.npy" > "$work/list.txt"
"$cli" run "$work/digits-qdq.onnx" --input-list "$work/list.txt" --output-dir "$work/out" --npy > /dev/null
step=$(/usr/bin/python3 -c "import json; e=json.load(open('$work/digits.encodings')); print(e['activation_encodings'][1]['scale'][0])")
cd "$src/bench"
node qdq/ort-run.js "$work/digits-qdq.onnx" "$data/heldout-images.npy" "$work/out/Result_0/logits.npy" "$step"
