#!/usr/bin/env bash
# verify proves the shop's next release on a scratch copy of the shop (with its data): exit 0, every
# step reported with its time and lock, a rollback from every phase, the dropped column's values named
# as lost, the queries' new index found; the markdown and JSON shapes; without --allow-hazards
# DELETES_DATA it is not proven (exit 1); no scratch database is left behind.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=verify_shop_$$
scratch_dbs "$db"
psql -X -q -d "$url" -c "CREATE DATABASE $db" >/dev/null
"$root/examples/shop/load.sh" "$base/$db" >/dev/null
cat > "$work/queries.sql" <<'SQL'
-- recent orders
SELECT id FROM orders WHERE placed_at > timestamptz '2024-12-01';
SELECT count(*) FROM order_items WHERE product_id = 7
SQL
left_behind() { psql -X -At -d "$url" -c "SELECT count(*) FROM pg_database WHERE datname = '$1'"; }
scratch_of() { grep -o 'pgshift_verify_[0-9]*_[0-9a-f]*' "$1" | head -1; }
fail() { cat "$work/out" "$work/err" 2>/dev/null; echo "FAIL: $*"; exit 1; }

rc=0
"$pg" verify --db "$base/$db" -f "$root/examples/shop/desired" --allow-hazards DELETES_DATA \
  --queries "$work/queries.sql" > "$work/out" 2> "$work/err" || rc=$?
[[ $rc -eq 0 ]] || fail "verify exited $rc, expected 0"
for word in "pgshift verify: PROVEN on a scratch copy" "create_index:public.orders_placed_at_idx" \
  "backfill:public.customers.referral_code" "ACCESS EXCLUSIVE on public.products" "after add" "after backfill" \
  "after switch" "after drop" "lost: public.products.stock: values not as before (drop_column:public.products.stock (DELETES_DATA))" \
  "side effect: public.customers.updated_at: values changed: trigger customers_set_updated_at fires on the batched UPDATEs of backfill:public.customers.referral_code" \
  "new indexes used: public.orders_placed_at_idx" "a new plan is empty" "dropped. Total"; do
  grep -qF -- "$word" "$work/out" || fail "the text report lacks: $word"
done
grep -qE '^  backfill +backfill:public.customers.referral_code +[0-9.]+ s +[0-9.-]+( s)? +0 +1000 ' "$work/out" ||
  fail "the backfill step does not show 1000 rows backfilled"
name=$(scratch_of "$work/out")
[[ -n $name ]] || fail "the report does not name the scratch database"
[[ $(left_behind "$name") -eq 0 ]] || fail "scratch database $name left behind after success"

rc=0
"$pg" verify --db "$base/$db" -f "$root/examples/shop/desired" --allow-hazards DELETES_DATA --sample-rows 50 \
  --format markdown > "$work/out" 2> "$work/err" || rc=$?
[[ $rc -eq 0 ]] || fail "verify --format markdown exited $rc"
head -3 "$work/out" | grep -q '^\*\*PROVEN on a scratch copy\*\* (copy: 4 tables, ' || fail "markdown verdict line"
[[ $(head -1 "$work/out") == "## pgshift verify" ]] || fail "markdown heading"
grep -qF '| Phase | Step | Apply | Undo | Lock retries | Rows | Lock |' "$work/out" || fail "markdown steps table"
grep -qF '| Rolled back after | Apply | Rollback | Result |' "$work/out" || fail "markdown rollback table"
grep -qF '| drop | `drop_column:public.products.stock` (loses data) |' "$work/out" || fail "markdown lossy step"

# Without permission for DELETES_DATA the real apply would refuse: not proven, exit 1.
rc=0
"$pg" verify --db "$base/$db" -f "$root/examples/shop/desired" --sample-rows 20 --format json > "$work/out" 2> "$work/err" || rc=$?
[[ $rc -eq 1 ]] || fail "verify without --allow-hazards exited $rc, expected 1"
python3 - "$work/out" <<'PY' || fail "json report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["format_version"] == 1 and r["proven"] is False and r["divergence"] is None, r
assert r["needs_permission"] == ["DELETES_DATA"], r["needs_permission"]
assert r["desired_reached"] is True and r["scratch"]["dropped"] is True
assert [p["through"] for p in r["phases"]] == ["add", "backfill", "switch", "drop"]
assert all(p["schema_restored"] and p["data_restored"] for p in r["phases"])
assert len(r["steps"]) == r["plan"]["steps"] == 11 and all(s["apply_s"] is not None for s in r["steps"])
assert {t["table"]: t["rows"] for t in r["sample"]["tables"]}["public.customers"] == 20
PY
name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["scratch"]["database"])' "$work/out")
[[ $(left_behind "$name") -eq 0 ]] || fail "scratch database $name left behind after a failed proof"
echo "ok: verify proved the shop plan"
