-- The asyncmq.* settings: names, defaults, contexts, where they can be set, and the check hooks.
\set SHOW_CONTEXT never
LOAD 'asyncmq';

SELECT name, setting, context, vartype, short_desc
FROM pg_settings WHERE name LIKE 'asyncmq.%' ORDER BY name;

-- Each setting can be set per session and is read at each call.
SET asyncmq.postgres_jobs_table_name = 'session_jobs';
SELECT kind, table_name FROM asyncmq_tables() WHERE kind = 'jobs';
RESET asyncmq.postgres_jobs_table_name;
SELECT kind, table_name FROM asyncmq_tables() WHERE kind = 'jobs';

-- ... per role and per database (seen by the next session). The role's setting is limited to
-- this database, so a run against a shared server changes nothing outside it.
ALTER ROLE CURRENT_USER IN DATABASE :"DBNAME" SET asyncmq.postgres_repeatables_table_name = 'role_repeatables';
ALTER DATABASE :"DBNAME" SET asyncmq.postgres_cancelled_jobs_table_name = 'db_cancelled';
\c -
SELECT kind, table_name FROM asyncmq_tables() ORDER BY kind;
ALTER ROLE CURRENT_USER IN DATABASE :"DBNAME" RESET asyncmq.postgres_repeatables_table_name;
ALTER DATABASE :"DBNAME" RESET asyncmq.postgres_cancelled_jobs_table_name;
\c -
LOAD 'asyncmq';

-- A misspelt asyncmq.* setting is an error once the library is loaded.
SET asyncmq.postgres_jobs_table = 'x';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layuot = '0.9';
\echo :LAST_ERROR_SQLSTATE

-- ALTER ROLE and ALTER DATABASE check the value too.
ALTER DATABASE :"DBNAME" SET asyncmq.postgres_jobs_table_name = 'no good';
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"DBNAME" SET asyncmq.layout = '2';
\echo :LAST_ERROR_SQLSTATE

-- asyncmq.layout: any AsyncMQ release from 0.1 on, or latest.
SELECT v AS release, (SELECT set_config('asyncmq.layout', v, false)) IS NOT NULL AS accepted, asyncmq_layout()
FROM unnest(ARRAY['0.1', '0.1.5', '0.2', '0.7.3', '0.8', '0.8.0', '0.9', '0.9.1', '0.10', '0.10.1', '1.0', '2.3.4', 'latest']) AS v;
RESET asyncmq.layout;
SELECT asyncmq_layout() AS default_layout;

SET asyncmq.layout = '0.0.9';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layout = '';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layout = '0.9.1.2';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layout = 'v0.9';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layout = '0.9 ';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layout = 'Latest';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.layout = '0.1234567890';
\echo :LAST_ERROR_SQLSTATE
SHOW asyncmq.layout;

-- The scheduler's vacuum threshold is a count of rows, 0 for off.
SET asyncmq.vacuum_dead_rows = -1;
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.vacuum_dead_rows = '5k';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.vacuum_dead_rows = 5000;
SHOW asyncmq.vacuum_dead_rows;
RESET asyncmq.vacuum_dead_rows;
