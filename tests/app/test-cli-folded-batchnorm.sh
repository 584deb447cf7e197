#!/bin/sh
# test-cli-folded-batchnorm.sh — a model that keeps its BatchNormalization
# nodes (bn-relu6-chain.onnx: three Conv → BatchNormalization pairs, whose
# Conv outputs c1, c2, c3 the engine folds away): calibrate leaves those
# three without an encoding and says so once instead of warning about each;
# the statistics file lists them, shards merged give the same encodings
# and shards that disagree on them are refused; lint-encodings notes them
# as needing no encoding; analyze says they have no row; export-qdq puts
# no Q/DQ on them and the exported model runs close to float32; the htp
# runner, which cannot run BatchNormalization, names the normalization (not
# a folded value's missing encoding), and runs the model --cle folded.
# Calibrate warns once that the weight encodings describe unfolded weights;
# --fold-batchnorm --model-out writes the model folded, computing the same
# outputs, whose weight encodings cover W·s and which draws no warning.
. "$(dirname "$0")/tap.sh"

echo "1..9"

chain="$LATHE_SOURCE_DIR/tests/app/bn-relu6-chain.onnx"
mkdir "$tmp/data"
"$PYTHON" - "$tmp/data" <<'PY'
import sys
import numpy as np
for i in range(4):
    x = np.random.default_rng(i).standard_normal((1, 3, 16, 16)).astype(np.float32)
    np.save(f"{sys.argv[1]}/s{i}.npy", x)
PY

cal () {
  "$LATHE_CLI" calibrate "$chain" --threads 2 "$@" >"$tmp/out" 2>"$tmp/err"
}

# The one warning that weight encodings describe unfolded weights, and
# nothing else on stderr.
only_unfolded_warning () {
  [ "$(grep -c 'weight encodings describe the Conv weights before the BatchNormalization' "$tmp/err")" -eq 1 ] &&
    grep -q -- '--fold-batchnorm --model-out FILE writes a model whose weight encodings match' "$tmp/err" &&
    [ "$(wc -l <"$tmp/err")" -eq 1 ]
}

# Whether an encodings file names any of the folded values.
names_folded () {
  grep -q '"c[123]"' "$1"
}

description="calibrate: no warning per folded value, one note, one unfolded-weights warning, a JSON count"
note_ok () {
  cal --data "$tmp/data" -o "$tmp/single.json" --stats-out "$tmp/single-stats.json" || return 1
  ! grep -q 'no finite value seen' "$tmp/err" || return 1
  only_unfolded_warning || return 1
  [ "$(grep -c 'folded into' "$tmp/out")" -eq 1 ] || return 1
  grep -q "^3 Conv outputs folded into their BatchNormalization have no encoding (as in QNN's converted graph)" \
    "$tmp/out" || return 1
  ! names_folded "$tmp/single.json" || return 1
  grep -q '"n1"' "$tmp/single.json" || return 1
  cal --data "$tmp/data" -o "$tmp/single.json" --json || return 1
  grep -q '"folded_activations":[[:space:]]*3' "$tmp/out"
}
check note_ok

description="the statistics list the folded values; merged shards encode as one run, without warnings"
merge_ok () {
  "$PYTHON" -c "import json, sys; assert json.load(open(sys.argv[1]))['folded'] == ['c1', 'c2', 'c3']" \
    "$tmp/single-stats.json" || return 1
  for k in 1 2; do
    cal --data "$tmp/data" --shard $k/2 --stats-out "$tmp/shard$k.json" || return 1
  done
  "$LATHE_CLI" stats merge "$tmp/shard2.json" "$tmp/shard1.json" -o "$tmp/merged.json" >/dev/null || return 1
  cal --from-stats "$tmp/merged.json" -o "$tmp/merged-enc.json" || return 1
  only_unfolded_warning && grep -q "^3 Conv outputs folded" "$tmp/out" || return 1
  cmp "$tmp/single.json" "$tmp/merged-enc.json"
}
check merge_ok

