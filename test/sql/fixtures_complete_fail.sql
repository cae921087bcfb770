-- asyncmq_complete, asyncmq_fail, asyncmq_promote_delayed and asyncmq_retry next to what
-- AsyncMQ 0.9.1's worker (handle_job) and backend wrote (fixtures 05, 06, 07, 16, 20).
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_complete_fail;
SET search_path = fixtures_complete_fail, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all
-- The error text a worker records; AsyncMQ stores the traceback in last_error and error_traceback.
\set traceback 'Traceback (most recent call last):\n  File "fixtures/tasks.py", line 9, in fail\nRuntimeError: fixture task failed\n'

-- 05: the worker's success path: status and result written, delay_until null, last_attempt the
-- start of the run (for a SQL consumer, the dequeue: data.active_since).
\set fx `cat test/fixtures/asyncmq-0.9.1/05-complete.json`
SELECT asyncmq_enqueue('fx-05-complete', 'fixtures.tasks.add', '[2, 3]', job_id => 'job-complete-worker');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-05-complete');
SELECT asyncmq_complete('fx-05-complete', 'job-complete-worker', '5');
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-05-complete}'));
SELECT data->'last_attempt' = data->'active_since' AS "last_attempt is active_since"
FROM asyncmq_jobs WHERE job_id = 'job-complete-worker';
-- Stages 0 and 2: complete_active_job called directly (not by the worker) left last_attempt null,
-- where asyncmq_complete, standing for the worker's success path, records the run's start
-- (active_since). Apart from that one key, which is set to null before comparing, they agree.
DELETE FROM asyncmq_jobs;
SELECT asyncmq_enqueue('fx-05-complete', 'fixtures.tasks.add', '[1, 2]', job_id => 'job-complete-direct');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-05-complete');
SELECT asyncmq_complete('fx-05-complete', 'job-complete-direct', '{"sum": 3}');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs',
                        jsonb_set(pg_temp.fx_jobs('{fx-05-complete}'), '{0,data,last_attempt}', 'null'));
-- Stage 1: ack of a job with a result keeps its row.
SELECT asyncmq_ack('fx-05-complete', 'job-complete-direct') AS deleted;
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs',
                        jsonb_set(pg_temp.fx_jobs('{fx-05-complete}'), '{0,data,last_attempt}', 'null'));
SELECT asyncmq_enqueue('fx-05-complete', 'fixtures.tasks.add', '[0, 0]', job_id => 'job-complete-none');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-05-complete');
SELECT asyncmq_complete('fx-05-complete', 'job-complete-none');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs',
                        jsonb_set(pg_temp.fx_jobs('{fx-05-complete}', '{job-complete-none}'), '{0,data,last_attempt}',
                                  'null'));
SELECT count(*) AS "last_attempt is active_since" FROM asyncmq_jobs WHERE data->'last_attempt' = data->'active_since';
-- Stage 3: ack of a job whose result is null deletes its row.
SELECT asyncmq_ack('fx-05-complete', 'job-complete-none') AS deleted;
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-05-complete}', '{job-complete-none}'));
DELETE FROM asyncmq_jobs;
SELECT asyncmq_enqueue('fx-05-complete', 'fixtures.tasks.add', '[2, 3]', job_id => 'job-complete-worker');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-05-complete');
SELECT asyncmq_complete('fx-05-complete', 'job-complete-worker', '5');
-- A job that is no longer active is not completed again.
SELECT asyncmq_complete('fx-05-complete', 'job-complete-worker', '6');
SELECT data->'result' AS result FROM asyncmq_jobs WHERE job_id = 'job-complete-worker';

-- 06: failures with backoff 1.5 and max_retries 2 wait 1.5 ** 1 s, then 1.5 ** 2 s.
\set fx `cat test/fixtures/asyncmq-0.9.1/06-retry-after-failure.json`
SELECT asyncmq_enqueue('fx-06-retry', 'fixtures.tasks.fail', '["x"]', job_id => 'job-retry', max_retries => 2,
                       backoff => 1.5);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-06-retry}'));
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-06-retry');
SELECT asyncmq_fail('fx-06-retry', 'job-retry', E:'traceback');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-06-retry}'));
SELECT delay_until = (data->>'delay_until')::float8 AS "delay_until column == data.delay_until",
       data->'last_error' = data->'error_traceback' AS "last_error == error_traceback",
       (data->>'delay_until')::numeric - 1.5 BETWEEN (data->>'last_attempt')::numeric
             AND extract(epoch FROM clock_timestamp())
         AS "failed at delay_until - 1.5, after last_attempt"
