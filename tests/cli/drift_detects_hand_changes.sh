#!/usr/bin/env bash
# drift: an untouched database exits 0; each kind of hand-made change exits 2 and is named in the
# text, json and markdown reports; a migration in flight is reported as such, not as drift.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=drift_$$
scratch_dbs "$db"

reset_db() {
  psql -X -q -d "$url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" -f "$root/examples/shop/schema.sql" >/dev/null
}
reset_db
"$pg" inspect --db "$base/$db" -o "$work/shop.yaml" 2>/dev/null

rc=0
"$pg" drift --db "$base/$db" -f "$work/shop.yaml" > "$work/out.txt" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || { cat "$work/out.txt"; echo "FAIL: untouched database: exit $rc"; exit 1; }

# change SQL | a word the report must contain
cases=(
  "ALTER TABLE customers ADD COLUMN nickname text|nickname"
  "ALTER TABLE products ALTER COLUMN stock SET DEFAULT 5|stock"
  "DROP INDEX orders_customer_id_idx|orders_customer_id_idx"
  "CREATE TABLE scratch_notes (id int)|scratch_notes"
  "ALTER TABLE order_items DROP CONSTRAINT order_items_quantity_check, ADD CONSTRAINT order_items_quantity_check CHECK (quantity > 1)|order_items_quantity_check"
  "CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NEW; END \$\$|set_updated_at"
)
for c in "${cases[@]}"; do
  sql=${c%%|*} word=${c##*|}
  reset_db
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" -c "$sql" >/dev/null
  for format in text json markdown; do
    rc=0
    "$pg" drift --db "$base/$db" -f "$work/shop.yaml" --format "$format" > "$work/out.$format" 2>&1 || rc=$?
    [[ $rc -eq 2 ]] || { cat "$work/out.$format"; echo "FAIL: '$sql' ($format): exit $rc, expected 2"; exit 1; }
    grep -q -- "$word" "$work/out.$format" || { cat "$work/out.$format"; echo "FAIL: '$sql' ($format) does not name $word"; exit 1; }
  done
done

# A migration in flight (a NOT NULL column: add, backfill, switch, drop; applied through add) is
# reported, not judged as drift.
reset_db
cp "$work/shop.yaml" "$work/next.yaml"
python3 - "$work/next.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("          - {name: full_name, type: text, nullable: false}\n",
              "          - {name: full_name, type: text, nullable: false}\n          - {name: tier, type: integer, nullable: false}\n", 1)
open(p, "w").write(s)
PY
grep -q "name: tier" "$work/next.yaml" || { echo "FAIL: could not edit the schema for the in-flight case"; exit 1; }
"$pg" apply --db "$base/$db" -f "$work/next.yaml" --through add --yes --allow-hazards BACKWARD_INCOMPATIBLE > "$work/apply.txt" 2>&1 || { cat "$work/apply.txt"; echo "FAIL: apply --through add"; exit 1; }
rc=0
"$pg" drift --db "$base/$db" -f "$work/next.yaml" > "$work/inflight.txt" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || { cat "$work/inflight.txt"; echo "FAIL: migration in flight judged as drift (exit $rc)"; exit 1; }
grep -qi "migration" "$work/inflight.txt" || { cat "$work/inflight.txt"; echo "FAIL: in-flight migration not reported"; exit 1; }
echo "ok"