description="shards that disagree on the folded values are refused; a bad 'folded' field is named"
refusals_ok () {
  "$PYTHON" - "$tmp" <<'PY' || return 1
import json, sys
d = json.load(open(f"{sys.argv[1]}/shard2.json"))
d["folded"] = ["c1", "c2"]
json.dump(d, open(f"{sys.argv[1]}/shard2-other.json", "w"))
d["folded"] = "c1"
json.dump(d, open(f"{sys.argv[1]}/shard2-bad.json", "w"))
PY
  "$LATHE_CLI" stats merge "$tmp/shard1.json" "$tmp/shard2-other.json" -o "$tmp/m.json" >/dev/null 2>"$tmp/err"
  [ $? -ne 0 ] && [ ! -e "$tmp/m.json" ] || return 1
  grep -q 'shard2-other.json: .*folded differs' "$tmp/err" || return 1
  "$LATHE_CLI" stats merge "$tmp/shard1.json" "$tmp/shard2-bad.json" -o "$tmp/m.json" >/dev/null 2>"$tmp/err"
  [ $? -ne 0 ] && [ ! -e "$tmp/m.json" ] && grep -q 'shard2-bad.json: folded: must be a list' "$tmp/err"
}
check refusals_ok

description="lint-encodings notes the folded values as needing no encoding, not as missing"
lint_ok () {
  "$LATHE_CLI" lint-encodings "$chain" "$tmp/single.json" >"$tmp/lint" || return 1
  for v in c1 c2 c3; do
    grep -q "^info: $v: folded into its BatchNormalization.*needs no encoding" "$tmp/lint" || return 1
  done
  ! grep -q 'activation without an encoding' "$tmp/lint"
}
check lint_ok

description="analyze has no row for the folded values and says so"
analyze_ok () {
  "$LATHE_CLI" analyze "$chain" --encodings "$tmp/single.json" --data "$tmp/data" --threads 2 \
    >"$tmp/table" 2>"$tmp/err" || return 1
  grep -q "^(3 Conv outputs folded into their BatchNormalization have no row" "$tmp/table" || return 1
  ! grep -q '^c[123] ' "$tmp/table" && grep -q '^n1 ' "$tmp/table" || return 1
  "$LATHE_CLI" analyze "$chain" --encodings "$tmp/single.json" --data "$tmp/data" --threads 2 --json \
    >"$tmp/table.json" || return 1
  "$PYTHON" -c "
import json, sys
r = json.load(open(sys.argv[1]))
assert r['folded_activations'] == 3
assert not {'c1', 'c2', 'c3'} & {t['name'] for t in r['tensors']}" "$tmp/table.json"
}
check analyze_ok

description="export-qdq puts no Q/DQ on the folded values; the model runs within 25 dB SQNR of float32"
qdq_ok () {
  "$LATHE_CLI" export-qdq "$chain" --encodings "$tmp/single.json" -o "$tmp/qdq.onnx" >/dev/null || return 1
  (cd "$tmp/data" && ls "$PWD"/s*.npy) >"$tmp/list.txt"
  "$LATHE_CLI" run "$chain" --input-list "$tmp/list.txt" --output-dir "$tmp/f32" --npy >/dev/null || return 1
  "$LATHE_CLI" run "$tmp/qdq.onnx" --input-list "$tmp/list.txt" --output-dir "$tmp/q" --npy >/dev/null || return 1
  "$PYTHON" - "$tmp" <<'PY'
import sys
import numpy as np
import onnx
tmp = sys.argv[1]
model = onnx.load(f"{tmp}/qdq.onnx")
quantized = {n.input[0] for n in model.graph.node if n.op_type == "QuantizeLinear"}
assert not quantized & {"c1", "c2", "c3"}, quantized
assert {"n1", "a1", "n2", "a2"} <= quantized, quantized
for i in range(4):
    ref = np.load(f"{tmp}/f32/Result_{i}/y.npy")
    got = np.load(f"{tmp}/q/Result_{i}/y.npy")
    sqnr = 10 * np.log10((ref ** 2).sum() / ((ref - got) ** 2).sum())
    assert 25 < sqnr < 200, sqnr
PY
}
check qdq_ok

