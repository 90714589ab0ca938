-- Indexes of tables and materialized views that do not back a constraint and are not a partition's
-- copy of its parent's index, one row per index column (key columns, then INCLUDE columns).
-- attnum 0 is an expression, printed by pg_get_indexdef for that column alone. indoption bit 1 is
-- DESC, bit 2 NULLS FIRST. The opclass is given only when it is not the default for the type, the
-- collation only when it differs from the column's (for an expression: from its type's default).
-- reloptions are the storage parameters, "fillfactor=90".
SELECT i.indexrelid, i.indrelid, ic.relname AS index_name, am.amname,
       i.indisunique, i.indnullsnotdistinct, i.indnkeyatts, i.indisvalid,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       ic.reloptions::text[] AS reloptions,
       d.description,
       k.ord, k.attnum, k.opt,
       CASE WHEN k.attnum = 0 THEN pg_get_indexdef(i.indexrelid, k.ord::int, true) END AS expression,
       CASE WHEN opc.oid IS NULL THEN NULL
            WHEN pg_opclass_is_visible(opc.oid) THEN quote_ident(opc.opcname)
            ELSE quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END AS opclass,
       CASE WHEN co.oid IS NULL THEN NULL
            WHEN pg_collation_is_visible(co.oid) THEN co.collname::text
            ELSE '"' || replace(con.nspname, '"', '""') || '"."' || replace(co.collname, '"', '""') || '"' END AS collation
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indoption::int2[], i.indclass::oid[], i.indcollation::oid[])
  WITH ORDINALITY AS k(attnum, opt, opclass, coll, ord)
LEFT JOIN pg_opclass opc ON opc.oid = k.opclass AND NOT opc.opcdefault
LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
-- The default collation is looked up only for collatable keys, by index: joining pg_attribute
-- twice would scan it whole twice.
LEFT JOIN pg_collation co
  ON co.oid = k.coll AND k.coll <> 0 AND k.coll <> COALESCE(
       (SELECT a.attcollation FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0),
       (SELECT t.typcollation FROM pg_attribute ia JOIN pg_type t ON t.oid = ia.atttypid
        WHERE ia.attrelid = i.indexrelid AND ia.attnum = k.ord))
LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = i.indexrelid AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'm')
  AND c.relnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint x
                  WHERE x.conrelid = i.indrelid AND x.conindid = i.indexrelid AND x.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_depend x
                  WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.deptype = 'e')
ORDER BY i.indexrelid, k.ord
