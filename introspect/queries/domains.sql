-- Domains, one row per CHECK constraint (one row with NULL conname when there is none).
-- The collation is given only when it differs from the base type's, as a raw name, qualified
-- ("schema.name") only when not visible on the search path (public, pg_catalog).
SELECT t.oid, n.nspname, t.typname,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull,
       pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       CASE WHEN co.oid IS NULL THEN NULL
            WHEN pg_collation_is_visible(co.oid) THEN co.collname::text
            ELSE '"' || replace(con.nspname, '"', '""') || '"."' || replace(co.collname, '"', '""') || '"' END AS collation,
       d.description,
       c.conname,
       pg_get_expr(c.conbin, 0) AS check_expr
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation AND t.typcollation <> bt.typcollation
LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
LEFT JOIN pg_constraint c ON c.contypid = t.oid AND c.contype = 'c'
LEFT JOIN pg_description d ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE t.typtype = 'd'
  AND t.typnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend x
                  WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.deptype = 'e')
ORDER BY t.oid, c.conname
