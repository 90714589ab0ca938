#!/usr/bin/env bash
# Times pgshift's verified backup (`pgshift backup`: pg_dump in an exported snapshot while the rows are
# counted, then SHA-256, pg_restore --list and the manifest) against a default `pg_dump -Fc` of the
# same ~1M-row database (gen_data.sql), side by side in one run, with the other pg_dump formats that
# were candidates. Median wall time of RUNS runs, interleaved; sizes in MB. Markdown on stdout,
# progress on stderr.
#
# Usage: bench/backup/run.sh
# Environment:
#   PGSHIFT      pgshift binary (default: build/cli/pgshift)
#   PGHOST, PGPORT, PGUSER, ...   the server to create pgshift_bench_backup on (libpq variables)
#   RUNS         runs per variant (default 3)
#   KEEP=1       reuse an existing pgshift_bench_backup instead of recreating it
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pgshift=${PGSHIFT:-build/cli/pgshift}
runs=${RUNS:-3}
db=pgshift_bench_backup
[ -x "$pgshift" ] || { echo "run.sh: $pgshift is not executable (set PGSHIFT)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The same pg_dump pgshift runs (the server's major version, not Debian's /usr/bin wrapper), so the
# comparison is between what the two do, not how they are started.
major=$(psql -X -d postgres -Atc "SHOW server_version_num")
major=$((major / 10000))
bin=/usr/lib/postgresql/$major/bin
[ -x "$bin/pg_dump" ] || bin=$(dirname "$(command -v pg_dump)")

if [ "${KEEP:-0}" != 1 ] || ! psql -X -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  echo "run.sh: creating $db" >&2
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/gen_data.sql" >&2
fi
rows=$(psql -X -d "$db" -Atc "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM products) +
                                    (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items)")
db_mb=$(psql -X -d "$db" -Atc "SELECT round(pg_database_size(current_database()) / 1048576.0)")

# name | command (the output path is appended as $out)
variants=(
  "pg_dump -Fc (default, -Z6)|$bin/pg_dump -Fc -d $db -f"
  "pg_dump -Fc -Z1|$bin/pg_dump -Fc -Z1 -d $db -f"
  "pg_dump -Fc -Z0|$bin/pg_dump -Fc -Z0 -d $db -f"
  "pg_dump -Fd -j2 -Z1|$bin/pg_dump -Fd -j2 -Z1 -d $db -f"
  "pgshift backup (dump + counts + verify)|$pgshift backup --db dbname=$db --backup-dir"
)

# Runs variant i once; prints "<seconds> <bytes>".
run_once() {
  local cmd=${variants[$1]#*|} out="$work/out$1"
  rm -rf "$out"
  local start=$EPOCHREALTIME
  $cmd "$out" > "$work/log" 2>&1 || { echo "run.sh: failed: $cmd $out" >&2; cat "$work/log" >&2; exit 1; }
  local end=$EPOCHREALTIME
  local bytes
  if [ -d "$out" ]; then
    bytes=$(find "$out" -type f ! -name '*.json' -printf '%s\n' | awk '{ s += $1 } END { print s }')
  else
    bytes=$(stat -c %s "$out")
  fi
  awk -v a="$start" -v b="$end" -v n="$bytes" 'BEGIN { printf "%.3f %d\n", b - a, n }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "run.sh: warming up" >&2
for i in "${!variants[@]}"; do run_once "$i" > /dev/null; done
declare -A times sizes
for r in $(seq "$runs"); do
  echo "run.sh: run $r of $runs" >&2
  for i in "${!variants[@]}"; do
    read -r s bytes < <(run_once "$i")
    times[$i]+="$s "
    sizes[$i]=$bytes
  done
done

echo "database: $db_mb MB, $rows rows; PostgreSQL $major; $(nproc) cores; median of $runs runs"
echo
echo "| variant | seconds | MB | vs pg_dump -Fc |"
echo "|---|---:|---:|---:|"
base=
for i in "${!variants[@]}"; do
  med=$(tr ' ' '\n' <<< "${times[$i]}" | grep . | median)
  [ -n "$base" ] || base=$med
  awk -v name="${variants[$i]%%|*}" -v s="$med" -v b="${sizes[$i]}" -v base="$base" \
    'BEGIN { printf "| %s | %.2f | %.1f | %.2fx |\n", name, s, b / 1048576, s / base }'
done
