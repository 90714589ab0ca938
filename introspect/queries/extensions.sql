-- Installed extensions, with their installed version and the version CREATE EXTENSION would install
-- (NULL when the extension's control file is gone). plpgsql is part of every database (initdb installs
-- it) and is left out.
SELECT e.extname, n.nspname, e.extversion, a.default_version
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_available_extensions a ON a.name = e.extname
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
