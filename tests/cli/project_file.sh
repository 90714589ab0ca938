#!/usr/bin/env bash
# pgshift.yaml gives the commands their defaults: plan, apply and drift run with no -f and no --db
# (schema path and database URL variable from the file), allowed hazards and per-table batch sizes
# apply, flags still win, and a mistyped key is an error naming file:line:column with a suggestion.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=proj_$$
scratch_dbs "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$url" -c "CREATE DATABASE $db" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" >/dev/null <<'SQL'
CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, legacy text);
INSERT INTO items SELECT g, 'item ' || g, 'x' FROM generate_series(1, 1000) g;
SQL
cd "$work"
mkdir schema
cat > schema/items.yaml <<'YAML'
extensions: [pgcrypto]
schemas:
  public:
    tables:
      items:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: name, type: text, nullable: false}
          - {name: token, type: uuid, default: "gen_random_uuid()"}
        primary_key: [id]
YAML
cat > pgshift.yaml <<'YAML'
schema: schema
database_url_env: APP_DB_URL
allowed_hazards: [DELETES_DATA]
tables:
  public.items: {batch_size: 123, lock_timeout_ms: 250}
YAML
unset PGSHIFT_DATABASE_URL DATABASE_URL || true
export APP_DB_URL=$base/$db

# plan: no -f, no --db; the per-table settings reach the steps.
"$pg" plan --format json -o plan.json > /dev/null 2> plan.err || { cat plan.err; echo "FAIL: plan without -f/--db"; exit 1; }
python3 - plan.json <<'PY' || { echo "FAIL: per-table settings not in the plan"; exit 1; }
import json, sys
plan = json.load(open(sys.argv[1]))
fills = [s for s in plan["steps"] if s.get("backfill")]
assert fills and all(s["backfill"]["batch_size"] == 123 for s in fills), fills
locking = [s for s in plan["steps"] if s["id"].startswith(("add_column:", "drop_column:"))]
assert locking and all(s["lock_timeout_ms"] == 250 for s in locking), [(s["id"], s["lock_timeout_ms"]) for s in locking]
PY

# apply: DELETES_DATA (the dropped column) is allowed by the file; no flags needed.
"$pg" apply --yes > apply.log 2>&1 || { cat apply.log; echo "FAIL: apply with the project's allowed hazards"; exit 1; }
[[ $(psql -X -At -d "$base/$db" -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'legacy'") == 0 ]] || {
  echo "FAIL: the column was not dropped"; exit 1; }
"$pg" drift > drift.log 2>&1 || { cat drift.log; echo "FAIL: drift after apply"; exit 1; }

# A flag wins over the file: --db to a database that does not exist fails even though APP_DB_URL is fine.
if "$pg" plan --db "$base/no_such_db_$$" > flag.log 2>&1; then echo "FAIL: --db did not win over the project file"; exit 1; fi
grep -q "no_such_db_$$" flag.log || { cat flag.log; echo "FAIL: the error does not name the flag's database"; exit 1; }

# A mistyped key: file:line:column, the key, and the nearest valid one.
printf 'schema: schema\nlock_timout_ms: 200\n' > pgshift.yaml
rc=0
"$pg" plan > bad.log 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { cat bad.log; echo "FAIL: expected exit 1 for a bad project file, got $rc"; exit 1; }
grep -q 'pgshift.yaml:2:1' bad.log && grep -q 'lock_timout_ms' bad.log && grep -q 'lock_timeout_ms' bad.log || {
  cat bad.log; echo "FAIL: the error does not name file:line:column, the key and the suggestion"; exit 1; }
echo "ok: pgshift.yaml read by plan, apply and drift; flags win; bad keys named"
