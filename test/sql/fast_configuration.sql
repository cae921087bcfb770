-- The fast configuration: asyncmq.indexes = fast (the dequeue, dependants and status indexes,
-- without the queue_name and delay_until indexes) and asyncmq.delete_completed (completing a job
-- deletes its row).
\set SHOW_CONTEXT never
SET asyncmq.layout = '0.9';
SELECT asyncmq_layout(); -- loads the library, so that its settings are checked when set

-- Not a value of the setting: PostgreSQL's own error lists the values, and nothing changes.
SET asyncmq.indexes = 'lean';
SHOW asyncmq.indexes;
SET asyncmq.delete_completed = 'sometimes';
SHOW asyncmq.delete_completed;

-- fast makes the dequeue and dependants indexes whatever their own settings say.
SET asyncmq.indexes = fast;
SELECT asyncmq_install();
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
WHERE i.indrelid = 'asyncmq_jobs'::regclass ORDER BY c.relname COLLATE "C";
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';

-- Under the documented set the same table lacks two indexes: not a problem of the table, as
-- install makes them; it drops none.
RESET asyncmq.indexes;
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
SELECT asyncmq_install();
SELECT relname FROM pg_class WHERE relname LIKE 'idx\_asyncmq\_jobs\_%' ORDER BY relname COLLATE "C";
DROP INDEX idx_asyncmq_jobs_queue_name, idx_asyncmq_jobs_delay_until;
SET asyncmq.indexes = fast;

-- A dequeue reads the dequeue index, a completion the dependants index, and neither reads the
-- queue's backlog of 3,000 jobs.
SELECT count(asyncmq_enqueue('builds', 'app.tasks.lint', job_id => 'lint-' || i)) AS enqueued
FROM generate_series(1, 3000) AS i;
SELECT asyncmq_enqueue('builds', 'app.tasks.compile', job_id => 'compile', priority => 1);
SELECT asyncmq_enqueue('builds', 'app.tasks.package', job_id => 'package', depends_on => ARRAY['compile']);
ANALYZE asyncmq_jobs;
\i test/helpers/rows_read.sql
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT asyncmq_complete('builds', 'compile', '{"ok": true}');
SELECT pg_stat_get_xact_numscans('idx_asyncmq_jobs_dequeue'::regclass) > 0 AS dequeue_index_read,
       pg_stat_get_xact_numscans('idx_asyncmq_jobs_dependants'::regclass) > 0 AS dependants_index_read,
       pg_stat_get_xact_numscans('asyncmq_jobs'::regclass) AS sequential_scans,
       pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT job_id, status, data->'result' AS result, data ? 'depends_on' AS waits FROM asyncmq_jobs
WHERE job_id IN ('compile', 'package') ORDER BY job_id;

-- asyncmq.delete_completed: a completed job's row is deleted, its dependants released as before.
SET asyncmq.delete_completed = on;
SELECT asyncmq_enqueue('builds', 'app.tasks.test', job_id => 'test', depends_on => ARRAY['package']);
SELECT asyncmq_enqueue('builds', 'app.tasks.publish', job_id => 'publish', depends_on => ARRAY['package', 'test']);
UPDATE asyncmq_jobs SET status = 'completed' WHERE job_id LIKE 'lint-%';
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT asyncmq_complete('builds', 'package', '{"ok": true}');
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs
WHERE job_id IN ('package', 'test', 'publish') ORDER BY job_id;
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT asyncmq_complete('builds', 'test');
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs
WHERE job_id IN ('test', 'publish') ORDER BY job_id;

-- A second completion of a deleted job finds nothing; a waiting job is not completed and stays.
SELECT asyncmq_complete('builds', 'test');
SELECT asyncmq_complete('builds', 'publish');
SELECT job_id, status FROM asyncmq_jobs WHERE job_id = 'publish';

-- A job cancelled while active loses its row on completion, as with the setting off.
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT asyncmq_cancel('builds', 'publish');
SELECT asyncmq_complete('builds', 'publish');
SELECT count(*) AS publish_rows FROM asyncmq_jobs WHERE job_id = 'publish';

-- asyncmq_complete_many deletes the active jobs it completes and returns their number; a job
-- that is not active (waiting) is left as it was.
SELECT count(asyncmq_enqueue('mail', 'app.tasks.send', job_id => 'mail-' || i)) FROM generate_series(1, 4) AS i;
SELECT data->>'id' AS id FROM asyncmq_dequeue('mail', 3) AS data;
SELECT asyncmq_complete_many('mail', ARRAY['mail-1', 'mail-2', 'mail-4', 'mail-9'], '{"sent": true}');
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = 'mail' ORDER BY job_id;
SELECT waiting, active, completed FROM asyncmq_queue_stats('mail');

