#!/usr/bin/env bash
# Times `pgshift inspect` against `pg_dump --schema-only` on synthetic schemas of N tables
# (gen_schema.sh), side by side in one run: median wall time of 3 runs and peak RSS (max of the
# 3, from /usr/bin/time -v), as a Markdown table on stdout. Progress goes to stderr.
# With MIGRA set, also times migra (npm @pgkit/migra) diffing an empty database
# (pgshift_bench_empty, created if missing) against pgshift_bench_<N>: its closest equivalent of
# inspect, the SQL that creates the whole schema. migra gets no warm-up run of its own (the catalog
# is already warm from the other two tools').
#
# Usage: bench/inspect/run.sh [N ...]            (default: 100 1000 5000)
# Environment:
#   PGSHIFT      pgshift binary (default: build/cli/pgshift)
#   PGHOST, PGPORT, PGUSER, ...   where to create the databases pgshift_bench_<N> (libpq variables)
#   RUNS         runs per tool and size (default 3)
#   KEEP=1       reuse an existing pgshift_bench_<N> instead of recreating it
#   MIGRA        migra binary (e.g. node_modules/.bin/migra after `npm install @pgkit/migra`); unset:
#                migra is not timed. It connects with postgresql:///<db>, and node-postgres reads
#                the same PGHOST, PGPORT, PGUSER variables.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pgshift=${PGSHIFT:-build/cli/pgshift}
runs=${RUNS:-3}
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(100 1000 5000)
fi
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -x "$pgshift" ] || { echo "run.sh: $pgshift is not executable (set PGSHIFT)" >&2; exit 1; }
migra=${MIGRA:-}
if [ -n "$migra" ]; then
  [ -x "$migra" ] || { echo "run.sh: $migra is not executable (MIGRA)" >&2; exit 1; }
  if ! psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'pgshift_bench_empty'" | grep -q 1; then
    psql -d postgres -qc "CREATE DATABASE pgshift_bench_empty" >&2
  fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints "<seconds> <max RSS kB>" for one run of the command.
measure() {
  /usr/bin/time -v -o "$work/time" "$@" > "$work/out" 2> "$work/err" || {
    echo "run.sh: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.3f %d\n", wall, rss }' "$work/time"
}

# Runs the command $runs times; prints "<median seconds> <peak RSS MB>".
bench() {
  local walls=() peak=0 wall rss
  for _ in $(seq "$runs"); do
    read -r wall rss < <(measure "$@")
    walls+=("$wall")
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  printf '%s\n' "${walls[@]}" | sort -g | awk -v peak="$peak" '
    { v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.0f\n", m, peak / 1024 }'
}

if [ -n "$migra" ]; then
  echo "| N tables | pgshift inspect (s) | pg_dump --schema-only (s) | migra (s) | inspect / pg_dump | inspect peak RSS (MB) | pg_dump peak RSS (MB) | migra peak RSS (MB) | inspect YAML lines | migra SQL lines |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
else
  echo "| N tables | pgshift inspect (s) | pg_dump --schema-only (s) | inspect / pg_dump | inspect peak RSS (MB) | pg_dump peak RSS (MB) | inspect YAML lines |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
fi
for n in "${sizes[@]}"; do
  db=pgshift_bench_$n
  if [ "${KEEP:-0}" != 1 ] || ! psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    echo "run.sh: creating $db ($n tables)" >&2
    psql -d postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
    "$here/gen_schema.sh" "$n" | psql -d "$db" -q -v ON_ERROR_STOP=1 > /dev/null
    psql -d "$db" -qc "VACUUM ANALYZE" >&2
  fi
  # one warm-up run each, so both read a warm catalog cache
  "$pgshift" inspect --db "dbname=$db" > /dev/null
  pg_dump --schema-only -d "$db" > /dev/null
  echo "run.sh: timing N=$n" >&2
  read -r inspect_s inspect_mb < <(bench "$pgshift" inspect --db "dbname=$db")
  lines=$(wc -l < "$work/out")
  read -r dump_s dump_mb < <(bench pg_dump --schema-only -d "$db")
  ratio=$(awk -v a="$inspect_s" -v b="$dump_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  if [ -n "$migra" ]; then
    # --unsafe: migra refuses to print a script with drops otherwise. Output goes to a file: piped,
    # node exits before flushing and the script comes out cut short.
    read -r migra_s migra_mb < <(bench "$migra" postgresql:///pgshift_bench_empty "postgresql:///$db" --unsafe)
    migra_lines=$(wc -l < "$work/out")
    echo "| $n | $inspect_s | $dump_s | $migra_s | $ratio | $inspect_mb | $dump_mb | $migra_mb | $lines | $migra_lines |"
  else
    echo "| $n | $inspect_s | $dump_s | $ratio | $inspect_mb | $dump_mb | $lines |"
  fi
done
