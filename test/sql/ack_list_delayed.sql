-- asyncmq_ack (AsyncMQ's ack: the row deleted only when data.result is null or absent) and
-- asyncmq_list_delayed (AsyncMQ's list_delayed: every row of the queue with a data.delay_until).
SET asyncmq.layout = '0.9';
CREATE SCHEMA ack_list_delayed;
SET search_path = ack_list_delayed, public;
SELECT asyncmq_install();

SELECT asyncmq_enqueue('q', 'app.tasks.a', job_id => 'with-result'),
       asyncmq_enqueue('q', 'app.tasks.a', job_id => 'without-result'),
       asyncmq_enqueue('q', 'app.tasks.a', job_id => 'waiting');
SELECT count(*) FROM asyncmq_dequeue('q', 2);
SELECT asyncmq_complete('q', 'with-result', '{"sum": 3}'), asyncmq_complete('q', 'without-result');
SELECT asyncmq_ack('q', 'with-result') AS kept_with_result, asyncmq_ack('q', 'without-result') AS deleted,
       asyncmq_ack('q', 'without-result') AS already_gone, asyncmq_ack('other', 'waiting') AS other_queue;
-- A job without a result key is deleted too (and a waiting job, whose result is null, as AsyncMQ's
-- ack deletes it).
UPDATE asyncmq_jobs SET data = data - 'result' WHERE job_id = 'waiting';
SELECT asyncmq_ack('q', 'waiting') AS deleted_without_key;
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;
SELECT asyncmq_ack(NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_ack('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_ack('', 'x');
\echo :LAST_ERROR_SQLSTATE

-- list_delayed: by run time, any status with a data.delay_until; run_at is that number.
SELECT asyncmq_enqueue('d', 'app.tasks.a', job_id => 'later', delay => 90),
       asyncmq_enqueue('d', 'app.tasks.a', job_id => 'sooner', delay => 30),
       asyncmq_enqueue('d', 'app.tasks.a', job_id => 'now');
UPDATE asyncmq_jobs SET status = 'failed', data = data || '{"status": "failed"}' WHERE job_id = 'later';
SELECT job_id, run_at = (payload->>'delay_until')::float8 AS run_at_is_delay_until,
       round((run_at - (payload->>'created_at')::float8)::numeric) AS delay, payload->>'status' AS status
FROM asyncmq_list_delayed('d');
SELECT count(*) AS none FROM asyncmq_list_delayed('empty');
SELECT * FROM asyncmq_list_delayed(NULL);
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA ack_list_delayed CASCADE;
