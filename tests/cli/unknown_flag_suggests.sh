#!/usr/bin/env bash
# An unknown flag of a subcommand exits 1 and suggests the nearest real flag.
set -euo pipefail
rc=0
out=$("$PGSHIFT_BINARY" plan --frmat text -f x 2>&1) || rc=$?
[[ $rc -eq 1 ]] || { echo "expected exit 1, got $rc"; exit 1; }
[[ $out == *"did you mean \`--format\`"* ]] || { echo "no suggestion in: $out"; exit 1; }
