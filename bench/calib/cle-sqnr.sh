#!/bin/sh
# cle-sqnr.sh — what cross-layer equalization does to quantization error:
# the SQNR of a model's outputs (lathe-cli analyze, "outputs.sqnr_db") with
# per-tensor weights of each bitwidth given, for the model as it is and
# after --cle, --cle --cle-relu6-to-relu and that with
# --cle-absorb-high-bias.  Each variant is calibrated on CALIB and analyzed
# on HELDOUT, with only the weights quantized (--mode weights) and with
# weights and 8-bit activations (--mode all).  A variant's SQNR is against
# its own written model in float; the last column is how far that float
# model's outputs moved from the original's (max |Δ| / max |y| over
# HELDOUT's samples: 0 for a change that keeps the function).  Asserts
# nothing.
#
# Variants: none, cle (--cle), relu6-only (the Clips that
# --cle-relu6-to-relu replaces made Relu, nothing equalized: the baseline
# with the same float function as the next two), cle+relu6 (--cle
# --cle-relu6-to-relu), cle+relu6+absorb (and --cle-absorb-high-bias);
# "clips" is the number of Clips replaced, or with --cle alone of pairs a
# Clip kept apart.
#
# Usage: bench/calib/cle-sqnr.sh LATHE_CLI MODEL CALIB HELDOUT [BITS...]
#   CALIB, HELDOUT: folders of .npy samples for the model's one input.
set -eu
cli=$1 model=$2 calib=$3 heldout=$4
shift 4
[ $# -gt 0 ] || set -- 4 8
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field () {
  "$python" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))' "$1" "$2"
}

# Float outputs of a model on HELDOUT, one .npy per sample, under $work/$2.
outputs () {
  for f in "$heldout"/*.npy; do readlink -f "$f"; done >"$work/list.txt"
  "$cli" run "$1" --input-list "$work/list.txt" --output-dir "$work/$2" --npy >/dev/null
}

moved () {
  "$python" - "$work/original" "$work/$1" <<'PY'
import glob, os, sys
import numpy as np
diff = scale = 0.0
for a in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.npy"), recursive=True)):
    x = np.load(a)
    y = np.load(a.replace(sys.argv[1], sys.argv[2], 1))
    diff, scale = max(diff, float(np.abs(x - y).max())), max(scale, float(np.abs(x).max()))
print(f"{diff / scale:.2e}")
PY
}

# MODEL with the Clips that $1 (written with --cle-relu6-to-relu) made Relu
# made Relu here too, without equalization: the same float function.
relu_only () {
  "$python" - "$model" "$1" "$2" <<'PY'
import sys
import onnx
relu = {n.output[0] for n in onnx.load(sys.argv[2]).graph.node if n.op_type == "Relu"}
model = onnx.load(sys.argv[1])
for n in model.graph.node:
    if n.op_type == "Clip" and n.output[0] in relu:
        n.op_type = "Relu"
        del n.input[1:]
        del n.attribute[:]
onnx.save(model, sys.argv[3])
PY
}

outputs "$model" original
printf '%-18s %4s %6s %6s %6s %12s %12s %10s\n' variant bits folded pairs clips "sqnr weights" "sqnr all" "f32 moved"
for bits in "$@"; do
  for variant in none cle relu6-only cle+relu6 cle+relu6+absorb; do
    case $variant in
      none | relu6-only) opts="" ;;
      cle) opts="--cle" ;;
      cle+relu6) opts="--cle --cle-relu6-to-relu" ;;
      cle+relu6+absorb) opts="--cle --cle-relu6-to-relu --cle-absorb-high-bias" ;;
    esac
    m=$model folded=- pairs=- clips=- delta=0
    if [ "$variant" = relu6-only ]; then
      "$cli" calibrate "$model" --data "$calib" --cle --cle-relu6-to-relu --model-out "$work/probe.onnx" \
        -o "$work/probe.json" >/dev/null 2>&1
      m=$work/$variant.onnx
      relu_only "$work/probe.onnx" "$m"
    fi
    if [ -n "$opts" ]; then
      m=$work/$variant.onnx
      # shellcheck disable=SC2086
      "$cli" calibrate "$model" --data "$calib" --weight-bitwidth "$bits" $opts --model-out "$m" \
        -o "$work/enc.json" --json >"$work/cal.json" 2>/dev/null
      folded=$(field "$work/cal.json" folded_batchnorms)
      pairs=$(field "$work/cal.json" equalized_pairs)
      clips=$(field "$work/cal.json" "clips_replaced or clip_pairs_left_out")
    else
      "$cli" calibrate "$m" --data "$calib" --weight-bitwidth "$bits" -o "$work/enc.json" >/dev/null 2>&1
    fi
    if [ "$m" != "$model" ]; then
      outputs "$m" "$variant"
      delta=$(moved "$variant")
    fi
    for mode in weights all; do
      "$cli" analyze "$m" --encodings "$work/enc.json" --data "$heldout" --mode $mode --json >"$work/a-$mode.json"
    done
    printf '%-18s %4s %6s %6s %6s %12.2f %12.2f %10s\n' "$variant" "$bits" "$folded" "$pairs" \
      "$clips" "$(field "$work/a-weights.json" "outputs['sqnr_db']")" "$(field "$work/a-all.json" "outputs['sqnr_db']")" "$delta"
  done
done
