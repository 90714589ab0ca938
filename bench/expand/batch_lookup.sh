#!/bin/bash
# Why pgshift's shadow-column backfill is slow on a fresh shadow column: the plan of the executor's
# per-batch key lookup (executor/backfill.cpp, batch_end) with the step's row filter, on the same
# 1M-row table as expand_bench right after the add phase, before and after ANALYZE, and without the filter.
#   bench/expand/batch_lookup.sh    (libpq variables pick the scratch server; drops table e)
set -euo pipefail
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_ >/dev/null 2>&1 <<'SQL'
DROP TABLE IF EXISTS e;
CREATE TABLE e (id bigint PRIMARY KEY, n integer NOT NULL, payload text NOT NULL, k integer NOT NULL DEFAULT 0);
INSERT INTO e (id, n, payload) SELECT g, g, md5(g::text) FROM generate_series(1, 1000000) g;
VACUUM ANALYZE e;
ALTER TABLE e ADD COLUMN _pgshift_new_n bigint;
SQL
lookup() {
  psql_ -c "EXPLAIN (ANALYZE, COSTS off, TIMING off, SUMMARY on)
    SELECT id FROM e WHERE (id) > (10000) AND (id) <= (1000000) $1 ORDER BY id OFFSET 9999 LIMIT 1" |
    grep -E "Scan|Sort|Execution" | sed 's/^ */    /'
}
echo "1. with the filter, right after ADD COLUMN (no statistics on the shadow column):"
lookup "AND (_pgshift_new_n IS NULL AND n IS NOT NULL)"
echo "2. without the filter (the key alone):"
lookup ""
psql_ -c "ANALYZE e"
echo "3. with the filter, after ANALYZE:"
lookup "AND (_pgshift_new_n IS NULL AND n IS NOT NULL)"
psql_ -c "DROP TABLE e" >/dev/null