description="htp: BatchNormalization is what the runner refuses; the model with it folded runs"
htp_ok () {
  "$LATHE_CLI" run "$chain" --backend htp --encodings "$tmp/single.json" --input-list "$tmp/list.txt" \
    --output-dir "$tmp/htp" >/dev/null 2>"$tmp/err"
  [ $? -eq 1 ] && grep -q 'bn1: BatchNormalization cannot run on the NPU' "$tmp/err" || return 1
  ! grep -q 'c1' "$tmp/err" || return 1
  cal --data "$tmp/data" --cle --model-out "$tmp/folded.onnx" -o "$tmp/folded.json" || return 1
  "$LATHE_CLI" run "$tmp/folded.onnx" --backend htp --encodings "$tmp/folded.json" --input-list "$tmp/list.txt" \
    --output-dir "$tmp/htp" >/dev/null
}
check htp_ok

description="--fold-batchnorm: no BatchNormalization left, same outputs, weight encodings of W·s, no warning"
fold_ok () {
  cal --data "$tmp/data" --fold-batchnorm --model-out "$tmp/fb.onnx" -o "$tmp/fb.json" || return 1
  [ ! -s "$tmp/err" ] || return 1
  grep -q '^3 BatchNormalizations folded into the Conv before them$' "$tmp/out" || return 1
  ! grep -q 'Conv outputs folded' "$tmp/out" || return 1
  cal --data "$tmp/data" --fold-batchnorm --model-out "$tmp/fb.onnx" -o "$tmp/fb.json" --json || return 1
  "$PYTHON" -c "import json, sys; assert json.load(open(sys.argv[1]))['folded_batchnorms'] == 3" "$tmp/out" || return 1
  "$LATHE_CLI" run "$tmp/fb.onnx" --input-list "$tmp/list.txt" --output-dir "$tmp/fb-out" --npy >/dev/null || return 1
  "$PYTHON" - "$tmp" "$chain" <<'PY'
import json, sys
import numpy as np
import onnx
from onnx import numpy_helper
tmp, chain = sys.argv[1], sys.argv[2]
folded = onnx.load(f"{tmp}/fb.onnx")
assert not [n for n in folded.graph.node if n.op_type == "BatchNormalization"]
for i in range(4):
    ref = np.load(f"{tmp}/f32/Result_{i}/y.npy")
    got = np.load(f"{tmp}/fb-out/Result_{i}/y.npy")
    assert np.abs(got - ref).max() <= 1e-5 * np.abs(ref).max(), i
# The folded weight of conv1 is W·s with s = scale / sqrt(var + epsilon).
original = onnx.load(chain)
init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in original.graph.initializer}
bn1 = next(n for n in original.graph.node if n.name == "bn1")
eps = next((a.f for a in bn1.attribute if a.name == "epsilon"), 1e-5)
s = init["bn1.scale"] / np.sqrt(init["bn1.var"] + eps)
w = init["conv1.w"] * s.reshape(-1, 1, 1, 1)
lo, hi = min(w.min(), 0.0), max(w.max(), 0.0)
enc = json.load(open(f"{tmp}/fb.json"))["param_encodings"]
assert not {"bn1.scale", "bn1.B", "bn1.mean", "bn1.var"} & set(enc), enc.keys()
e = enc["conv1.w"][0]
step = (hi - lo) / 255
assert abs(e["scale"] - step) <= 1e-5 * step, (e["scale"], step)
assert abs(e["min"] - lo) <= step and abs(e["max"] - hi) <= step, (e, lo, hi)
PY
}
check fold_ok

description="--fold-batchnorm without --model-out is refused, naming --model-out"
fold_refused_ok () {
  cal --data "$tmp/data" --fold-batchnorm -o "$tmp/refused.json"
  [ $? -eq 2 ] && [ ! -e "$tmp/refused.json" ] && grep -q -- '--fold-batchnorm.*give --model-out' "$tmp/err"
}
check fold_refused_ok

exit $failed
