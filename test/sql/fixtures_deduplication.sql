-- asyncmq_enqueue's deduplication modes replace, debounce and extend next to the rows AsyncMQ
-- 0.9.1's Queue.add wrote (fixtures 21, 22, 23), stage by stage and field by field, with what each
-- add returned and the fixtures' checks and approximate times. The worker's part (handle_job) is
-- played by asyncmq_dequeue and asyncmq_complete.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_deduplication;
SET search_path = fixtures_deduplication, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all
-- The fixtures list the rows of the deduplication id the stage is about, in insertion order.
CREATE FUNCTION pg_temp.dedup_rows(queue text, dedup_id text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT pg_temp.fx_jobs(ARRAY[queue],
                           ARRAY(SELECT j.job_id FROM asyncmq_jobs AS j
                                 WHERE j.queue_name = queue AND j.data->'deduplication'->>'id' = dedup_id))
$$;
CREATE FUNCTION pg_temp.expires_at(job text) RETURNS numeric LANGUAGE sql AS $$
    SELECT (data->'deduplication'->>'expires_at')::numeric FROM asyncmq_jobs WHERE job_id = job
$$;

-- 21: replace without a delay (mode replace). While the owner is waiting, then active, an add
-- returns its id and writes nothing.
\set fx `cat test/fixtures/asyncmq-0.9.1/21-dedup-replace.json`
\set q 'fx-21-dedup-replace'
\set dd '{"id": "d-replace", "replace": true}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[1, 1]', job_id => 'rep-1', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 0, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows;
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[2, 2]', job_id => 'rep-2', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows;
SELECT count(*) AS dequeued FROM asyncmq_dequeue(:'q');
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[3, 3]', job_id => 'rep-3', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows;
-- The owner completed: without a ttl its window has closed, and the add stores a new job.
SELECT asyncmq_complete(:'q', 'rep-1', '2');
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[4, 4]', job_id => 'rep-4', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY[:'q'])) AS rows;
-- A delayed owner (an add with replace and a delay: mode debounce), then an add without a delay
-- (mode replace): the owner's row goes, the new job is stored waiting with the owner's expires_at.
\set dd '{"id": "d-replace-delayed", "replace": true, "ttl": 60}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[5, 5]', job_id => 'rep-delayed-owner', delay => 3600,
                       deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 4, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-replace-delayed')) AS rows;
SELECT pg_temp.expires_at('rep-delayed-owner') AS owner_expires_at \gset
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[6, 6]', job_id => 'rep-replacer', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 5, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-replace-delayed')) AS rows;
SELECT pg_temp.fx_same(:'fx', '$.stages[5].checks', '{stages,5,checks}', jsonb_build_object(
         'rep-delayed-owner row still there', EXISTS (SELECT 1 FROM asyncmq_jobs WHERE job_id = 'rep-delayed-owner'),
         'rep-replacer deduplication.expires_at == the removed owner''s',
         pg_temp.expires_at('rep-replacer') = :'owner_expires_at')) AS checks;
-- The replacer is waiting: the next add returns it and writes nothing.
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[7, 7]', job_id => 'rep-after', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 6, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 6, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-replace-delayed')) AS rows;
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = :'q' ORDER BY id;

-- 22: replace with a delay (mode debounce), ttl 2. An add 0.2 s later replaces the delayed owner:
-- its own delay starts again, the window (expires_at) stays the owner's.
\set fx `cat test/fixtures/asyncmq-0.9.1/22-dedup-debounce.json`
\set q 'fx-22-dedup-debounce'
\set dd '{"id": "d-debounce", "replace": true, "ttl": 2}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[1, 1]', job_id => 'deb-1', delay => 30, deduplication => :'dd')
  AS id \gset
