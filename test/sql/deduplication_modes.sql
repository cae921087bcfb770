-- Deduplication's replace, debounce and extend beyond what the fixtures show, by the rules of
-- AsyncMQ's Queue.add (asyncmq/queues.py) and asyncmq/core/deduplication.py: which owner may be
-- replaced, which window the new job gets, what extend writes, and the same in
-- asyncmq_enqueue_many and on layout 0.1.
SET asyncmq.layout = '0.9';
CREATE SCHEMA deduplication_modes;
SET search_path = deduplication_modes, public;
SELECT asyncmq_install();
CREATE FUNCTION pg_temp.window_of(job text) RETURNS TABLE (job_id text, status text, ttl jsonb, mode text,
                                                          expires_in numeric) LANGUAGE sql AS $$
    SELECT j.job_id, j.status, j.data->'deduplication'->'ttl', j.data->'deduplication'->>'mode',
           round((j.data->'deduplication'->>'expires_at')::numeric - (j.data->>'created_at')::numeric)
    FROM asyncmq_jobs AS j WHERE j.job_id = job
$$;

-- The job id is looked up first: an add that names the delayed owner itself returns it and
-- replaces nothing.
SELECT asyncmq_enqueue('q', 'app.tasks.a', '[1]', job_id => 'own', delay => 600,
                       deduplication => '{"id": "d1", "replace": true}');
SELECT asyncmq_enqueue('q', 'app.tasks.a', '[2]', job_id => 'own', deduplication => '{"id": "d1", "replace": true}');
SELECT job_id, status, data->'args' AS args FROM asyncmq_jobs WHERE queue_name = 'q' ORDER BY id;

-- Replacing deletes the owner's cancellation marker with its row, as remove_job does.
INSERT INTO asyncmq_cancelled_jobs (queue_name, job_id) VALUES ('q', 'own');
SELECT asyncmq_enqueue('q', 'app.tasks.a', '[3]', job_id => 'own-2', deduplication => '{"id": "d1", "replace": true}');
SELECT job_id, status, data->'args' AS args FROM asyncmq_jobs WHERE queue_name = 'q' ORDER BY id;
SELECT count(*) AS markers FROM asyncmq_cancelled_jobs WHERE job_id = 'own';

-- A delayed owner that waits for a parent counts as waiting for its children, not as delayed:
-- it is not replaced.
SELECT asyncmq_enqueue('q', 'app.tasks.a', job_id => 'child', delay => 600, depends_on => '{parent}',
                       deduplication => '{"id": "d2", "replace": true}');
SELECT asyncmq_enqueue('q', 'app.tasks.a', job_id => 'child-2', delay => 600, deduplication => '{"id": "d2", "replace": true}');
SELECT count(*) AS d2_jobs FROM asyncmq_jobs WHERE data->'deduplication'->>'id' = 'd2';

-- The new job's window: the owner's expires_at with a ttl and no extend, now + ttl when the owner
-- had none (no ttl), and none when the add has no ttl (then it lasts while the job lives).
SELECT asyncmq_enqueue('w', 'app.tasks.a', job_id => 'w-1', delay => 600, deduplication => '{"id": "d3", "replace": true}');
SELECT asyncmq_enqueue('w', 'app.tasks.a', job_id => 'w-2', delay => 600,
                       deduplication => '{"id": "d3", "replace": true, "ttl": 30}');
SELECT * FROM pg_temp.window_of('w-2');
SELECT asyncmq_enqueue('w', 'app.tasks.a', job_id => 'w-3', delay => 600, deduplication => '{"id": "d3", "replace": true}');
SELECT * FROM pg_temp.window_of('w-3');
SELECT job_id FROM asyncmq_jobs WHERE queue_name = 'w' ORDER BY id;

