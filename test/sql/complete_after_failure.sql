-- A job that failed once and then succeeded keeps no error: AsyncMQ's worker sets last_error and
-- error_traceback to null on success (handle_job in asyncmq/workers.py), for one job and a batch.
SET asyncmq.layout = '0.9';
CREATE SCHEMA complete_after_failure;
SET search_path = complete_after_failure, public;
SELECT asyncmq_install();

SELECT asyncmq_enqueue('q', 'app.tasks.flaky', '[]', '{}', job_id => 'one', max_retries => 2, backoff => 0)
       AS one,
       asyncmq_enqueue('q', 'app.tasks.flaky', '[]', '{}', job_id => 'two', max_retries => 2, backoff => 0)
       AS two;
SELECT count(*) AS taken FROM asyncmq_dequeue('q', 2);
SELECT asyncmq_fail('q', 'one', 'transient') AS one, asyncmq_fail('q', 'two', 'transient') AS two;
SELECT job_id, status, data->'last_error' AS last_error, data->'error_traceback' AS error_traceback
FROM asyncmq_jobs ORDER BY job_id;
SELECT count(*) AS promoted FROM asyncmq_promote_delayed('q');
SELECT count(*) AS taken FROM asyncmq_dequeue('q', 2);
SELECT asyncmq_complete('q', 'one', '"fine"') AS one;
SELECT asyncmq_complete_many('q', ARRAY['two'], '"fine"') AS completed;
SELECT job_id, status, data->'result' AS result, data->'last_error' AS last_error,
       data->'error_traceback' AS error_traceback, data->'retries' AS retries
FROM asyncmq_jobs ORDER BY job_id;

SELECT asyncmq_install(drop => true);
DROP SCHEMA complete_after_failure;