SELECT pg_temp.fx_check(:'fx', 0, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-debounce')) AS rows;
SELECT round((data->>'delay_until')::numeric - (data->>'created_at')::numeric, 3) AS "delay_until - created_at",
       round(pg_temp.expires_at('deb-1') - (data->>'created_at')::numeric, 3) AS "expires_at - created_at"
FROM asyncmq_jobs WHERE job_id = 'deb-1';
SELECT (data->>'delay_until')::numeric AS deb1_delay_until, pg_temp.expires_at('deb-1') AS deb1_expires_at
FROM asyncmq_jobs WHERE job_id = 'deb-1' \gset
SELECT pg_sleep(0.2);
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[2, 2]', job_id => 'deb-2', delay => 30, deduplication => :'dd')
  AS id \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-debounce')) AS rows;
SELECT pg_temp.fx_same(:'fx', '$.stages[1].checks', '{stages,1,checks}', jsonb_build_object(
         'deb-1 row still there', EXISTS (SELECT 1 FROM asyncmq_jobs WHERE job_id = 'deb-1'),
         'deb-2 deduplication.expires_at == deb-1''s', pg_temp.expires_at('deb-2') = :'deb1_expires_at')) AS checks;
-- The fixture: 0.22 s (0.2 s of sleep and the call's own time).
SELECT (data->>'delay_until')::numeric - :'deb1_delay_until' BETWEEN 0.2 AND 2
         AS "deb-2 delay_until - deb-1's: the time between"
FROM asyncmq_jobs WHERE job_id = 'deb-2';
-- Once expires_at has passed, an add opens a new window with a job of its own; deb-2 stays.
SELECT pg_sleep(greatest(0, :'deb1_expires_at' - extract(epoch FROM clock_timestamp())::numeric + 0.05)::float8);
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[3, 3]', job_id => 'deb-3', delay => 30, deduplication => :'dd')
  AS id \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-debounce')) AS rows;
SELECT round(pg_temp.expires_at('deb-3') - (data->>'created_at')::numeric, 3) AS "deb-3 expires_at - created_at"
FROM asyncmq_jobs WHERE job_id = 'deb-3';
-- Without a ttl the window lasts while the owner lives, and a delayed owner is replaced.
\set dd '{"id": "d-debounce-nottl", "replace": true}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[4, 4]', job_id => 'deb-a', delay => 30, deduplication => :'dd')
  AS id \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-debounce-nottl')) AS rows;
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[5, 5]', job_id => 'deb-b', delay => 30, deduplication => :'dd')
  AS id \gset
SELECT pg_temp.fx_check(:'fx', 4, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-debounce-nottl')) AS rows;
-- An owner already promoted to waiting is not replaced: the add returns it and writes nothing.
\set dd '{"id": "d-debounce-short", "replace": true}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[6, 6]', job_id => 'deb-x', delay => 0.2, deduplication => :'dd');
SELECT pg_sleep(0.35);
SELECT jsonb_agg(data->'id') AS promoted FROM asyncmq_promote_delayed(:'q') AS data \gset
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[7, 7]', job_id => 'deb-y', delay => 0.2, deduplication => :'dd')
  AS id \gset
SELECT pg_temp.fx_check(:'fx', 5, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-debounce-short')) AS rows,
       pg_temp.fx_same(:'fx', '$.stages[5].checks', '{stages,5,checks,ids promote_due_delayed returned}',
                       :'promoted') AS promoted;
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = :'q' ORDER BY id;

-- 23: extend with a ttl of 60 (mode throttle). Each add inside the window returns the owner's id
-- and sets the owner's expires_at to now + 60, the owner waiting, active or completed.
\set fx `cat test/fixtures/asyncmq-0.9.1/23-dedup-extend.json`
\set q 'fx-23-dedup-extend'
\set dd '{"id": "d-extend", "ttl": 60, "extend": true}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[1, 1]', job_id => 'ext-1', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 0, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend')) AS rows;
SELECT pg_temp.expires_at('ext-1') AS expires_0 \gset
SELECT pg_sleep(0.2);
SELECT extract(epoch FROM clock_timestamp())::numeric AS before_call \gset
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[2, 2]', job_id => 'ext-2', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend')) AS rows;
SELECT pg_temp.fx_same(:'fx', '$.stages[1].checks', '{stages,1,checks}', jsonb_build_object(
         'expires_at moved forward', pg_temp.expires_at('ext-1') > :'expires_0')) AS checks,
       pg_temp.expires_at('ext-1') - :'before_call' BETWEEN 60 AND 61 AS "new expires_at - time before the call",
       pg_temp.expires_at('ext-1') - :'expires_0' BETWEEN 0.2 AND 2 AS "new expires_at - old expires_at";
