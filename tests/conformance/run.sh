#!/usr/bin/env bash
# tests/conformance/run.sh [FILTER...]: runs the conformance corpus (../shared/conformance/{migra,pgschema})
# against pgshift and compares the outcome with tests/conformance/expected-failures.txt (docs/conformance.md).
# A FILTER keeps the cases whose "suite/case" contains it (e.g. `migra/`, `create_trigger`).
#
# Exit 0 when every case passes or fails as listed; 1 when a case not listed fails (or fails in another
# class than listed); 77 (ctest SKIP_RETURN_CODE) when the corpus is absent.
# Environment:
#   PGSHIFT_BINARY              the pgshift binary (default: build/cli/pgshift)
#   PGSHIFT_TEST_CLUSTER        a running sandbox cluster directory (ctest's pg_cluster fixture); without
#                               it, a cluster of its own is started in the log directory and stopped after
#   PGSHIFT_CONFORMANCE_PORT    that cluster's port (default 47400)
#   PGSHIFT_CONFORMANCE_DIR     the corpus (default: ../shared/conformance from the project root)
#   PGSHIFT_CONFORMANCE_LOGS    per-case logs, catalogs and diffs (default: build/conformance)
#   PGSHIFT_CONFORMANCE_JOBS    cases run at once (default 3)
#   PGSHIFT_CONFORMANCE_KEEP=1  keep each case's databases (cf_<hash>_a, cf_<hash>_b) for a look
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
start=$SECONDS
corpus=${PGSHIFT_CONFORMANCE_DIR:-$root/../shared/conformance}
if [[ ! -f $corpus/README.md ]]; then
  echo "conformance: SKIPPED: the corpus is not at $corpus (set PGSHIFT_CONFORMANCE_DIR); nothing was checked"
  exit 77
fi
corpus=$(cd "$corpus" && pwd)
binary=${PGSHIFT_BINARY:-${PGSHIFT_BUILD_DIR:-$root/build}/cli/pgshift}
[[ -x $binary ]] || { echo "conformance: no pgshift binary at $binary (build first: scripts/build)"; exit 1; }
logs=${PGSHIFT_CONFORMANCE_LOGS:-${PGSHIFT_BUILD_DIR:-$root/build}/conformance}
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
expected_file=$here/expected-failures.txt

# The server: ctest's cluster, or one of our own.
if [[ -n ${PGSHIFT_TEST_CLUSTER:-} ]]; then
  url=$("$binary" sandbox url --dir "$PGSHIFT_TEST_CLUSTER")
else
  cluster=$logs/cluster
  url=$("$binary" sandbox start --dir "$cluster" --port "${PGSHIFT_CONFORMANCE_PORT:-47400}")
  trap '"$binary" sandbox stop --dir "$cluster" >/dev/null 2>&1 || true' EXIT
fi
base=${url%/postgres}
user=$(psql -X -A -t -d "$url" -c 'SELECT current_user')

# Roles are cluster-wide: create every role the corpus names once, before cases run in parallel
# (their own `IF NOT EXISTS ... CREATE ROLE` would race).
roles=$(cat "$corpus"/*/*/*.sql | grep -ioE '^\s*create (role|user) [a-z_][a-z0-9_]*' | awk '{print tolower($3)}' | sort -u)
{
  cat "$corpus/pgschema/cluster_roles.sql"
  for r in schemainspect_test_role other_role $roles; do
    printf "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s; END IF; END \$\$;\n" "$r" "$r"
  done
} | psql -X -q -v ON_ERROR_STOP=1 -d "$url" >/dev/null

