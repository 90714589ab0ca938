-- Size and write rate of every table, partitioned table and materialized view, for the planner's
-- hazard messages and grading. reltuples is the planner's estimate (-1 before the first ANALYZE: 0
-- here); the write rate is rows inserted, updated and deleted since the statistics were reset (or
-- the server started), per second.
SELECT n.nspname, c.relname, greatest(c.reltuples, 0)::float8 AS rows, pg_total_relation_size(c.oid) AS bytes,
       CASE WHEN s.relid IS NULL THEN -1
            ELSE (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::float8 /
                 greatest(extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time())), 1)
       END AS writes_per_s
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid
LEFT JOIN pg_catalog.pg_stat_database d ON d.datname = current_database()
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgshift', 'pgshift_trash')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
