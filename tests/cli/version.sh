#!/usr/bin/env bash
# --version prints "pgshift X.Y.Z" and exits 0.
set -euo pipefail
out=$("$PGSHIFT_BINARY" --version)
[[ $out =~ ^pgshift\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "unexpected version line: $out"; exit 1; }
