-- The stages of the fixtures that call AsyncMQ's internals or options beyond the worker's
-- lifecycle: 02 stages 2-4 (deduplication, add_dependencies), 03 stage 3 (list_delayed), 07
-- stages 2-3 (retry_active_job called directly, then move_to_dlq) and 16 stage 2
-- (get_due_delayed). Where a SQL function is the natural equivalent (asyncmq_enqueue's
-- deduplication, asyncmq_list_delayed, asyncmq_move_to_dlq, asyncmq_pop_due_delayed) it is
-- compared field by field; where none is, what our functions write is compared with the fixture,
-- and the differences are shown and explained.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_internal;
SET search_path = fixtures_internal, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 02 stages 2 and 3: Queue.add with a deduplication object (throttle mode: a ttl), then a second
-- add with the same deduplication id and another job id inside the window, which returns the
-- owner's id and writes nothing.
\set fx `cat test/fixtures/asyncmq-0.9.1/02-enqueue-all-options.json`
SELECT asyncmq_enqueue('fx-02-enqueue-all-options', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-dedup',
                       deduplication => '{"id": "dedup-a", "ttl": 60}') AS id \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', to_jsonb(:'id'::text));
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
SELECT asyncmq_enqueue('fx-02-enqueue-all-options', 'fixtures.tasks.add', '[2, 2]', job_id => 'job-dedup-2',
                       deduplication => '{"id": "dedup-a", "ttl": 60}') AS id \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', to_jsonb(:'id'::text));
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
-- Stage 4: backend.add_dependencies upserts a bare Job with its depends_on sorted and
-- de-duplicated; the enqueue after it writes the payload's own order (stage 5, compared in
-- fixtures_enqueue). It is an internal step of TaskWrapper.enqueue with no SQL equivalent:
-- asyncmq_enqueue writes depends_on as given, so given sorted it writes stage 4's row, but for
-- backoff (Job(backoff=2) is a Python int; ours is double precision, 2.0); asyncmq_enqueue_many,
-- which keeps a JSON backoff as spelt, writes the same row.
DELETE FROM asyncmq_jobs;
SELECT asyncmq_enqueue('fx-02-enqueue-all-options', 'fixtures.tasks.add', '[9, 9]', job_id => 'job-with-deps',
                       priority => 1, max_retries => 4, backoff => 2, ttl => 120,
                       depends_on => '{parent-a,parent-b}', repeat_every => 30);
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
DELETE FROM asyncmq_jobs;
SELECT * FROM asyncmq_enqueue_many('fx-02-enqueue-all-options', '[{"task": "fixtures.tasks.add", "args": [9, 9],
  "job_id": "job-with-deps", "priority": 1, "max_retries": 4, "backoff": 2, "ttl": 120,
  "depends_on": ["parent-a", "parent-b"], "repeat_every": 30}]');
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
DELETE FROM asyncmq_jobs;

-- 03 stage 3: backend.list_delayed returns {job_id, run_at, payload} for the queue's rows that
-- have a data.delay_until, by run time: asyncmq_list_delayed.
\set fx `cat test/fixtures/asyncmq-0.9.1/03-enqueue-delayed.json`
SELECT asyncmq_enqueue('fx-03-enqueue-delayed', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-delayed-add',
                       delay => 30);
SELECT asyncmq_enqueue('fx-03-enqueue-delayed', 'fixtures.tasks.add', '[2, 2]', job_id => 'job-delayed-backend',
                       max_retries => 3, backoff => 1.5, delay => 60);
SELECT asyncmq_enqueue('fx-03-enqueue-delayed', 'fixtures.tasks.add', '[3, 3]', max_retries => 2,
                       delay => 90) IS NOT NULL AS enqueued;
SELECT jsonb_agg(jsonb_build_object('job_id', l.job_id, 'run_at', l.run_at, 'payload', l.payload) ORDER BY l.n)
         AS listed
FROM asyncmq_list_delayed('fx-03-enqueue-delayed') WITH ORDINALITY AS l(job_id, run_at, payload, n) \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', :'listed');
DELETE FROM asyncmq_jobs;

