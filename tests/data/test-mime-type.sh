#!/bin/sh
# test-mime-type.sh — the .lathe MIME type as update-mime-database reads it:
# the definition compiles, *.lathe maps to application/x-lathe-project, and
# its magic (SQLite header and application_id "LATH") is registered.
# Usage: test-mime-type.sh MIME.xml
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a data folder of its own, on the search path, so the tool has nothing
# to say about a valid file
mkdir -p "$tmp/mime/packages"
cp "$1" "$tmp/mime/packages/"
echo "1..3"
if XDG_DATA_HOME="$tmp" update-mime-database "$tmp/mime" >"$tmp/errors" 2>&1 && [ ! -s "$tmp/errors" ]; then
  echo "ok 1 update-mime-database accepts the definition"
else
  echo "not ok 1 update-mime-database: $(tr '\n' ' ' <"$tmp/errors")"
fi
if grep -q '^[0-9]*:application/x-lathe-project:\*\.lathe$' "$tmp/mime/globs2"; then
  echo "ok 2 *.lathe is application/x-lathe-project"
else
  echo "not ok 2 no *.lathe glob in globs2"
fi
if grep -aq 'application/x-lathe-project' "$tmp/mime/magic" && grep -aq "SQLite format 3" "$tmp/mime/magic" && grep -aq LATH "$tmp/mime/magic"; then
  echo "ok 3 the magic (SQLite header, application_id LATH) is registered"
else
  echo "not ok 3 no magic for application/x-lathe-project"
fi
