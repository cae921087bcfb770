-- repeat_every next to AsyncMQ 0.9.1 (fixture 24): TaskWrapper.enqueue(..., repeat_every=1)
-- stores it as given (1 stays an int) with Job's defaults, the job completes like any other, and
-- no new job appears, however long one waits: nothing in AsyncMQ reads repeat_every, and
-- nothing in the extension does either.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_repeat_every;
SET search_path = fixtures_repeat_every, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

\set fx `cat test/fixtures/asyncmq-0.9.1/24-repeat-every.json`
\set q 'fx-24-repeat-every'
-- Stage 0: TaskWrapper.enqueue builds the job with Job's backoff (1.5) and the task's retries (0).
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add_every', '[2, 3]', max_retries => 0, backoff => 1.5,
                       repeat_every => 1) AS id \gset
SELECT pg_temp.fx_check(:'fx', 0, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows;
-- Stage 1: the worker runs it (the task returns 5).
SELECT count(*) AS dequeued FROM asyncmq_dequeue(:'q');
SELECT asyncmq_complete(:'q', :'id', '5');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows;
-- Stage 2: 1.5 s later, longer than repeat_every, the rows are unchanged.
SELECT pg_temp.fx_jobs(ARRAY[:'q']) AS rows_1 \gset
SELECT pg_sleep(1.5);
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows,
       pg_temp.fx_same(:'fx', '$.stages[2].checks', '{stages,2,checks}',
                       jsonb_build_object('rows unchanged', pg_temp.fx_jobs(ARRAY[:'q']) = :'rows_1')) AS checks;
-- Stage 3: a second such job, run to completion (the task returns 9), then longer than
-- repeat_every again: two completed rows and no third.
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add_every', '[4, 5]', max_retries => 0, backoff => 1.5,
                       repeat_every => 1) AS id \gset
SELECT count(*) AS dequeued FROM asyncmq_dequeue(:'q');
SELECT asyncmq_complete(:'q', :'id', '9');
SELECT pg_sleep(1.5);
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows,
       pg_temp.fx_same(:'fx', '$.stages[3].checks', '{stages,3,checks}',
                       jsonb_build_object('rows in the queue', (SELECT count(*) FROM asyncmq_jobs))) AS checks;

SET client_min_messages = warning;
DROP SCHEMA fixtures_repeat_every CASCADE;
