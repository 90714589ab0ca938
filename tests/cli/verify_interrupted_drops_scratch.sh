#!/usr/bin/env bash
# Ctrl-C in the middle of verify: the scratch database exists while the proof runs, and SIGINT ends
# the run with exit 130 after dropping it. The test seam PGSHIFT_TEST_VERIFY_PAUSE holds verify before
# its first plan step, so the signal arrives at a known point.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=verify_int_$$
scratch_dbs "$db"
psql -X -q -d "$url" -c "CREATE DATABASE $db" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" -f "$root/examples/shop/schema.sql" >/dev/null
left_behind() { psql -X -At -d "$url" -c "SELECT count(*) FROM pg_database WHERE datname = '$1'"; }
fail() { cat "$work/out" "$work/err" 2>/dev/null; echo "FAIL: $*"; exit 1; }

PGSHIFT_TEST_VERIFY_PAUSE=1 "$pg" verify --db "$base/$db" -f "$root/examples/shop/desired" --allow-hazards all \
  > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 1 600); do
  grep -q "paused before" "$work/err" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "pgshift: test: paused before " "$work/err" || { kill "$pid" 2>/dev/null || true; fail "verify never paused"; }
name=$(grep -o 'pgshift_verify_[0-9]*_[0-9a-f]*' "$work/err" | head -1)
[[ -n $name && $(left_behind "$name") -eq 1 ]] || { kill "$pid" 2>/dev/null || true; fail "no scratch database mid-run"; }
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc -eq 130 ]] || fail "interrupted verify exited $rc, expected 130"
grep -qF "pgshift: interrupted; the scratch database $name was dropped" "$work/err" || fail "no interruption message"
[[ $(left_behind "$name") -eq 0 ]] || fail "scratch database $name left behind after SIGINT"
[[ ! -s $work/out ]] || fail "an interrupted verify printed a report"
echo "ok: SIGINT drops the scratch database"
