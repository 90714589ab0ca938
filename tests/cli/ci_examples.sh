#!/usr/bin/env bash
# The CI and cron examples stay working: every YAML file under examples/ci and examples/cron parses, every
# `pgshift <subcommand>` they run exists, the PR workflow's commands run against the test server, and
# examples/cron/drift-check.sh exits 0 on a matching database and non-zero with a message after a
# hand-made change.
set -euo pipefail
source "$(dirname "$0")/../support/cli_common.sh"
db=ci_ex_$$ db2=ci_ex2_$$
scratch_dbs "$db" "$db2"

mapfile -t yamls < <(find "$root/examples/ci" "$root/examples/cron" -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
[[ ${#yamls[@]} -ge 3 ]] || { echo "FAIL: expected the GitHub, GitLab and CronJob YAML files, found ${#yamls[@]}"; exit 1; }

# 1. YAML parses (with python3's yaml module when present).
if python3 -c 'import yaml' 2>/dev/null; then
  for f in "${yamls[@]}"; do
    python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$f" || {
      echo "FAIL: $f does not parse as YAML"; exit 1; }
  done
else
  echo "note: python3 has no yaml module; skipping the YAML parse check"
fi

# 2. Every `pgshift <subcommand>` run by the examples exists (comments are skipped).
files=("${yamls[@]}" "$root/examples/cron/drift-check.sh")
mapfile -t subs < <(sed -E -e 's/^[[:space:]]*#.*$//' -e 's/[[:space:]]#[[:space:]].*$//' "${files[@]}" \
  | grep -oE '(^|[^[:alnum:]_/-])\$?pgshift"? +[a-z][a-z-]*' | sed -E 's/.* +//' | sort -u)
[[ ${#subs[@]} -ge 4 ]] || { echo "FAIL: found only ${#subs[@]} pgshift subcommands in the examples: ${subs[*]}"; exit 1; }
for s in "${subs[@]}"; do
  "$pg" "$s" --help >/dev/null 2>&1 || { echo "FAIL: the examples run \`pgshift $s\`, which does not exist"; exit 1; }
done

# 3. The pull-request workflow's commands, against the test server: load the base schema, plan the
#    head schema as markdown + plan.json, apply the saved plan, no drift afterwards.
psql -X -q -v ON_ERROR_STOP=1 -d "$url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" \
  -c "DROP DATABASE IF EXISTS $db2 WITH (FORCE)" -c "CREATE DATABASE $db2" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" >/dev/null <<'SQL'
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
SQL
"$pg" inspect --db "$base/$db" -o "$work/base/" 2>/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" -c "ALTER TABLE accounts ADD COLUMN name text" >/dev/null
"$pg" inspect --db "$base/$db" -o "$work/head/" 2>/dev/null
cd "$work"
"$pg" apply --db "$base/$db2" -f base --yes --allow-hazards all > load.log 2>&1 || {
  cat load.log; echo "FAIL: loading the base schema failed"; exit 1; }
"$pg" validate -f head > validate.log 2>&1 || { cat validate.log; echo "FAIL: validate failed"; exit 1; }
"$pg" plan --db "$base/$db2" -f head --format markdown -o plan.json > plan.md || { echo "FAIL: plan failed"; exit 1; }
[[ -s plan.md && -s plan.json ]] || { echo "FAIL: plan.md or plan.json is empty"; exit 1; }
"$pg" verify --db "$base/$db2" plan.json -f head --allow-hazards none --format markdown > verify.md 2> verify.err || {
  cat verify.md verify.err; echo "FAIL: verify did not prove the PR's plan"; exit 1; }
grep -qi 'proven' verify.md || { cat verify.md; echo "FAIL: verify's markdown report does not say proven"; exit 1; }
"$pg" apply --db "$base/$db2" plan.json --yes > apply.log 2>&1 || { cat apply.log; echo "FAIL: apply plan.json failed"; exit 1; }
"$pg" drift --db "$base/$db2" -f head > drift.log 2>&1 || { cat drift.log; echo "FAIL: drift after apply"; exit 1; }

# 4. The cron drift check: in sync, then a change made by hand.
rc=0
out=$(PGSHIFT=$pg DATABASE_URL=$base/$db "$root/examples/cron/drift-check.sh" head 2>/dev/null) || rc=$?
[[ $rc -eq 0 ]] || { echo "$out"; echo "FAIL: drift-check.sh exited $rc on a matching database"; exit 1; }
[[ $(wc -l <<< "$out") -eq 1 && $out == *OK* ]] || { echo "$out"; echo "FAIL: expected one OK line"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d "$base/$db" -c "CREATE INDEX accounts_email_idx ON accounts (email)" >/dev/null
rc=0
out=$(PGSHIFT=$pg DATABASE_URL=$base/$db "$root/examples/cron/drift-check.sh" head 2>/dev/null) || rc=$?
[[ $rc -eq 2 ]] || { echo "$out"; echo "FAIL: drift-check.sh exited $rc after a hand-made change, expected 2"; exit 1; }
[[ $(wc -l <<< "$out") -eq 1 && $out == *DRIFT* ]] || { echo "$out"; echo "FAIL: expected one DRIFT line"; exit 1; }
rc=0
out=$(PGSHIFT=$pg DATABASE_URL=$base/$db "$root/examples/cron/drift-check.sh" "$work/missing" 2>/dev/null) || rc=$?
[[ $rc -eq 1 && $out == *ERROR* ]] || { echo "$out"; echo "FAIL: drift-check.sh exited $rc on an error, expected 1"; exit 1; }
echo "ok: ${#yamls[@]} YAML files parse; subcommands ${subs[*]} exist; workflow commands and drift-check.sh work"
