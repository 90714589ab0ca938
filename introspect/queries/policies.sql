-- Row-level security policies. polcmd: * all, r select, a insert, w update, d delete.
-- Role 0 in polroles is PUBLIC.
SELECT p.polrelid, p.polname, p.polpermissive, p.polcmd,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid) END
             FROM unnest(p.polroles) AS r(oid)) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using_expr,
       pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
       d.description
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
LEFT JOIN pg_description d ON d.classoid = 'pg_policy'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND c.relnamespace = ANY ($1::oid[])
ORDER BY p.polrelid, p.polname
