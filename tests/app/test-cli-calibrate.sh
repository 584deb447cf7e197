#!/bin/sh
# test-cli-calibrate.sh — `lathe-cli calibrate` and `stats merge` on the demo
# model with generated .npy samples: three shards merged give the same
# encodings file byte for byte as one run (for two methods); an input list
# gives what the folder gives; a bad sample is named and kept out; merges
# and command lines that cannot be right are refused; --cle and
# --bias-correction write a model whose encodings the run gives; on a
# Conv → BatchNormalization → ReLU6 chain --cle folds the normalizations,
# counts the pairs ReLU6 keeps apart and equalizes them only with
# --cle-relu6-to-relu.
. "$(dirname "$0")/tap.sh"

echo "1..8"

mkdir "$tmp/data"
"$PYTHON" - "$tmp/data" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(20261124)
for i in range(7):
    x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32) * (1 + i)
    np.save(f"{sys.argv[1]}/sample{i}.npy", x)
PY

cal () {
  "$LATHE_CLI" calibrate "$model" --threads 2 "$@" >"$tmp/out" 2>"$tmp/err"
}

description="3 shards merged give the single run's encodings, byte for byte (minmax and mse)"
shards_ok () {
  for method in minmax mse; do
    cal --data "$tmp/data" --method $method --per-channel -o "$tmp/single-$method.json" || return 1
  done
  for k in 1 2 3; do
    cal --data "$tmp/data" --shard $k/3 --stats-out "$tmp/shard$k.json" || return 1
  done
  "$LATHE_CLI" stats merge "$tmp/shard3.json" "$tmp/shard1.json" "$tmp/shard2.json" -o "$tmp/merged.json" \
    >/dev/null || return 1
  for method in minmax mse; do
    cal --from-stats "$tmp/merged.json" --method $method --per-channel -o "$tmp/merged-$method.json" || return 1
    cmp "$tmp/single-$method.json" "$tmp/merged-$method.json" || return 1
  done
  ! cmp -s "$tmp/single-minmax.json" "$tmp/single-mse.json"
}
check shards_ok

description="an input list gives the same encodings as the folder"
list_ok () {
  (cd "$tmp/data" && ls sample*.npy) >"$tmp/input_list.txt"
  sed -i 's|^|data/|' "$tmp/input_list.txt"
  cal --data "$tmp/input_list.txt" --per-channel -o "$tmp/list.json" || return 1
  cmp "$tmp/single-minmax.json" "$tmp/list.json"
}
check list_ok

description="a truncated sample is named on stderr and kept out of the statistics"
bad_sample_ok () {
  head -c 1000 "$tmp/data/sample0.npy" >"$tmp/data/sample9.npy"
  cal --data "$tmp/data" --per-channel -o "$tmp/with-bad.json" || return 1
  grep -q 'sample9.npy' "$tmp/err" && grep -q '^7 samples used, 1 refused' "$tmp/out" &&
    cmp "$tmp/single-minmax.json" "$tmp/with-bad.json"
}
check bad_sample_ok

description="merging a shard twice is refused, naming the file"
duplicate_ok () {
  ! "$LATHE_CLI" stats merge "$tmp/shard1.json" "$tmp/shard2.json" "$tmp/shard1.json" -o "$tmp/dup.json" \
    2>"$tmp/err" && grep -q 'shard1.json.*shard 1/3' "$tmp/err" && [ ! -e "$tmp/dup.json" ]
}
check duplicate_ok

description="statistics of another model are refused"
other_model_ok () {
  sed 's/"model_sha256":"[0-9a-f]*"/"model_sha256":"00"/' "$tmp/merged.json" >"$tmp/other.json"
  ! cal --from-stats "$tmp/other.json" -o "$tmp/x.json" && grep -q 'another model' "$tmp/err"
}
check other_model_ok

