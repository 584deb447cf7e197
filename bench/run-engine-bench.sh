#!/bin/sh
# run-engine-bench.sh — the engine benchmark, with ONNX Runtime side by side.
#
# Usage: bench/run-engine-bench.sh [BUILD_DIR]     (default: _build)
# Environment: RUNS (default 20), WARMUP (default 3), THREADS (default 1,2),
#              MODELS (default: the four generated ones), ROUNDS (default 1:
#              how many times each model runs on both engines in turn).
#
# Generates bench/models/ with bench/make-models.py when a model is missing,
# builds lathe-bench-engine in BUILD_DIR, runs every model at each thread
# count on Lathe, then on ONNX Runtime when bench/node_modules/onnxruntime-node
# is installed (cd bench && npm install --ignore-scripts onnxruntime-node),
# and prints per model and thread count: Lathe's and ORT's median latency
# and their ratio (Lathe / ORT; above 1 means Lathe is slower), and the same
# for the median CPU time per run, which a loaded machine disturbs less,
# then each engine's peak RSS.  With ROUNDS > 1 each figure is the smallest
# over the rounds (other work on the machine only ever adds time), RSS the
# largest.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/_build}
runs=${RUNS:-20}
warmup=${WARMUP:-3}
threads=${THREADS:-1,2}
models=${MODELS:-small-cnn mobilenetv2 resnet18 transformer}
rounds=${ROUNDS:-1}

for model in $models; do
  if [ ! -f "$here/models/$model.onnx" ]; then
    /usr/bin/python3 "$here/make-models.py" "$here/models"
    break
  fi
done
ninja -C "$build" bench/lathe-bench-engine >/dev/null

have_ort=no
if [ -d "$here/node_modules/onnxruntime-node" ] && command -v node >/dev/null 2>&1; then
  if node -e "require('$here/node_modules/onnxruntime-node')" >/dev/null 2>&1; then
    have_ort=yes
  else
    echo "onnxruntime-node is installed but does not load here (no native binary?): Lathe only" >&2
  fi
else
  echo "bench/node_modules/onnxruntime-node is not installed: Lathe only" >&2
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for model in $models; do
  path="$here/models/$model.onnx"
  round=0
  while [ "$round" -lt "$rounds" ]; do
    "$build/bench/lathe-bench-engine" --runs "$runs" --warmup "$warmup" --threads "$threads" "$path" |
      sed 's/^/lathe /' | tee -a "$results"
    if [ "$have_ort" = yes ]; then
      (cd "$here" && node ort-bench.js --runs "$runs" --warmup "$warmup" --threads "$threads" "$path") |
        sed 's/^/ort /' | tee -a "$results"
    fi
    round=$((round + 1))
  done
done

if [ "$have_ort" = yes ]; then
  echo
  echo "model threads lathe_median_ms ort_median_ms ratio lathe_cpu_ms ort_cpu_ms cpu_ratio lathe_rss_mib ort_rss_mib"
  awk '
    function keep_min (table, key, value) { if (!(key in table) || value + 0 < table[key] + 0) table[key] = value }
    function keep_max (table, key, value) { if (!(key in table) || value + 0 > table[key] + 0) table[key] = value }
    { engine = $1; key = ""; median = ""; cpu = ""; rss = "" }
    { for (i = 2; i <= NF; i++) {
        split ($i, kv, "=")
        if (kv[1] == "model" || kv[1] == "threads") key = key " " kv[2]
        if (kv[1] == "median_ms") median = kv[2]
        if (kv[1] == "cpu_ms") cpu = kv[2]
        if (kv[1] == "peak_rss_mib") rss = kv[2]
      }
      if (engine == "lathe") { keep_min (lathe, key, median); keep_min (lathe_cpu, key, cpu); keep_max (lathe_rss, key, rss) }
      else { keep_min (ort, key, median); keep_min (ort_cpu, key, cpu); keep_max (ort_rss, key, rss) }
      if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]
        if ((k in lathe) && (k in ort) && ort[k] > 0 && ort_cpu[k] > 0)
          printf "%s %s %s %.2f %s %s %.2f %s %s\n", substr (k, 2), lathe[k], ort[k], lathe[k] / ort[k],
                 lathe_cpu[k], ort_cpu[k], lathe_cpu[k] / ort_cpu[k], lathe_rss[k], ort_rss[k]
      }
    }' "$results"
fi
