-- The job functions keep their plans for the session, and PostgreSQL keeps the generic plan it
-- made on the first calls, over a nearly empty table, until the table is analyzed again. Their
-- plans are made again once the table has more than doubled, so that a completion does not read
-- the queue's whole history when the table has grown since (autovacuum, which would analyze it,
-- is off for the table here).
SET asyncmq.layout = '0.9';
SET asyncmq.dequeue_index = on;
CREATE SCHEMA plan_growth;
SET search_path = plan_growth, public;
SELECT asyncmq_install();
ALTER TABLE asyncmq_jobs SET (autovacuum_enabled = off);
\i test/helpers/rows_read.sql

-- Ten jobs through their lifecycle while the table is nearly empty: after five calls PostgreSQL
-- plans each statement once for all.
DO $$
BEGIN
    FOR i IN 1..10 LOOP
        PERFORM asyncmq_enqueue('q', 'app.tasks.t');
        PERFORM asyncmq_complete('q', (SELECT d->>'id' FROM asyncmq_dequeue('q') AS d), '1');
    END LOOP;
END
$$;
SELECT status, count(*) FROM asyncmq_jobs GROUP BY status;

-- The queue's history grows to 20,000 completed jobs, and the table is not analyzed.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
SELECT 'q', 'old-' || i, jsonb_build_object('id', 'old-' || i, 'priority', 5, 'depends_on', '[]'::jsonb), 'completed'
FROM generate_series(1, 20000) AS i;
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'new');
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('q') AS d;

-- Completing it (and looking for its dependants) reads a few rows, not the 20,000.
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_complete('q', 'new', '1');
SELECT pg_temp.rows_read() < 1000 AS read_few_rows;
COMMIT;

SET client_min_messages = warning;
DROP SCHEMA plan_growth CASCADE;
