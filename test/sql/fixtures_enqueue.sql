-- Jobs made by asyncmq_enqueue and asyncmq_enqueue_many next to the rows AsyncMQ 0.9.1's own
-- Queue.add, backend.enqueue, enqueue_delayed, bulk_enqueue and add_bulk wrote (fixtures 01, 02,
-- 03, 18), field by field. 'same' means no difference; volatile fields are checked by kind.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_enqueue;
SET search_path = fixtures_enqueue, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 01: Queue.add(task, args, kwargs) and backend.enqueue(Job(...).to_dict()), whose defaults are
-- Job's own (max_retries 3, backoff 1.5).
\set fx `cat test/fixtures/asyncmq-0.9.1/01-enqueue-defaults.json`
SELECT asyncmq_enqueue('fx-01-enqueue-defaults', 'fixtures.tasks.add', '[1, 2]', '{"label": "sum"}') AS id \gset
SELECT :'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' AS returned_a_uuid4,
       :'id' = (SELECT job_id FROM asyncmq_jobs) AS returned_the_row_id;
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-01-enqueue-defaults}'));
SELECT asyncmq_enqueue('fx-01-enqueue-defaults', 'fixtures.tasks.add', '[3, 4]', '{"label": "sum"}',
                       max_retries => 3, backoff => 1.5) IS NOT NULL AS enqueued;
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-01-enqueue-defaults}'));

-- 02: every option of Queue.add; the same add again returns the id and writes nothing.
\set fx `cat test/fixtures/asyncmq-0.9.1/02-enqueue-all-options.json`
SELECT asyncmq_enqueue('fx-02-enqueue-all-options', 'fixtures.tasks.add', '[5, 6]', '{"label": "opts"}',
                       job_id => 'job-all-options', priority => 1, max_retries => 3, backoff => 2.0, ttl => 600);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
SELECT asyncmq_enqueue('fx-02-enqueue-all-options', 'fixtures.tasks.add', '[7, 7]', '{}',
                       job_id => 'job-all-options', priority => 9);
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
-- Stage 5: a Job with depends_on and repeat_every, enqueued by backend.enqueue. Through
-- asyncmq_enqueue one difference is expected: Job(backoff=2) was a Python int, which
-- asyncmq_enqueue's double precision backoff spells as the float 2.0. asyncmq_enqueue_many keeps
-- a JSON backoff as spelt, as backend.enqueue of a Job's payload does, and writes the same row.
DELETE FROM asyncmq_jobs;
SELECT asyncmq_enqueue('fx-02-enqueue-all-options', 'fixtures.tasks.add', '[9, 9]', job_id => 'job-with-deps',
                       priority => 1, max_retries => 4, backoff => 2, ttl => 120,
                       depends_on => '{parent-b,parent-a}', repeat_every => 30);
SELECT pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));
DELETE FROM asyncmq_jobs;
SELECT * FROM asyncmq_enqueue_many('fx-02-enqueue-all-options', '[{"task": "fixtures.tasks.add", "args": [9, 9],
  "job_id": "job-with-deps", "priority": 1, "max_retries": 4, "backoff": 2, "ttl": 120,
  "depends_on": ["parent-b", "parent-a"], "repeat_every": 30}]');
SELECT pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-02-enqueue-all-options}'));

-- 03: delay gives status delayed and data.delay_until = created_at + delay; the delay_until
-- column stays NULL, as AsyncMQ's enqueue_delayed leaves it.
\set fx `cat test/fixtures/asyncmq-0.9.1/03-enqueue-delayed.json`
SELECT asyncmq_enqueue('fx-03-enqueue-delayed', 'fixtures.tasks.add', '[1, 1]', job_id => 'job-delayed-add',
                       delay => 30);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-03-enqueue-delayed}'));
SELECT ((data->>'delay_until')::numeric - (data->>'created_at')::numeric)::float8 AS "delay_until - created_at"
FROM asyncmq_jobs WHERE job_id = 'job-delayed-add';
-- Each later stage shows the row its call wrote: backend.enqueue_delayed of a bare Job, run_at
-- 60 s on, then Queue.enqueue_delayed with retries 2, 90 s on, and a generated id.
SELECT asyncmq_enqueue('fx-03-enqueue-delayed', 'fixtures.tasks.add', '[2, 2]', job_id => 'job-delayed-backend',
                       max_retries => 3, backoff => 1.5, delay => 60);
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-03-enqueue-delayed}', '{job-delayed-backend}'));
SELECT asyncmq_enqueue('fx-03-enqueue-delayed', 'fixtures.tasks.add', '[3, 3]', max_retries => 2,
                       delay => 90) AS id \gset
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-03-enqueue-delayed}', ARRAY[:'id']));

-- 18: bulk_enqueue of bare Jobs, then Queue.add_bulk (ids in input order, a generated one last).
\set fx `cat test/fixtures/asyncmq-0.9.1/18-enqueue-many.json`
SELECT * FROM asyncmq_enqueue_many('fx-18-bulk', '[
  {"task": "fixtures.tasks.add", "args": [1, 1], "job_id": "bulk-1", "priority": 1, "max_retries": 3, "backoff": 1.5},
  {"task": "fixtures.tasks.add", "args": [2, 2], "job_id": "bulk-2", "priority": 2, "max_retries": 3, "backoff": 1.5},
  {"task": "fixtures.tasks.add", "args": [3, 3], "job_id": "bulk-3", "priority": 3, "max_retries": 3, "backoff": 1.5}
]');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-18-bulk}'));
SELECT jsonb_agg(id) AS ids FROM asyncmq_enqueue_many('fx-18-bulk', '[
  {"task": "fixtures.tasks.add", "args": [4, 4], "job_id": "bulk-add-a", "priority": 2, "max_retries": 1},
  {"task": "fixtures.tasks.add", "args": [5, 5], "job_id": "bulk-add-b", "delay": 60},
  {"task": "fixtures.tasks.add", "kwargs": {"x": 1}}
]') AS id \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', :'ids');
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_jobs',
                        (SELECT jsonb_agg(r ORDER BY n) FROM jsonb_array_elements(pg_temp.fx_jobs('{fx-18-bulk}'))
                         WITH ORDINALITY AS e(r, n) WHERE n > 3));

SET client_min_messages = warning;
DROP SCHEMA fixtures_enqueue CASCADE;
