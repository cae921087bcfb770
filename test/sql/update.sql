-- ALTER EXTENSION asyncmq UPDATE from 1.0 to 1.1 gives the catalog a fresh 1.1 has, and
-- registers the tables made under 1.0.
SET client_min_messages = warning;
CREATE DATABASE asyncmq_update;
\c asyncmq_update
SET client_min_messages = warning;
-- Every object of the extension, with all that defines it, its schema's name taken out.
CREATE FUNCTION pg_temp.extension_catalog() RETURNS SETOF text LANGUAGE sql AS $$
  WITH ext AS (SELECT e.oid, e.extnamespace::regnamespace::text AS nsp FROM pg_extension e WHERE e.extname = 'asyncmq'),
  members AS (SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refobjid = ext.oid AND d.deptype = 'e')
  SELECT replace(line, (SELECT nsp FROM ext) || '.', '') FROM (
    SELECT format('member %s', pg_describe_object(m.classid, m.objid, 0)) FROM members m
    UNION ALL
    SELECT format('function %s acl=%s comment=%s', pg_get_functiondef(p.oid), p.proacl,
                  obj_description(p.oid, 'pg_proc'))
    FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
    UNION ALL
    SELECT format('relation %s kind=%s acl=%s rls=%s force=%s comment=%s', c.relname, c.relkind, c.relacl,
                  c.relrowsecurity, c.relforcerowsecurity, obj_description(c.oid, 'pg_class'))
    FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    UNION ALL
    SELECT format('column %s.%s %s notnull=%s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid))
    FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = i.indrelid
    UNION ALL
    SELECT format('policy %s.%s cmd=%s roles=%s using=%s check=%s', p.tablename, p.policyname, p.cmd, p.roles,
                  p.qual, p.with_check)
    FROM pg_policies p, ext WHERE p.schemaname = ext.nsp
    UNION ALL
    SELECT format('config %s %s', c::regclass, e.extcondition) FROM pg_extension e, unnest(e.extconfig) c
    WHERE e.extname = 'asyncmq'
  ) lines(line)
$$;
CREATE SCHEMA updated;
CREATE SCHEMA fresh;
-- A 1.0 installation with its tables, updated in place.
CREATE EXTENSION asyncmq VERSION '1.0' SCHEMA updated;
SET search_path = updated;
SELECT asyncmq_install();
SELECT asyncmq_enqueue('emails', 'app.send', job_id => 'kept');
SET search_path = updated;
ALTER EXTENSION asyncmq UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'asyncmq';
-- The tables made under 1.0 are registered, as their owner, and their jobs are there.
SELECT jobs_table, repeatables_table, cancelled_jobs_table, workers_heartbeat_table, paused_queues_table, layout,
       owner = current_user::regrole AS owner_is_me
FROM updated.asyncmq_registry;
SELECT job_id, status FROM updated.asyncmq_jobs;
CREATE TEMP TABLE updated_catalog AS SELECT * FROM pg_temp.extension_catalog() AS line;
DROP EXTENSION asyncmq;
CREATE EXTENSION asyncmq SCHEMA fresh;
SELECT extversion FROM pg_extension WHERE extname = 'asyncmq';
CREATE TEMP TABLE fresh_catalog AS SELECT * FROM pg_temp.extension_catalog() AS line;
-- The same catalog: no line of one is missing from the other.
(SELECT 'only after the update' AS side, line FROM updated_catalog EXCEPT ALL SELECT 'only after the update', line FROM fresh_catalog)
UNION ALL
(SELECT 'only in a fresh 1.1', line FROM fresh_catalog EXCEPT ALL SELECT 'only in a fresh 1.1', line FROM updated_catalog)
ORDER BY 1, 2;
-- And the comparison sees what there is to see: the registry, its policy and its dump, the functions.
SELECT count(*) FILTER (WHERE line LIKE 'member table asyncmq_registry') AS registry,
       count(*) FILTER (WHERE line LIKE 'policy asyncmq_registry.%') AS policies,
       count(*) FILTER (WHERE line LIKE 'config asyncmq_registry %') AS dumped,
       count(*) FILTER (WHERE line LIKE 'member function%') AS functions
FROM fresh_catalog;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE asyncmq_update;
