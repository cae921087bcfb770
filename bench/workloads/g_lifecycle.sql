-- (g) AsyncMQ's row in plain SQL, one job at a time: the row versions that (a+f) writes (the
-- upsert's 19-key payload, the claim, the completion) as bare statements on a table made by
-- asyncmq_install() with asyncmq.indexes = fast, without the functions' checks, cancellation
-- markers or release of dependants. What the row and its indexes cost, whatever the code.
-- Variables from bench/in-cluster: queue, enqueue.
\set got 0
\if :enqueue
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status, created_at)
SELECT CAST(:queue AS text), v.id, jsonb_build_object(
         'id', v.id, 'task', 'bench.tasks.add', 'args', CAST('[1, 2]' AS jsonb), 'kwargs', CAST('{}' AS jsonb),
         'retries', 0, 'max_retries', 0, 'backoff', NULL, 'ttl', NULL, 'created_at', v.now, 'last_attempt', NULL,
         'status', 'waiting', 'result', NULL, 'last_error', NULL, 'error_traceback', NULL, 'delay_until', NULL,
         'priority', 5, 'depends_on', CAST('[]' AS jsonb), 'repeat_every', NULL, 'deduplication', NULL),
       'waiting', to_timestamp(CAST(v.now AS float8))::timestamp
FROM (SELECT CAST(gen_random_uuid() AS text) AS id, extract(epoch FROM clock_timestamp()) AS now) AS v;
\endif
UPDATE asyncmq_jobs AS j SET status = 'active',
  data = j.data || jsonb_build_object('status', 'active', 'active_since', extract(epoch FROM clock_timestamp()))
WHERE j.id = (SELECT w.id FROM asyncmq_jobs AS w
              WHERE w.queue_name = CAST(:queue AS text) AND w.status = 'waiting'
              ORDER BY COALESCE(CAST(w.data->>'priority' AS int), 5), w.created_at, w.id
              LIMIT 1 FOR UPDATE OF w SKIP LOCKED)
RETURNING j.id AS rid, 1 AS got \aset
\if :got
UPDATE asyncmq_jobs AS j SET status = 'completed', delay_until = NULL, updated_at = now(),
  data = j.data || jsonb_build_object('status', 'completed', 'result', 3, 'delay_until', NULL, 'last_error', NULL,
                                      'error_traceback', NULL, 'last_attempt', j.data->'active_since')
WHERE j.id = :rid;
\endif