# The cases, filtered.
cases=()
for suite in migra pgschema; do
  for d in "$corpus/$suite"/*/; do
    [[ -f $d/a.sql && -f $d/b.sql ]] || continue
    id=$suite/$(basename "$d")
    if (($# == 0)); then
      cases+=("$id")
    else
      for f in "$@"; do [[ $id == *"$f"* ]] && { cases+=("$id"); break; }; done
    fi
  done
done
((${#cases[@]})) || { echo "conformance: no case matches: $*"; exit 1; }
echo "conformance: ${#cases[@]} case(s) from $corpus, ${PGSHIFT_CONFORMANCE_JOBS:-3} at a time; logs in $logs"

export CONF_CORPUS=$corpus CONF_LOGS=$logs CONF_BASE=$base CONF_BINARY=$binary CONF_USER=$user CONF_KEEP=${PGSHIFT_CONFORMANCE_KEEP:-0}
printf '%s\n' "${cases[@]}" | xargs -P "${PGSHIFT_CONFORMANCE_JOBS:-3}" -I{} bash "$here/case.sh" {} || true  # a case that crashed left no result: counted below

# Compare with the expectations: "suite/case class reason", class one of not-modelled, refused, cannot-load.
declare -A expected_class=()
while read -r cid class _; do
  [[ -z $cid || $cid == \#* ]] && continue
  case $class in
    not-modelled | refused | cannot-load) ;;
    *) echo "conformance: $expected_file: $cid: unknown class '$class'"; exit 1 ;;
  esac
  [[ -d $corpus/$cid ]] || echo "conformance: note: $cid is listed as expected to fail but is not in the corpus"
  expected_class[$cid]=$class
done < "$expected_file"

declare -A total=() passed=()
unexpected=() now_pass=() n_refused=0 n_not_modelled=0 n_cannot_load=0
for id in "${cases[@]}"; do
  suite=${id%%/*}
  total[$suite]=$((${total[$suite]:-0} + 1))
  if [[ -f $logs/$id/result ]]; then
    IFS=$'\t' read -r status check message < "$logs/$id/result"
  else
    status=fail check=runner message="case.sh wrote no result (crashed or was killed)"
  fi
  want=${expected_class[$id]:-}
  if [[ $status == pass ]]; then
    passed[$suite]=$((${passed[$suite]:-0} + 1))
    [[ -n $want ]] && now_pass+=("$id (listed as $want)")
    continue
  fi
  if [[ -z $want ]]; then
    unexpected+=("$id: $status [$check] $message")
  elif [[ $status == cannot-load && $want != cannot-load || $status != cannot-load && $want == cannot-load ]]; then
    unexpected+=("$id: listed as $want, but $status [$check] $message")
  fi
  case ${want:-$status} in
    refused) n_refused=$((n_refused + 1)) ;;
    cannot-load) n_cannot_load=$((n_cannot_load + 1)) ;;
    *) n_not_modelled=$((n_not_modelled + 1)) ;;
  esac
done

echo
if ((${#now_pass[@]})); then
  echo "conformance: these cases now pass although listed in tests/conformance/expected-failures.txt; remove them:"
  printf '  %s\n' "${now_pass[@]}"
fi
if ((${#unexpected[@]})); then
  echo "conformance: FAILED: these cases fail and are not listed as such in tests/conformance/expected-failures.txt:"
  for u in "${unexpected[@]}"; do
    echo "  $u"
    id=${u%%:*}
    [[ -f $logs/$id/converge.diff ]] && sed 's/^/      /' "$logs/$id/converge.diff" | head -n 20
  done
  echo "  (logs, catalogs and diffs: $logs/<suite>/<case>/)"
fi
elapsed=$((SECONDS - start))
echo "conformance: ${#cases[@]} case(s) in $((elapsed / 60))m$((elapsed % 60))s"
summary=()
for suite in migra pgschema; do
  [[ -n ${total[$suite]:-} ]] && summary+=("$suite ${passed[$suite]:-0}/${total[$suite]}")
done
line="conformance: $(IFS=,; echo "${summary[*]}" | sed 's/,/, /g')"
line+=" ($n_not_modelled not modelled, $n_refused refused, $n_cannot_load cannot load"
((${#unexpected[@]})) && line+=", ${#unexpected[@]} unexpected"
echo "$line)"
((${#unexpected[@]} == 0))
