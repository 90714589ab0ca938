#!/usr/bin/env bash
# A mistyped subcommand exits 1 and suggests the nearest one.
set -euo pipefail
status=0
out=$("$PGSHIFT_BINARY" sandbx 2>&1) || status=$?
[[ $status -eq 1 ]] || { echo "expected exit 1, got $status: $out"; exit 1; }
grep -qF 'did you mean `sandbox`?' <<<"$out" || { echo "no suggestion in: $out"; exit 1; }
