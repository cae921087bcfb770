-- When a table of the layout exists but AsyncMQ could not use it, install refuses instead of
-- reporting success: the error's detail names each difference, and nothing is changed.
\set SHOW_CONTEXT never

-- Missing columns and other types.
CREATE TABLE asyncmq_jobs (
    id serial PRIMARY KEY,
    queue_name varchar(50) NOT NULL,
    job_id text NOT NULL UNIQUE,
    data json NOT NULL,
    status text,
    created_at timestamp(3) DEFAULT now(),
    updated_at timestamptz DEFAULT now());
INSERT INTO asyncmq_jobs (queue_name, job_id, data) VALUES ('q', 'kept', '{}');
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
-- Nothing was made, nothing was changed.
SELECT relname FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%' AND relkind = 'r' ORDER BY 1;
SELECT job_id FROM asyncmq_jobs;
-- asyncmq_tables() shows the same differences.
SELECT kind, present, problems FROM asyncmq_tables() WHERE kind = 'jobs';
DROP TABLE asyncmq_jobs;

-- The other job-id key: a table made for AsyncMQ 0.1-0.7 cannot serve 0.8's upserts ...
CREATE TABLE asyncmq_jobs (
    id SERIAL PRIMARY KEY, queue_name TEXT NOT NULL, job_id TEXT NOT NULL UNIQUE, data JSONB NOT NULL,
    status TEXT, delay_until DOUBLE PRECISION,
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(), updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW());
SET asyncmq.layout = '0.8';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
-- ... nor one that has both keys (ids would still clash across queues).
CREATE UNIQUE INDEX both_keys ON asyncmq_jobs (job_id, queue_name);
SELECT asyncmq_install();
-- ... and a table made for 0.8 cannot serve 0.1's ON CONFLICT (job_id).
ALTER TABLE asyncmq_jobs DROP CONSTRAINT asyncmq_jobs_job_id_key;
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
SET asyncmq.layout = '0.1';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
RESET asyncmq.layout;
-- A partial or deferrable unique index does not serve ON CONFLICT.
CREATE UNIQUE INDEX partial_key ON asyncmq_jobs (job_id) WHERE status <> 'done';
ALTER TABLE asyncmq_jobs ADD CONSTRAINT deferred_key UNIQUE (job_id) DEFERRABLE INITIALLY DEFERRED;
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
DROP TABLE asyncmq_jobs;

-- Defaults and NOT NULL that AsyncMQ's inserts rely on.
CREATE TABLE asyncmq_jobs (
    id integer PRIMARY KEY, queue_name text NOT NULL, job_id text NOT NULL UNIQUE, data jsonb NOT NULL,
    status text NOT NULL, delay_until double precision NOT NULL,
    created_at timestamp, updated_at timestamp DEFAULT now(),
    tenant text NOT NULL, region text NOT NULL DEFAULT 'eu');
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
DROP TABLE asyncmq_jobs;

-- Not a table at all, several tables at once, and index names that another relation holds.
CREATE VIEW asyncmq_repeatables AS SELECT 'q'::text AS queue_name, '{}'::jsonb AS job_def,
    now() AS next_run, false AS paused;
CREATE TABLE asyncmq_cancelled_jobs (queue_name text NOT NULL, job_id text NOT NULL);
CREATE TABLE other (status text, queue_name text);
CREATE INDEX idx_asyncmq_jobs_status ON other (status);
CREATE TABLE idx_asyncmq_jobs_queue_name (x int);
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT relname FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%' ORDER BY 1;
DROP VIEW asyncmq_repeatables;
DROP TABLE asyncmq_cancelled_jobs, other, idx_asyncmq_jobs_queue_name;

-- An index of the right name on the wrong column of the jobs table.
SELECT asyncmq_install();
DROP INDEX idx_asyncmq_jobs_delay_until;
CREATE INDEX idx_asyncmq_jobs_delay_until ON asyncmq_jobs (created_at);
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_install(drop => true);

-- A table further down search_path would be hidden by a new one in the first schema, and
-- AsyncMQ's unqualified statements would move to the new, empty table: refused.
CREATE SCHEMA first;
SELECT asyncmq_install();
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status) VALUES ('q', 'waiting-job', '{}', 'waiting');
SET search_path = first, public;
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tables_in_first FROM pg_class WHERE relnamespace = 'first'::regnamespace;
-- Naming the schema uses the existing tables.
SET asyncmq.postgres_jobs_table_name = 'public.asyncmq_jobs';
SET asyncmq.postgres_repeatables_table_name = 'public.asyncmq_repeatables';
SET asyncmq.postgres_cancelled_jobs_table_name = 'public.asyncmq_cancelled_jobs';
SELECT asyncmq_install();
SELECT count(*) AS tables_in_first FROM pg_class WHERE relnamespace = 'first'::regnamespace;
SELECT asyncmq_install(drop => true);
RESET ALL;
DROP SCHEMA first;

-- drop => NULL is an error, not a silent no-op.
SELECT asyncmq_install(NULL);
\echo :LAST_ERROR_SQLSTATE
