#!/usr/bin/env bash
# Times `pgshift verify` of examples/shop/desired against the shop example (10k customers, 2k products,
# 40k orders, 100k order items) at several --sample-rows, 3 runs each, and prints the median wall time
# with verify's own split (copy, apply + rollback of all four phase proofs).
# Usage: bench/verify/run.sh SERVER_URL [N ...]   (SERVER_URL: any database of the server; default N: 0 1000 10000)
# Environment: PGSHIFT (the binary; default build/cli/pgshift), KEEP=1 reuses pgshift_bench_shop.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pg=${PGSHIFT:-$root/build/cli/pgshift}
server=$1
shift
if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(0 1000 10000); fi
db=${server%/*}/pgshift_bench_shop
if [[ ${KEEP:-0} != 1 ]] || ! psql -X -q -d "$db" -c "SELECT 1" >/dev/null 2>&1; then
  psql -X -q -d "$server" -c "DROP DATABASE IF EXISTS pgshift_bench_shop" -c "CREATE DATABASE pgshift_bench_shop"
  "$root/examples/shop/load.sh" "$db"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%-12s %-10s %-10s %-12s %s\n' sample_rows wall_s copy_s phases_s rows_copied
for n in "${sizes[@]}"; do
  runs=()
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$pg" verify --db "$db" -f "$root/examples/shop/desired" --allow-hazards DELETES_DATA --sample-rows "$n" \
      --format json > "$out" 2>/dev/null
    end=$(date +%s.%N)
    runs+=("$(python3 - "$out" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["proven"], "not proven"
phases = sum(p["apply_s"] + p["rollback_s"] for p in r["phases"])
rows = sum(t["rows"] for t in r["sample"]["tables"])
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} {r['sample']['copy_s']:.2f} {phases:.2f} {rows}")
PY
)")
  done
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  read -r wall copy phases rows <<<"$median"
  printf '%-12s %-10s %-10s %-12s %s\n' "$n" "$wall" "$copy" "$phases" "$rows"
done
