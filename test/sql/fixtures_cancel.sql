-- asyncmq_cancel and what the lifecycle calls do with a cancelled job, next to AsyncMQ 0.9.1's
-- cancel_job, dequeue and worker (fixtures 08 and 09), field by field, markers included.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_cancel;
SET search_path = fixtures_cancel, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 08: a waiting and a delayed job; cancelling deletes them and leaves markers.
\set fx `cat test/fixtures/asyncmq-0.9.1/08-cancel-waiting.json`
SELECT asyncmq_enqueue('fx-08-cancel-waiting', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-cancel-waiting');
SELECT asyncmq_enqueue('fx-08-cancel-waiting', 'fixtures.tasks.add', '[2, 2]', job_id => 'job-cancel-delayed',
                       delay => 3600);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-08-cancel-waiting}')),
       pg_temp.fx_check(:'fx', 0, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-08-cancel-waiting}'));
SELECT asyncmq_cancel('fx-08-cancel-waiting', 'job-cancel-waiting');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-08-cancel-waiting}')),
       pg_temp.fx_check(:'fx', 1, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-08-cancel-waiting}'));
SELECT asyncmq_cancel('fx-08-cancel-waiting', 'job-cancel-delayed');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-08-cancel-waiting}')),
       pg_temp.fx_check(:'fx', 2, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-08-cancel-waiting}'));
-- An unknown job: true, and a marker, as AsyncMQ's cancel_job.
SELECT asyncmq_cancel('fx-08-cancel-waiting', 'job-never-existed');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-08-cancel-waiting}')),
       pg_temp.fx_check(:'fx', 3, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-08-cancel-waiting}'));
SELECT asyncmq_is_cancelled('fx-08-cancel-waiting', 'job-cancel-waiting');
-- The id added again makes a waiting row (the marker stays); the next dequeue deletes it.
SELECT asyncmq_enqueue('fx-08-cancel-waiting', 'fixtures.tasks.add', '[3, 3]', job_id => 'job-cancel-waiting');
SELECT pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-08-cancel-waiting}')),
       pg_temp.fx_check(:'fx', 5, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-08-cancel-waiting}'));
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-08-cancel-waiting');
SELECT pg_temp.fx_check(:'fx', 6, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-08-cancel-waiting}')),
       pg_temp.fx_check(:'fx', 6, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-08-cancel-waiting}'));

-- 09: cancelling an active job marks it cancelled (cancelled_at: the transaction's now()).
\set fx `cat test/fixtures/asyncmq-0.9.1/09-cancel-active.json`
SELECT asyncmq_enqueue('fx-09-cancel-active', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-cancel-active');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-09-cancel-active');
BEGIN;
SELECT asyncmq_cancel('fx-09-cancel-active', 'job-cancel-active');
SELECT (data->>'cancelled_at')::numeric = extract(epoch FROM now()) AS "cancelled_at is now()"
FROM asyncmq_jobs WHERE job_id = 'job-cancel-active';
COMMIT;
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-09-cancel-active}')),
       pg_temp.fx_check(:'fx', 0, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-09-cancel-active}'));
-- The worker meets the marker when it reports: the row goes, as with cancel_active_job.
SELECT asyncmq_complete('fx-09-cancel-active', 'job-cancel-active', '2');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-09-cancel-active}')),
       pg_temp.fx_check(:'fx', 1, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-09-cancel-active}'));
-- Completing after a cancel: the row existed, status cancelled; the complete deletes it.
SELECT asyncmq_enqueue('fx-09-cancel-active', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-cancel-then-complete');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('fx-09-cancel-active');
SELECT asyncmq_cancel('fx-09-cancel-active', 'job-cancel-then-complete');
SELECT status AS "status before the complete" FROM asyncmq_jobs WHERE job_id = 'job-cancel-then-complete';
SELECT asyncmq_complete('fx-09-cancel-active', 'job-cancel-then-complete', '"late result"');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-09-cancel-active}')),
       pg_temp.fx_check(:'fx', 2, 'asyncmq_cancelled_jobs', pg_temp.fx_markers('{fx-09-cancel-active}'));

SET client_min_messages = warning;
DROP SCHEMA fixtures_cancel CASCADE;
