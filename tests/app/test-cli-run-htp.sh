#!/bin/sh
# test-cli-run-htp.sh — `lathe-cli run --backend htp` on the digits model:
# calibrated with `calibrate`, its outputs are those of the QDQ export run
# on the CPU within one output step, the project's encodings serve with
# --project, and bad encodings, an op the NPU cannot run or a bad command
# line are refused before anything is written.
. "$(dirname "$0")/tap.sh"

echo "1..5"

digits="$LATHE_SOURCE_DIR/tests/data/digits"
echo "$digits/train-images.npy" >"$tmp/train.txt"
echo "$digits/heldout-images.npy" >"$tmp/heldout.txt"
"$LATHE_CLI" calibrate "$digits/digits-cnn.onnx" --data "$tmp/train.txt" --per-channel --weight-symmetric \
  --method percentile -o "$tmp/enc.json" >/dev/null || exit 1

run () {
  "$LATHE_CLI" run "$@" >"$tmp/out" 2>"$tmp/err"
}

# The largest difference between two logits.raw files, in steps of the
# logits' encoding in $tmp/enc.json; prints it and fails above one step.
within_one_step () {
  "$PYTHON" - "$1" "$2" "$tmp/enc.json" <<'PY'
import json, sys
import numpy as np
a = np.fromfile(sys.argv[1], dtype=np.float32)
b = np.fromfile(sys.argv[2], dtype=np.float32)
step = json.load(open(sys.argv[3]))["activation_encodings"]["logits"][0]["scale"]
worst = np.abs(a - b).max() / step
print(f"# {a.size} logits, largest difference {worst:.3g} steps")
sys.exit(0 if a.size == b.size and a.size > 0 and worst <= 1 + 1e-5 else 1)
PY
}

description="run --backend htp matches the QDQ export run on the CPU within one step"
matches_qdq () {
  run "$digits/digits-cnn.onnx" --backend htp --encodings "$tmp/enc.json" --input-list "$tmp/heldout.txt" \
    --output-dir "$tmp/htp" --json || return 1
  grep -q '"backend":[[:space:]]*"htp"' "$tmp/out" || return 1
  "$LATHE_CLI" export-qdq "$digits/digits-cnn.onnx" --encodings "$tmp/enc.json" -o "$tmp/qdq.onnx" >/dev/null || return 1
  run "$tmp/qdq.onnx" --input-list "$tmp/heldout.txt" --output-dir "$tmp/qdq" || return 1
  within_one_step "$tmp/htp/Result_0/logits.raw" "$tmp/qdq/Result_0/logits.raw"
}
check matches_qdq

description="--project takes the project's encodings"
project_ok () {
  "$LATHE_CLI" project new "$digits/digits-cnn.onnx" -o "$tmp/p.lathe" >/dev/null || return 1
  "$LATHE_CLI" project import-encodings "$tmp/p.lathe" "$tmp/enc.json" >/dev/null || return 1
  run --project "$tmp/p.lathe" --backend htp --input-list "$tmp/heldout.txt" --output-dir "$tmp/proj" || return 1
  cmp "$tmp/htp/Result_0/logits.raw" "$tmp/proj/Result_0/logits.raw"
}
check project_ok

description="encodings without an activation's entry: the tensor is named, nothing is written"
missing_ok () {
  "$PYTHON" - "$tmp/enc.json" "$tmp/missing.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
del e["activation_encodings"]["/Relu_output_0"]
json.dump(e, open(sys.argv[2], "w"))
PY
  ! run "$digits/digits-cnn.onnx" --backend htp --encodings "$tmp/missing.json" --input-list "$tmp/heldout.txt" \
    --output-dir "$tmp/missing" &&
    grep -q '/Relu_output_0.*no encoding' "$tmp/err" && [ ! -e "$tmp/missing" ]
}
check missing_ok

description="an op the NPU cannot run: the node and the op are named, nothing is written"
unsupported_ok () {
  exp="$LATHE_ONNX_TESTDATA/node/test_exp"
  cat >"$tmp/exp.json" <<'JSON'
{"version": "0.6.1",
 "activation_encodings": {
   "x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "max": 2.0, "min": -2.0, "offset": -128, "scale": 0.015686275}],
   "y": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "max": 8.0, "min": 0.0, "offset": 0, "scale": 0.031372549}]},
 "param_encodings": {}}
JSON
  "$PYTHON" - "$exp/test_data_set_0/input_0.pb" "$tmp/exp.npy" <<'PY'
import sys
import numpy as np
import onnx
from onnx import numpy_helper
np.save(sys.argv[2], numpy_helper.to_array(onnx.load_tensor(sys.argv[1])))
PY
  echo "$tmp/exp.npy" >"$tmp/exp.txt"
  ! run "$exp/model.onnx" --backend htp --encodings "$tmp/exp.json" --input-list "$tmp/exp.txt" \
    --output-dir "$tmp/exp-out" &&
    grep -q 'Exp is not supported on the NPU' "$tmp/err" && [ ! -e "$tmp/exp-out" ]
}
check unsupported_ok

description="--backend other than cpu or htp, htp without encodings, encodings without htp: usage errors"
usage_ok () {
  run "$digits/digits-cnn.onnx" --backend gpu --input-list "$tmp/heldout.txt"
  [ $? -eq 2 ] || return 1
  run "$digits/digits-cnn.onnx" --backend htp --input-list "$tmp/heldout.txt"
  [ $? -eq 2 ] || return 1
  run "$digits/digits-cnn.onnx" --encodings "$tmp/enc.json" --input-list "$tmp/heldout.txt"
  [ $? -eq 2 ]
}
check usage_ok

exit $failed