FROM asyncmq_jobs WHERE job_id = 'job-retry';
-- Not yet due: promotion leaves it; once due, it waits again with its error and retries kept.
SELECT count(*) AS promoted FROM asyncmq_promote_delayed('fx-06-retry');
SELECT pg_sleep(1.6);
SELECT p AS promoted FROM asyncmq_promote_delayed('fx-06-retry') AS p \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', jsonb_build_array(:'promoted'::jsonb));
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-06-retry}'));
-- Attempt 2: retries becomes 2 = max_retries, still retried.
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-06-retry');
SELECT asyncmq_fail('fx-06-retry', 'job-retry', E:'traceback');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-06-retry}'));
SELECT (data->>'delay_until')::numeric - 2.25 BETWEEN (data->>'last_attempt')::numeric
             AND extract(epoch FROM clock_timestamp())
         AS "failed at delay_until - 2.25, after last_attempt"
FROM asyncmq_jobs WHERE job_id = 'job-retry';
-- Queue.add's backoff is null: the retry is due at once.
SELECT asyncmq_enqueue('fx-06-retry', 'fixtures.tasks.fail', job_id => 'job-retry-nobackoff', max_retries => 1);
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-06-retry');
SELECT asyncmq_fail('fx-06-retry', 'job-retry-nobackoff', E:'traceback');
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-06-retry}', '{job-retry-nobackoff}'));
SELECT (data->>'delay_until')::numeric BETWEEN (data->>'last_attempt')::numeric
             AND extract(epoch FROM clock_timestamp())
         AS "failed at delay_until, after last_attempt"
FROM asyncmq_jobs WHERE job_id = 'job-retry-nobackoff';

-- 07: the third failure of job-retry (retries 3 > max_retries 2) fails it for good.
\set fx `cat test/fixtures/asyncmq-0.9.1/07-fail-final.json`
SELECT pg_sleep(2.3);
SELECT count(*) AS promoted FROM asyncmq_promote_delayed('fx-06-retry');
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('fx-06-retry', 2) AS d;
SELECT asyncmq_fail('fx-06-retry', 'job-retry', E:'traceback');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-06-retry}', '{job-retry}'));
-- max_retries 0: the first failure is final.
SELECT asyncmq_enqueue('fx-07-fail-final', 'fixtures.tasks.fail', '[1]', job_id => 'job-fail-noretry');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-07-fail-final');
SELECT asyncmq_fail('fx-07-fail-final', 'job-fail-noretry', E:'traceback');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-07-fail-final}'));
-- A failed job is not active: failing it again changes nothing.
SELECT asyncmq_fail('fx-07-fail-final', 'job-fail-noretry', 'again') IS NULL AS "not failed again";

-- 16: promote_due_delayed with one due and one future job.
\set fx `cat test/fixtures/asyncmq-0.9.1/16-promote-delayed.json`
SELECT asyncmq_enqueue('fx-16-promote', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-due', delay => 0.2);
SELECT asyncmq_enqueue('fx-16-promote', 'fixtures.tasks.add', '[2, 2]', job_id => 'job-not-due', delay => 3600);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-16-promote}'));
SELECT pg_sleep(0.4);
SELECT jsonb_agg(p) AS promoted FROM asyncmq_promote_delayed('fx-16-promote') AS p \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', :'promoted');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-16-promote}'));

-- 20: Queue.retry_job on a failed job: waiting again, the last outcome's keys removed,
-- updated_at added, retries kept; false for a job that is not there.
\set fx `cat test/fixtures/asyncmq-0.9.1/20-retry-failed-job.json`
SELECT asyncmq_enqueue('fx-20-retry-job', 'fixtures.tasks.fail', '[1]', job_id => 'job-manual-retry');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-20-retry-job');
SELECT asyncmq_fail('fx-20-retry-job', 'job-manual-retry', E:'traceback');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-20-retry-job}'));
SELECT asyncmq_retry('fx-20-retry-job', 'job-manual-retry');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-20-retry-job}'));
SELECT asyncmq_retry('fx-20-retry-job', 'job-not-there');

SET client_min_messages = warning;
DROP SCHEMA fixtures_complete_fail CASCADE;
