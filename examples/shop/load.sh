#!/usr/bin/env bash
# Loads the shop schema and data into the database at DBURL (which should be empty).
# Usage: examples/shop/load.sh DBURL
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 DBURL" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$1" -f "$here/schema.sql" -f "$here/data.sql"
