-- User schemas: all but the system schemas, pgshift's own state schemas and schemas an extension owns.
-- The caller picks the ones to read; every other query takes their oids as $1.
SELECT n.oid, n.nspname, d.description
FROM pg_namespace n
LEFT JOIN pg_description d
  ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgshift', 'pgshift_trash')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname
