#!/usr/bin/env bash
# `pgshift sandbox` alone exits 1 and lists the actions.
set -euo pipefail
status=0
out=$("$PGSHIFT_BINARY" sandbox 2>&1) || status=$?
[[ $status -eq 1 ]] || { echo "expected exit 1, got $status: $out"; exit 1; }
out=$("$PGSHIFT_BINARY" sandbox --help)
for action in start url stop destroy; do
  grep -qw "$action" <<<"$out" || { echo "--help does not list $action: $out"; exit 1; }
done
