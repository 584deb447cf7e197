#!/bin/sh
# test-cli-project-encodings.sh — lathe-cli commands with --project: new →
# calibrate --project (one edit, the run recorded) → lint-encodings and
# export-qdq from the project → undo (no encodings) → redo; import and
# export of encodings files; a changed model file, a read-only and a locked
# project are refused with the project's error and leave it unchanged; an
# embedded project's model serves export-qdq.
. "$(dirname "$0")/tap.sh"

echo "1..8"

mkdir "$tmp/data"
"$PYTHON" - "$tmp/data" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(20261124)
for i in range(2):
    np.save(f"{sys.argv[1]}/sample{i}.npy", rng.standard_normal((1, 3, 224, 224)).astype(np.float32))
PY
cp "$model" "$tmp/model.onnx"
"$LATHE_CLI" project new "$tmp/model.onnx" -o "$tmp/p.lathe" >/dev/null

cli () {
  "$LATHE_CLI" "$@" >"$tmp/out" 2>"$tmp/err"
}

# The same encodings (0.6.1 files), whatever the order of the entries; the
# top-level bitwidth defaults are not kept in a project.
same_encodings () {
  "$PYTHON" - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sections = ("activation_encodings", "param_encodings")
sys.exit(any(a[s] != b[s] for s in sections) or not a["param_encodings"])
PY
}

