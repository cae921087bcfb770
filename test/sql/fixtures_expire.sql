-- asyncmq_ttl_expired and asyncmq_expire next to AsyncMQ 0.9.1's worker expiring a job whose ttl
-- passed before it was picked up (handle_job -> expire_active_job; fixture 19), field by field.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_expire;
SET search_path = fixtures_expire, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 19: ttl 1 s, dequeued 1.2 s later: the worker's ttl test is true and the job becomes expired,
-- delay_until null in data and column, last_attempt still null (the task never ran).
\set fx `cat test/fixtures/asyncmq-0.9.1/19-expire-ttl.json`
SELECT asyncmq_enqueue('fx-19-expire', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-expire', ttl => 1);
SELECT pg_sleep(1.2);
SELECT d AS job FROM asyncmq_dequeue('fx-19-expire') AS d \gset
SELECT asyncmq_ttl_expired(:'job') AS ttl_expired;
SELECT asyncmq_expire('fx-19-expire', :'job'::jsonb->>'id') AS expired;
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-19-expire}'));
SELECT (data->>'active_since')::numeric - (data->>'created_at')::numeric > 1 AS "active_since - created_at > ttl"
FROM asyncmq_jobs WHERE job_id = 'job-expire';
-- Expiring is for active jobs: the expired job, a waiting one and an unknown one are left alone.
SELECT asyncmq_expire('fx-19-expire', 'job-expire') AS expired_again;
SELECT asyncmq_enqueue('fx-19-expire', 'fixtures.tasks.add', job_id => 'job-waiting', ttl => 0);
SELECT asyncmq_expire('fx-19-expire', 'job-waiting') AS expired_waiting,
       asyncmq_expire('fx-19-expire', 'job-not-there') AS expired_unknown;
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;

-- The ttl test: no ttl (null or absent) never expires; a ttl not yet passed is false.
SELECT asyncmq_ttl_expired('{"ttl": null, "created_at": 1000.0}') AS null_ttl,
       asyncmq_ttl_expired('{"created_at": 1000.0}') AS no_ttl,
       asyncmq_ttl_expired(jsonb_build_object('ttl', 3600, 'created_at', extract(epoch FROM clock_timestamp())))
         AS not_yet,
       asyncmq_ttl_expired('{"ttl": 0.5, "created_at": 1000.0}') AS long_past,
       asyncmq_ttl_expired(NULL) AS null_job;

-- A heartbeat is removed (the worker's payload is Job.to_dict(), which has none); a cancelled
-- job loses its row instead, as every lifecycle call of AsyncMQ does.
SELECT asyncmq_enqueue('fx-19-expire', 'fixtures.tasks.add', job_id => 'job-hb', ttl => 0);
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-19-expire', 2);
SELECT asyncmq_heartbeat('fx-19-expire', 'job-hb');
SELECT asyncmq_expire('fx-19-expire', 'job-hb') AS expired;
SELECT status, data ? 'heartbeat' AS has_heartbeat, data->>'status' AS data_status FROM asyncmq_jobs
WHERE job_id = 'job-hb';
SELECT asyncmq_enqueue('fx-19-expire', 'fixtures.tasks.add', job_id => 'job-cancelled', ttl => 0);
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-19-expire');
SELECT asyncmq_cancel('fx-19-expire', 'job-cancelled');
SELECT asyncmq_expire('fx-19-expire', 'job-cancelled') AS expired;
SELECT count(*) AS rows_left FROM asyncmq_jobs WHERE job_id = 'job-cancelled';
SELECT expired FROM asyncmq_queue_stats('fx-19-expire');

-- NULL and empty arguments.
SELECT asyncmq_expire(NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_expire('fx-19-expire', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_expire('', 'x');
\echo :LAST_ERROR_SQLSTATE

-- Layout 0.1 (job ids unique across queues): the same expiry.
SET asyncmq.layout = '0.1';
CREATE SCHEMA fixtures_expire_01;
SET search_path = fixtures_expire_01, public;
SELECT asyncmq_install();
SELECT asyncmq_enqueue('fx-19-expire', 'fixtures.tasks.add', job_id => 'job-01', ttl => 0);
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-19-expire');
SELECT asyncmq_expire('fx-19-expire', 'job-01') AS expired;
SELECT job_id, status, delay_until, data->>'status' AS data_status FROM asyncmq_jobs;

SET client_min_messages = warning;
DROP SCHEMA fixtures_expire CASCADE;
DROP SCHEMA fixtures_expire_01 CASCADE;
