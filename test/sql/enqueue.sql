-- asyncmq_enqueue and asyncmq_enqueue_many: defaults, spelling of numbers, custom ids, and every
-- argument they refuse (with its SQLSTATE), each refusal changing nothing.
SET asyncmq.layout = '0.9';
CREATE SCHEMA enqueue;
SET search_path = enqueue, public;

-- Without the tables: a clear error.
SELECT asyncmq_enqueue('q', 'app.tasks.add');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_install();

-- Defaults are Queue.add's: priority 5, max_retries 0, backoff and ttl null, no delay; the id is a
-- uuid4 and the status waiting.
SELECT asyncmq_enqueue('q', 'app.tasks.add') AS id \gset
SELECT :'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' AS uuid4;
SELECT status, delay_until, data - 'id' - 'created_at' AS data FROM asyncmq_jobs WHERE job_id = :'id';
-- Every call makes a new id.
SELECT count(DISTINCT asyncmq_enqueue('q', 'app.tasks.add')) AS distinct_ids FROM generate_series(1, 5);

-- Numbers as Python writes them: priority and max_retries integers, backoff a float, ttl an
-- integer when whole (Queue.add's ttl is an int) and a float otherwise, times floats.
SELECT asyncmq_enqueue('q', 'app.tasks.add', '[1, 2.5, "x"]', '{"k": [null, true]}', job_id => 'numbers',
                       priority => -3, max_retries => 7, backoff => 2, ttl => 0.25, delay => 0);
SELECT data->'args' AS args, data->'kwargs' AS kwargs, data->'priority' AS priority,
       data->'max_retries' AS max_retries, data->'backoff' AS backoff, data->'ttl' AS ttl,
       data->>'created_at' ~ '^[0-9]+\.[0-9]+$' AS created_at_float,
       data->'delay_until' = data->'created_at' AS "delay 0: due at once", status
FROM asyncmq_jobs WHERE job_id = 'numbers';
SELECT asyncmq_enqueue('q', 'app.tasks.add', job_id => 'numbers-2', backoff => 1e20, ttl => 600);
SELECT data->'backoff' AS backoff, data->'ttl' AS ttl FROM asyncmq_jobs WHERE job_id = 'numbers-2';

-- A custom id that names a job returns it and writes nothing, whatever its status but cancelled.
SELECT asyncmq_enqueue('q', 'app.tasks.other', '[9]', job_id => 'numbers', priority => 1);
SELECT data->'args' AS args, data->'priority' AS priority FROM asyncmq_jobs WHERE job_id = 'numbers';
-- The same id in another queue is another job (layout 0.9: ids are unique per queue).
SELECT asyncmq_enqueue('q2', 'app.tasks.add', job_id => 'numbers');
SELECT queue_name, job_id FROM asyncmq_jobs WHERE job_id = 'numbers' ORDER BY queue_name;

-- depends_on keeps the order given.
SELECT asyncmq_enqueue('q', 'app.tasks.add', job_id => 'child', depends_on => '{p2,p1}');
SELECT data->'depends_on' AS depends_on, status FROM asyncmq_jobs WHERE job_id = 'child';

SELECT count(*) AS jobs_before_errors FROM asyncmq_jobs;
-- Ids AsyncMQ refuses: empty, all digits, containing ':'.
SELECT asyncmq_enqueue('q', 'app.tasks.add', job_id => '');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', job_id => '12345');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', job_id => 'a:b');
\echo :LAST_ERROR_SQLSTATE
-- args must be an array, kwargs an object.
SELECT asyncmq_enqueue('q', 'app.tasks.add', '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', '1');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', '[]', '[]');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', '[]', '"x"');
\echo :LAST_ERROR_SQLSTATE
-- Negative or infinite delays and the like.
SELECT asyncmq_enqueue('q', 'app.tasks.add', delay => -1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', delay => 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', backoff => 'Infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', backoff => -1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', ttl => -1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', max_retries => -1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', depends_on => '{a,NULL}');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', depends_on => '{{a},{b}}');
\echo :LAST_ERROR_SQLSTATE
-- NULL or empty names.
SELECT asyncmq_enqueue(NULL, 'app.tasks.add');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('', 'app.tasks.add');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', '');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_enqueue('q', 'app.tasks.add', priority => NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS jobs_after_errors FROM asyncmq_jobs;

