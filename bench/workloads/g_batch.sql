-- (g) AsyncMQ's row in plain SQL, batched: g_lifecycle.sql's statements for :batch jobs each.
-- Variables from bench/in-cluster: queue, batch, enqueue.
\if :enqueue
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status, created_at)
SELECT CAST(:queue AS text), v.id, jsonb_build_object(
         'id', v.id, 'task', 'bench.tasks.add', 'args', jsonb_build_array(v.i, v.i), 'kwargs', CAST('{}' AS jsonb),
         'retries', 0, 'max_retries', 0, 'backoff', NULL, 'ttl', NULL, 'created_at', v.now, 'last_attempt', NULL,
         'status', 'waiting', 'result', NULL, 'last_error', NULL, 'error_traceback', NULL, 'delay_until', NULL,
         'priority', 5, 'depends_on', CAST('[]' AS jsonb), 'repeat_every', NULL, 'deduplication', NULL),
       'waiting', to_timestamp(CAST(v.now AS float8))::timestamp
FROM (SELECT i, CAST(gen_random_uuid() AS text) AS id, extract(epoch FROM clock_timestamp()) AS now
      FROM generate_series(1, CAST(:batch AS int)) AS i) AS v
ORDER BY v.i;
\endif
WITH picked AS (
  SELECT w.id FROM asyncmq_jobs AS w
  WHERE w.queue_name = CAST(:queue AS text) AND w.status = 'waiting'
  ORDER BY COALESCE(CAST(w.data->>'priority' AS int), 5), w.created_at, w.id
  LIMIT CAST(:batch AS int) FOR UPDATE OF w SKIP LOCKED),
claimed AS (
  UPDATE asyncmq_jobs AS j SET status = 'active',
    data = j.data || jsonb_build_object('status', 'active', 'active_since', extract(epoch FROM clock_timestamp()))
  FROM picked WHERE j.id = picked.id RETURNING j.id)
SELECT coalesce(array_agg(id), '{}') AS ids FROM claimed \gset
UPDATE asyncmq_jobs AS j SET status = 'completed', delay_until = NULL, updated_at = now(),
  data = j.data || jsonb_build_object('status', 'completed', 'result', 3, 'delay_until', NULL, 'last_error', NULL,
                                      'error_traceback', NULL, 'last_attempt', j.data->'active_since')
WHERE j.id = ANY (CAST(:ids AS int[]));
