#!/usr/bin/env bash
# `pgshift restore` of a `pgshift backup`: --into gives a database with the same schema, the same rows
# and row counts (hostile names, an enum, a view, a foreign key, a partitioned table); the default
# name is <db>_restore_<time>; an existing database, a damaged dump and an in-place restore without
# --yes are refused; --in-place --yes puts back rows deleted since the backup.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=bk_rest_$$
copy=${db}_copy
scratch_dbs "$db" "$copy"
fail() { cat "$work/out.txt" 2>/dev/null || true; echo "FAIL: $*"; exit 1; }

psql -X -q -d "$url" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" <<'SQL'
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "Users" (id bigint PRIMARY KEY, "e-mail" text NOT NULL UNIQUE, feeling mood NOT NULL DEFAULT 'ok');
CREATE TABLE "with space" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint REFERENCES "Users" (id),
                           "select" text);
CREATE TABLE events (at date NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW happy_users AS SELECT id FROM "Users" WHERE feeling = 'happy';
INSERT INTO "Users" SELECT g, 'u' || g || '@x', (ARRAY['sad', 'ok', 'happy'])[g % 3 + 1]::mood FROM generate_series(1, 2000) g;
INSERT INTO "with space" (user_id, "select") SELECT 1 + g % 2000, 'x''); DROP TABLE t; --' || g FROM generate_series(1, 700) g;
INSERT INTO events SELECT date '2025-06-01' + g % 400, 'e' || g FROM generate_series(1, 900) g;
SQL
# Every table's rows, in order, as one checksum per table.
contents() {
  psql -X -At -d "$1" <<'SQL'
SELECT 'Users', count(*), md5(string_agg(u::text, ',' ORDER BY id)) FROM "Users" u
UNION ALL SELECT 'with space', count(*), md5(string_agg(w::text, ',' ORDER BY id)) FROM "with space" w
UNION ALL SELECT 'events_2025', count(*), md5(string_agg(e::text, ',' ORDER BY at, what)) FROM events_2025 e
UNION ALL SELECT 'events_2026', count(*), md5(string_agg(e::text, ',' ORDER BY at, what)) FROM events_2026 e;
SQL
}
schema_of() { pg_dump --schema-only -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict '; }

"$pg" backup --db "$base/$db" --backup-dir "$work/b" > "$work/out.txt" 2>&1 || fail "backup exited non-zero"
manifest=$(sed -n 's/^Manifest: //p' "$work/out.txt")
dump=${manifest%.json}.dump
[[ -f $manifest && -f $dump ]] || fail "no manifest or dump named"

"$pg" restore "$manifest" --db "$base/$db" --into "$copy" > "$work/out.txt" 2>&1 || fail "restore --into exited non-zero"
grep -q "Restored into database \"$copy\" .* 4 table(s), 3,600 rows, row counts match the manifest" "$work/out.txt" ||
  fail "restore did not report the row check"
diff -u <(schema_of "$base/$db") <(schema_of "$base/$copy") || fail "the restored schema differs"
diff -u <(contents "$base/$db") <(contents "$base/$copy") || fail "the restored rows differ"

rc=0
"$pg" restore "$dump" --db "$base/$db" --into "$copy" > "$work/out.txt" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && grep -q "database \"$copy\" already exists" "$work/out.txt" || fail "an existing database was not refused"

"$pg" restore "$dump" --db "$base/$db" > "$work/out.txt" 2>&1 || fail "restore with the default name exited non-zero"
named=$(sed -n 's/^Restored into database "\([^"]*\)".*/\1/p' "$work/out.txt")
scratch_dbs "$named"
[[ $named =~ ^${db}_restore_[0-9]{8}_[0-9]{6}$ ]] || fail "unexpected default name '$named'"

mkdir "$work/damaged"
cp "$dump" "$manifest" "$work/damaged/"
printf 'x' | dd of="$work/damaged/$(basename "$dump")" bs=1 seek=100 conv=notrunc status=none
rc=0
"$pg" restore "$work/damaged/$(basename "$manifest")" --db "$base/$db" --into "${db}_bad" > "$work/out.txt" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && grep -q "its SHA-256 is .*, the manifest recorded" "$work/out.txt" || fail "a damaged dump was not refused"
exists=$(psql -X -At -d "$url" -c "SELECT count(*) FROM pg_database WHERE datname = '${db}_bad'")
[[ $exists -eq 0 ]] || fail "a database was created for the damaged dump"

before=$(contents "$base/$db")
psql -X -q -d "$base/$db" -c "DELETE FROM \"with space\" WHERE id > 100" -c "DELETE FROM events WHERE at > '2026-01-01'"
rc=0
"$pg" restore "$dump" --db "$base/$db" --in-place < /dev/null > "$work/out.txt" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && grep -q "refusing to restore in place without confirmation" "$work/out.txt" || fail "--in-place without --yes"
"$pg" restore "$dump" --db "$base/$db" --in-place --yes > "$work/out.txt" 2>&1 || fail "restore --in-place exited non-zero"
[[ $(contents "$base/$db") == "$before" ]] || fail "--in-place did not bring the rows back"
echo "ok"
