-- The catalog of the current database as sorted text lines, one per object or attribute, read from
-- pg_catalog and the server's own pg_get_*def functions, never through pgshift's model. Two databases
-- have the same schema when this prints the same lines for both (tests/conformance/run.sh diffs them).
--
-- Left out: the system schemas, pgshift's own schemas (pgshift, pgshift_trash, _pgshift*, pgshift_*),
-- objects that belong to an extension (pg_depend deptype 'e'), built-in objects (oid < 16384), and the
-- order of columns. A sequence owned by a column (serial, identity) is named by its column, not by its
-- own name, as the corpus README allows; so is that name inside the column's nextval() default.
-- Every value is one line: newlines in definitions are written as \n.
\set ON_ERROR_STOP 1
SET search_path = pg_catalog;
WITH
ns AS (
  SELECT n.oid, n.nspname, n.nspowner, n.nspacl FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pgshift', 'pgshift_trash')
    AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
    AND n.nspname NOT LIKE '\_pgshift%' AND n.nspname NOT LIKE 'pgshift\_%'),
ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
-- Sequences owned by a column (serial: deptype 'a', identity: 'i'), labelled by that column.
seqown AS (
  SELECT d.objid AS seq, d.refobjid AS rel, d.refobjsubid AS att,
         format('(sequence of %s.%s)', d.refobjid::regclass, quote_ident(a.attname)) AS label
  FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
    AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')),
rel AS (
  SELECT c.*, coalesce(so.label, c.oid::regclass::text) AS label,
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
           WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence'
           WHEN 'c' THEN 'composite type' END AS kind
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  LEFT JOIN seqown so ON so.seq = c.oid
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
    AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_class'::regclass)),
typ AS (
  SELECT t.*, t.oid::regtype::text AS label FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
  WHERE t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass)
    AND t.typtype <> 'm'                                                     -- multiranges: with their range
    AND NOT (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) <> 'c')  -- row types
    AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)),  -- arrays
proc AS (
  SELECT p.*, p.oid::regprocedure::text AS label FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  WHERE p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass)),
