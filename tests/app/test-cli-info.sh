#!/bin/sh
# test-cli-info.sh — `lathe-cli info` on the demo model (text and JSON),
# and its failures on a missing and a corrupt file.
set -u

model="$LATHE_SOURCE_DIR/resources/demo/small-cnn.onnx"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

check () {
  n=$((n + 1))
  if "$@"; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    failed=1
  fi
}

echo "1..6"

description="text output names the input, the output and the node count"
text_ok () {
  "$LATHE_CLI" info "$model" >"$tmp/text" 2>"$tmp/err" || return 1
  grep -q 'image .*float .*1x3x224x224' "$tmp/text" &&
    grep -q 'logits .*float .*1x10' "$tmp/text" &&
    grep -Eq '^[A-Za-z ]+ +7$' "$tmp/text" &&
    grep -Eq 'Conv +2$' "$tmp/text"
}
check text_ok

description="JSON: format, node count, parameters, MACs per node and in total"
json_ok () {
  "$LATHE_CLI" info --json "$model" >"$tmp/json" 2>"$tmp/err" || return 1
  "$PYTHON" - "$tmp/json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "lathe-info" and d["version"] == 1, d
assert d["node_count"] == 7, d["node_count"]
assert d["ir_version"] == 8 and d["opsets"] == [{"domain": "", "version": 13}], d
# conv1 32x3x3x3 + 32, conv2 64x32x3x3 + 64, fc 10x64 + 10
params = 32 * 27 + 32 + 64 * 288 + 64 + 640 + 10
assert d["parameters"] == {"count": params, "bytes": 4 * params}, d["parameters"]
macs = {m["node"]: m["macs"] for m in d["macs_per_node"]}
assert macs["conv1"] == 1 * 32 * 224 * 224 * 27, macs
assert macs["conv2"] == 1 * 64 * 224 * 224 * 288, macs
assert macs["fc"] == 10 * 64, macs
assert d["macs"] == sum(macs.values()) and d["macs_partial"] == d["macs"], d
assert d["macs_unknown_nodes"] == 0 and d["unknown_ops"] == [], d
assert d["inputs"] == [{"name": "image", "dtype": "float", "shape": [1, 3, 224, 224]}], d["inputs"]
assert d["outputs"] == [{"name": "logits", "dtype": "float", "shape": [1, 10]}], d["outputs"]
assert {o["op_type"]: o["count"] for o in d["ops"]} == {
    "Conv": 2, "Relu": 2, "GlobalAveragePool": 1, "Flatten": 1, "Gemm": 1}, d["ops"]
PY
}
check json_ok

description="symbolic batch: MACs null with a partial sum, shapes keep the symbol"
symbolic_ok () {
  "$PYTHON" - "$model" "$tmp/batch.onnx" <<'PY' || return 1
import sys, onnx
m = onnx.load(sys.argv[1])
m.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
del m.graph.output[0].type.tensor_type.shape.dim[:]
m.graph.node.append(onnx.helper.make_node("FancyOp", ["logits"], ["extra"], domain="com.example"))
m.opset_import.append(onnx.helper.make_opsetid("com.example", 1))
onnx.save(m, sys.argv[2])
PY
  "$LATHE_CLI" info --json "$tmp/batch.onnx" >"$tmp/batch.json" 2>"$tmp/err" || return 1
  "$PYTHON" - "$tmp/batch.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["macs"] is None and d["macs_unknown_nodes"] == 3 and d["macs_partial"] == 0, d
assert all(m["macs"] is None for m in d["macs_per_node"]), d["macs_per_node"]
assert d["inputs"][0]["shape"] == ["N", 3, 224, 224], d["inputs"]
assert d["outputs"][0]["shape"] == ["N", 10], d["outputs"]
assert d["unknown_ops"] == [{"op_type": "FancyOp", "domain": "com.example", "count": 1}], d["unknown_ops"]
PY
}
check symbolic_ok

description="a missing file exits 1 naming the file"
missing_ok () {
  "$LATHE_CLI" info "$tmp/does-not-exist.onnx" >/dev/null 2>"$tmp/err"
  [ $? -eq 1 ] && grep -q 'does-not-exist.onnx' "$tmp/err"
}
check missing_ok

description="a corrupt file exits 1 naming the file"
corrupt_ok () {
  head -c 300 "$model" >"$tmp/truncated.onnx"
  printf '\377\377\377\377garbage' >>"$tmp/truncated.onnx"
  "$LATHE_CLI" info --json "$tmp/truncated.onnx" >/dev/null 2>"$tmp/err"
  [ $? -eq 1 ] && grep -q 'truncated.onnx' "$tmp/err"
}
check corrupt_ok

description="a shape contradiction exits 1 naming the file and the node"
contradiction_ok () {
  "$PYTHON" - "$model" "$tmp/bad.onnx" <<'PY' || return 1
import sys, onnx
m = onnx.load(sys.argv[1])
m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = 4
onnx.save(m, sys.argv[2])
PY
  "$LATHE_CLI" info "$tmp/bad.onnx" >/dev/null 2>"$tmp/err"
  [ $? -eq 1 ] && grep -q 'bad.onnx' "$tmp/err" && grep -q 'conv1' "$tmp/err" && grep -q '1x4x224x224' "$tmp/err"
}
check contradiction_ok

exit $failed