description="bad command lines exit with status 2"
usage_ok () {
  cal --data "$tmp/data" --shard 0/3 -o "$tmp/x.json"
  [ $? -eq 2 ] || return 1
  cal --data "$tmp/data" --method median -o "$tmp/x.json"
  [ $? -eq 2 ] || return 1
  cal --data "$tmp/data"
  [ $? -eq 2 ] || return 1
  cal --data "$tmp/data" --weight-bitwidth 3 -o "$tmp/x.json"
  [ $? -eq 2 ] || return 1
  cal --data "$tmp/data" --cle -o "$tmp/x.json"
  [ $? -eq 2 ] || return 1
  cal --from-stats "$tmp/merged.json" --bias-correction --model-out "$tmp/m.onnx" -o "$tmp/x.json"
  [ $? -eq 2 ] && [ ! -e "$tmp/m.onnx" ] || return 1
  # An input_specs.json with an unknown field fails naming the file and field.
  echo '{"image": {"colour": "bgr"}}' >"$tmp/specs.json"
  cal --data "$tmp/data" --input-specs "$tmp/specs.json" -o "$tmp/x.json"
  [ $? -eq 1 ] && grep -q "specs.json: image: colour" "$tmp/err" && [ ! -e "$tmp/x.json" ]
}
check usage_ok

description="--cle --bias-correction write the changed model; the encodings are the written model's"
techniques_ok () {
  cal --data "$tmp/data" --cle --bias-correction --json -o "$tmp/eq.json" --model-out "$tmp/eq.onnx" || return 1
  grep -q '"equalized_pairs":[[:space:]]*1' "$tmp/out" || return 1
  grep -q '"corrected_biases":[[:space:]]*3' "$tmp/out" || return 1
  "$LATHE_CLI" lint-encodings "$tmp/eq.onnx" "$tmp/eq.json" >/dev/null || return 1
  # The weights changed, so their encodings differ from the original model's.
  cal --data "$tmp/data" -o "$tmp/plain.json" || return 1
  ! cmp -s "$tmp/eq.json" "$tmp/plain.json"
}
check techniques_ok

description="--cle folds BatchNormalization; ReLU6 pairs are counted, and equalized with --cle-relu6-to-relu"
cal_chain () {
  "$LATHE_CLI" calibrate "$LATHE_SOURCE_DIR/tests/app/bn-relu6-chain.onnx" --threads 2 "$@" >"$tmp/out" 2>"$tmp/err"
}
relu6_ok () {
  mkdir "$tmp/small" || return 1
  "$PYTHON" -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(1).uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32))" \
    "$tmp/small/s0.npy" || return 1
  cal_chain --data "$tmp/small" --cle-relu6-to-relu --model-out "$tmp/r.onnx" -o "$tmp/r.json"
  [ $? -eq 2 ] && [ ! -e "$tmp/r.onnx" ] || return 1
  # A run that fails after equalizing leaves no model behind.
  cal_chain --data "$tmp/no-such-folder" --cle --model-out "$tmp/r.onnx" -o "$tmp/r.json"
  [ $? -eq 1 ] && [ ! -e "$tmp/r.onnx" ] || return 1
  cal_chain --data "$tmp/small" --cle --model-out "$tmp/f.onnx" -o "$tmp/f.json" || return 1
  grep -q "3 BatchNormalizations folded, 0 layer pairs equalized" "$tmp/out" || return 1
  grep -q "2 pairs left out because a Clip.*--cle-relu6-to-relu" "$tmp/out" || return 1
  cal_chain --data "$tmp/small" --cle --cle-relu6-to-relu --json \
    --model-out "$tmp/r.onnx" -o "$tmp/r.json" || return 1
  grep -q '"equalized_pairs":[[:space:]]*2' "$tmp/out" && grep -q '"clips_replaced":[[:space:]]*2' "$tmp/out" || return 1
  "$LATHE_CLI" lint-encodings "$tmp/r.onnx" "$tmp/r.json" >/dev/null
}
check relu6_ok

exit $failed
