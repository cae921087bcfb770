-- Drop mode removes the tables of the layout and what belongs to them (indexes, sequence), and
-- nothing else; it refuses tables that are not AsyncMQ's, and a drop that would cascade.
\set SHOW_CONTEXT never
CREATE TABLE keep_me (status text, queue_name text);
SELECT asyncmq_install();
SELECT asyncmq_install(drop => true);
SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE 'asyncmq\_registry%' ORDER BY 1;

-- With the jobs table absent, an index that merely has a managed name is not ours: it stays.
CREATE INDEX idx_asyncmq_jobs_status ON keep_me (status);
SELECT asyncmq_install(drop => true);
SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE 'asyncmq\_registry%' ORDER BY 1;
DROP INDEX idx_asyncmq_jobs_status;

-- A setting that names a table of the user's: drop refuses it and drops nothing at all.
SELECT asyncmq_install();
CREATE TABLE orders (id int PRIMARY KEY, total numeric);
INSERT INTO orders VALUES (1, 9.99);
SET asyncmq.postgres_cancelled_jobs_table_name = 'orders';
SELECT asyncmq_install(drop => true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM orders;
SELECT count(*) AS asyncmq_tables_kept FROM pg_class WHERE relname IN ('asyncmq_jobs', 'asyncmq_repeatables');
RESET asyncmq.postgres_cancelled_jobs_table_name;
DROP TABLE orders;

-- A view that depends on the jobs table stops the drop; nothing is dropped.
CREATE VIEW waiting_jobs AS SELECT job_id FROM asyncmq_jobs WHERE status = 'waiting';
SELECT asyncmq_install(drop => true);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS asyncmq_tables_kept FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%' AND relkind = 'r';
DROP VIEW waiting_jobs;
SELECT asyncmq_install(drop => true);
SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE 'asyncmq\_registry%' ORDER BY 1;
DROP TABLE keep_me;