-- acl(label, acl): one line per privilege; a NULL acl is read as the default one (acldefault) by the caller.
acls(label, acl) AS (
  SELECT kind || ' ' || label, coalesce(relacl, acldefault(CASE relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", relowner))
    FROM rel WHERE relkind <> 'c'
  UNION ALL
  SELECT 'column ' || r.label || '.' || quote_ident(a.attname), a.attacl
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE a.attacl IS NOT NULL
  UNION ALL
  SELECT 'function ' || label, coalesce(proacl, acldefault('f', proowner)) FROM proc
  UNION ALL
  SELECT 'type ' || label, coalesce(typacl, acldefault('T', typowner)) FROM typ
  UNION ALL
  SELECT 'schema ' || quote_ident(nspname), coalesce(nspacl, acldefault('n', nspowner)) FROM ns
  UNION ALL
  SELECT 'language ' || quote_ident(lanname), coalesce(lanacl, acldefault('l', lanowner)) FROM pg_language
    WHERE oid >= 16384 AND oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_language'::regclass)
  UNION ALL
  SELECT 'foreign data wrapper ' || quote_ident(fdwname), coalesce(fdwacl, acldefault('F', fdwowner))
    FROM pg_foreign_data_wrapper
    WHERE oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_foreign_data_wrapper'::regclass)
  UNION ALL
  SELECT 'server ' || quote_ident(srvname), coalesce(srvacl, acldefault('S', srvowner)) FROM pg_foreign_server
    WHERE oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_foreign_server'::regclass)
  UNION ALL
  SELECT format('default privileges of %s in %s on %s', pg_get_userbyid(d.defaclrole),
                CASE WHEN d.defaclnamespace = 0 THEN '(all schemas)' ELSE d.defaclnamespace::regnamespace::text END,
                CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                  WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END),
         d.defaclacl
    FROM pg_default_acl d
    WHERE d.defaclnamespace = 0 OR d.defaclnamespace IN (SELECT oid FROM ns)),
lines(line) AS (
  -- Schemas.
  SELECT format('schema %s owner=%s', quote_ident(nspname), pg_get_userbyid(nspowner)) FROM ns
  UNION ALL
  -- Extensions, with their version and schema.
  SELECT format('extension %s version=%s schema=%s relocatable=%s', quote_ident(e.extname), e.extversion,
                e.extnamespace::regnamespace, e.extrelocatable)
    FROM pg_extension e
  UNION ALL
  -- Tables, views, materialized views, foreign tables, composite types (their relation): kind,
  -- persistence, partitioning, parents, options, row security, replica identity, access method.
  SELECT format('%s %s owner=%s persistence=%s am=%s partition_key=%s partition_of=%s bound=%s inherits=%s '
                'of_type=%s options=%s rls=%s force_rls=%s replica_identity=%s populated=%s',
                kind, label, pg_get_userbyid(relowner), relpersistence,
                (SELECT amname FROM pg_am WHERE oid = relam),
                CASE WHEN relkind = 'p' THEN pg_get_partkeydef(oid) END,
                CASE WHEN relispartition THEN (SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = oid) END,
                pg_get_expr(relpartbound, oid),
                CASE WHEN NOT relispartition THEN (SELECT string_agg(inhparent::regclass::text, ',' ORDER BY inhseqno)
                                                   FROM pg_inherits WHERE inhrelid = oid) END,
                CASE WHEN reloftype <> 0 THEN reloftype::regtype::text END,
                array_to_string(ARRAY(SELECT o FROM unnest(reloptions) o ORDER BY 1), ','),
                relrowsecurity, relforcerowsecurity, relreplident,
                CASE WHEN relkind = 'm' THEN relispopulated END)
    FROM rel WHERE relkind <> 'S'
  UNION ALL
  -- Columns (and composite type attributes), by name: attnum and column order are ignored.
  SELECT format('column %s.%s type=%s not_null=%s default=%s identity=%s generated=%s collation=%s '
                'statistics=%s storage=%s compression=%s options=%s fdw_options=%s inherited=%s local=%s',
                r.label, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull,
                CASE WHEN so.seq IS NULL THEN pg_get_expr(ad.adbin, ad.adrelid)
                     ELSE replace(pg_get_expr(ad.adbin, ad.adrelid), quote_literal(so.seq::regclass::text),
                                  '''(owned sequence)''') END,
                a.attidentity, a.attgenerated,
                CASE WHEN a.attcollation <> t.typcollation THEN (SELECT c.oid::regcollation::text FROM pg_collation c
                                                                 WHERE c.oid = a.attcollation) END,
                CASE WHEN a.attstattarget <> -1 THEN a.attstattarget END,
                CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END, a.attcompression,
                array_to_string(ARRAY(SELECT o FROM unnest(a.attoptions) o ORDER BY 1), ','),
                array_to_string(ARRAY(SELECT o FROM unnest(a.attfdwoptions) o ORDER BY 1), ','),
                a.attinhcount > 0, a.attislocal)
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN seqown so ON so.rel = a.attrelid AND so.att = a.attnum
    WHERE r.relkind <> 'S'
  UNION ALL
  -- Constraints on tables (definition, deferrability, validity, inheritance) and on domains. NO INHERIT
  -- only for CHECK: PostgreSQL 15 uses connoinherit for nothing else, and for a UNIQUE or PRIMARY KEY it
  -- only records how a partition came to be (CREATE ... PARTITION OF or CREATE + ATTACH, as pg_dump does).
  SELECT format('constraint %s on %s type=%s def=%s deferrable=%s deferred=%s validated=%s no_inherit=%s '
                'local=%s inherited=%s',
                quote_ident(k.conname), CASE WHEN k.conrelid <> 0 THEN k.conrelid::regclass::text
                                             ELSE 'domain ' || k.contypid::regtype::text END,
                k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred, k.convalidated,
                CASE WHEN k.contype = 'c' THEN k.connoinherit END, k.conislocal, k.coninhcount > 0)
    FROM pg_constraint k
    WHERE k.conrelid IN (SELECT oid FROM rel) OR k.contypid IN (SELECT oid FROM typ)
  UNION ALL
  -- Indexes: definition, validity, the index they are attached to (partitions), clustering.
  SELECT format('index %s on %s def=%s valid=%s ready=%s live=%s clustered=%s replica_identity=%s attached_to=%s',
                i.indexrelid::regclass, i.indrelid::regclass, pg_get_indexdef(i.indexrelid), i.indisvalid,
                i.indisready, i.indislive, i.indisclustered, i.indisreplident,
                (SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = i.indexrelid))
    FROM pg_index i WHERE i.indrelid IN (SELECT oid FROM rel)
  UNION ALL
  -- Views and materialized views: the server's own text of the query.
  SELECT format('%s definition %s %s', kind, label, replace(pg_get_viewdef(oid), E'\n', '\n'))
    FROM rel WHERE relkind IN ('v', 'm')
  UNION ALL
  -- Rules other than a view's own _RETURN.
  SELECT format('rule %s on %s enabled=%s def=%s', quote_ident(w.rulename), w.ev_class::regclass, w.ev_enabled,
                replace(pg_get_ruledef(w.oid), E'\n', '\n'))
    FROM pg_rewrite w WHERE w.ev_class IN (SELECT oid FROM rel) AND w.rulename <> '_RETURN'
  UNION ALL
  -- Sequences: options, persistence, owner; a column's sequence is named by its column.
  SELECT format('sequence %s type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s persistence=%s owner=%s',
                r.label, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                s.seqcycle, r.relpersistence, pg_get_userbyid(r.relowner))
    FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
  UNION ALL
  -- Functions and procedures: pg_get_functiondef holds arguments, result, language, volatility,
  -- strictness, security, leakproofness, parallel safety, COST/ROWS, SET config, support, and the body.
  SELECT format('%s %s owner=%s def=%s', CASE prokind WHEN 'p' THEN 'procedure' WHEN 'w' THEN 'window function'
                                          ELSE 'function' END,
                label, pg_get_userbyid(proowner), replace(pg_get_functiondef(oid), E'\n', '\n'))
    FROM proc WHERE prokind <> 'a'
  UNION ALL
  -- Aggregates: pg_get_functiondef does not cover them; their parts from pg_aggregate.
  SELECT format('aggregate %s owner=%s kind=%s direct_args=%s sfunc=%s stype=%s sspace=%s finalfunc=%s '
                'finalextra=%s finalmodify=%s combinefunc=%s serialfunc=%s deserialfunc=%s initcond=%s '
                'msfunc=%s minvfunc=%s mstype=%s mfinalfunc=%s minitcond=%s sortop=%s parallel=%s',
                p.label, pg_get_userbyid(p.proowner), g.aggkind, g.aggnumdirectargs, g.aggtransfn::regprocedure,
                format_type(g.aggtranstype, NULL), g.aggtransspace,
                nullif(g.aggfinalfn, 0)::regprocedure, g.aggfinalextra, g.aggfinalmodify,
                nullif(g.aggcombinefn, 0)::regprocedure, nullif(g.aggserialfn, 0)::regprocedure,
                nullif(g.aggdeserialfn, 0)::regprocedure, g.agginitval,
                nullif(g.aggmtransfn, 0)::regprocedure, nullif(g.aggminvtransfn, 0)::regprocedure,
                CASE WHEN g.aggmtranstype <> 0 THEN format_type(g.aggmtranstype, NULL) END,
                nullif(g.aggmfinalfn, 0)::regprocedure, g.aggminitval, nullif(g.aggsortop, 0)::regoperator,
                p.proparallel)
    FROM proc p JOIN pg_aggregate g ON g.aggfnoid = p.oid
  UNION ALL
  -- Triggers of every kind (row/statement, BEFORE/AFTER/INSTEAD OF, constraint triggers, WHEN,
  -- transition tables, on partitions), with their enabled state; not the internal ones of foreign keys.
  SELECT format('trigger %s on %s enabled=%s def=%s', quote_ident(g.tgname), g.tgrelid::regclass, g.tgenabled,
                pg_get_triggerdef(g.oid))
    FROM pg_trigger g WHERE g.tgrelid IN (SELECT oid FROM rel) AND NOT g.tgisinternal
  UNION ALL
  -- Row security policies.
  SELECT format('policy %s on %s command=%s permissive=%s roles=%s using=%s with_check=%s',
                quote_ident(p.polname), p.polrelid::regclass, p.polcmd, p.polpermissive,
                (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END, ',' ORDER BY 1)
                 FROM unnest(p.polroles) r),
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p WHERE p.polrelid IN (SELECT oid FROM rel)
  UNION ALL
  -- Types: enums (labels in order), domains (constraints above), ranges, composite types (their
  -- attributes are columns above), base and shell types.
  SELECT format('type %s kind=%s owner=%s %s', t.label, t.typtype, pg_get_userbyid(t.typowner),
           CASE t.typtype
             WHEN 'e' THEN 'labels=' || (SELECT string_agg(quote_literal(enumlabel), ',' ORDER BY enumsortorder)
                                         FROM pg_enum WHERE enumtypid = t.oid)
             WHEN 'd' THEN format('base=%s not_null=%s default=%s collation=%s', format_type(t.typbasetype, t.typtypmod),
                                  t.typnotnull, t.typdefault,
                                  CASE WHEN t.typcollation <> (SELECT typcollation FROM pg_type WHERE oid = t.typbasetype)
                                       THEN t.typcollation::regcollation::text END)
             WHEN 'r' THEN (SELECT format('subtype=%s collation=%s opclass=%s canonical=%s subdiff=%s multirange=%s',
                                          format_type(rngsubtype, NULL), nullif(rngcollation, 0)::regcollation,
                                          (SELECT quote_ident(opcname) FROM pg_opclass WHERE oid = rngsubopc),
                                          nullif(rngcanonical, 0)::regprocedure, nullif(rngsubdiff, 0)::regprocedure,
                                          rngmultitypid::regtype)
                            FROM pg_range WHERE rngtypid = t.oid)
             WHEN 'b' THEN format('defined=%s input=%s output=%s receive=%s send=%s length=%s byval=%s align=%s '
                                  'storage=%s category=%s', t.typisdefined, t.typinput, t.typoutput, t.typreceive,
                                  t.typsend, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory)
             ELSE '' END)
    FROM typ t
  UNION ALL
  -- Collations.
  SELECT format('collation %s owner=%s provider=%s deterministic=%s collate=%s ctype=%s icu_locale=%s',
                c.oid::regcollation, pg_get_userbyid(c.collowner), c.collprovider, c.collisdeterministic,
                c.collcollate, c.collctype, c.colliculocale)
    FROM pg_collation c JOIN ns ON ns.oid = c.collnamespace
    WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_collation'::regclass)
  UNION ALL
  -- Operators, operator classes and families (with their members).
  SELECT format('operator %s owner=%s kind=%s result=%s function=%s commutator=%s negator=%s restrict=%s join=%s '
                'hashes=%s merges=%s', o.oid::regoperator, pg_get_userbyid(o.oprowner), o.oprkind,
                format_type(o.oprresult, NULL), o.oprcode::regprocedure, nullif(o.oprcom, 0)::regoperator,
                nullif(o.oprnegate, 0)::regoperator, nullif(o.oprrest, 0)::regprocedure,
                nullif(o.oprjoin, 0)::regprocedure, o.oprcanhash, o.oprcanmerge)
    FROM pg_operator o JOIN ns ON ns.oid = o.oprnamespace
    WHERE o.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_operator'::regclass)
  UNION ALL
  SELECT format('operator family %s.%s using %s owner=%s', f.opfnamespace::regnamespace, quote_ident(f.opfname),
                (SELECT amname FROM pg_am WHERE oid = f.opfmethod), pg_get_userbyid(f.opfowner))
    FROM pg_opfamily f JOIN ns ON ns.oid = f.opfnamespace
    WHERE f.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_opfamily'::regclass)
  UNION ALL
  SELECT format('operator class %s.%s using %s owner=%s type=%s default=%s family=%s.%s storage=%s',
                c.opcnamespace::regnamespace, quote_ident(c.opcname), (SELECT amname FROM pg_am WHERE oid = c.opcmethod),
                pg_get_userbyid(c.opcowner), format_type(c.opcintype, NULL), c.opcdefault,
                f.opfnamespace::regnamespace, quote_ident(f.opfname), nullif(c.opckeytype, 0)::regtype)
    FROM pg_opclass c JOIN ns ON ns.oid = c.opcnamespace JOIN pg_opfamily f ON f.oid = c.opcfamily
    WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_opclass'::regclass)
  UNION ALL
  SELECT format('operator family member %s.%s operator %s strategy=%s purpose=%s sortfamily=%s',
                f.opfnamespace::regnamespace, quote_ident(f.opfname), m.amopopr::regoperator, m.amopstrategy,
                m.amoppurpose, nullif(m.amopsortfamily, 0))
    FROM pg_amop m JOIN pg_opfamily f ON f.oid = m.amopfamily JOIN ns ON ns.oid = f.opfnamespace
    WHERE f.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_opfamily'::regclass)
  UNION ALL
  SELECT format('operator family member %s.%s function %s (%s,%s) number=%s', f.opfnamespace::regnamespace,
                quote_ident(f.opfname), m.amproc::regprocedure, format_type(m.amproclefttype, NULL),
                format_type(m.amprocrighttype, NULL), m.amprocnum)
    FROM pg_amproc m JOIN pg_opfamily f ON f.oid = m.amprocfamily JOIN ns ON ns.oid = f.opfnamespace
    WHERE f.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_opfamily'::regclass)
  UNION ALL
  -- Casts, languages, access methods, event triggers: no schema, so only the user's (oid >= 16384).
  SELECT format('cast (%s as %s) function=%s context=%s method=%s', format_type(c.castsource, NULL),
                format_type(c.casttarget, NULL), nullif(c.castfunc, 0)::regprocedure, c.castcontext, c.castmethod)
    FROM pg_cast c WHERE c.oid >= 16384 AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_cast'::regclass)
  UNION ALL
  SELECT format('language %s owner=%s trusted=%s handler=%s inline=%s validator=%s', quote_ident(l.lanname),
                pg_get_userbyid(l.lanowner), l.lanpltrusted, nullif(l.lanplcallfoid, 0)::regprocedure,
                nullif(l.laninline, 0)::regprocedure, nullif(l.lanvalidator, 0)::regprocedure)
    FROM pg_language l
    WHERE l.oid >= 16384 AND l.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_language'::regclass)
  UNION ALL
  SELECT format('access method %s type=%s handler=%s', quote_ident(a.amname), a.amtype, a.amhandler::regprocedure)
    FROM pg_am a WHERE a.oid >= 16384 AND a.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_am'::regclass)
  UNION ALL
  SELECT format('event trigger %s owner=%s event=%s function=%s enabled=%s tags=%s', quote_ident(e.evtname),
                pg_get_userbyid(e.evtowner), e.evtevent, e.evtfoid::regprocedure, e.evtenabled,
                array_to_string(e.evttags, ','))
    FROM pg_event_trigger e
    WHERE e.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_event_trigger'::regclass)
  UNION ALL
  -- Text search configurations (with their mappings), dictionaries, parsers, templates.
  SELECT format('text search configuration %s owner=%s parser=%s', c.oid::regconfig, pg_get_userbyid(c.cfgowner),
                (SELECT p.prsnamespace::regnamespace || '.' || quote_ident(p.prsname) FROM pg_ts_parser p
                 WHERE p.oid = c.cfgparser))
    FROM pg_ts_config c JOIN ns ON ns.oid = c.cfgnamespace
    WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_config'::regclass)
  UNION ALL
  SELECT format('text search configuration %s mapping %s %s: %s', c.oid::regconfig,
                (SELECT alias FROM ts_token_type(c.cfgparser) WHERE tokid = m.maptokentype), m.mapseqno,
                m.mapdict::regdictionary)
    FROM pg_ts_config c JOIN ns ON ns.oid = c.cfgnamespace JOIN pg_ts_config_map m ON m.mapcfg = c.oid
    WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_config'::regclass)
  UNION ALL
  SELECT format('text search dictionary %s owner=%s template=%s options=%s', d.oid::regdictionary,
                pg_get_userbyid(d.dictowner),
                (SELECT t.tmplnamespace::regnamespace || '.' || quote_ident(t.tmplname) FROM pg_ts_template t
                 WHERE t.oid = d.dicttemplate), d.dictinitoption)
    FROM pg_ts_dict d JOIN ns ON ns.oid = d.dictnamespace
    WHERE d.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_dict'::regclass)
  UNION ALL
  SELECT format('text search parser %s.%s start=%s token=%s end=%s headline=%s lextypes=%s',
                p.prsnamespace::regnamespace, quote_ident(p.prsname), p.prsstart::regprocedure,
                p.prstoken::regprocedure, p.prsend::regprocedure, nullif(p.prsheadline, 0)::regprocedure,
                p.prslextype::regprocedure)
    FROM pg_ts_parser p JOIN ns ON ns.oid = p.prsnamespace
    WHERE p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_parser'::regclass)
  UNION ALL
  SELECT format('text search template %s.%s init=%s lexize=%s', t.tmplnamespace::regnamespace,
                quote_ident(t.tmplname), nullif(t.tmplinit, 0)::regprocedure, t.tmpllexize::regprocedure)
    FROM pg_ts_template t JOIN ns ON ns.oid = t.tmplnamespace
    WHERE t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_template'::regclass)
  UNION ALL
  -- Publications: options, tables (row filter, columns), schemas.
  SELECT format('publication %s owner=%s all_tables=%s insert=%s update=%s delete=%s truncate=%s via_root=%s',
                quote_ident(p.pubname), pg_get_userbyid(p.pubowner), p.puballtables, p.pubinsert, p.pubupdate,
                p.pubdelete, p.pubtruncate, p.pubviaroot)
    FROM pg_publication p
  UNION ALL
  SELECT format('publication %s table %s where=%s columns=%s', quote_ident(p.pubname), r.prrelid::regclass,
                pg_get_expr(r.prqual, r.prrelid),
                (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY a.attname) FROM pg_attribute a
                 WHERE a.attrelid = r.prrelid AND a.attnum = ANY (r.prattrs)))
    FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
  UNION ALL
  SELECT format('publication %s schema %s', quote_ident(p.pubname), s.pnnspid::regnamespace)
    FROM pg_publication_namespace s JOIN pg_publication p ON p.oid = s.pnpubid
  UNION ALL
  -- Extended statistics objects.
  SELECT format('statistics %s.%s owner=%s target=%s def=%s', s.stxnamespace::regnamespace, quote_ident(s.stxname),
                pg_get_userbyid(s.stxowner), s.stxstattarget, pg_get_statisticsobjdef(s.oid))
    FROM pg_statistic_ext s JOIN ns ON ns.oid = s.stxnamespace
  UNION ALL
  -- Conversions.
  SELECT format('conversion %s.%s owner=%s from=%s to=%s function=%s default=%s', c.connamespace::regnamespace,
                quote_ident(c.conname), pg_get_userbyid(c.conowner), pg_encoding_to_char(c.conforencoding),
                pg_encoding_to_char(c.contoencoding), c.conproc::regprocedure, c.condefault)
    FROM pg_conversion c JOIN ns ON ns.oid = c.connamespace
    WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_conversion'::regclass)
  UNION ALL
  -- Foreign data wrappers, servers, user mappings, foreign tables' server and options.
  SELECT format('foreign data wrapper %s owner=%s handler=%s validator=%s options=%s', quote_ident(w.fdwname),
                pg_get_userbyid(w.fdwowner), nullif(w.fdwhandler, 0)::regprocedure,
                nullif(w.fdwvalidator, 0)::regprocedure, array_to_string(w.fdwoptions, ','))
    FROM pg_foreign_data_wrapper w
    WHERE w.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_foreign_data_wrapper'::regclass)
  UNION ALL
  SELECT format('server %s owner=%s wrapper=%s type=%s version=%s options=%s', quote_ident(s.srvname),
                pg_get_userbyid(s.srvowner), (SELECT fdwname FROM pg_foreign_data_wrapper WHERE oid = s.srvfdw),
                s.srvtype, s.srvversion, array_to_string(s.srvoptions, ','))
    FROM pg_foreign_server s
    WHERE s.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_foreign_server'::regclass)
  UNION ALL
  SELECT format('user mapping for %s server %s options=%s', u.usename, u.srvname, array_to_string(u.umoptions, ','))
    FROM pg_user_mappings u
  UNION ALL
  SELECT format('foreign table %s server=%s options=%s', f.ftrelid::regclass,
                (SELECT srvname FROM pg_foreign_server WHERE oid = f.ftserver), array_to_string(f.ftoptions, ','))
    FROM pg_foreign_table f WHERE f.ftrelid IN (SELECT oid FROM rel)
  UNION ALL
  -- Comments on everything (pg_description), named by pg_identify_object; a column's sequence by its column.
  SELECT format('comment on %s %s: %s', o.type,
                coalesce((SELECT label FROM seqown WHERE seq = d.objoid AND d.classoid = 'pg_class'::regclass),
                         o.identity),
                replace(d.description, E'\n', '\n'))
    FROM pg_description d, LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
    WHERE (d.objoid >= 16384 OR (d.classoid = 'pg_namespace'::regclass AND d.objoid IN (SELECT oid FROM ns)))
      AND (d.classoid, d.objoid) NOT IN (SELECT classid, objid FROM ext)
      AND CASE WHEN o.schema IS NOT NULL THEN o.schema IN (SELECT nspname FROM ns)
               WHEN o.type = 'schema' THEN d.objoid IN (SELECT oid FROM ns)
               ELSE d.objoid >= 16384 END
      AND o.type NOT IN ('toast table', 'toast table column')
  UNION ALL
  -- Grants, one line per privilege, on relations, columns, functions, types, schemas, languages,
  -- wrappers and servers (a NULL acl read as its default), and default privileges.
  SELECT format('grant on %s: %s to %s%s by %s', a.label, x.privilege_type,
                CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee)::text END,
                CASE WHEN x.is_grantable THEN ' with grant option' ELSE '' END, pg_get_userbyid(x.grantor))
    FROM acls a, LATERAL aclexplode(a.acl) x
)
SELECT line FROM lines ORDER BY line COLLATE "C";