-- Failures are kept whatever the setting: only a completion deletes.
SELECT data->>'id' AS id FROM asyncmq_dequeue('mail') AS data;
SELECT asyncmq_fail('mail', 'mail-3', 'smtp down');
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = 'mail' ORDER BY job_id;

-- Off again, completing keeps the row completed.
RESET asyncmq.delete_completed;
SELECT asyncmq_complete('mail', 'mail-4', '"sent"');
SELECT job_id, status, data->'result' AS result FROM asyncmq_jobs WHERE queue_name = 'mail' ORDER BY job_id;

-- Statistics taken from one row (an ANALYZE of a nearly empty queue table) make the queue's rows
-- look like a few. Completion, failure and the dequeue's removal of cancelled waiting jobs still
-- find their rows by key, not by reading the queue's 3,000 finished jobs through an index that
-- leads with queue_name. A new session, so that its statements are planned under these statistics.
TRUNCATE asyncmq_jobs;
SELECT asyncmq_enqueue('history', 'app.tasks.one', job_id => 'only');
ANALYZE asyncmq_jobs;
TRUNCATE asyncmq_jobs;
SELECT n_distinct FROM pg_stats WHERE tablename = 'asyncmq_jobs' AND attname = 'queue_name';
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
SELECT 'history', 'old-' || i, '{"depends_on": []}', 'completed' FROM generate_series(1, 3000) AS i;
\c
\set SHOW_CONTEXT never
SET asyncmq.layout = '0.9';
SET asyncmq.indexes = fast;
SELECT asyncmq_enqueue('history', 'app.tasks.one', job_id => 'k' || i) FROM generate_series(1, 4) AS i;
INSERT INTO asyncmq_cancelled_jobs (queue_name, job_id) VALUES ('history', 'k1');
\i test/helpers/rows_read.sql
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT data->>'id' AS id FROM asyncmq_dequeue('history', 2) AS data;
SELECT asyncmq_complete('history', 'k2');
SELECT asyncmq_fail('history', 'k3', 'boom');
SELECT pg_stat_get_xact_tuples_fetched('idx_asyncmq_jobs_dequeue'::regclass) < 10 AS dequeue_index_read_little,
       pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT job_id, status FROM asyncmq_jobs WHERE job_id LIKE 'k%' ORDER BY job_id;

-- The same for asyncmq_complete_many, keeping and deleting the completed rows (a null and a
-- repeated id change nothing, a waiting job and an unknown one are not completed), and for the
-- calls on one job by its key: heartbeat, retry, move to the dead-letter queue, remove, ack,
-- and an enqueue of an id the queue has.
SELECT count(asyncmq_enqueue('history', 'app.tasks.one', job_id => 'm' || i, priority => 1)) AS enqueued
FROM generate_series(1, 6) AS i;
SELECT count(*) AS dequeued FROM asyncmq_dequeue('history', 6);
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_complete_many('history', ARRAY['m1', NULL, 'm2', 'm1', 'k4', 'nope'], '{"ok": true}');
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT job_id, status, data->'result' AS result FROM asyncmq_jobs WHERE job_id IN ('m1', 'm2', 'k4') ORDER BY job_id;
SET asyncmq.delete_completed = on;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_complete_many('history', ARRAY['m3', 'm3', NULL, 'm4']);
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
RESET asyncmq.delete_completed;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_heartbeat('history', 'm5', 1700000000);
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_retry('history', 'm1') AS retried, asyncmq_retry('history', 'm5') AS active_retried;
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_move_to_dlq('history', 'm2');
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_remove('history', 'm2');
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_ack('history', 'm6');
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_enqueue('history', 'app.tasks.two', job_id => 'm5');
SELECT pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT job_id, status, data->'heartbeat' AS heartbeat, data->>'task' AS task FROM asyncmq_jobs
WHERE job_id LIKE 'm%' OR job_id = 'k4' ORDER BY job_id;

-- A jobs table whose unique key was dropped cannot serve a call on one job: an error, nothing changed.
ALTER TABLE asyncmq_jobs DROP CONSTRAINT asyncmq_jobs_queue_name_job_id_key;
SELECT asyncmq_complete('history', 'k4');
SELECT job_id, status FROM asyncmq_jobs WHERE job_id = 'k4';

SELECT asyncmq_install(drop => true);
RESET asyncmq.indexes;
RESET asyncmq.layout;
