#!/usr/bin/env bash
# apply with a dropped column takes a verified backup first: the dump and its manifest are in
# --backup-dir, the manifest's SHA-256 is the file's, its row counts are the live ones, the migration
# row records the backup (and `status` shows it), --backup-command sees both paths; the password reaches pg_dump through
# PGPASSWORD, never its arguments or pgshift's output; `pgshift backups` lists the backup.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=bk_drop_$$
scratch_dbs "$db"
fail() { cat "$work/apply.txt" 2>/dev/null || true; echo "FAIL: $*"; exit 1; }

psql -X -q -d "$url" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" <<'SQL'
CREATE TABLE "Users" (id bigint PRIMARY KEY, email text NOT NULL, "full name" text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES "Users" (id), note text);
INSERT INTO "Users" SELECT g, 'u' || g || '@example.com', 'User ' || g FROM generate_series(1, 3000) g;
INSERT INTO orders SELECT g, 1 + g % 3000, 'note ' || g FROM generate_series(1, 1200) g;
SQL
"$pg" inspect --db "$base/$db" -o "$work/current.yaml" 2>/dev/null
grep -v "name: full name" "$work/current.yaml" > "$work/desired.yaml"

# A pg_dump that logs its arguments and the password it was given, then runs the real one.
real_bin=/usr/lib/postgresql/15/bin
mkdir "$work/bin"
cat > "$work/bin/pg_dump" <<EOF
#!/bin/sh
[ "\$1" = --version ] || { echo "args: \$*"; echo "PGPASSWORD=\${PGPASSWORD:-}"; } >> "$work/pg_dump.log"
exec $real_bin/pg_dump "\$@"
EOF
chmod +x "$work/bin/pg_dump"
ln -s "$real_bin/pg_restore" "$work/bin/pg_restore"
secret_url="${base/postgres@/postgres:s3cr3t-pw@}/$db"  # trust auth: the password is passed, not checked

PGSHIFT_PG_BIN="$work/bin" "$pg" apply --db "$secret_url" -f "$work/desired.yaml" --yes --allow-hazards DELETES_DATA \
  --backup-dir "$work/backups" --backup-command 'echo "got $PGSHIFT_BACKUP_FILE $PGSHIFT_BACKUP_MANIFEST"' \
  > "$work/apply.txt" 2>&1 || fail "apply exited non-zero"
grep -q "Backup: a verified pg_dump of the database" "$work/apply.txt" || fail "the plan does not announce the backup"
grep -q "backup: verified " "$work/apply.txt" || fail "no verified backup reported"
grep -q "Migration 1 completed" "$work/apply.txt" || fail "apply did not complete"
! grep -q "s3cr3t" "$work/apply.txt" || fail "the password is in pgshift's output"
grep -q "^PGPASSWORD=s3cr3t-pw$" "$work/pg_dump.log" || { cat "$work/pg_dump.log"; fail "pg_dump did not get PGPASSWORD"; }
! grep "^args:" "$work/pg_dump.log" | grep -q "s3cr3t" || { cat "$work/pg_dump.log"; fail "the password is in pg_dump's arguments"; }

shopt -s nullglob
manifests=("$work"/backups/*.json)
[[ ${#manifests[@]} -eq 1 ]] || fail "expected one manifest, found ${#manifests[@]}"
manifest=${manifests[0]}
dump=${manifest%.json}.dump
[[ -f $dump ]] || fail "no dump beside $manifest"
[[ $(basename "$dump") == "${db}-plan-"*"Z.dump" ]] || fail "unexpected file name $(basename "$dump")"
grep -q "got $dump $manifest" "$work/apply.txt" || fail "--backup-command did not see both paths"
python3 - "$manifest" "$dump" "$db" <<'PY' || fail "manifest check"
import hashlib, json, os, sys
m = json.load(open(sys.argv[1]))
dump, db = sys.argv[2], sys.argv[3]
assert m["sha256"] == hashlib.sha256(open(dump, "rb").read()).hexdigest(), "sha256 differs from the file's"
assert m["size_bytes"] == os.path.getsize(dump), "size differs"
assert m["verified"] is True and m["database"] == db and m["scope"] == "database", m
assert m["migration_id"] == 1, m["migration_id"]
assert len(m["plan_fingerprint"]) == 64, m["plan_fingerprint"]
rows = {(t["schema"], t["name"]): t["rows"] for t in m["tables"]}
assert rows == {("public", "Users"): 3000, ("public", "orders"): 1200}, rows
PY
pg_restore --list "$dump" | grep -q "TABLE DATA public Users" || fail "pg_restore --list has no data for Users"

# The migration row records the backup; the column is gone (the step ran after the backup).
row=$(psql -X -At -d "$base/$db" -c "SELECT backup->>'sha256', backup->>'file', backup->>'verified' FROM pgshift.migrations WHERE id = 1")
sha=$(sha256sum "$dump" | cut -d' ' -f1)
[[ $row == "$sha|$dump|true" ]] || fail "migration row backup: '$row', expected '$sha|$dump|true'"
left=$(psql -X -At -d "$base/$db" -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'Users' AND column_name = 'full name'")
[[ $left -eq 0 ]] || fail "the column was not dropped"

"$pg" status --db "$base/$db" | grep -qF "backup: $dump (verified)" || fail "status does not show the backup"
"$pg" backups --backup-dir "$work/backups" > "$work/list.txt" 2>&1 || { cat "$work/list.txt"; fail "backups exited non-zero"; }
grep -F "$(basename "$dump")" "$work/list.txt" | grep -q " yes$" || { cat "$work/list.txt"; fail "backups does not list it as verified"; }
"$pg" backups --backup-dir "$work/backups" --format json > "$work/list.json"
python3 -c "
import json, sys
l = json.load(open(sys.argv[1]))
assert len(l) == 1 and l[0]['problem'] == '' and l[0]['migration_id'] == 1 and l[0]['dump_path'] == sys.argv[2], l
" "$work/list.json" "$dump" || fail "backups --format json"
echo "ok"
