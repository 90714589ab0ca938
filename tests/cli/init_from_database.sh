#!/usr/bin/env bash
# `pgshift init` on a live database writes pgshift.yaml and the schema directory; planning that
# directory against the same database shows no changes; a second init without --force is refused.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=init_db_$$
scratch_dbs "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" >/dev/null <<'SQL'
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                       created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE notes (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), body text);
CREATE INDEX notes_account_id_idx ON notes (account_id);
SQL
cd "$work"
"$pg" init --db "$base/$db" > init.log 2>&1 || { cat init.log; echo "FAIL: init exited non-zero"; exit 1; }
[[ -f pgshift.yaml ]] || { echo "FAIL: pgshift.yaml not written"; exit 1; }
for key in 'schema: schema' 'database_url_env: DATABASE_URL' 'lock_timeout_ms: 500' 'batch_size: 10000' \
           'allowed_hazards: \[\]'; do
  grep -q "^$key" pgshift.yaml || { cat pgshift.yaml; echo "FAIL: pgshift.yaml lacks '$key'"; exit 1; }
done
[[ -f schema/public/accounts.yaml && -f schema/public/notes.yaml ]] || {
  find schema; echo "FAIL: one file per table expected under schema/"; exit 1; }
rc=0
"$pg" plan --db "$base/$db" -f schema --detailed-exitcode > plan.log 2>&1 || rc=$?
[[ $rc -eq 0 ]] || { cat plan.log; echo "FAIL: plan of the init'ed schema exited $rc, expected 0 (no changes)"; exit 1; }
rc=0
"$pg" init --db "$base/$db" > again.log 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { cat again.log; echo "FAIL: second init without --force exited $rc, expected 1"; exit 1; }
grep -q -- "--force" again.log || { cat again.log; echo "FAIL: refusal does not mention --force"; exit 1; }
"$pg" init --db "$base/$db" --force > force.log 2>&1 || { cat force.log; echo "FAIL: init --force exited non-zero"; exit 1; }
# Without a database: only pgshift.yaml, in another directory name.
mkdir nodb && cd nodb
env -u PGSHIFT_DATABASE_URL -u DATABASE_URL "$pg" init --dir db/schema > nodb.log 2>&1 || {
  cat nodb.log; echo "FAIL: init without a database exited non-zero"; exit 1; }
grep -q '^schema: db/schema' pgshift.yaml || { cat pgshift.yaml; echo "FAIL: --dir not in pgshift.yaml"; exit 1; }
echo "ok: init wrote pgshift.yaml and schema/, plan shows no changes, re-init refused without --force"