SELECT pg_temp.expires_at('ext-1') AS expires_1 \gset
-- Dequeued (the payload a worker holds has expires_1), then renewed while active.
SELECT d->'deduplication'->>'expires_at' AS raw_expires_at FROM asyncmq_dequeue(:'q') AS d \gset
SELECT pg_sleep(0.2);
SELECT extract(epoch FROM clock_timestamp())::numeric AS before_call \gset
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[3, 3]', job_id => 'ext-3', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend')) AS rows;
SELECT pg_temp.fx_same(:'fx', '$.stages[2].checks', '{stages,2,checks}', jsonb_build_object(
         'raw.deduplication.expires_at == the value the add before the dequeue wrote',
         :'raw_expires_at'::numeric = :'expires_1')) AS checks,
       pg_temp.expires_at('ext-1') - :'before_call' BETWEEN 60 AND 61 AS "new expires_at - time before the call";
SELECT pg_temp.expires_at('ext-1') AS expires_2 \gset
-- Completed. The row is the fixture's, but for one value: AsyncMQ's worker writes back the payload
-- it dequeued, so its expires_at returns to raw's and the renewal made while the job ran is lost
-- (the fixture's checks say so); asyncmq_complete writes the stored row and keeps the renewal.
SELECT asyncmq_complete(:'q', 'ext-1', '2');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend')) AS rows;
SELECT fx->'stages'->3->'checks' AS asyncmq_checks,
       pg_temp.expires_at('ext-1') = :'expires_2' AS "ours: expires_at == the value the add while active wrote",
       pg_temp.expires_at('ext-1') > :'raw_expires_at'::numeric AS "ours: expires_at > the value in raw"
FROM (SELECT :'fx'::jsonb AS fx) AS f;
-- A completed owner's window still open: extend renews it and the job stays completed.
SELECT pg_sleep(0.2);
SELECT extract(epoch FROM clock_timestamp())::numeric AS before_call \gset
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[4, 4]', job_id => 'ext-4', deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 4, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend')) AS rows,
       pg_temp.expires_at('ext-1') - :'before_call' BETWEEN 60 AND 61 AS "new expires_at - time before the call",
       pg_temp.expires_at('ext-1') > :'expires_2' AS "expires_at moved forward";
-- extend with replace and a delay (mode debounce): the delayed owner is replaced, and the new
-- job's window is now + ttl instead of the owner's.
\set dd '{"id": "d-extend-debounce", "ttl": 60, "replace": true, "extend": true}'
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[5, 5]', job_id => 'ext-deb-1', delay => 30,
                       deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 5, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend-debounce')) AS rows;
SELECT pg_temp.expires_at('ext-deb-1') AS expires_deb1 \gset
SELECT pg_sleep(0.2);
SELECT extract(epoch FROM clock_timestamp())::numeric AS before_call \gset
SELECT asyncmq_enqueue(:'q', 'fixtures.tasks.add', '[6, 6]', job_id => 'ext-deb-2', delay => 30,
                       deduplication => :'dd') AS id \gset
SELECT pg_temp.fx_check(:'fx', 6, 'returned', to_jsonb(:'id'::text)) AS returned,
       pg_temp.fx_check(:'fx', 6, 'asyncmq_jobs', pg_temp.dedup_rows(:'q', 'd-extend-debounce')) AS rows;
SELECT pg_temp.fx_same(:'fx', '$.stages[6].checks', '{stages,6,checks}', jsonb_build_object(
         'ext-deb-2 expires_at > ext-deb-1''s', pg_temp.expires_at('ext-deb-2') > :'expires_deb1')) AS checks,
       pg_temp.expires_at('ext-deb-2') - :'before_call' BETWEEN 60 AND 61
         AS "ext-deb-2 expires_at - time before the call";
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = :'q' ORDER BY id;

SET client_min_messages = warning;
DROP SCHEMA fixtures_deduplication CASCADE;
