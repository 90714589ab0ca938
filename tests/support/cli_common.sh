# Shared set-up for tests/cli/*.sh (sourced): the repository root, the pgshift binary, the test
# server's URL, a work directory, and scratch databases dropped with the work directory on exit.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
pg=$PGSHIFT_BINARY
url=$("$pg" sandbox url --dir "$PGSHIFT_TEST_CLUSTER")
base=${url%/postgres}
work=$(mktemp -d)
cli_scratch_dbs=()
# scratch_dbs NAME...: databases this script creates; dropped when it exits.
scratch_dbs() { cli_scratch_dbs+=("$@"); }
cli_cleanup() {
  local d
  for d in "${cli_scratch_dbs[@]}"; do
    psql -X -q -d "$url" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cli_cleanup EXIT
