-- asyncmq.layout picks the AsyncMQ release the tables serve. Each layout is compared with
-- AsyncMQ's own DDL of that release (asyncmq/core/utils/postgres.py and the backend's connect()),
-- run verbatim in a schema of its own, with index names after the jobs table.
\set SHOW_CONTEXT never
\i test/helpers/describe.sql
CREATE SCHEMA ref_02; CREATE SCHEMA ref_08; CREATE SCHEMA ref_09;
CREATE SCHEMA ours_02; CREATE SCHEMA ours_08; CREATE SCHEMA ours_09;

-- 0.2 to 0.7: the document's three tables and the workers heartbeat table.
SET search_path = ref_02;
CREATE TABLE asyncmq_jobs (
    id SERIAL PRIMARY KEY,
    queue_name TEXT NOT NULL,
    job_id TEXT NOT NULL UNIQUE,
    data JSONB NOT NULL,
    status TEXT,
    delay_until DOUBLE PRECISION,
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW()
);
CREATE TABLE asyncmq_repeatables (
    queue_name TEXT NOT NULL,
    job_def    JSONB NOT NULL,
    next_run   TIMESTAMPTZ NOT NULL,
    paused     BOOLEAN     NOT NULL DEFAULT FALSE,
    PRIMARY KEY(queue_name, job_def)
);
CREATE TABLE asyncmq_cancelled_jobs (
    queue_name TEXT NOT NULL,
    job_id     TEXT NOT NULL,
    PRIMARY KEY(queue_name, job_id)
);
CREATE TABLE asyncmq_workers_heartbeat (
    worker_id   TEXT PRIMARY KEY,
    queues      TEXT[],
    concurrency INT,
    heartbeat   DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_queue_name    ON asyncmq_jobs(queue_name);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_status        ON asyncmq_jobs(status);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_delay_until   ON asyncmq_jobs(delay_until);

-- 0.8: job ids unique per queue. Only the jobs table changes; the others are copied from 0.2.
SET search_path = ref_08;
CREATE TABLE asyncmq_jobs (
    id SERIAL PRIMARY KEY,
    queue_name TEXT NOT NULL,
    job_id TEXT NOT NULL,
    data JSONB NOT NULL,
    status TEXT,
    delay_until DOUBLE PRECISION,
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(),
    UNIQUE(queue_name, job_id)
);
CREATE TABLE asyncmq_repeatables (LIKE ref_02.asyncmq_repeatables INCLUDING ALL);
CREATE TABLE asyncmq_cancelled_jobs (LIKE ref_02.asyncmq_cancelled_jobs INCLUDING ALL);
CREATE TABLE asyncmq_workers_heartbeat (LIKE ref_02.asyncmq_workers_heartbeat INCLUDING ALL);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_queue_name    ON asyncmq_jobs(queue_name);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_status        ON asyncmq_jobs(status);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_delay_until   ON asyncmq_jobs(delay_until);

-- 0.9: and the paused queues table, which AsyncMQ's connect() makes.
SET search_path = ref_09;
CREATE TABLE asyncmq_jobs (
    id SERIAL PRIMARY KEY,
    queue_name TEXT NOT NULL,
    job_id TEXT NOT NULL,
    data JSONB NOT NULL,
    status TEXT,
    delay_until DOUBLE PRECISION,
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(),
    UNIQUE(queue_name, job_id)
);
CREATE TABLE asyncmq_repeatables (LIKE ref_02.asyncmq_repeatables INCLUDING ALL);
CREATE TABLE asyncmq_cancelled_jobs (LIKE ref_02.asyncmq_cancelled_jobs INCLUDING ALL);
CREATE TABLE asyncmq_workers_heartbeat (LIKE ref_02.asyncmq_workers_heartbeat INCLUDING ALL);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_queue_name    ON asyncmq_jobs(queue_name);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_status        ON asyncmq_jobs(status);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_delay_until   ON asyncmq_jobs(delay_until);
CREATE TABLE IF NOT EXISTS asyncmq_paused_queues (
    queue_name TEXT PRIMARY KEY,
    paused_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW()
);

-- The extension, layout by layout.
SET search_path = ours_02, public;
SET asyncmq.layout = '0.2';
SELECT asyncmq_install();
SET search_path = ours_08, public;
SET asyncmq.layout = '0.8.3';
SELECT asyncmq_install();
SET search_path = ours_09, public;
SET asyncmq.layout = '0.9.1';
SELECT asyncmq_install();
RESET search_path;

SELECT * FROM pg_temp.compare('ref_02', 'ours_02');
SELECT * FROM pg_temp.compare('ref_08', 'ours_08');
SELECT * FROM pg_temp.compare('ref_09', 'ours_09');
-- What 0.9 adds to the document's layout, in full.
SELECT line FROM pg_temp.describe('ours_09') AS line
WHERE line ~ '(workers_heartbeat|paused_queues|queue_name_job_id)' ORDER BY 1;

-- Drop removes what the chosen layout has, and nothing else: with layout 0.1 the workers
-- heartbeat and paused queues tables stay.
SET search_path = ours_09, public;
SET asyncmq.layout = '0.1';
SELECT asyncmq_install(drop => true);
SELECT relname FROM pg_class WHERE relnamespace = 'ours_09'::regnamespace ORDER BY 1;
SET asyncmq.layout = 'latest';
SELECT asyncmq_install(drop => true);
SELECT relname FROM pg_class WHERE relnamespace = 'ours_09'::regnamespace ORDER BY 1;
-- Dropping what is absent does nothing and says nothing.
SELECT asyncmq_install(drop => true);

SET search_path = ours_02, public;
SET asyncmq.layout = '0.7';
SELECT asyncmq_install(drop => true);
SET search_path = ours_08, public;
SET asyncmq.layout = '0.8';
SELECT asyncmq_install(drop => true);
RESET search_path;
RESET asyncmq.layout;
SELECT count(*) AS left_over FROM pg_class
WHERE relnamespace IN ('ours_02'::regnamespace, 'ours_08'::regnamespace, 'ours_09'::regnamespace);

-- The paused queues table has a fixed name and follows search_path, as in AsyncMQ's connect(),
-- while the other tables follow their settings.
SET asyncmq.layout = '0.9';
SET asyncmq.postgres_jobs_table_name = 'ours_08.jobs';
SET asyncmq.postgres_repeatables_table_name = 'ours_08.repeatables';
SET asyncmq.postgres_cancelled_jobs_table_name = 'ours_08.cancelled';
SET asyncmq.postgres_workers_heartbeat_table_name = 'ours_08.workers';
SET search_path = ours_09, public;
SELECT kind, setting, table_name, present FROM asyncmq_tables();
SELECT asyncmq_install();
SELECT kind, table_name, present, problems FROM asyncmq_tables();
SELECT asyncmq_install(drop => true);
RESET ALL;

DROP SCHEMA ref_02, ref_08, ref_09 CASCADE;
DROP SCHEMA ours_02, ours_08, ours_09;
