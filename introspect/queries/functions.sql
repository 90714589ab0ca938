-- Functions and procedures written in SQL-level languages, with a body in prosrc or a SQL-standard
-- body (prosqlbody, printed by pg_get_function_sqlbody). Aggregates (aggregates.sql), window
-- functions and C/internal functions are not read here (unmanaged.sql reports the latter). The signature is canonicalised by schema::canonical_signature.
SELECT p.oid, n.nspname, p.proname, p.prokind,
       pg_get_function_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END AS result,
       l.lanname, p.prosrc, p.provolatile, p.proisstrict, p.prosecdef, p.proparallel,
       p.proconfig, p.proleakproof, p.procost, p.prorows,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END AS sqlbody,
       d.description
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE p.prokind IN ('f', 'p')
  AND p.pronamespace = ANY ($1::oid[])
  AND l.lanname NOT IN ('c', 'internal')
  AND NOT EXISTS (SELECT 1 FROM pg_depend x
                  WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i'))
ORDER BY p.oid
