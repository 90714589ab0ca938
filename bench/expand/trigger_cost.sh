#!/bin/bash
# Where the time of pgshift's shadow-column backfill goes: the same 1M-row table as expand_bench, the
# shadow column added, then one UPDATE filling it, with and without the sync trigger. The trigger is
# the one the planner writes for `n integer -> bigint` (planner/recipes/shadow_column/sync_trigger.cpp, plpgsql_body).
#   bench/expand/trigger_cost.sh [REPEATS]    (libpq variables pick the scratch server; drops table e)
# Prints the median seconds of each variant over REPEATS (default 3) rounds, variants interleaved.
set -euo pipefail
repeats=${1:-3}
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

fn_sql=$(cat <<'SQL'
CREATE FUNCTION sync_e() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."_pgshift_new_n" IS NOT NULL THEN NEW."n" := (new."_pgshift_new_n"::integer); ELSE NEW."_pgshift_new_n" := (new.n::bigint); END IF;
  ELSIF NEW."_pgshift_new_n" IS DISTINCT FROM OLD."_pgshift_new_n" AND NEW."n" IS NOT DISTINCT FROM OLD."n" THEN
    NEW."n" := (new."_pgshift_new_n"::integer);
  ELSE
    NEW."_pgshift_new_n" := (new.n::bigint);
  END IF;
  RETURN NEW;
END
$f$;
SQL
)
trigger="CREATE TRIGGER t BEFORE INSERT OR UPDATE ON e FOR EACH ROW EXECUTE FUNCTION sync_e();"
when_trigger="CREATE TRIGGER t BEFORE INSERT OR UPDATE ON e FOR EACH ROW
  WHEN (NEW._pgshift_new_n IS DISTINCT FROM NEW.n::bigint) EXECUTE FUNCTION sync_e();"
minimal_fn='CREATE FUNCTION sync_e() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN NEW._pgshift_new_n := NEW.n; RETURN NEW; END $f$;'
filter="_pgshift_new_n IS NULL AND n IS NOT NULL"

# 100 autocommit batches of 10,000 keys, like the executor's (without its key lookup and checkpoint).
batches() {
  for ((b = 0; b < 1000000; b += 10000)); do
    echo "UPDATE e SET $1 WHERE id > $b AND id <= $((b + 10000)) AND $filter;"
  done
}

# Each variant: a name, the setup SQL after the shadow column is added, the timed SQL.
names=() setups=() timed=()
variant() { names+=("$1"); setups+=("$2"); timed+=("$3"); }
variant "single UPDATE, no trigger (SET shadow = n)" "SELECT 1;" "UPDATE e SET _pgshift_new_n = n"
variant "single UPDATE, pgshift trigger (SET shadow = NULL, the trigger converts)" "$fn_sql $trigger" \
  "UPDATE e SET _pgshift_new_n = NULL WHERE $filter"
variant "100 batches, pgshift trigger (SET shadow = NULL)" "$fn_sql $trigger" "$(batches '_pgshift_new_n = NULL')"
variant "single UPDATE, one-assignment plpgsql trigger" "$minimal_fn $trigger" "UPDATE e SET _pgshift_new_n = NULL WHERE $filter"
variant "single UPDATE, pgshift trigger WHEN (shadow IS DISTINCT FROM n::bigint), SET shadow = n::bigint" \
  "$fn_sql $when_trigger" "UPDATE e SET _pgshift_new_n = n::bigint WHERE $filter"
variant "100 batches, pgshift trigger WHEN (...), SET shadow = n::bigint" "$fn_sql $when_trigger" \
  "$(batches '_pgshift_new_n = n::bigint')"

declare -A times
for ((r = 0; r < repeats; ++r)); do
  for i in "${!names[@]}"; do
    psql_ >/dev/null 2>&1 <<SQL
DROP TABLE IF EXISTS e; DROP FUNCTION IF EXISTS sync_e();
CREATE TABLE e (id bigint PRIMARY KEY, n integer NOT NULL, payload text NOT NULL, k integer NOT NULL DEFAULT 0);
INSERT INTO e (id, n, payload) SELECT g, g, md5(g::text) FROM generate_series(1, 1000000) g;
VACUUM ANALYZE e; CHECKPOINT;
ALTER TABLE e ADD COLUMN _pgshift_new_n bigint;
${setups[$i]}
SQL
    t0=$(date +%s.%N)
    psql_ >/dev/null <<<"${timed[$i]}"
    t1=$(date +%s.%N)
    times[$i]+="$(echo "$t1 - $t0" | bc) "
  done
done
psql_ -c "DROP TABLE IF EXISTS e; DROP FUNCTION IF EXISTS sync_e();" >/dev/null 2>&1
echo "| variant | median s | runs (s) |"
echo "|---|---:|---|"
for i in "${!names[@]}"; do
  med=$(tr ' ' '\n' <<<"${times[$i]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf "| %s | %.2f | %s|\n" "${names[$i]}" "$med" "$(for x in ${times[$i]}; do printf '%.2f ' "$x"; done)"
done
