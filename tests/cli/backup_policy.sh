#!/usr/bin/env bash
# When apply backs up: --no-backup skips and is recorded and printed; auto takes none for a plan
# without destructive steps, and none for `--through add` of a plan whose drop comes later, but one
# when the migration is continued into its drop (named after the migration); --backup always backs up
# once, and the continued migration takes no second one; --backup-scope tables dumps only the plan's
# tables. A state table from before the backup column gets it on the next apply, new or continued.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=bk_policy_$$
scratch_dbs "$db"
fail() { cat "$work/apply.txt" 2>/dev/null || true; echo "FAIL: $*"; exit 1; }

reset_db() {
  psql -X -q -d "$url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
INSERT INTO users SELECT g, 'u' || g, 'old' FROM generate_series(1, 400) g;
INSERT INTO orders SELECT g, 1 + g % 400 FROM generate_series(1, 300) g;
SQL
}
reset_db
"$pg" inspect --db "$base/$db" -o "$work/current.yaml" 2>/dev/null
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
s = open(w + "/current.yaml").read()
nick = "          - {name: nickname, type: text}\n"
legacy = "          - {name: legacy, type: text}\n"
assert legacy in s, s
open(w + "/drop.yaml", "w").write(s.replace(legacy, ""))
open(w + "/add.yaml", "w").write(s.replace(legacy, legacy + nick))
open(w + "/both.yaml", "w").write(s.replace(legacy, nick))
PY

apply() { "$pg" apply --db "$base/$db" --yes --allow-hazards DELETES_DATA "$@" > "$work/apply.txt" 2>&1; }
backup_of() { psql -X -At -d "$base/$db" -c "SELECT coalesce(backup::text, 'NULL') FROM pgshift.migrations WHERE id = $1"; }
count() { ls "$1"/*.json 2>/dev/null | wc -l; }

# --no-backup: skipped, recorded, printed.
apply -f "$work/drop.yaml" --no-backup --backup-dir "$work/b1" || fail "--no-backup apply"
grep -q "Backup: none (--no-backup), although steps delete data." "$work/apply.txt" || fail "--no-backup not announced"
grep -q "no backup taken (--no-backup)" "$work/apply.txt" || fail "--no-backup not reported"
[[ $(backup_of 1) == '{"reason": "--no-backup", "skipped": true}' ]] || fail "--no-backup recorded as $(backup_of 1)"
[[ $(count "$work/b1") -eq 0 ]] || fail "--no-backup wrote a backup"
"$pg" status --db "$base/$db" | grep -q "backup: skipped (--no-backup)" || fail "status does not show the skip"

# A state table from before the column: read-only commands still work, the next apply adds it.
psql -X -q -d "$base/$db" -c "ALTER TABLE pgshift.migrations DROP COLUMN backup"
"$pg" history --db "$base/$db" > /dev/null 2>&1 || fail "history on a state table without the backup column"
# auto, no destructive step: no backup, nothing recorded.
apply -f "$work/both.yaml" --backup-dir "$work/b1" || fail "auto apply of an added column"
! grep -q "ackup" "$work/apply.txt" || fail "a plan without destructive steps mentions a backup"
[[ $(backup_of 2) == NULL ]] || fail "auto without destructive steps recorded $(backup_of 2)"

# auto: --through add takes none; continuing into the drop takes one, named after the migration (and
# recorded even when the migration was started by a pgshift without the backup column).
reset_db
apply -f "$work/both.yaml" --through add --backup-dir "$work/b2" || fail "auto --through add"
[[ $(count "$work/b2") -eq 0 && $(backup_of 1) == NULL ]] || fail "--through add took a backup"
psql -X -q -d "$base/$db" -c "ALTER TABLE pgshift.migrations DROP COLUMN backup"
apply -f "$work/both.yaml" --backup-dir "$work/b2" || fail "auto continuing"
[[ $(count "$work/b2") -eq 1 ]] || fail "continuing into the drop took no backup"
ls "$work/b2" | grep -q "^${db}-migration-1-.*Z\.dump$" || { ls "$work/b2"; fail "the backup is not named after migration 1"; }
[[ $(psql -X -At -d "$base/$db" -c "SELECT backup->>'verified' FROM pgshift.migrations WHERE id = 1") == true ]] ||
  fail "the continued migration does not record its backup"

# --backup always: one backup at the start, none when the migration is continued.
reset_db
apply -f "$work/both.yaml" --through add --backup always --backup-dir "$work/b3" || fail "always --through add"
grep -q "taking a verified backup first (--backup always)" "$work/apply.txt" || fail "always: not announced"
apply -f "$work/both.yaml" --backup always --backup-dir "$work/b3" || fail "always continuing"
grep -q "backup: migration 1 already has one" "$work/apply.txt" || fail "always: second backup not skipped"
[[ $(count "$work/b3") -eq 1 ]] || fail "always: expected one backup, found $(count "$work/b3")"

# --backup-scope tables: only the plan's table.
reset_db
apply -f "$work/drop.yaml" --backup-scope tables --backup-dir "$work/b4" || fail "--backup-scope tables"
manifest=$(ls "$work"/b4/*.json)
python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
assert m['scope'] == 'tables', m['scope']
assert [(t['schema'], t['name'], t['rows']) for t in m['tables']] == [('public', 'users', 400)], m['tables']
" "$manifest" || fail "tables scope manifest"
list=$(pg_restore --list "${manifest%.json}.dump")
grep -q "TABLE DATA public users" <<<"$list" || fail "tables scope: no users data"
! grep -q "TABLE DATA public orders" <<<"$list" || fail "tables scope: orders was dumped too"
echo "ok"
