#!/usr/bin/env bash
# Drift check for cron or a Kubernetes CronJob: compares $DATABASE_URL with the desired schema and prints
# one line. Exit 0 in sync, 2 drifted (someone changed the schema by hand), 1 error.
# Usage: DATABASE_URL=postgres://... drift-check.sh [SCHEMA_DIR (default: schema)]
# Environment: PGSHIFT (the binary, default: pgshift on PATH), DRIFT_REPORT (also write the JSON report here).
set -euo pipefail
schema_dir=${1:-schema}
pgshift=${PGSHIFT:-pgshift}
: "${DATABASE_URL:?drift-check: DATABASE_URL is not set}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$pgshift" drift --db "$DATABASE_URL" -f "$schema_dir" > "$out" 2>&1 || rc=$?
if [[ -n ${DRIFT_REPORT:-} && $rc -ne 1 ]]; then
  "$pgshift" drift --db "$DATABASE_URL" -f "$schema_dir" --format json > "$DRIFT_REPORT" 2>/dev/null || true
fi
host=$(sed -E 's#^[a-z]+://([^@/]*@)?([^/?]*).*#\2#' <<< "$DATABASE_URL")
case $rc in
  0) echo "pgshift drift: OK: $host matches $schema_dir" ;;
  2) echo "pgshift drift: DRIFT: $host differs from $schema_dir: $(grep -cvE '^\s*$' "$out") report lines; run \`pgshift drift -f $schema_dir\` for details"
     cat "$out" >&2 ;;
  *) echo "pgshift drift: ERROR (exit $rc) checking $host: $(head -n 1 "$out")"
     cat "$out" >&2
     rc=1 ;;
esac
exit "$rc"
