-- Privileges on schemas, tables, views, sequences, columns and functions, one row per
-- (object, column, grantee, privilege). The owner's own privileges are implicit and left out. A NULL
-- ACL means the built-in default (acldefault): for functions that is EXECUTE to PUBLIC.
-- Grantee 0 is PUBLIC.
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
)
SELECT kind, oid, column_name,
       CASE WHEN grantee = 0 THEN 'public' ELSE pg_get_userbyid(grantee) END AS grantee,
       privilege_type, is_grantable
FROM acl
ORDER BY kind, oid, column_name, grantee, privilege_type
