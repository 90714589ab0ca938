#!/usr/bin/env bash
# A backup that fails or cannot be verified stops the apply before any change: the schema is
# identical, there is no pgshift state (no migration row), and no unverified dump is left behind.
# Cases: pg_dump writes garbage (pg_restore --list cannot read it), pg_dump fails, pg_dump is older
# than the server, the backup directory cannot be created, and --backup-command exits non-zero
# (that one after a verified backup, which stays).
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=bk_fail_$$
scratch_dbs "$db"
fail() { cat "$work/apply.txt" 2>/dev/null || true; echo "FAIL: $*"; exit 1; }

psql -X -q -d "$url" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy text);
INSERT INTO users SELECT g, 'u' || g, 'old ' || g FROM generate_series(1, 500) g;
SQL
"$pg" inspect --db "$base/$db" -o "$work/current.yaml" 2>/dev/null
grep -v "name: legacy" "$work/current.yaml" > "$work/desired.yaml"
# The schema as pg_dump prints it, without the random \restrict key of pg_dump 15.14 and later.
schema_of() { pg_dump --schema-only -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict '; }
schema_of "$base/$db" > "$work/before.sql"

real_bin=/usr/lib/postgresql/15/bin
# fake_pg_dump NAME BODY: a directory with a pg_dump running BODY (real --version unless BODY handles
# it) and the real pg_restore.
fake_pg_dump() {
  mkdir -p "$work/$1"
  printf '#!/bin/sh\n%s\nexec %s/pg_dump "$@"\n' "$2" "$real_bin" > "$work/$1/pg_dump"
  chmod +x "$work/$1/pg_dump"
  ln -sf "$real_bin/pg_restore" "$work/$1/pg_restore"
}
fake_pg_dump garbage 'for a; do case $a in --file=*) echo "this is not a dump" > "${a#--file=}"; exit 0;; esac; done'
fake_pg_dump failing '[ "$1" = --version ] || { echo "pg_dump: error: simulated failure" >&2; exit 1; }'
fake_pg_dump old '[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 14.9"; exit 0; }'
touch "$work/not-a-dir"

# expect_stopped CASE MESSAGE BIN_DIR [apply flags...]: apply exits 1 naming MESSAGE, nothing changed.
expect_stopped() {
  local name=$1 message=$2 bin=$3
  shift 3
  rc=0
  PGSHIFT_PG_BIN=$bin "$pg" apply --db "$base/$db" -f "$work/desired.yaml" --yes --allow-hazards DELETES_DATA "$@" \
    > "$work/apply.txt" 2>&1 || rc=$?
  [[ $rc -eq 1 ]] || fail "$name: exit $rc, expected 1"
  grep -qF -- "$message" "$work/apply.txt" || fail "$name: the error does not say '$message'"
  schema_of "$base/$db" > "$work/after.sql"
  diff -u "$work/before.sql" "$work/after.sql" || fail "$name: the schema changed"
  state=$(psql -X -At -d "$base/$db" -c "SELECT to_regnamespace('pgshift') IS NULL")
  [[ $state == t ]] || fail "$name: the pgshift state schema was created"
}

expect_stopped garbage "pg_restore --list failed" "$work/garbage" --backup-dir "$work/b1"
[[ -z $(ls -A "$work/b1") ]] || { ls -l "$work/b1"; fail "garbage: files were left in the backup directory"; }
expect_stopped failing "pg_dump exited with status 1: pg_dump: error: simulated failure" "$work/failing" --backup-dir "$work/b2"
[[ -z $(ls -A "$work/b2") ]] || fail "failing: files were left in the backup directory"
expect_stopped old "pg_dump 14.9 ($work/old/pg_dump) is older than the server (PostgreSQL 15)" "$work/old" --backup-dir "$work/b3"
expect_stopped not-a-dir "cannot create the backup directory $work/not-a-dir" "" --backup-dir "$work/not-a-dir"
expect_stopped command "the backup command exited with status 3; no step was run" "" --backup-dir "$work/b4" \
  --backup-command 'echo "uploading $PGSHIFT_BACKUP_FILE"; exit 3'
grep -q "uploading $work/b4/.*\.dump" "$work/apply.txt" || fail "command: its output is not shown"
[[ $(ls "$work/b4" | wc -l) -eq 2 ]] || fail "command: the verified backup and its manifest should stay"

# After all that, the same apply without the faults works.
"$pg" apply --db "$base/$db" -f "$work/desired.yaml" --yes --allow-hazards DELETES_DATA --backup-dir "$work/b5" \
  > "$work/apply.txt" 2>&1 || fail "the apply without faults failed"
echo "ok"