-- extend sets the owner's ttl to the add's (a float) and expires_at to now + that ttl, keeps the
-- owner's mode and arguments, and bumps updated_at as the store's upsert does. extend without a
-- ttl writes nothing.
SELECT asyncmq_enqueue('e', 'app.tasks.a', '[1]', job_id => 'e-1', deduplication => '{"id": "d4", "ttl": 60}');
SELECT updated_at AS updated_0, data AS data_0 FROM asyncmq_jobs WHERE job_id = 'e-1' \gset
SELECT asyncmq_enqueue('e', 'app.tasks.a', '[2]', job_id => 'e-2', deduplication => '{"id": "d4", "extend": true}');
SELECT updated_at = :'updated_0' AS updated_at_kept, data = :'data_0' AS data_kept FROM asyncmq_jobs WHERE job_id = 'e-1';
SELECT asyncmq_enqueue('e', 'app.tasks.a', '[3]', job_id => 'e-3', deduplication => '{"id": "d4", "ttl": 3600, "extend": true}');
SELECT w.*, j.data->'args' AS args, j.updated_at > :'updated_0' AS updated_at_moved,
       j.data - 'deduplication' = :'data_0'::jsonb - 'deduplication' AS rest_kept
FROM pg_temp.window_of('e-1') AS w JOIN asyncmq_jobs AS j USING (job_id);
SELECT count(*) AS e_jobs FROM asyncmq_jobs WHERE queue_name = 'e';

-- A cancelled job owns no window (AsyncMQ's inspection reads every status but cancelled).
SELECT asyncmq_enqueue('c', 'app.tasks.a', job_id => 'c-1', deduplication => '{"id": "d5", "ttl": 60, "extend": true}');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('c');
SELECT asyncmq_cancel('c', 'c-1');
SELECT asyncmq_enqueue('c', 'app.tasks.a', job_id => 'c-2', deduplication => '{"id": "d5", "ttl": 60, "extend": true}');
SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = 'c' ORDER BY id;

-- asyncmq_enqueue_many takes each element as an add of its own, as Queue.add_bulk does: a later
-- element replaces an earlier delayed one, or extends its window.
SELECT * FROM asyncmq_enqueue_many('m', '[
  {"task": "app.tasks.a", "args": [1], "job_id": "m-1", "delay": 600, "deduplication": {"id": "d6", "replace": true, "ttl": 60}},
  {"task": "app.tasks.a", "args": [2], "job_id": "m-2", "delay": 600, "deduplication": {"id": "d6", "replace": true, "ttl": 60}},
  {"task": "app.tasks.a", "args": [3], "job_id": "m-3", "deduplication": {"id": "d7", "ttl": 60}},
  {"task": "app.tasks.a", "args": [4], "job_id": "m-4", "deduplication": {"id": "d7", "ttl": 120, "extend": true}}
]');
SELECT job_id, status, data->'args' AS args FROM asyncmq_jobs WHERE queue_name = 'm' ORDER BY id;
SELECT * FROM pg_temp.window_of('m-2');
SELECT * FROM pg_temp.window_of('m-3');

-- Layout 0.1 (job ids unique across queues): the same replace and extend.
SET asyncmq.layout = '0.1';
CREATE SCHEMA deduplication_modes_01;
SET search_path = deduplication_modes_01, public;
SELECT asyncmq_install();
SELECT asyncmq_enqueue('q', 'app.tasks.a', job_id => 'o-1', delay => 600, deduplication => '{"id": "d", "replace": true}');
SELECT asyncmq_enqueue('q', 'app.tasks.a', job_id => 'o-2', deduplication => '{"id": "d", "replace": true, "ttl": 60, "extend": true}');
SELECT asyncmq_enqueue('q', 'app.tasks.a', job_id => 'o-3', deduplication => '{"id": "d", "ttl": 90, "extend": true}');
SELECT w.* FROM asyncmq_jobs AS j, pg_temp.window_of(j.job_id) AS w ORDER BY j.id;

SET client_min_messages = warning;
DROP SCHEMA deduplication_modes CASCADE;
DROP SCHEMA deduplication_modes_01 CASCADE;
