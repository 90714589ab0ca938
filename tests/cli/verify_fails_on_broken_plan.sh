#!/usr/bin/env bash
# A saved plan with a step removed on purpose: verify runs it on the copy, finds that the last phase
# does not reach the desired schema, exits 1 and shows the divergence as a unified diff of the schema
# YAML; without the schema files it says the schema is not the one the plan was made for. The scratch
# database is gone afterwards.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=verify_broken_$$
scratch_dbs "$db"
psql -X -q -d "$url" -c "CREATE DATABASE $db" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" -f "$root/examples/shop/schema.sql" >/dev/null
left_behind() { psql -X -At -d "$url" -c "SELECT count(*) FROM pg_database WHERE datname = '$1'"; }
scratch_of() { grep -o 'pgshift_verify_[0-9]*_[0-9a-f]*' "$1" | head -1; }
fail() { cat "$work/out" "$work/err" 2>/dev/null; echo "FAIL: $*"; exit 1; }

"$pg" plan --db "$base/$db" -f "$root/examples/shop/desired" -o "$work/plan.json" >/dev/null 2>&1
python3 - "$work/plan.json" <<'PY'
import json, sys
path = sys.argv[1]
plan = json.load(open(path))
steps = [s for s in plan["steps"] if s["id"] != "create_index:public.orders_placed_at_idx"]
assert len(steps) == len(plan["steps"]) - 1, "the plan has no step create_index:public.orders_placed_at_idx"
plan["steps"] = steps
json.dump(plan, open(path, "w"), indent=2)
PY

rc=0
"$pg" verify --db "$base/$db" "$work/plan.json" -f "$root/examples/shop/desired" --allow-hazards all \
  > "$work/out" 2> "$work/err" || rc=$?
[[ $rc -eq 1 ]] || fail "verify of a broken plan exited $rc, expected 1"
grep -qF "pgshift verify: NOT PROVEN: desired schema" "$work/out" || fail "no verdict naming the desired schema"
grep -qF "First divergence (desired schema): after the last phase the copy's schema differs from the desired schema; a new plan would still run 1 step(s): create_index:public.orders_placed_at_idx" "$work/out" ||
  fail "the divergence does not name the missing step"
grep -qx -- "--- desired schema" "$work/out" || fail "no unified diff"
grep -qx -- "+++ scratch copy after the plan" "$work/out" || fail "no unified diff header"
grep -qE -- '^-\s+orders_placed_at_idx: ' "$work/out" || fail "the diff does not show the missing index"
name=$(scratch_of "$work/out")
[[ -n $name && $(left_behind "$name") -eq 0 ]] || fail "scratch database '$name' left behind after a divergence"

rc=0
"$pg" verify --db "$base/$db" "$work/plan.json" --allow-hazards all > "$work/out" 2> "$work/err" || rc=$?
[[ $rc -eq 1 ]] || fail "verify of a broken plan without -f exited $rc, expected 1"
grep -qF "is not the one the plan was made for" "$work/out" || fail "no fingerprint divergence"
name=$(scratch_of "$work/out")
[[ -n $name && $(left_behind "$name") -eq 0 ]] || fail "scratch database '$name' left behind"
echo "ok: a broken plan is not proven, and the diff shows why"