n_edits () {
  "$LATHE_CLI" project log "$tmp/p.lathe" --json | "$PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

description="calibrate --project stores the encodings as one edit and records the run; -o still writes"
calibrate_ok () {
  cli calibrate --project "$tmp/p.lathe" --data "$tmp/data" --per-channel --threads 2 -o "$tmp/cal.json" || return 1
  [ "$(n_edits)" = 1 ] || return 1
  cli project log "$tmp/p.lathe" && grep -q 'calibrate: image: none → 8-bit int' "$tmp/out" || return 1
  cli project show "$tmp/p.lathe" && grep -q '^Calibration runs: 1$' "$tmp/out" || return 1
  cli project export-encodings "$tmp/p.lathe" --format 0.6.1 -o "$tmp/from-project.json" &&
    same_encodings "$tmp/cal.json" "$tmp/from-project.json" || return 1
  # convert-encodings reads the same encodings from the project
  cli convert-encodings --project "$tmp/p.lathe" --to 0.6.1 -o "$tmp/converted.json" &&
    same_encodings "$tmp/cal.json" "$tmp/converted.json"
}
check calibrate_ok

description="run takes the project's model; lint-encodings and export-qdq its encodings"
use_ok () {
  echo "$tmp/data/sample0.npy" >"$tmp/list.txt"
  "$LATHE_CLI" run "$tmp/model.onnx" --input-list "$tmp/list.txt" --output-dir "$tmp/run-model" >/dev/null || return 1
  cli run --project "$tmp/p.lathe" --input-list "$tmp/list.txt" --output-dir "$tmp/run-project" || return 1
  diff -r "$tmp/run-model" "$tmp/run-project" && [ -n "$(ls "$tmp/run-project/Result_0")" ] || return 1
  cli lint-encodings --project "$tmp/p.lathe" --json || return 1
  "$LATHE_CLI" export-qdq "$tmp/model.onnx" --encodings "$tmp/from-project.json" -o "$tmp/from-file.onnx" \
    >/dev/null || return 1
  cli export-qdq --project "$tmp/p.lathe" -o "$tmp/from-project.onnx" || return 1
  grep -q '6 weights and 8 activations quantized' "$tmp/out" && cmp "$tmp/from-file.onnx" "$tmp/from-project.onnx"
}
check use_ok

description="undo leaves no encodings (lint and export-qdq say so); redo brings them back"
undo_redo_ok () {
  cli project undo "$tmp/p.lathe" || return 1
  cli project show "$tmp/p.lathe" && grep -q '^Encodings: 0$' "$tmp/out" || return 1
  ! cli lint-encodings --project "$tmp/p.lathe" && grep -q 'holds no encodings' "$tmp/err" || return 1
  ! cli export-qdq --project "$tmp/p.lathe" -o "$tmp/none.onnx" && [ ! -e "$tmp/none.onnx" ] || return 1
  cli project redo "$tmp/p.lathe" || return 1
  cli project export-encodings "$tmp/p.lathe" --format 0.6.1 -o "$tmp/redone.json" &&
    same_encodings "$tmp/cal.json" "$tmp/redone.json"
}
check undo_redo_ok

description="import-encodings of a 2.0.0 file is one edit; export-encodings writes what was imported"
import_ok () {
  before=$(n_edits)
  "$LATHE_CLI" convert-encodings "$tmp/cal.json" --model "$tmp/model.onnx" --to 2.0.0 -o "$tmp/cal-2.0.0.json" \
    >/dev/null 2>&1 || return 1
  cli project import-encodings "$tmp/p.lathe" "$tmp/cal-2.0.0.json" || return 1
  [ "$(n_edits)" = $((before + 1)) ] || return 1
  cli project export-encodings "$tmp/p.lathe" --format 0.6.1 -o "$tmp/imported.json" &&
    same_encodings "$tmp/cal.json" "$tmp/imported.json"
}
check import_ok

description="MODEL and --project together, or neither, is a usage error"
usage_ok () {
  for cmd in run calibrate lint-encodings export-qdq; do
    cli $cmd "$tmp/model.onnx" --project "$tmp/p.lathe" --data "$tmp/data" --input-list x -o "$tmp/x"
    [ $? = 2 ] || return 1
  done
  cli export-qdq -o "$tmp/x.onnx"
  [ $? = 2 ]
}
check usage_ok

description="a read-only or locked project refuses calibrate and import-encodings with its error"
refused_ok () {
  before=$(n_edits)
  chmod a-w "$tmp/p.lathe"
  ! cli calibrate --project "$tmp/p.lathe" --data "$tmp/data" && grep -q 'p.lathe.*read-only' "$tmp/err" || return 1
  ! cli project import-encodings "$tmp/p.lathe" "$tmp/cal.json" && grep -q 'p.lathe.*read-only' "$tmp/err" || return 1
  chmod u+w "$tmp/p.lathe"
  ! flock "$tmp/p.lathe.lock" "$LATHE_CLI" calibrate --project "$tmp/p.lathe" --data "$tmp/data" 2>"$tmp/err" >/dev/null &&
    grep -q 'another running instance' "$tmp/err" || return 1
  ! flock "$tmp/p.lathe.lock" "$LATHE_CLI" project import-encodings "$tmp/p.lathe" "$tmp/cal.json" 2>"$tmp/err" &&
    grep -q 'another running instance' "$tmp/err" || return 1
  [ "$(n_edits)" = "$before" ]
}
check refused_ok

description="a project whose model file changed is refused, naming the file"
changed_model_ok () {
  before=$(n_edits)
  printf 'x' >>"$tmp/model.onnx"
  for cmd in "calibrate --data $tmp/data" "lint-encodings" "run --input-list x"; do
    ! cli $cmd --project "$tmp/p.lathe" && grep -q "model.onnx.*has changed" "$tmp/err" || return 1
  done
  [ "$(n_edits)" = "$before" ]
}
check changed_model_ok

description="an embedded project exports QDQ too; its extracted model is removed afterwards"
embedded_ok () {
  mkdir "$tmp/scratch"
  "$LATHE_CLI" project new "$model" -o "$tmp/embedded.lathe" --embed >/dev/null || return 1
  cli project import-encodings "$tmp/embedded.lathe" "$tmp/cal.json" || return 1
  TMPDIR="$tmp/scratch" cli export-qdq --project "$tmp/embedded.lathe" -o "$tmp/embedded.onnx" || return 1
  [ -s "$tmp/embedded.onnx" ] && [ -z "$(ls -A "$tmp/scratch")" ]
}
check embedded_ok

exit $failed
