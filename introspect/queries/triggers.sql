-- User triggers on tables. Internal triggers (FK enforcement), clones on partitions (tgparentid),
-- constraint triggers and triggers with transition tables are left out (the latter two are
-- reported by unmanaged.sql). tgtype bits: 1 ROW, 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE,
-- 32 TRUNCATE, 64 INSTEAD. The WHEN clause is only printed inside pg_get_triggerdef.
SELECT t.tgrelid, t.tgname, t.tgtype, t.tgattr::text AS tgattr,
       pn.nspname AS function_schema, p.proname AS function_name,
       t.tgnargs, t.tgargs,
       CASE WHEN t.tgqual IS NOT NULL THEN pg_get_triggerdef(t.oid) END AS definition,
       d.description
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_trigger'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND t.tgconstraint = 0
  AND t.tgoldtable IS NULL
  AND t.tgnewtable IS NULL
  AND c.relkind IN ('r', 'p')
  AND c.relnamespace = ANY ($1::oid[])
ORDER BY t.tgrelid, t.tgname