-- asyncmq_enqueue_many: the ids in input order; keys as asyncmq_enqueue's arguments.
SELECT * FROM asyncmq_enqueue_many('many', '[
  {"task": "app.tasks.a", "args": [1], "job_id": "m1", "priority": 2, "max_retries": 1, "backoff": 0.5,
   "ttl": 30, "depends_on": ["m0"]},
  {"task": "app.tasks.b", "job_id": "m2", "delay": 10, "kwargs": {"x": 1}, "ttl": null},
  {"task": "app.tasks.c", "job_id": "m1"}
]');
SELECT job_id, status, data->'task' AS task, data->'args' AS args, data->'kwargs' AS kwargs,
       data->'priority' AS priority, data->'max_retries' AS max_retries, data->'backoff' AS backoff,
       data->'ttl' AS ttl, data->'depends_on' AS depends_on, data->>'delay_until' IS NOT NULL AS has_run_time
FROM asyncmq_jobs WHERE queue_name = 'many' ORDER BY id;
SELECT count(*) AS empty_batch FROM asyncmq_enqueue_many('many', '[]');
-- Refused batches write nothing, not even their good elements.
SELECT * FROM asyncmq_enqueue_many('many', '{"task": "x"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "ok", "job_id": "m9"}, 3]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "ok", "job_id": "m9"}, {"task": "x", "retries": 2}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"args": []}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": 1}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "x", "priority": 1.0}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "x", "priority": "1"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "x", "delay": -2}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "x", "args": {}}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "x", "depends_on": [1]}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "x", "job_id": "9"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_enqueue_many('many', '[{"task": "ok"}, {"task": "x", "delay": -2}]');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS jobs_in_many FROM asyncmq_jobs WHERE queue_name = 'many';

-- A batch in which no job has a job id, a deduplication id or a parent is written in one
-- statement. Its rows are those the job-by-job path writes for the same jobs with ids (queue
-- perjob), which fixture 18 checks: the same payload but for the id and the times, a uuid4 id in
-- job_id and data.id, the ids returned in input order, created_at as data.created_at.
SELECT jsonb_agg(id) AS plain_ids FROM asyncmq_enqueue_many('plain', '[
  {"task": "app.tasks.a", "args": [1, 2], "priority": 1, "max_retries": 3, "backoff": 1.5},
  {"task": "app.tasks.b", "kwargs": {"x": 1}, "backoff": 2, "ttl": 30, "repeat_every": 5},
  {"task": "app.tasks.c", "delay": 60, "ttl": 0.5, "depends_on": []},
  {"task": "app.tasks.d"}
]') AS id \gset
SELECT count(*) AS perjob FROM asyncmq_enqueue_many('perjob', '[
  {"task": "app.tasks.a", "args": [1, 2], "priority": 1, "max_retries": 3, "backoff": 1.5, "job_id": "p1"},
  {"task": "app.tasks.b", "kwargs": {"x": 1}, "backoff": 2, "ttl": 30, "repeat_every": 5, "job_id": "p2"},
  {"task": "app.tasks.c", "delay": 60, "ttl": 0.5, "depends_on": [], "job_id": "p3"},
  {"task": "app.tasks.d", "job_id": "p4"}
]');
WITH p AS (SELECT row_number() OVER (ORDER BY id) AS n, * FROM asyncmq_jobs WHERE queue_name = 'plain'),
     j AS (SELECT row_number() OVER (ORDER BY id) AS n, * FROM asyncmq_jobs WHERE queue_name = 'perjob')
SELECT p.n, p.status, p.status = j.status AS same_status,
       p.data - '{id,created_at,delay_until}'::text[] = j.data - '{id,created_at,delay_until}'::text[] AS same_payload,
       jsonb_typeof(p.data->'delay_until') = jsonb_typeof(j.data->'delay_until') AS same_delay_kind,
       p.job_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' AS uuid4,
       p.data->>'id' = p.job_id AS id_in_data,
       p.job_id = :'plain_ids'::jsonb->>(p.n::int - 1) AS returned_in_order,
       p.created_at = to_timestamp((p.data->>'created_at')::float8)::timestamp AS created_at_column
FROM p JOIN j USING (n) ORDER BY p.n;

SET client_min_messages = warning;
DROP SCHEMA enqueue CASCADE;
