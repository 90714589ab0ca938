-- Sequences with their options and OWNED BY column. Identity sequences (internal dependency on
-- their column) belong to the identity and extension members to the extension: both are left out.
SELECT c.oid, n.nspname, c.relname,
       format_type(s.seqtypid, NULL) AS type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       tn.nspname AS owner_schema, tc.relname AS owner_table, ta.attname AS owner_column,
       d.description
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_depend dep
  ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.objsubid = 0
 AND dep.refclassid = 'pg_class'::regclass AND dep.refobjsubid > 0 AND dep.deptype = 'a'
LEFT JOIN pg_class tc ON tc.oid = dep.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.relkind = 'S'
  AND c.relnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend x
                  WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.deptype IN ('i', 'e'))
ORDER BY c.oid
