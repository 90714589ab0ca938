#!/usr/bin/env bash
# The acceptance loop a user runs: inspect a reference database B to YAML, apply that YAML to another
# database A (holding data), and A ends equal to B in schema, keeps the rows of tables both have, and a
# second identical apply changes nothing.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
a=conv_a_$$ b=conv_b_$$
scratch_dbs "$a" "$b"
# converge B_SETUP_FUNCTION: B is built by the function, A is the shop with data; A must end equal to B.
converge() {
  psql -X -q -d "$url" -c "DROP DATABASE IF EXISTS $a WITH (FORCE)" -c "DROP DATABASE IF EXISTS $b WITH (FORCE)" \
    -c "CREATE DATABASE $a" -c "CREATE DATABASE $b" >/dev/null
  "$1"
  "$root/examples/shop/load.sh" "$base/$a" >/dev/null
  "$pg" inspect --db "$base/$b" -o "$work/b.yaml" 2>/dev/null
  "$pg" apply --db "$base/$a" -f "$work/b.yaml" --yes --allow-hazards all > "$work/apply.log" 2>&1 || {
    cat "$work/apply.log"; echo "FAIL ($1): apply exited non-zero"; exit 1; }
  "$pg" inspect --db "$base/$a" -o "$work/a.yaml" 2>/dev/null
  if ! diff -u "$work/b.yaml" "$work/a.yaml"; then
    echo "FAIL ($1): A differs from B after apply"; exit 1
  fi
  "$pg" apply --db "$base/$a" -f "$work/b.yaml" --yes --allow-hazards all > "$work/again.log" 2>&1 || {
    cat "$work/again.log"; echo "FAIL ($1): second apply exited non-zero"; exit 1; }
  grep -q "No changes" "$work/again.log" || { cat "$work/again.log"; echo "FAIL ($1): second apply was not a no-op"; exit 1; }
}

# B: the shop, changed the ways people change schemas. Rows of A's tables must survive.
changed_shop() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$b" -f "$root/examples/shop/schema.sql" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$b" >/dev/null <<'SQL'
ALTER TABLE customers ADD COLUMN loyalty_points integer NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN referral_code uuid DEFAULT gen_random_uuid();
ALTER TABLE products ALTER COLUMN name TYPE text;
CREATE INDEX customers_loyalty_idx ON customers (loyalty_points) WHERE loyalty_points > 0;
ALTER TABLE orders ADD CONSTRAINT orders_note_len CHECK (length(coalesce(note, '')) < 500);
CREATE TABLE coupons (code text PRIMARY KEY, percent integer NOT NULL CHECK (percent BETWEEN 1 AND 90));
SQL
}
converge changed_shop
rows=$(psql -X -At -d "$base/$a" -c "SELECT count(*) FROM order_items")
expected=$(psql -X -At -d "$url" -c "SELECT 1" >/dev/null; psql -X -At -d "$base/$a" -c "SELECT count(*) FROM order_items")
[[ $rows -gt 0 ]] || { echo "FAIL: order_items lost its rows"; exit 1; }

# B: the shop evolved the other way: drops, default and view changes, a new enum label used as a
# default, a changed function body, a new trigger and a new foreign key between existing tables.
evolved_shop() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$b" -f "$root/examples/shop/schema.sql" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$b" >/dev/null <<'SQL'
ALTER TYPE order_status ADD VALUE 'on_hold' BEFORE 'paid';
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'on_hold';
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE products ALTER COLUMN stock SET DEFAULT 10;
ALTER TABLE customers ALTER COLUMN country DROP NOT NULL;
DROP INDEX orders_customer_id_idx;
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END;
$$;
CREATE OR REPLACE VIEW order_totals AS
  SELECT o.id AS order_id, o.customer_id, o.status, count(*) AS lines,
         sum(i.quantity * i.unit_price_cents) AS total_cents, max(i.line_no) AS last_line
  FROM orders o JOIN order_items i ON i.order_id = o.id
  GROUP BY o.id, o.customer_id, o.status;
ALTER TABLE products ADD COLUMN replaced_by bigint REFERENCES products (id);
COMMENT ON TABLE products IS 'The catalogue, with replacements';
SQL
}
converge evolved_shop
rows2=$(psql -X -At -d "$base/$a" -c "SELECT count(*) FROM order_items")
[[ $rows2 -gt 0 ]] || { echo "FAIL: order_items lost its rows"; exit 1; }

# B: every object kind pgshift models, with hostile names; A's shop is replaced entirely.
every_kind() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$b" -f "$root/tests/integration/data/every_kind.sql" >/dev/null
}
converge every_kind
echo "ok: A converged to B twice ($rows order_items rows kept in the first)"
