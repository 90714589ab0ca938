#!/usr/bin/env bash
# `sandbox start` on a running sandbox prints just its URL on stdout, so $(pgshift sandbox start) works.
set -euo pipefail
url=$("$PGSHIFT_BINARY" sandbox start --dir "$PGSHIFT_TEST_CLUSTER")
[[ $url =~ ^postgresql://postgres@127\.0\.0\.1:[0-9]+/postgres$ ]] || { echo "unexpected stdout: $url"; exit 1; }
[[ $url == "$("$PGSHIFT_BINARY" sandbox url --dir "$PGSHIFT_TEST_CLUSTER")" ]] || { echo "start and url differ"; exit 1; }
psql -X -At "$url" -c 'SELECT 1' | grep -qx 1 || { echo "psql cannot use $url"; exit 1; }
