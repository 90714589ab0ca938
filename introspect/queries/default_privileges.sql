-- ALTER DEFAULT PRIVILEGES entries. A database-wide entry (namespace 0) holds the whole ACL that
-- replaces the built-in default, so the built-in part (acldefault) is subtracted; a per-schema entry
-- holds only what it adds. defaclobjtype: r tables, S sequences, f functions, T types, n schemas.
SELECT pg_get_userbyid(d.defaclrole) AS owner,
       n.nspname,
       d.defaclobjtype,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END AS grantee,
       a.privilege_type, a.is_grantable
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
CROSS JOIN LATERAL aclexplode(d.defaclacl) a
WHERE a.grantee <> d.defaclrole
  AND (d.defaclnamespace = 0 OR d.defaclnamespace = ANY ($1::oid[]))
  AND NOT (d.defaclnamespace = 0 AND EXISTS (
        SELECT 1
        FROM aclexplode(acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END,
                                   d.defaclrole)) x
        WHERE x.grantee = a.grantee AND x.privilege_type = a.privilege_type
          AND x.is_grantable = a.is_grantable))
ORDER BY 1, 2, 3, 4, 5
