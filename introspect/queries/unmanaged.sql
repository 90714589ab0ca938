-- Everything in the read schemas (or database-wide) that the model cannot express, as (kind, name).
-- Extension members are the extension's; internal parts of another object are that object's. Each branch is one catalog scan; names are unquoted
-- "schema.object", the same spelling as QualifiedName::display().
WITH ext AS (
  -- members of an extension, and parts of another object (a range type's constructors and casts)
  SELECT classid, objid FROM pg_depend WHERE deptype IN ('e', 'i')
), rel AS (
  SELECT c.oid, c.relname, c.relkind, c.reloptions, c.reloftype, c.relispartition, c.relreplident,
         n.nspname || '.' || c.relname AS name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relnamespace = ANY ($1::oid[])
    AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
)
SELECT 'rule' AS kind, rel.name || '.' || r.rulename AS name
FROM pg_rewrite r JOIN rel ON rel.oid = r.ev_class
WHERE r.rulename <> '_RETURN'
UNION ALL
SELECT 'foreign table', name FROM rel WHERE relkind = 'f'
UNION ALL
SELECT 'typed table', name FROM rel WHERE relkind IN ('r', 'p') AND reloftype <> 0
UNION ALL
SELECT 'table inheritance', rel.name || ' inherits ' || pn.nspname || '.' || pc.relname
FROM pg_inherits i
JOIN rel ON rel.oid = i.inhrelid AND rel.relkind IN ('r', 'p') AND NOT rel.relispartition
JOIN pg_class pc ON pc.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = pc.relnamespace
UNION ALL
SELECT 'storage parameters', name || ' (' || array_to_string(reloptions, ', ') || ')'
FROM rel WHERE relkind IN ('r', 'p') AND reloptions IS NOT NULL
UNION ALL
SELECT 'view options', name || ' (' || array_to_string(reloptions, ', ') || ')'
FROM rel
WHERE relkind = 'v'
  AND EXISTS (SELECT 1 FROM pg_options_to_table(reloptions) o
              WHERE o.option_name NOT IN ('check_option', 'security_invoker', 'security_barrier'))
UNION ALL
SELECT 'replica identity', name || ' (' || relreplident::text || ')'
FROM rel WHERE relkind IN ('r', 'p') AND relreplident NOT IN ('d', 'p')
UNION ALL
SELECT 'comment on ' || CASE rel.relkind WHEN 'c' THEN 'type attribute' ELSE 'view column' END,
       rel.name || '.' || a.attname
FROM pg_description d
JOIN rel ON d.classoid = 'pg_class'::regclass AND d.objoid = rel.oid AND rel.relkind IN ('v', 'm', 'c')
JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum = d.objsubid
WHERE d.objsubid > 0
UNION ALL
SELECT 'comment on domain constraint', n.nspname || '.' || t.typname || '.' || co.conname
FROM pg_constraint co
JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = co.oid
JOIN pg_type t ON t.oid = co.contypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE co.contypid <> 0 AND t.typnamespace = ANY ($1::oid[])
UNION ALL
SELECT 'invalid index', rel.name
FROM pg_index i JOIN rel ON rel.oid = i.indexrelid
WHERE NOT i.indisvalid
UNION ALL
SELECT 'unique constraint with INCLUDE', rel.name || '.' || co.conname
FROM pg_constraint co JOIN rel ON rel.oid = co.conrelid JOIN pg_index i ON i.indexrelid = co.conindid
WHERE co.contype IN ('p', 'u') AND i.indnatts > i.indnkeyatts AND co.conparentid = 0
UNION ALL
SELECT 'foreign key ON DELETE SET NULL/DEFAULT column list', rel.name || '.' || co.conname
FROM pg_constraint co JOIN rel ON rel.oid = co.conrelid
WHERE co.contype = 'f' AND co.confdelsetcols IS NOT NULL AND co.conparentid = 0
UNION ALL
SELECT 'NOT VALID constraint', rel.name || '.' || co.conname
FROM pg_constraint co JOIN rel ON rel.oid = co.conrelid
WHERE NOT co.convalidated AND co.conparentid = 0
UNION ALL
SELECT 'trigger on ' || CASE rel.relkind WHEN 'f' THEN 'foreign table' WHEN 'm' THEN 'materialized view'
                            ELSE 'relation' END,
       rel.name || '.' || t.tgname
FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND rel.relkind NOT IN ('r', 'p', 'v')
UNION ALL
SELECT CASE WHEN p.prokind = 'a' THEN 'ordered-set or hypothetical-set aggregate'
            WHEN p.prokind = 'w' THEN 'window function'
            ELSE 'function in language ' || l.lanname END,
       n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = ANY ($1::oid[])
  AND (p.prokind = 'w' OR (p.prokind IN ('f', 'p') AND l.lanname IN ('c', 'internal'))
       OR (p.prokind = 'a' AND EXISTS (SELECT 1 FROM pg_aggregate a WHERE a.aggfnoid = p.oid AND a.aggkind <> 'n')))
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'b' THEN 'base type' ELSE 'pseudo type' END,
       n.nspname || '.' || t.typname
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typnamespace = ANY ($1::oid[])
  AND (t.typtype IN ('r', 'p') OR (t.typtype = 'b' AND t.typcategory <> 'A'))
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'operator', n.nspname || '.' || o.oprname || '(' || format_type(o.oprleft, NULL) || ', '
       || format_type(o.oprright, NULL) || ')'
FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE o.oprnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_operator'::regclass AND ext.objid = o.oid)
UNION ALL
SELECT 'operator class', n.nspname || '.' || o.opcname
FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace
WHERE o.opcnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opclass'::regclass AND ext.objid = o.oid)
UNION ALL
SELECT 'operator family', n.nspname || '.' || o.opfname
FROM pg_opfamily o JOIN pg_namespace n ON n.oid = o.opfnamespace
WHERE o.opfnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opfamily'::regclass AND ext.objid = o.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_opclass oc WHERE oc.opcfamily = o.oid)
UNION ALL
SELECT 'collation', n.nspname || '.' || c.collname
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE c.collnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_collation'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'conversion', n.nspname || '.' || c.conname
FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE c.connamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_conversion'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'text search configuration', n.nspname || '.' || c.cfgname
FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
WHERE c.cfgnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_config'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'text search dictionary', n.nspname || '.' || c.dictname
FROM pg_ts_dict c JOIN pg_namespace n ON n.oid = c.dictnamespace
WHERE c.dictnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_dict'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'statistics object', n.nspname || '.' || s.stxname
FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
WHERE s.stxnamespace = ANY ($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_statistic_ext'::regclass AND ext.objid = s.oid)
UNION ALL
SELECT 'event trigger', e.evtname
FROM pg_event_trigger e
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_event_trigger'::regclass AND ext.objid = e.oid)
UNION ALL
SELECT 'foreign server', s.srvname
FROM pg_foreign_server s
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_foreign_server'::regclass AND ext.objid = s.oid)
UNION ALL
SELECT 'foreign-data wrapper', w.fdwname
FROM pg_foreign_data_wrapper w
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_foreign_data_wrapper'::regclass AND ext.objid = w.oid)
UNION ALL
SELECT 'cast', format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL)
FROM pg_cast c
WHERE c.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_cast'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'language', l.lanname
FROM pg_language l
WHERE l.lanname NOT IN ('internal', 'c', 'sql', 'plpgsql')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_language'::regclass AND ext.objid = l.oid)
UNION ALL
SELECT 'publication', p.pubname FROM pg_publication p
UNION ALL
SELECT 'subscription', s.subname
FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
UNION ALL
SELECT 'default privilege revocation',
       pg_get_userbyid(d.defaclrole) || ' ' || d.defaclobjtype::text || ' ' || x.privilege_type || ' from '
       || CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee) END
FROM pg_default_acl d
CROSS JOIN LATERAL aclexplode(acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END,
                                         d.defaclrole)) x
WHERE d.defaclnamespace = 0 AND x.grantee <> d.defaclrole
  AND NOT EXISTS (SELECT 1 FROM aclexplode(d.defaclacl) a
                  WHERE a.grantee = x.grantee AND a.privilege_type = x.privilege_type)
ORDER BY 1, 2
