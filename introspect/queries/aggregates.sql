-- Plain aggregates (pg_aggregate.aggkind = 'n'; ordered-set and hypothetical-set aggregates are
-- reported by unmanaged.sql). Support functions as {schema, name}; types by format_type.
SELECT p.oid, n.nspname, p.proname,
       pg_get_function_arguments(p.oid) AS arguments,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggtransfn) AS sfunc,
       format_type(a.aggtranstype, NULL) AS stype,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggfinalfn) AS finalfunc,
       a.aggfinalextra,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggcombinefn) AS combinefunc,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggserialfn) AS serialfunc,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggdeserialfn) AS deserialfunc,
       a.agginitval,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggmtransfn) AS msfunc,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggminvtransfn) AS minvfunc,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE f.oid = a.aggmfinalfn) AS mfinalfunc,
       a.aggmfinalextra,
       CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype,
       a.aggminitval,
       p.proparallel,
       d.description
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE a.aggkind = 'n'
  AND p.pronamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend x
                  WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i'))
ORDER BY p.oid
