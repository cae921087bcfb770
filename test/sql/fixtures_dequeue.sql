-- asyncmq_dequeue on rows AsyncMQ 0.9.1's Python code wrote (fixture 04), and on a paused queue
-- (fixture 12), field by field.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_dequeue;
SET search_path = fixtures_dequeue, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 04: the four jobs as Queue.add and backend.enqueue wrote them (one with data.created_at 1000.0).
\set fx `cat test/fixtures/asyncmq-0.9.1/04-dequeue.json`
SELECT pg_temp.fx_load(:'fx', 0);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-04-dequeue}'));
-- The payload dequeue returns, and the row after it: priority 1 first.
SELECT d AS payload FROM asyncmq_dequeue('fx-04-dequeue') AS d \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', :'payload');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-04-dequeue}', '{job-dq-high}'));
-- Until the queue is empty: priority, then the created_at column (data.created_at is not used).
SELECT jsonb_build_array(:'payload'::jsonb->>'id') || jsonb_agg(d->'id') AS ids
FROM (SELECT asyncmq_dequeue('fx-04-dequeue') AS d FROM generate_series(1, 3)) AS s \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', :'ids');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-04-dequeue}'));
-- Nothing is left (backend.dequeue returned None).
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-04-dequeue');

-- 12: pause writes a row, a second pause moves paused_at, resume deletes it.
\set fx `cat test/fixtures/asyncmq-0.9.1/12-pause-queue.json`
SELECT asyncmq_pause_queue('fx-12-pause');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_paused_queues',
                        (SELECT jsonb_agg(to_jsonb(p)) FROM asyncmq_paused_queues AS p));
SELECT asyncmq_is_queue_paused('fx-12-pause');
SELECT paused_at AS first_pause FROM asyncmq_paused_queues \gset
-- Unlike AsyncMQ's backend.dequeue (which leaves pauses to the worker loop), asyncmq_dequeue
-- takes nothing from a paused queue: stage 2 of the fixture returned the job.
SELECT asyncmq_enqueue('fx-12-pause', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-in-paused-queue');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-12-pause');
SELECT status FROM asyncmq_jobs WHERE job_id = 'job-in-paused-queue';
SELECT asyncmq_pause_queue('fx-12-pause');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_paused_queues',
                        (SELECT jsonb_agg(to_jsonb(p)) FROM asyncmq_paused_queues AS p));
SELECT paused_at > :'first_pause' AS "paused_at moved forward" FROM asyncmq_paused_queues;
SELECT asyncmq_resume_queue('fx-12-pause');
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_paused_queues',
                        (SELECT COALESCE(jsonb_agg(to_jsonb(p)), '[]') FROM asyncmq_paused_queues AS p));
SELECT asyncmq_is_queue_paused('fx-12-pause');
-- Resumed, the job comes out as the fixture's dequeue returned it.
SELECT d AS payload FROM asyncmq_dequeue('fx-12-pause') AS d \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', :'payload');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-12-pause}'));

SET client_min_messages = warning;
DROP SCHEMA fixtures_dequeue CASCADE;
