-- asyncmq_upsert_repeatable, asyncmq_pause_repeatable, asyncmq_resume_repeatable and
-- asyncmq_list_repeatables next to AsyncMQ 0.9.1's upsert/pause/resume/list_repeatables
-- (fixture 13), field by field. next_run is volatile: checked by kind, and by what the fixture's
-- checks say of it (every: 60 s on; cron: on the minute the expression names, in UTC).
SET asyncmq.layout = '0.9';
SET TimeZone = 'UTC';
CREATE SCHEMA fixtures_repeatables;
SET search_path = fixtures_repeatables, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all
-- The position of a definition in the rows of a fixture stage (the fixtures list them by next_run,
-- whose order between every and cron rows depends on the minute the test runs).
CREATE FUNCTION pg_temp.fx_position(fx jsonb, stage int, def jsonb) RETURNS bigint LANGUAGE sql AS $$
    SELECT e.n FROM jsonb_array_elements(fx->'stages'->stage->'tables'->'asyncmq_repeatables') WITH ORDINALITY AS e(v, n)
    WHERE e.v->'job_def' = def
$$;
-- The queue's repeatables rows, in the fixture stage's order.
CREATE FUNCTION pg_temp.fx_repeatables(fx jsonb, stage int) RETURNS jsonb LANGUAGE sql AS $$
    SELECT COALESCE(jsonb_agg(to_jsonb(r) ORDER BY pg_temp.fx_position(fx, stage, r.job_def), r.next_run), '[]')
    FROM asyncmq_repeatables AS r WHERE r.queue_name = 'fx-13-repeatable'
$$;
-- A double precision as Python's json.dumps spells a float (1795611000.0, not 1795611000).
CREATE FUNCTION pg_temp.fx_float(x float8) RETURNS jsonb LANGUAGE sql AS $$
    SELECT CASE WHEN x = trunc(x) THEN (trunc(x)::numeric::text || '.0')::jsonb ELSE to_jsonb(x) END
$$;

\set fx `cat test/fixtures/asyncmq-0.9.1/13-repeatable.json`
-- Queue.upsert_repeatable's definitions: the task (as task_id), args, kwargs, retries, priority
-- and any ttl or backoff; the null ttl is dropped.
\set every60 '{"task_id": "fixtures.tasks.add", "every": 60, "args": [1, 2], "kwargs": {"k": "v"}, "retries": 0, "priority": 5, "ttl": null}'
-- Stage 0: every 60 s; the next run is 60 s from now.
SELECT extract(epoch FROM clock_timestamp())::float8 AS before \gset
SELECT asyncmq_upsert_repeatable('fx-13-repeatable', :'every60') AS next_run \gset
SELECT pg_temp.fx_check(:'fx', 0, 'returned', pg_temp.fx_float(:next_run));
SELECT abs(:next_run - :before - 60) < 0.5 AS "returned - time before the call = 60";
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 0));
SELECT extract(epoch FROM next_run) = round(:next_run::numeric, 6) AS "next_run == returned"
FROM asyncmq_repeatables;
-- Stage 1: cron */5: the next multiple of 300 s.
SELECT asyncmq_upsert_repeatable('fx-13-repeatable', '{"task_id": "fixtures.tasks.add", "cron": "*/5 * * * *",
  "args": [3], "kwargs": {}, "retries": 2, "ttl": 300, "priority": 1, "backoff": 2}') AS next_run \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', pg_temp.fx_float(:next_run));
SELECT :next_run::numeric % 300 = 0 AS "returned is a multiple of 300 s",
       :next_run > extract(epoch FROM clock_timestamp()) AS "after now",
       :next_run - extract(epoch FROM clock_timestamp()) <= 300 AS "within 300 s";
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 1));
-- Stage 2: cron 0 9 * * *: 09:00 UTC, the next one.
SELECT asyncmq_upsert_repeatable('fx-13-repeatable', '{"task_id": "fixtures.tasks.add", "cron": "0 9 * * *",
  "args": [], "kwargs": {}, "retries": 0, "priority": 5}') AS next_run \gset
SELECT pg_temp.fx_check(:'fx', 2, 'returned', pg_temp.fx_float(:next_run));
SELECT (to_timestamp(:next_run) AT TIME ZONE 'UTC')::time = '09:00' AS "returned is 09:00:00 UTC",
       to_timestamp(:next_run) > clock_timestamp() AS "after now",
       to_timestamp(:next_run) <= clock_timestamp() + interval '1 day' AS "within a day";
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 2));
-- Stage 3: the first definition again: one row still, its next_run moved.
SELECT next_run AS old_next_run FROM asyncmq_repeatables WHERE job_def->>'every' = '60' \gset
SELECT asyncmq_upsert_repeatable('fx-13-repeatable', :'every60') AS next_run \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', pg_temp.fx_float(:next_run));
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 3));
SELECT count(*) AS rows, bool_and(next_run > :'old_next_run') AS moved FROM asyncmq_repeatables
WHERE job_def->>'every' = '60';
-- Stage 4: backend.upsert_repeatable with keys that the normalisation drops (id, status, queue,
-- a null ttl) and task renamed task_id.
SELECT asyncmq_upsert_repeatable('fx-13-repeatable', '{"task": "fixtures.tasks.add", "args": [], "every": 10,
  "id": "ignored-id", "status": "waiting", "queue": "fx-13-repeatable", "ttl": null}') AS next_run \gset
