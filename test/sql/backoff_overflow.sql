-- A retry's delay is backoff ** retries, and the backoff itself when that power is too large for a
-- double, as AsyncMQ's Job.next_retry_delay falls back to it on OverflowError: a job with a huge
-- backoff, or with many retries, can always be failed again.
SET asyncmq.layout = '0.9';
CREATE SCHEMA backoff_overflow;
SET search_path = backoff_overflow, public;
SELECT asyncmq_install();

-- backoff 1e200: the first retry waits 1e200 seconds, and so does the second (1e400 overflows).
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'huge', max_retries => 3, backoff => 1e200);
SELECT data->>'id' AS id FROM asyncmq_dequeue('q') AS data;
SELECT asyncmq_fail('q', 'huge', 'first');
SELECT status, delay_until, (data->>'delay_until')::float8 AS data_delay_until, data->'retries' AS retries
FROM asyncmq_jobs WHERE job_id = 'huge';
SELECT asyncmq_retry('q', 'huge');
SELECT data->>'id' AS id FROM asyncmq_dequeue('q') AS data;
SELECT asyncmq_fail('q', 'huge', 'second');
SELECT status, delay_until, (data->>'delay_until')::float8 AS data_delay_until, data->'retries' AS retries,
       data->>'last_error' AS last_error
FROM asyncmq_jobs WHERE job_id = 'huge';
-- The third failure leaves retries 3 of max_retries 3: one more retry; the fourth fails the job.
SELECT asyncmq_retry('q', 'huge');
SELECT count(*) FROM asyncmq_dequeue('q');
SELECT asyncmq_fail('q', 'huge', 'third');
SELECT asyncmq_retry('q', 'huge');
SELECT count(*) FROM asyncmq_dequeue('q');
SELECT asyncmq_fail('q', 'huge', 'fourth');
SELECT status, delay_until, data->'delay_until' AS data_delay_until, data->'retries' AS retries
FROM asyncmq_jobs WHERE job_id = 'huge';

-- backoff 2 at retry 1024: 2 ** 1024 overflows, so the delay is 2 seconds.
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'many', max_retries => 5000, backoff => 2);
SELECT count(*) FROM asyncmq_dequeue('q');
UPDATE asyncmq_jobs SET data = data || '{"retries": 1023}' WHERE job_id = 'many';
SELECT asyncmq_fail('q', 'many', 'again');
SELECT status, data->'retries' AS retries,
       round((data->>'delay_until')::numeric - extract(epoch FROM clock_timestamp())) AS delay_seconds,
       delay_until = (data->>'delay_until')::float8 AS column_agrees
FROM asyncmq_jobs WHERE job_id = 'many';
-- And at retry 1023, 2 ** 1023 is a double: the delay is that many seconds.
UPDATE asyncmq_jobs SET status = 'active', data = data || '{"status": "active", "retries": 1022}'
WHERE job_id = 'many';
SELECT asyncmq_fail('q', 'many', 'again');
SELECT status, data->'retries' AS retries, (data->>'delay_until')::float8 = 2::float8 ^ 1023 AS delay_is_the_power
FROM asyncmq_jobs WHERE job_id = 'many';

SELECT asyncmq_install(drop => true);
DROP SCHEMA backoff_overflow;
