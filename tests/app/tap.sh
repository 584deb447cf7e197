# tap.sh — sourced by the shell tests: a scratch folder $tmp removed on
# exit, the demo model's path in $model, and `check FUNCTION`, which runs a
# test function and prints its TAP line with $description.
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