-- 07 stage 2: retry_active_job called directly with a run time of now + 3600 s. No SQL function
-- sets a run time the caller picks without a failure: asyncmq_fail is the worker's retry, with
-- the backoff's time and retries + 1 (fixtures 06 and 07 stage 0). The row it leaves is written
-- here as AsyncMQ's call writes it, and compared, so that stage 3 starts from the same row.
\set fx `cat test/fixtures/asyncmq-0.9.1/07-fail-final.json`
SELECT asyncmq_enqueue('fx-07-fail-final', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-dlq');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-07-fail-final');
SELECT extract(epoch FROM clock_timestamp())::float8 + 3600 AS run_at \gset
UPDATE asyncmq_jobs SET status = 'delayed', delay_until = :run_at,
       data = data || jsonb_build_object('status', 'delayed', 'delay_until', :run_at)
WHERE job_id = 'job-dlq';
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-07-fail-final}'));
-- Stage 3: move_to_dlq: status failed, data.delay_until null (AsyncMQ stores the dequeued
-- payload, where it was null), and the delay_until column kept: AsyncMQ's upsert does not write it.
SELECT asyncmq_move_to_dlq('fx-07-fail-final', 'job-dlq');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-07-fail-final}'));
SELECT delay_until = :run_at AS "delay_until column kept" FROM asyncmq_jobs WHERE job_id = 'job-dlq';
-- Any status moves (a failed job stays failed); an unknown job is false.
SELECT asyncmq_move_to_dlq('fx-07-fail-final', 'job-dlq') AS moved_again,
       asyncmq_move_to_dlq('fx-07-fail-final', 'job-not-there') AS moved_unknown;
SELECT asyncmq_enqueue('fx-07-fail-final', 'fixtures.tasks.add', job_id => 'job-waiting');
SELECT asyncmq_move_to_dlq('fx-07-fail-final', 'job-waiting') AS moved_waiting;
SELECT job_id, status, data->>'status' AS data_status FROM asyncmq_jobs ORDER BY id;
SELECT failed FROM asyncmq_queue_stats('fx-07-fail-final');
DELETE FROM asyncmq_jobs;

-- 16 stages 0-2: a due and a future delayed job, promote_due_delayed, then a third job, due
-- 0.2 s on, that Queue.get_due_delayed (backend.pop_due_delayed) deletes and returns as stored.
\set fx `cat test/fixtures/asyncmq-0.9.1/16-promote-delayed.json`
SELECT asyncmq_enqueue('fx-16-promote', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-due', delay => 0.2);
SELECT asyncmq_enqueue('fx-16-promote', 'fixtures.tasks.add', '[2, 2]', job_id => 'job-not-due', delay => 3600);
SELECT pg_sleep(0.4);
SELECT count(*) AS promoted FROM asyncmq_promote_delayed('fx-16-promote');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-16-promote}'));
SELECT asyncmq_enqueue('fx-16-promote', 'fixtures.tasks.add', '[3, 3]', job_id => 'job-due-popped', delay => 0.2);
SELECT count(*) AS popped_too_early FROM asyncmq_pop_due_delayed('fx-16-promote');
SELECT pg_sleep(0.4);
SELECT jsonb_agg(p) AS popped FROM asyncmq_pop_due_delayed('fx-16-promote') AS p \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', :'popped');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-16-promote}'));
-- Nothing else is due: a second pop returns nothing; waiting jobs are never popped.
SELECT count(*) AS popped_again FROM asyncmq_pop_due_delayed('fx-16-promote');
SELECT count(*) AS popped_elsewhere FROM asyncmq_pop_due_delayed('no-such-queue');

-- NULL and empty arguments.
SELECT asyncmq_move_to_dlq(NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_move_to_dlq('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_move_to_dlq('', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_pop_due_delayed(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_pop_due_delayed('');
\echo :LAST_ERROR_SQLSTATE

-- Layout 0.1: the same calls.
SET asyncmq.layout = '0.1';
CREATE SCHEMA fixtures_internal_01;
SET search_path = fixtures_internal_01, public;
SELECT asyncmq_install();
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'dlq-01');
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'pop-01', delay => 0);
SELECT asyncmq_move_to_dlq('q', 'dlq-01') AS moved;
SELECT p->>'id' AS popped FROM asyncmq_pop_due_delayed('q') AS p;
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;

SET client_min_messages = warning;
DROP SCHEMA fixtures_internal CASCADE;
DROP SCHEMA fixtures_internal_01 CASCADE;
