-- PostgreSQL's own dependency records (pg_depend), each side named as the model names objects, so the
-- planner orders drops, changes and creates by what the server knows rather than by what pgshift guessed.
-- One row per (dependent, referenced) pair; kinds: schema, extension, type, table, column, view,
-- sequence, index, function, constraint, trigger, policy. A row type stands for its relation, an array
-- type for its element, a view's rewrite rule for the view, a column default for its column, a domain
-- constraint for its domain. Objects of extensions and built-in objects (oid < 16384) are left out.
-- Functions are given by oid (fn_oid); the reader names them as the model does.
WITH d AS (
  SELECT DISTINCT classid, objid, objsubid, refclassid, refobjid, refobjsubid
  FROM pg_depend
  WHERE deptype IN ('n', 'a', 'i') AND objid >= 16384 AND refobjid >= 16384
    AND classid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_constraint'::regclass,
                    'pg_rewrite'::regclass, 'pg_attrdef'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)
),
objs AS (
  SELECT classid, objid, objsubid FROM d
  UNION
  SELECT refclassid, refobjid, refobjsubid FROM d
),
-- relation oid + column number for the kinds that live on a relation
rel AS (
  SELECT o.classid, o.objid, o.objsubid, o.objid AS relid, o.objsubid AS attnum, NULL::name AS sub
  FROM objs o WHERE o.classid = 'pg_class'::regclass
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, r.ev_class, 0, NULL
  FROM objs o JOIN pg_rewrite r ON o.classid = 'pg_rewrite'::regclass AND r.oid = o.objid
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, a.adrelid, a.adnum, NULL
  FROM objs o JOIN pg_attrdef a ON o.classid = 'pg_attrdef'::regclass AND a.oid = o.objid
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, t.typrelid, 0, NULL
  FROM objs o JOIN pg_type t ON o.classid = 'pg_type'::regclass AND t.oid = o.objid
  WHERE t.typrelid <> 0
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, e.typrelid, 0, NULL
  FROM objs o JOIN pg_type t ON o.classid = 'pg_type'::regclass AND t.oid = o.objid
  JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
  WHERE t.typrelid = 0 AND e.typrelid <> 0
),
named AS (
  SELECT r.classid, r.objid, r.objsubid,
         CASE WHEN o.classid = 'pg_rewrite'::regclass AND c.relkind IN ('v', 'm') THEN 'view'
              WHEN o.classid = 'pg_rewrite'::regclass THEN 'table'
              WHEN c.relkind IN ('r', 'p', 'f') AND r.attnum > 0 AND o.classid IN ('pg_class'::regclass, 'pg_attrdef'::regclass)
                THEN 'column'
              WHEN c.relkind IN ('r', 'p', 'f') THEN 'table'
              WHEN c.relkind IN ('v', 'm') THEN 'view'
              WHEN c.relkind = 'S' THEN 'sequence'
              WHEN c.relkind IN ('i', 'I') THEN 'index'
              WHEN c.relkind = 'c' THEN 'type' END AS kind,
         n.nspname,
         CASE WHEN c.relkind = 'c' THEN (SELECT typname FROM pg_type WHERE oid = c.reltype) ELSE c.relname END AS name,
         CASE WHEN c.relkind IN ('r', 'p', 'f') AND r.attnum > 0 THEN a.attname END AS sub,
         0::oid AS fn_oid
  FROM rel r
  JOIN objs o ON o.classid = r.classid AND o.objid = r.objid AND o.objsubid = r.objsubid
  JOIN pg_class c ON c.oid = r.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = r.attnum AND r.attnum > 0
  UNION ALL
  -- domains, enums, ranges, multiranges and other non-relation types (arrays: their element)
  SELECT o.classid, o.objid, o.objsubid, 'type', n.nspname, b.typname, NULL, 0
  FROM objs o
  JOIN pg_type t ON o.classid = 'pg_type'::regclass AND t.oid = o.objid
  JOIN pg_type b ON b.oid = CASE WHEN t.typelem <> 0 AND EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)
                                 THEN t.typelem ELSE t.oid END
  JOIN pg_namespace n ON n.oid = b.typnamespace
  WHERE b.typrelid = 0
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, 'function', n.nspname, p.proname, NULL, p.oid
  FROM objs o
  JOIN pg_proc p ON o.classid = 'pg_proc'::regclass AND p.oid = o.objid
  JOIN pg_namespace n ON n.oid = p.pronamespace
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid,
         CASE WHEN con.contypid <> 0 THEN 'type' ELSE 'constraint' END, n.nspname,
         CASE WHEN con.contypid <> 0 THEN ty.typname ELSE c.relname END,
         CASE WHEN con.contypid <> 0 THEN NULL ELSE con.conname END, 0
  FROM objs o
  JOIN pg_constraint con ON o.classid = 'pg_constraint'::regclass AND con.oid = o.objid
  LEFT JOIN pg_class c ON c.oid = con.conrelid
  LEFT JOIN pg_type ty ON ty.oid = con.contypid
  JOIN pg_namespace n ON n.oid = COALESCE(c.relnamespace, ty.typnamespace)
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, 'trigger', n.nspname, c.relname, tg.tgname, 0
  FROM objs o
  JOIN pg_trigger tg ON o.classid = 'pg_trigger'::regclass AND tg.oid = o.objid
  JOIN pg_class c ON c.oid = tg.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, 'policy', n.nspname, c.relname, pol.polname, 0
  FROM objs o
  JOIN pg_policy pol ON o.classid = 'pg_policy'::regclass AND pol.oid = o.objid
  JOIN pg_class c ON c.oid = pol.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, 'schema', s.nspname, s.nspname, NULL, 0
  FROM objs o JOIN pg_namespace s ON o.classid = 'pg_namespace'::regclass AND s.oid = o.objid
  UNION ALL
  SELECT o.classid, o.objid, o.objsubid, 'extension', x.extname, x.extname, NULL, 0
  FROM objs o JOIN pg_extension x ON o.classid = 'pg_extension'::regclass AND x.oid = o.objid
)
SELECT DISTINCT a.kind AS dep_kind, a.nspname AS dep_schema, a.name AS dep_name, a.sub AS dep_sub, a.fn_oid AS dep_fn,
       b.kind AS ref_kind, b.nspname AS ref_schema, b.name AS ref_name, b.sub AS ref_sub, b.fn_oid AS ref_fn
FROM d
JOIN named a ON a.classid = d.classid AND a.objid = d.objid AND a.objsubid = d.objsubid
JOIN named b ON b.classid = d.refclassid AND b.objid = d.refobjid AND b.objsubid = d.refobjsubid
WHERE a.kind IS NOT NULL AND b.kind IS NOT NULL
  AND (a.nspname IN (SELECT nspname FROM pg_namespace WHERE oid = ANY ($1::oid[])))
  AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = d.classid AND x.objid = d.objid AND x.deptype = 'e')
  AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = d.refclassid AND x.objid = d.refobjid AND x.deptype = 'e')
ORDER BY 1, 2, 3, 4, 6, 7, 8, 9
