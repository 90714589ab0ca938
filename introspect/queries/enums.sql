-- Enum types, one row per label in sort order (a label-less enum gives one row with a NULL label).
SELECT t.oid, n.nspname, t.typname, e.enumlabel, d.description
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_enum e ON e.enumtypid = t.oid
LEFT JOIN pg_description d ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE t.typtype = 'e'
  AND t.typnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend x
                  WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.deptype = 'e')
ORDER BY t.oid, e.enumsortorder
