-- User triggers on tables and views. Internal triggers (FK enforcement) and clones on partitions
-- (tgparentid) are left out. tgtype bits: 1 ROW, 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE,
-- 32 TRUNCATE, 64 INSTEAD. The WHEN clause is only printed inside pg_get_triggerdef. tgenabled:
-- O origin, D disabled, R replica, A always. A constraint trigger has tgconstraint <> 0 and, with
-- FROM, tgconstrrelid; tgoldtable and tgnewtable name the transition tables.
SELECT t.tgrelid, t.tgname, t.tgtype, t.tgattr::text AS tgattr,
       pn.nspname AS function_schema, p.proname AS function_name,
       t.tgnargs, t.tgargs,
       CASE WHEN t.tgqual IS NOT NULL THEN pg_get_triggerdef(t.oid) END AS definition,
       t.tgenabled::text AS tgenabled, t.tgconstraint <> 0 AS is_constraint,
       t.tgdeferrable, t.tginitdeferred,
       fn.nspname AS from_schema, fc.relname AS from_name,
       t.tgoldtable::text AS old_table, t.tgnewtable::text AS new_table,
       d.description
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_class fc ON fc.oid = t.tgconstrrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_trigger'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND c.relkind IN ('r', 'p', 'v')
  AND c.relnamespace = ANY ($1::oid[])
ORDER BY t.tgrelid, t.tgname
