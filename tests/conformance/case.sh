#!/usr/bin/env bash
# tests/conformance/case.sh SUITE/CASE: runs one conformance case (called by run.sh, several at once).
# Checks the contract of the corpus README on a fresh pair of databases A (a.sql) and B (b.sql):
#   load      both load on this server (else the case is cannot-load, never passed)
#   inspect   `pgshift inspect` B to YAML, managing the grants of PUBLIC and of every role A's or B's
#             ACLs name (--role)
#   apply     `pgshift apply` that YAML to A, every phase, all hazards allowed, no backup
#   converge  A's catalog (catalog.sql) now equals B's
#   plan      `pgshift plan --detailed-exitcode` against A is then empty
#   reapply   a second apply says "No changes" (skipped when the plan is not empty: it would start a
#             second migration, and the rollback below must undo the first)
#   rollback  `pgshift rollback` succeeds and A's catalog is again the one a.sql made; when pgshift
#             leaves an irreversible step applied, only this catalog check is skipped, with the reason
# After a successful apply every check runs even when an earlier one failed; the first failure names the
# case's result. Logs, catalogs and diffs go to $CONF_LOGS/SUITE/CASE/, the outcome to its `result` file
# ("pass|fail|cannot-load<TAB>check<TAB>message"), and one line to stdout.
# Environment (set by run.sh): CONF_CORPUS, CONF_LOGS, CONF_BASE (server URL without database),
# CONF_USER (the user it connects as), CONF_BINARY, CONF_KEEP=1 (keep the databases), CONF_TRACE=1.
set -uo pipefail
[[ ${CONF_TRACE:-0} == 1 ]] && { PS4='+ $(date +%s.%N | cut -c7-14) '; set -x; }
id=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$CONF_CORPUS/$id
out=$CONF_LOGS/$id
rm -rf "$out" && mkdir -p "$out"
hash=$(printf '%s' "$id" | md5sum | cut -c1-10)
db_a=cf_${hash}_a db_b=cf_${hash}_b
url_a=$CONF_BASE/$db_a url_b=$CONF_BASE/$db_b
maint=$CONF_BASE/postgres
limit=${CONF_STEP_TIMEOUT:-300}   # seconds for one pgshift command
export PGOPTIONS='-c client_min_messages=warning'

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
drop=(-c "DROP DATABASE IF EXISTS $db_a WITH (FORCE)" -c "DROP DATABASE IF EXISTS $db_b WITH (FORCE)")
failures=()   # "check<TAB>message", in the order the checks ran
notes=()
fail() { failures+=("$1"$'\t'"$2"); }
# first_error LOG: the first error line pgshift or psql wrote, else the last line.
first_error() {
  local line
  line=$(grep -m1 -E '^(pgshift: error|psql:.*(ERROR|FATAL)|ERROR|FATAL)' "$1" || true)
  [[ -n $line ]] || line=$(grep -v '^\s*$' "$1" | tail -n1)
  printf '%s' "${line:0:400}"
}
finish() {  # finish STATUS [CHECK MESSAGE]
  local status=$1 check=${2:-} message=${3:-}
  printf '%s\t%s\t%s\n' "$status" "$check" "$message" > "$out/result"
  ((${#notes[@]})) && printf '%s\n' "${notes[@]}" > "$out/notes"
  [[ ${CONF_KEEP:-0} == 1 ]] || psql_q -d "$maint" "${drop[@]}" > /dev/null 2>&1
  local line="$status $id"
  [[ -n $check ]] && line+=" [$check] $message"
  local n
  for n in "${notes[@]}"; do line+=" ($n)"; done
  printf '%s\n' "$line"
  exit 0
}
# catalog URL NAME: the catalog lines of a database into NAME.txt (stops the case when the query fails).
catalog() {
  psql_q -A -t -d "$1" -f "$here/catalog.sql" > "$out/$2.txt" 2> "$out/$2.err" ||
    finish fail catalog "catalog.sql on $2: $(head -n1 "$out/$2.err")"
}
# compare CHECK WANT HAVE: diffs two catalogs into CHECK.diff; a difference fails CHECK.
compare() {
  local n first
  { diff -U0 "$out/$2.txt" "$out/$3.txt" || true; } | grep -E '^[-+][a-z]' > "$out/$1.diff" || return 0
  n=$(wc -l < "$out/$1.diff")
  first=$(head -n1 "$out/$1.diff")
  fail "$1" "$n catalog line(s) differ (- $2, + $3); first: ${first:0:300}"
}
# pg_run LOG ARGS...: runs pgshift, bounded in time, in the case's log directory; returns its exit code.
pg_run() {
  local log=$1; shift
  (cd "$out" && timeout "$limit" "$CONF_BINARY" "$@") > "$out/$log" 2>&1
}

# 1. Load A and B into fresh databases; read both catalogs.
psql_q -d "$maint" "${drop[@]}" -c "CREATE DATABASE $db_a TEMPLATE template0 ENCODING 'UTF8'" \
  -c "CREATE DATABASE $db_b TEMPLATE template0 ENCODING 'UTF8'" > "$out/create.log" 2>&1 ||
  finish fail setup "cannot create the databases: $(first_error "$out/create.log")"
load() {  # load SIDE FILE
  local files=()
  [[ -f $src/setup.sql ]] && files+=(-f "$src/setup.sql")
  files+=(-f "$src/$2")
  (cd "$src" && psql_q -d "$CONF_BASE/cf_${hash}_$1" "${files[@]}") > "$out/load-$1.log" 2>&1 ||
    finish cannot-load load "$2: $(first_error "$out/load-$1.log")"
}
load a a.sql
load b b.sql
catalog "$url_a" a
catalog "$url_b" b

# 2. Inspect B. The grantees in the catalog lines ("grant on X: PRIVILEGE to ROLE ... by GRANTOR").
roles=$( { echo public; sed -n -E 's/^grant on .*: [A-Z]+ to (.*) by [^ ]+$/\1/p' "$out/a.txt" "$out/b.txt" |
  sed -e 's/ with grant option$//' -e 's/^PUBLIC$/public/' | grep -v -x -e "$CONF_USER" -e 'pg_.*'; } | sort -u)
role_args=()
while read -r r; do role_args+=(--role "$r"); done <<< "$roles"
pg_run inspect.log inspect --db "$url_b" "${role_args[@]}" -o "$out/b.yaml" ||
  finish fail inspect "$(first_error "$out/inspect.log")"
unmanaged=$(grep -c 'warning: unmanaged:' "$out/inspect.log")
((unmanaged)) && notes+=("inspect: $unmanaged unmanaged, first: $(grep -m1 'warning: unmanaged:' "$out/inspect.log" | sed 's/^pgshift: warning: unmanaged: //' | cut -c1-200)")

# 3. Apply it to A, every phase, all hazards allowed; A's catalog must now be B's.
pg_run apply.log apply --db "$url_a" -f "$out/b.yaml" --yes --allow-hazards all --no-backup ||
  finish fail apply "$(first_error "$out/apply.log")"
catalog "$url_a" a-applied
compare converge b a-applied

# 4. The plan is now empty; a second apply changes nothing.
pg_run plan.log plan --db "$url_a" -f "$out/b.yaml" --detailed-exitcode
rc=$?
if ((rc == 2)); then
  fail plan "not empty after apply: $(grep -m1 -E '^\s+[-+~] ' "$out/plan.log" | sed 's/^ *//')"
elif ((rc != 0)); then
  fail plan "exit $rc: $(first_error "$out/plan.log")"
else
  if ! pg_run reapply.log apply --db "$url_a" -f "$out/b.yaml" --yes --allow-hazards all --no-backup; then
    fail reapply "exit non-zero: $(first_error "$out/reapply.log")"
  elif ! grep -q 'No changes' "$out/reapply.log"; then
    fail reapply "changed something: $(grep -m1 '^==>' "$out/reapply.log")"
  fi
fi

# 5. Roll back: A is again what a.sql made, unless pgshift left an irreversible step applied.
if ! pg_run rollback.log rollback --db "$url_a" --yes --allow-hazards all; then
  fail rollback "$(first_error "$out/rollback.log")"
else
  catalog "$url_a" a-rolled-back
  irreversible=$(grep -m1 'left applied (irreversible)' "$out/rollback.log" | sed 's/^pgshift: warning: //')
  if [[ -n $irreversible ]]; then
    notes+=("rollback catalog check skipped: ${irreversible:0:300}")
    diff -U0 "$out/a.txt" "$out/a-rolled-back.txt" > "$out/rollback.diff"  # for reading only
  else
    compare rollback a a-rolled-back
  fi
fi

if ((${#failures[@]})); then
  printf '%s\n' "${failures[@]}" > "$out/failures"
  first=${failures[0]}
  more=""
  ((${#failures[@]} > 1)) && more=" (also: $(printf '%s\n' "${failures[@]:1}" | cut -f1 | paste -sd, -))"
  finish fail "${first%%$'\t'*}" "${first#*$'\t'}$more"
fi
finish pass