SELECT pg_temp.fx_check(:'fx', 4, 'returned', pg_temp.fx_float(:next_run));
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 4));
-- Stage 5: pause the every=60 definition, given as Queue.upsert_repeatable built it.
SELECT asyncmq_pause_repeatable('fx-13-repeatable', :'every60') AS paused;
SELECT pg_temp.fx_check(:'fx', 5, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 5));
-- Stage 6: the list, by next_run. AsyncMQ returns job_def as a JSON string (asyncpg decodes no
-- jsonb); ours is jsonb, whose text is that very string. Compared in the fixture's order (stage
-- 5's rows), then checked to be in next_run order.
SELECT jsonb_agg(jsonb_build_object('job_def', job_def::text, 'next_run', pg_temp.fx_float(next_run),
                                    'paused', paused) ORDER BY pg_temp.fx_position(:'fx', 5, job_def)) AS listed
FROM asyncmq_list_repeatables('fx-13-repeatable') \gset
SELECT pg_temp.fx_check(:'fx', 6, 'returned', :'listed');
SELECT bool_and(next_run >= prev) AS "listed by next_run"
FROM (SELECT next_run, lag(next_run, 1, 0) OVER () AS prev FROM asyncmq_list_repeatables('fx-13-repeatable')) AS l;
SELECT job_def, paused FROM asyncmq_list_repeatables('fx-13-repeatable') ORDER BY job_def::text;
-- Stage 7: resume: unpaused, next_run recomputed (60 s from now).
SELECT asyncmq_resume_repeatable('fx-13-repeatable', :'every60') AS next_run \gset
SELECT pg_temp.fx_check(:'fx', 7, 'returned', pg_temp.fx_float(:next_run));
SELECT abs(:next_run - extract(epoch FROM clock_timestamp())::float8 - 60) < 0.5 AS "returned - now = 60";
SELECT pg_temp.fx_check(:'fx', 7, 'asyncmq_repeatables', pg_temp.fx_repeatables(:'fx', 7));

-- A definition the queue does not have: pause is false, resume NULL, nothing written.
SELECT asyncmq_pause_repeatable('fx-13-repeatable', '{"task_id": "other", "every": 5}') AS paused,
       asyncmq_resume_repeatable('fx-13-repeatable', '{"task_id": "other", "every": 5}') AS resumed,
       asyncmq_pause_repeatable('another-queue', :'every60') AS paused_elsewhere;
-- The same definition in another queue is another row; the list is per queue.
SELECT asyncmq_upsert_repeatable('another-queue', :'every60') > 0 AS upserted;
SELECT queue_name, count(*) FROM asyncmq_repeatables GROUP BY 1 ORDER BY 1;
SELECT count(*) AS listed FROM asyncmq_list_repeatables('another-queue');
SELECT count(*) AS listed FROM asyncmq_list_repeatables('no-such-queue');
-- every may be a float; the cron's next run is read in UTC whatever the session's time zone.
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "every": 0.5}') - extract(epoch FROM clock_timestamp()) < 0.5
  AS "every 0.5";
SET TimeZone = 'America/New_York';
SELECT (to_timestamp(asyncmq_upsert_repeatable('q', '{"task_id": "t", "cron": "0 9 * * *"}'))
        AT TIME ZONE 'UTC')::time AS "cron 0 9 in UTC";
SET TimeZone = 'UTC';

-- Refused definitions (22023) and NULLs (22004); nothing is written.
SELECT asyncmq_upsert_repeatable('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable(NULL, '{"task_id": "t", "every": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('', '{"task_id": "t", "every": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '[]');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"every": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": 7, "every": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task": "t", "task_id": "t", "every": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "every": 1, "cron": "* * * * *"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "every": 0}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "every": "60"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "cron": 5}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "cron": "* * * *"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "cron": "0 0 30 2 *"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_pause_repeatable('q', '{"task_id": "t"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_resume_repeatable('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_repeatables(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows FROM asyncmq_repeatables;

-- A missing repeatables table is named (42P01).
SET asyncmq.postgres_repeatables_table_name = 'no_such_repeatables';
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "every": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_repeatables('q');
\echo :LAST_ERROR_SQLSTATE
RESET asyncmq.postgres_repeatables_table_name;

-- Every layout has the repeatables table: 0.1 too.
SET asyncmq.layout = '0.1';
CREATE SCHEMA fixtures_repeatables_01;
SET search_path = fixtures_repeatables_01, public;
SELECT asyncmq_install();
SELECT asyncmq_upsert_repeatable('q', '{"task_id": "t", "every": 60}') > 0 AS upserted;
SELECT asyncmq_pause_repeatable('q', '{"task_id": "t", "every": 60}') AS paused;
SELECT job_def, paused FROM asyncmq_list_repeatables('q');

SET client_min_messages = warning;
DROP SCHEMA fixtures_repeatables CASCADE;
DROP SCHEMA fixtures_repeatables_01 CASCADE;
