-- The examples of README.md, verbatim; test/shell/readme.sh checks that every sql block of the
-- README stands in a test file.
\set SHOW_CONTEXT never
CREATE SCHEMA side;
-- pg_regress made the extension; the README starts without it.
DROP EXTENSION asyncmq;

-- Getting started
CREATE EXTENSION asyncmq;
SELECT asyncmq_install();
SELECT kind, table_name, present, problems FROM asyncmq_tables();
SELECT asyncmq_install(drop => true);
SELECT kind, table_name, present, problems FROM asyncmq_tables();

-- Table names
SET asyncmq.postgres_jobs_table_name = 'side.jobs';
SET asyncmq.postgres_cancelled_jobs_table_name = '"Cancelled Jobs"';
SELECT kind, table_name FROM asyncmq_tables();
RESET ALL;

-- Layouts
SET asyncmq.layout = '0.9.1';
SELECT asyncmq_layout();
RESET asyncmq.layout;

-- The fast configuration
SET asyncmq.layout = '0.9';
SET asyncmq.indexes = fast;
SELECT asyncmq_install();
SELECT indexrelid::regclass::text COLLATE "C" AS index FROM pg_index
WHERE indrelid = 'asyncmq_jobs'::regclass ORDER BY 1;
SELECT asyncmq_install(drop => true);
RESET asyncmq.indexes;
RESET asyncmq.layout;

-- Troubleshooting: migrating a table from AsyncMQ 0.7 to 0.8.
SET asyncmq.layout = '0.7';
SELECT asyncmq_install();
SET asyncmq.layout = '0.8';
SELECT problems FROM asyncmq_tables() WHERE kind = 'jobs';
ALTER TABLE asyncmq_jobs DROP CONSTRAINT asyncmq_jobs_job_id_key, ADD UNIQUE (queue_name, job_id);
SELECT problems FROM asyncmq_tables() WHERE kind = 'jobs';
SELECT asyncmq_install();
SELECT asyncmq_install(drop => true);
RESET asyncmq.layout;

DROP SCHEMA side;
