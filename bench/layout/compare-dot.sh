#!/bin/sh
# compare-dot.sh — crossings of Graphviz dot on the benchmark graphs, next to
# Lathe's (bench-layout).  dot's count is the final one its mincross phase
# prints with -v; edge routing is switched off (-Gsplines=false) because it
# does not change the crossings, and dot is stopped once mincross is done:
# the times are dot's time to that point.
# Usage: bench/layout/compare-dot.sh BUILD_DIR [GRAPH.dot…]
build=${1:?build directory}
shift
[ $# -gt 0 ] || set -- "$(dirname "$0")"/graphs/*.dot
"$build/bench/layout/bench-layout" "$@"
echo
printf '%-24s %10s %10s\n' graph "dot s" "dot cross"
for g in "$@"; do
  start=$(date +%s.%N)
  # sed quits at dot's final mincross line; dot then stops on the closed pipe
  cross=$(timeout 900 dot -v -Gsplines=false -Tplain "$g" 2>&1 >/dev/null |
          sed -n '/^mincross G: /{s/^mincross G: \([0-9]*\) crossings.*/\1/p;q}')
  end=$(date +%s.%N)
  printf '%-24s %10.1f %10s\n' "$(basename "$g")" "$(echo "$end - $start" | bc)" "${cross:-timeout}"
done
