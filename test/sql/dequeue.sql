-- asyncmq_dequeue: which jobs it takes and in what order, what it changes, and what it refuses.
SET asyncmq.layout = '0.9';
CREATE SCHEMA dequeue;
SET search_path = dequeue, public;
\set SHOW_CONTEXT never
SELECT asyncmq_install();

-- Priority first (smaller first, 5 when the payload has none), then the created_at column, then
-- the order of insertion for rows that share created_at (as rows inserted in one transaction with
-- the column's default do; asyncmq_enqueue gives each job its own).
BEGIN;
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'p5-a');
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'p1', priority => 1);
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'p5-b');
-- Two rows as AsyncMQ writes them, created_at left to the column's default (the transaction's
-- start, so older than the jobs enqueued above, and equal for both): they go by insertion order.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
VALUES ('q', 'no-priority', '{"id": "no-priority", "task": "app.t", "args": [], "kwargs": {}}', 'waiting'),
       ('q', 'no-priority-2', '{"id": "no-priority-2", "task": "app.t", "args": [], "kwargs": {}}', 'waiting');
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'p9', priority => 9);
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'p-neg', priority => -1);
COMMIT;
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'p1-later', priority => 1);
-- Not runnable: delayed, blocked by depends_on, cancelled, in another queue.
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'delayed', delay => 3600, priority => 0);
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'child', depends_on => '{p1}', priority => 0);
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'marked', priority => 0);
INSERT INTO asyncmq_cancelled_jobs VALUES ('q', 'marked');
SELECT asyncmq_enqueue('other', 'app.t', job_id => 'elsewhere', priority => 0);

-- max_jobs 0 takes nothing; negative and NULL are refused.
SELECT count(*) FROM asyncmq_dequeue('q', 0);
SELECT count(*) FROM asyncmq_dequeue('q', -1);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM asyncmq_dequeue('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM asyncmq_dequeue(NULL);
\echo :LAST_ERROR_SQLSTATE

-- One call, several jobs, in dequeue order; the marked waiting row is deleted on the way.
SELECT d->>'id' AS id, d->>'status' AS status, d->'priority' AS priority,
       jsonb_typeof(d->'active_since') AS active_since
FROM asyncmq_dequeue('q', 4) AS d;
SELECT job_id FROM asyncmq_jobs WHERE job_id = 'marked';
SELECT d->>'id' AS id FROM asyncmq_dequeue('q', 10) AS d;
SELECT count(*) AS nothing_left FROM asyncmq_dequeue('q', 10);
-- The claimed rows: status column and payload agree, delay_until untouched.
SELECT job_id, status, data->>'status' AS data_status, delay_until, data ? 'active_since' AS has_active_since
FROM asyncmq_jobs WHERE queue_name = 'q' ORDER BY id;
-- The other queue was not touched, and an unknown queue has nothing.
SELECT status FROM asyncmq_jobs WHERE job_id = 'elsewhere';
SELECT count(*) FROM asyncmq_dequeue('no-such-queue');

-- created_at is the instant of data.created_at, so jobs of one transaction keep their order.
BEGIN;
SELECT asyncmq_enqueue('t', 'app.t', job_id => 't1'), asyncmq_enqueue('t', 'app.t', job_id => 't2');
COMMIT;
SELECT job_id, created_at = to_timestamp((data->>'created_at')::float8)::timestamp AS created_at_is_data_created_at
FROM asyncmq_jobs WHERE queue_name = 't' ORDER BY created_at;

-- In a SELECT list, the function works too (one row a call).
SELECT asyncmq_dequeue('other')->>'id' AS id;

-- A payload whose priority AsyncMQ cannot read as an integer makes the dequeue fail, as in AsyncMQ
-- (the same expression, so an index made for AsyncMQ's dequeue serves this one).
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
VALUES ('bad', 'bad', '{"id": "bad", "task": "app.t", "priority": 1.5}', 'waiting');
SELECT count(*) FROM asyncmq_dequeue('bad');
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA dequeue CASCADE;
