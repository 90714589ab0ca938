-- Primary key, unique, check, foreign key and exclusion constraints of tables. Constraints cloned
-- onto partitions from their parent (conparentid) and inherited checks (not conislocal) are left
-- out: they belong to the parent. Column lists come as attnums, mapped to names by the caller; the
-- referenced columns of a foreign key to a schema that is not read come as names too.
SELECT co.oid, co.conrelid, co.conname, co.contype,
       co.conkey::int2[] AS conkey,
       co.condeferrable, co.condeferred, co.connoinherit,
       CASE WHEN co.contype = 'c' THEN pg_get_expr(co.conbin, co.conrelid) END AS check_expr,
       CASE WHEN co.contype = 'x' THEN pg_get_constraintdef(co.oid) END AS definition,
       i.indnullsnotdistinct,
       fn.nspname AS ref_schema, fc.relname AS ref_table,
       co.confrelid, co.confkey::int2[] AS confkey,
       CASE WHEN co.contype = 'f' AND NOT fc.relnamespace = ANY ($1::oid[]) THEN
         ARRAY(SELECT fa.attname
               FROM unnest(co.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute fa ON fa.attrelid = co.confrelid AND fa.attnum = k.attnum
               ORDER BY k.ord) END AS ref_columns,
       co.confupdtype, co.confdeltype, co.confmatchtype,
       d.description
FROM pg_constraint co
JOIN pg_class c ON c.oid = co.conrelid
LEFT JOIN pg_index i ON i.indexrelid = co.conindid AND co.contype = 'u'
LEFT JOIN pg_class fc ON fc.oid = co.confrelid AND co.contype = 'f'
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = co.oid AND d.objsubid = 0
WHERE co.contype IN ('p', 'u', 'c', 'f', 'x')
  AND c.relkind IN ('r', 'p')
  AND c.relnamespace = ANY ($1::oid[])
  AND co.conparentid = 0
  AND co.conislocal
ORDER BY co.conrelid, co.conname
