-- Deduplication (Queue.add(deduplication=...)) and repeat_every: what asyncmq_enqueue and
-- asyncmq_enqueue_many store, when a second add finds the window's owner, and every refusal with
-- its SQLSTATE, each writing nothing.
SET asyncmq.layout = '0.9';
CREATE SCHEMA deduplication;
SET search_path = deduplication, public;
SELECT asyncmq_install();

-- Throttle mode (a ttl): the object AsyncMQ stores, ttl a float, expires_at now + ttl.
SELECT asyncmq_enqueue('q', 'app.tasks.sync', job_id => 'sync-1', deduplication => '{"id": "sync", "ttl": 60}');
SELECT (data->'deduplication') - 'expires_at' AS deduplication,
       ((data->'deduplication'->>'expires_at')::numeric - (data->>'created_at')::numeric) BETWEEN 59.9 AND 60
         AS expires_a_minute_on
FROM asyncmq_jobs WHERE job_id = 'sync-1';
-- Inside the window another add returns the owner's id and writes nothing, with or without a job id.
SELECT asyncmq_enqueue('q', 'app.tasks.sync', '[1]', job_id => 'sync-2', deduplication => '{"id": "sync", "ttl": 5}');
SELECT asyncmq_enqueue('q', 'app.tasks.sync', '[1]', deduplication => '{"id": "sync"}');
SELECT count(*) AS jobs FROM asyncmq_jobs;
-- The window belongs to its queue: another queue's add with the same id is a new job.
SELECT asyncmq_enqueue('other', 'app.tasks.sync', job_id => 'sync-other', deduplication => '{"id": "sync"}');
-- A throttle window outlives its job: completed, it still owns the id until expires_at.
SELECT count(*) FROM asyncmq_dequeue('q');
SELECT asyncmq_complete('q', 'sync-1');
SELECT asyncmq_enqueue('q', 'app.tasks.sync', job_id => 'sync-3', deduplication => '{"id": "sync", "ttl": 60}');
-- Once expires_at has passed, the next add owns a new window.
UPDATE asyncmq_jobs SET data = jsonb_set(data, '{deduplication,expires_at}', '1000.5') WHERE job_id = 'sync-1';
SELECT asyncmq_enqueue('q', 'app.tasks.sync', job_id => 'sync-3', deduplication => '{"id": "sync", "ttl": 60}');
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = 'q' ORDER BY id;

-- Simple mode (no ttl): ttl and expires_at null; the window lasts until the owner is completed,
-- failed or expired. The job's delay is stored in the object too.
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-1', delay => 0,
                       deduplication => '{"id": "build", "extend": false, "replace": null}');
SELECT data->'deduplication' AS deduplication FROM asyncmq_jobs WHERE job_id = 'build-1';
SELECT data->'id' AS id FROM asyncmq_promote_delayed('s') AS data;
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-2', deduplication => '{"id": "build"}');
SELECT count(*) FROM asyncmq_dequeue('s');
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-2', deduplication => '{"id": "build"}');
SELECT asyncmq_fail('s', 'build-1', 'boom');
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-2', deduplication => '{"id": "build"}');
-- A delay of 1.5 s is stored as given.
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-3', delay => 1.5,
                       deduplication => '{"id": "build-later"}');
SELECT data->'deduplication'->'delay' AS delay FROM asyncmq_jobs WHERE job_id = 'build-3';
-- A custom job id that exists returns that id, whatever owns the deduplication id.
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-3', deduplication => '{"id": "fresh"}');
SELECT count(*) FILTER (WHERE data->'deduplication'->>'id' = 'fresh') AS fresh_owners FROM asyncmq_jobs;
-- Queue.add looks the job id up before the owner: build-2 owns "build", the add returns build-3.
SELECT asyncmq_enqueue('s', 'app.tasks.build', job_id => 'build-3', deduplication => '{"id": "build"}');

-- In asyncmq_enqueue_many: the second element finds the first's window.
SELECT * FROM asyncmq_enqueue_many('m', '[
  {"task": "app.tasks.a", "job_id": "m-1", "deduplication": {"id": "d", "ttl": 1.5}, "repeat_every": 30},
  {"task": "app.tasks.a", "job_id": "m-2", "deduplication": {"id": "d"}},
  {"task": "app.tasks.a", "job_id": "m-3", "deduplication": null, "repeat_every": 2.5}
]');
SELECT job_id, data->'repeat_every' AS repeat_every, data->'deduplication'->'ttl' AS ttl,
       data->'deduplication'->>'mode' AS mode
FROM asyncmq_jobs WHERE queue_name = 'm' ORDER BY id;

-- repeat_every is stored as AsyncMQ's Job stores it: an integer when whole, else a float.
SELECT asyncmq_enqueue('r', 'app.tasks.poll', job_id => 'poll-1', repeat_every => 30);
SELECT asyncmq_enqueue('r', 'app.tasks.poll', job_id => 'poll-2', repeat_every => 0.5);
SELECT job_id, data->'repeat_every' AS repeat_every FROM asyncmq_jobs WHERE queue_name = 'r' ORDER BY id;

-- Refused, writing nothing.
SELECT count(*) AS before FROM asyncmq_jobs \gset
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '"sync"');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"ttl": 60}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": ""}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": 7}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": "x", "ttl": 0}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": "x", "ttl": "60"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": "x", "mode": "simple"}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": "x", "extend": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', deduplication => '{"id": "x", "replace": "yes"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('q', '[{"task": "a"}, {"task": "a", "deduplication": {"id": "x", "replace": 1}}]');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', repeat_every => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.sync', repeat_every => 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('q', '[{"task": "a", "repeat_every": "30"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('q', '[{"task": "a", "deduplication": []}]');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) = :before AS nothing_written FROM asyncmq_jobs;

SET client_min_messages = warning;
DROP SCHEMA deduplication CASCADE;
