#!/usr/bin/env bash
# `sandbox url` in a directory without a sandbox exits 1 and says how to make one.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
out=$("$PGSHIFT_BINARY" sandbox url --dir "$dir" 2>&1) || status=$?
[[ $status -eq 1 ]] || { echo "expected exit 1, got $status: $out"; exit 1; }
grep -qF "no sandbox in $dir" <<<"$out" || { echo "directory not named: $out"; exit 1; }
grep -qF 'hint: create one with `pgshift sandbox start' <<<"$out" || { echo "no hint: $out"; exit 1; }
