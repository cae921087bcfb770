-- asyncmq_heartbeat and asyncmq_recover_stalled next to AsyncMQ 0.9.1's save_heartbeat,
-- fetch_stalled_jobs and reenqueue_stalled (fixtures 10 and 11), field by field.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_stalled;
SET search_path = fixtures_stalled, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 10: the heartbeat is the float given, with no status filter; later ones replace it.
\set fx `cat test/fixtures/asyncmq-0.9.1/10-heartbeat.json`
SELECT asyncmq_enqueue('fx-10-heartbeat', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-heartbeat');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-10-heartbeat');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-10-heartbeat}'));
SELECT extract(epoch FROM clock_timestamp())::float8 AS ts \gset
SELECT asyncmq_heartbeat('fx-10-heartbeat', 'job-heartbeat', :ts);
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-10-heartbeat}'));
SELECT (data->>'heartbeat')::float8 = :ts AS "data.heartbeat == ts" FROM asyncmq_jobs;
SELECT asyncmq_heartbeat('fx-10-heartbeat', 'job-heartbeat', :ts + 5.25);
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-10-heartbeat}'));
SELECT (data->>'heartbeat')::float8 = :ts + 5.25 AS "data.heartbeat == ts + 5.25" FROM asyncmq_jobs;
-- Without a time, the heartbeat is now; an unknown job is false.
SELECT asyncmq_heartbeat('fx-10-heartbeat', 'job-heartbeat');
SELECT abs((data->>'heartbeat')::numeric - extract(epoch FROM clock_timestamp())) < 5 AS "heartbeat is now"
FROM asyncmq_jobs;
SELECT asyncmq_heartbeat('fx-10-heartbeat', 'job-not-there');
DELETE FROM asyncmq_jobs;

-- 11: an old heartbeat is stalled, a fresh one is not; a job without one is judged by active_since.
\set fx `cat test/fixtures/asyncmq-0.9.1/11-stalled-recovered.json`
SELECT asyncmq_enqueue('fx-11-stalled', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-stalled-hb');
SELECT asyncmq_enqueue('fx-11-stalled', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-stalled-fresh');
SELECT asyncmq_enqueue('fx-11-stalled', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-stalled-nohb');
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('fx-11-stalled', 2) AS d;
SELECT extract(epoch FROM clock_timestamp())::float8 AS now \gset
SELECT asyncmq_heartbeat('fx-11-stalled', 'job-stalled-hb', :now - 120),
       asyncmq_heartbeat('fx-11-stalled', 'job-stalled-fresh', :now);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-11-stalled}'));
-- fetch_stalled_jobs(now - 60) + reenqueue_stalled in one call. It returns each job as it now
-- is (waiting): the fixture's fetch returned them before (active, with the heartbeat).
SELECT queue_name, job AS recovered FROM asyncmq_recover_stalled('60 seconds') \gset
SELECT :'queue_name' AS queue_name,
       pg_temp.fx_same(:'fx', '$.stages[2].tables.asyncmq_jobs[0].data', '{stages,2,tables,asyncmq_jobs,0,data}',
                       :'recovered');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-11-stalled}'));
-- job-stalled-hb and job-stalled-nohb run again; 1.2 s later only the fresh heartbeats count.
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('fx-11-stalled', 2) AS d;
SELECT pg_sleep(1.2);
SELECT asyncmq_heartbeat('fx-11-stalled', 'job-stalled-fresh'), asyncmq_heartbeat('fx-11-stalled', 'job-stalled-hb');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-11-stalled}'));
SELECT queue_name, job->>'id' AS recovered FROM asyncmq_recover_stalled('1 second');
SELECT pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-11-stalled}'));
-- An active job with a cancellation marker is never recovered (here the marker is written
-- directly, as AsyncMQ's cancel_job writes it before it updates the row).
INSERT INTO asyncmq_cancelled_jobs VALUES ('fx-11-stalled', 'job-stalled-fresh');
SELECT queue_name, job->>'id' AS recovered FROM asyncmq_recover_stalled('0 seconds');
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;
-- A negative or NULL age is refused.
SELECT * FROM asyncmq_recover_stalled('-1 second');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_recover_stalled(NULL);
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA fixtures_stalled CASCADE;
