-- A setting's value is read as an SQL name, the way AsyncMQ's own SQL reads the same string.
\set SHOW_CONTEXT never
LOAD 'asyncmq';
CREATE SCHEMA side;
CREATE SCHEMA "Odd Schema";

-- What each accepted value names: schema (where CREATE TABLE would put it) and table.
CREATE FUNCTION pg_temp.jobs_table_for(value text) RETURNS text LANGUAGE sql AS $$
    SELECT set_config('asyncmq.postgres_jobs_table_name', value, false);
    SELECT table_name FROM asyncmq_tables() WHERE kind = 'jobs';
$$;
SELECT v AS value, pg_temp.jobs_table_for(v) AS table_name
FROM unnest(ARRAY[
    'asyncmq_jobs', 'AsyncMQ_Jobs', '"AsyncMQ_Jobs"', 'side.jobs', 'SIDE.Jobs', '"Odd Schema"."Odd Name"',
    '"with ""quote"""', 'jobs$1', '_jobs', 'tâches', '"select"', 'between', 'side."from"', '"a.b"'
  ]) AS v;
RESET asyncmq.postgres_jobs_table_name;

-- Values that are not a valid name are refused when set, with a reason.
SET asyncmq.postgres_jobs_table_name = '';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = 'jobs; DROP TABLE important';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = ' jobs';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = '1jobs';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = 'a.b.c';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = 'side.';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = '.jobs';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = '"unclosed';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = '""';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = 'select';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = 'user.jobs';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_jobs_table_name = E'jobs\ttab';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_repeatables_table_name = 'left';
\echo :LAST_ERROR_SQLSTATE
-- 64 bytes: PostgreSQL would cut it to 63.
SET asyncmq.postgres_repeatables_table_name = 'r234567890123456789012345678901234567890123456789012345678901234';
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_repeatables_table_name = 'side.r23456789012345678901234567890123456789012345678901234567890123';
SHOW asyncmq.postgres_repeatables_table_name;
RESET asyncmq.postgres_repeatables_table_name;
-- Multibyte: 32 two-byte letters are 64 bytes.
SET asyncmq.postgres_cancelled_jobs_table_name = 'éééééééééééééééééééééééééééééééé';
\echo :LAST_ERROR_SQLSTATE
-- A jobs table name gives index names idx_<name>_delay_until: at most 47 bytes fit.
SET asyncmq.postgres_jobs_table_name = 'j2345678901234567890123456789012345678901234567';
SHOW asyncmq.postgres_jobs_table_name;
SET asyncmq.postgres_jobs_table_name = 'j23456789012345678901234567890123456789012345678';
\echo :LAST_ERROR_SQLSTATE
-- The other tables have no derived names.
SET asyncmq.postgres_workers_heartbeat_table_name = 'w23456789012345678901234567890123456789012345678901234567890123';
SHOW asyncmq.postgres_workers_heartbeat_table_name;
RESET ALL;

-- Install follows the names: schema-qualified and quoted, with index names after the table.
SET asyncmq.postgres_jobs_table_name = '"Odd Schema"."Job Table"';
SET asyncmq.postgres_repeatables_table_name = 'side.reps';
SET asyncmq.postgres_cancelled_jobs_table_name = '"Cancelled"';
SELECT asyncmq_install();
SELECT n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('side', 'Odd Schema') OR c.relname LIKE 'Cancelled%'
ORDER BY 1, 2;
SELECT kind, table_name, present, problems FROM asyncmq_tables();
SELECT asyncmq_install(drop => true);
SELECT count(*) AS left_over FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('side', 'Odd Schema') OR c.relname LIKE 'Cancelled%';
RESET ALL;

-- A schema that does not exist: install says so and makes nothing; drop has nothing to do.
SET asyncmq.postgres_jobs_table_name = 'nowhere.jobs';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tables_made FROM pg_class WHERE relname IN ('asyncmq_repeatables', 'asyncmq_cancelled_jobs');
SELECT kind, table_name, present, problems FROM asyncmq_tables() WHERE kind = 'jobs';
SELECT asyncmq_install(drop => true);
RESET ALL;

-- No schema on search_path exists: PostgreSQL's own error, for install and for the listing.
SET search_path = no_such_schema;
SELECT public.asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM public.asyncmq_tables();
\echo :LAST_ERROR_SQLSTATE
RESET search_path;

-- Two settings that name one table are refused.
SET asyncmq.postgres_cancelled_jobs_table_name = 'asyncmq_jobs';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SET asyncmq.postgres_cancelled_jobs_table_name = 'public.asyncmq_jobs';
SELECT * FROM asyncmq_tables();
\echo :LAST_ERROR_SQLSTATE
RESET ALL;
SET asyncmq.layout = '0.9';
SET asyncmq.postgres_workers_heartbeat_table_name = 'asyncmq_paused_queues';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
RESET ALL;

-- A value set before the library was loaded met no check hook; install refuses it.
\c
SET asyncmq.postgres_jobs_table_name = 'no good';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tables_made FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';
SHOW asyncmq.postgres_jobs_table_name;
SELECT asyncmq_install(drop => true);
\echo :LAST_ERROR_SQLSTATE

\c
SET asyncmq.layout = 'newest';
SELECT asyncmq_layout();
\echo :LAST_ERROR_SQLSTATE
RESET asyncmq.layout;

-- A misspelt setting set before the library was loaded is discarded by PostgreSQL with a
-- WARNING; the call that loaded the library refuses to go on without it, so this drop does not
-- fall back to the default tables.
SELECT asyncmq_install();
\c
SET asyncmq.postgres_job_table_name = 'other_jobs';
SELECT asyncmq_install(drop => true);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tables_kept FROM pg_class WHERE relname IN ('asyncmq_jobs', 'asyncmq_repeatables', 'asyncmq_cancelled_jobs');
-- The setting is gone now; later calls go on.
SHOW asyncmq.postgres_job_table_name;
SELECT asyncmq_install(drop => true);
SELECT count(*) AS tables_left FROM pg_class WHERE relname IN ('asyncmq_jobs', 'asyncmq_repeatables', 'asyncmq_cancelled_jobs');

-- A value of one of ours that PostgreSQL cannot read, set before the library was loaded, is
-- ignored by PostgreSQL with a WARNING as the library loads; the call that loaded it refuses to go
-- on with the default in its place, so this install does not make the documented indexes.
\c
SET asyncmq.indexes = 'lean';
SET asyncmq.delete_completed = 'sometimes';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tables_made FROM pg_class WHERE relname = 'asyncmq_jobs';
SHOW asyncmq.indexes;
SELECT asyncmq_install();
SELECT count(*) AS tables_made FROM pg_class WHERE relname = 'asyncmq_jobs';
SELECT asyncmq_install(drop => true);
-- A readable one is taken as it was set.
\c
SET asyncmq.indexes = 'fast';
SELECT asyncmq_install();
SELECT count(*) AS dequeue_index FROM pg_class WHERE relname = 'idx_asyncmq_jobs_dequeue';
SELECT asyncmq_install(drop => true);

DROP SCHEMA side;
DROP SCHEMA "Odd Schema";
