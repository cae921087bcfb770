-- The extension works for a role that is not a superuser, checks that role's own privileges,
-- and cannot be redirected by a hostile search_path.
\set SHOW_CONTEXT never
CREATE ROLE asyncmq_app;
CREATE ROLE asyncmq_other;
CREATE SCHEMA app AUTHORIZATION asyncmq_app;
GRANT USAGE, CREATE ON SCHEMA app TO asyncmq_other;

-- A role that may create in its schema installs there; the tables are its own.
SET ROLE asyncmq_app;
SET search_path = app, public;
SELECT asyncmq_install();
SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class
WHERE relnamespace = 'app'::regnamespace AND relkind = 'r' ORDER BY 1;
RESET ROLE;

-- Another role cannot drop them: DROP TABLE checks ownership, and nothing is dropped.
SET ROLE asyncmq_other;
SELECT asyncmq_install(drop => true);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS tables_kept FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind = 'r';

-- A role without CREATE on the schema is told so before anything is made.
SET ROLE asyncmq_other;
SET search_path = public;
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS tables_made FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';

SET ROLE asyncmq_app;
SET search_path = app, public;
SELECT asyncmq_install(drop => true);
RESET ROLE;
RESET search_path;

-- A hostile search_path: a schema first on the path with its own text, jsonb and now(). The
-- tables go where the path says, as AsyncMQ's own SQL would put them, but every type and
-- function in them is pg_catalog's.
CREATE SCHEMA evil;
CREATE DOMAIN evil.text AS integer;
CREATE DOMAIN evil.jsonb AS integer;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION evil.nextval(regclass) RETURNS bigint LANGUAGE sql AS $$ SELECT -1::bigint $$;
SET search_path = evil, pg_catalog, public;
SELECT asyncmq_install();
SELECT c.relname, a.attname, tn.nspname || '.' || t.typname AS type, pg_get_expr(d.adbin, d.adrelid) AS default_expr
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relnamespace = 'evil'::regnamespace AND c.relkind = 'r' ORDER BY 1, a.attnum;
SELECT asyncmq_install(drop => true);
RESET search_path;
DROP SCHEMA evil CASCADE;

-- The extension is trusted: a role with CREATE on a database, and no superuser, may create it.
SELECT current_database() AS regress_db \gset
CREATE ROLE asyncmq_owner;
CREATE DATABASE asyncmq_trusted OWNER asyncmq_owner;
\c asyncmq_trusted
SET ROLE asyncmq_owner;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION asyncmq;
SELECT asyncmq_install();
SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1;
-- The registry, the extension's, records the set as the role's.
SELECT jobs_table, owner FROM asyncmq_registry;
\c :regress_db
DROP DATABASE asyncmq_trusted;
DROP ROLE asyncmq_owner;
DROP SCHEMA app;
DROP ROLE asyncmq_app, asyncmq_other;
