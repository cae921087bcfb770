-- The advisory locks of asyncmq_enqueue_many: a batch takes AsyncMQ's per-id locks, each once,
-- while they fit in half of max_locks_per_transaction, and otherwise the queue's adds lock
-- alone, so that a batch of any size fits in the lock table.
SET asyncmq.layout = '0.9';
CREATE SCHEMA enqueue_many_locks;
SET search_path = enqueue_many_locks, public;
SELECT asyncmq_install();
SHOW max_locks_per_transaction;

-- The locks a transaction holds, by their key (hashtext of AsyncMQ's lock name).
CREATE FUNCTION held() RETURNS TABLE (lock text, mode text) LANGUAGE sql AS $$
  SELECT n.name, l.mode
  FROM pg_locks AS l
  JOIN (VALUES ('asyncmq:q:adds'), ('asyncmq:q:job-id:a'), ('asyncmq:q:job-id:b'),
               ('asyncmq:q:dedup:d'), ('asyncmq:q:job-id:many-1')) AS n(name)
    ON (l.classid::int8 << 32) | l.objid::int8 = hashtext(n.name)::int8
  WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 1
  ORDER BY n.name
$$;
-- Every advisory lock this transaction holds.
CREATE FUNCTION held_count() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
$$;

-- A small batch: the queue's adds lock shared, then each id's and deduplication id's lock once
-- (b twice in the batch: one lock).
BEGIN;
SELECT CASE WHEN id ~ '^[0-9a-f]{8}-' THEN 'a uuid' ELSE id END AS id
FROM asyncmq_enqueue_many('q', '[{"task": "t", "job_id": "b"}, {"task": "t", "job_id": "a"},
                                 {"task": "t", "job_id": "b"}, {"task": "t", "deduplication": {"id": "d"}}]') AS id;
SELECT * FROM held();
SELECT held_count();
ROLLBACK;

-- One job: the same locks.
BEGIN;
SELECT asyncmq_enqueue('q', 't', job_id => 'a');
SELECT * FROM held();
ROLLBACK;

-- Plain jobs take no lock.
BEGIN;
SELECT count(*) FROM asyncmq_enqueue_many('q', '[{"task": "t"}, {"task": "t"}]');
SELECT held_count();
ROLLBACK;

-- The bound: half of max_locks_per_transaction ids take their own locks, one more takes the
-- queue's adds lock alone.
BEGIN;
SELECT count(*) FROM asyncmq_enqueue_many('q', (SELECT jsonb_agg(jsonb_build_object('task', 't', 'job_id', 'bound-' || i))
  FROM generate_series(1, current_setting('max_locks_per_transaction')::int / 2) AS i));
SELECT held_count();
ROLLBACK;
BEGIN;
SELECT count(*) FROM asyncmq_enqueue_many('q', (SELECT jsonb_agg(jsonb_build_object('task', 't', 'job_id', 'bound-' || i))
  FROM generate_series(1, current_setting('max_locks_per_transaction')::int / 2 + 1) AS i));
SELECT * FROM held();
SELECT held_count();
ROLLBACK;

-- 30000 custom ids in one call: one lock, the queue's adds lock, exclusive.
BEGIN;
SELECT count(*) AS ids, count(*) FILTER (WHERE id = 'many-' || ord) AS in_order
FROM asyncmq_enqueue_many('q', (SELECT jsonb_agg(jsonb_build_object('task', 't', 'job_id', 'many-' || i) ORDER BY i)
                                FROM generate_series(1, 30000) AS i)) WITH ORDINALITY AS r(id, ord);
SELECT * FROM held();
SELECT held_count();
COMMIT;
SELECT count(*) AS rows, count(DISTINCT job_id) AS ids FROM asyncmq_jobs WHERE queue_name = 'q';
-- Added again, with one new id: the ids exist, so nothing is written but the new job.
SELECT count(*) AS ids
FROM asyncmq_enqueue_many('q', (SELECT jsonb_agg(jsonb_build_object('task', 'other', 'job_id', 'many-' || i))
                                FROM generate_series(0, 30000) AS i));
SELECT count(*) AS rows, count(*) FILTER (WHERE data->>'task' = 'other') AS other,
       min(job_id) FILTER (WHERE data->>'task' = 'other') AS new_id
FROM asyncmq_jobs WHERE queue_name = 'q';

SELECT asyncmq_install(drop => true);
DROP SCHEMA enqueue_many_locks CASCADE;
