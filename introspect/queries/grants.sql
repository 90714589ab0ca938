-- Privileges on schemas, tables, views, sequences, columns, functions and types (enums, domains,
-- stand-alone composites), one row per (object, column, grantee, privilege). The owner's own privileges
-- are implicit and left out. A NULL ACL means the built-in default (acldefault), read as what it grants:
-- EXECUTE to PUBLIC for functions, USAGE to PUBLIC for types; so the model holds the effective ACL and a
-- REVOKE from PUBLIC shows as PUBLIC's missing row. Grantee 0 is PUBLIC. Types are found by name
-- (type_schema, type_name), the other kinds by oid.
WITH rel AS (
  SELECT c.oid, c.relowner, c.relacl
  FROM pg_class c
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
    AND c.relnamespace = ANY ($1::oid[])
), acl AS (
  SELECT 'relation' AS kind, r.oid, NULL::name AS column_name, a.grantee, a.privilege_type, a.is_grantable
  FROM rel r, aclexplode(r.relacl) a
  WHERE a.grantee <> r.relowner
  UNION ALL
  SELECT 'relation', r.oid, att.attname, a.grantee, a.privilege_type, a.is_grantable
  FROM rel r
  JOIN pg_attribute att ON att.attrelid = r.oid AND att.attacl IS NOT NULL AND NOT att.attisdropped
    AND att.attname NOT LIKE '\_pgshift\_trash\_%',  -- soft-dropped columns (planner/soft_drop.hpp)
  aclexplode(att.attacl) a
  WHERE a.grantee <> r.relowner
  UNION ALL
  SELECT 'function', p.oid, NULL, a.grantee, a.privilege_type, a.is_grantable
  FROM pg_proc p, aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
  WHERE p.pronamespace = ANY ($1::oid[]) AND a.grantee <> p.proowner
    AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i'))
  UNION ALL
  SELECT 'schema', n.oid, NULL, a.grantee, a.privilege_type, a.is_grantable
  FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
  WHERE n.oid = ANY ($1::oid[]) AND a.grantee <> n.nspowner
  UNION ALL
  SELECT 'type', t.oid, NULL, a.grantee, a.privilege_type, a.is_grantable
  FROM pg_type t, aclexplode(COALESCE(t.typacl, acldefault('T', t.typowner))) a
  WHERE t.typnamespace = ANY ($1::oid[]) AND a.grantee <> t.typowner
    AND (t.typtype IN ('e', 'd')
         OR t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
    AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.deptype = 'e')
)
SELECT kind, oid, column_name,
       CASE WHEN grantee = 0 THEN 'public' ELSE pg_get_userbyid(grantee) END AS grantee,
       privilege_type, is_grantable,
       CASE WHEN kind = 'type' THEN (SELECT n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                                     WHERE t.oid = acl.oid) END AS type_schema,
       CASE WHEN kind = 'type' THEN (SELECT t.typname FROM pg_type t WHERE t.oid = acl.oid) END AS type_name
FROM acl
ORDER BY kind, oid, column_name, grantee, privilege_type
