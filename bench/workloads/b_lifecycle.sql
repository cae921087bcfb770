-- (b) One job's lifecycle as AsyncMQ 0.9.1's PostgresBackend sends it (asyncmq/backends/postgres.py):
-- the statements below are its text, with its $n parameters as pgbench variables, so that under
-- -M prepared they are prepared and bound the way asyncpg does it.
-- Variables from bench/run: queue, waiting, active, completed, run (a tag), seq (starts at 0),
-- resolve (1: the worker's resolve_dependency after the completion, as in (b); 0: without it, (b3)).
\set seq :seq + 1
\set got 0
-- enqueue: PostgresJobStore.save, the upsert of (queue_name, job_id, data, status). The payload
-- is the 19 keys of Job.to_dict as JSON text, as json.dumps writes it.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
SELECT :queue, j.id,
       CAST('{"id": "' || j.id || '", "task": "bench.tasks.add", "args": [1, 2], "kwargs": {}, '
            '"retries": 0, "max_retries": 0, "backoff": null, "ttl": null, "created_at": '
            || extract(epoch FROM clock_timestamp()) || ', "last_attempt": null, "status": "waiting", '
            '"result": null, "last_error": null, "error_traceback": null, "delay_until": null, '
            '"priority": 5, "depends_on": [], "repeat_every": null, "deduplication": null}' AS jsonb),
       :waiting
FROM (SELECT CAST(:run AS text) || '-' || CAST(:client_id AS text) || '-' || CAST(:seq AS text) AS id) AS j
ON CONFLICT (queue_name, job_id)
DO UPDATE SET data = EXCLUDED.data, status = EXCLUDED.status, updated_at = now();
-- dequeue: one transaction; first the queue's cancelled waiting rows go, then one row is claimed.
BEGIN;
DELETE FROM asyncmq_jobs AS jobs
WHERE jobs.queue_name = :queue
  AND jobs.status = :waiting
  AND EXISTS (
      SELECT 1
      FROM asyncmq_cancelled_jobs AS cancelled
      WHERE cancelled.queue_name = jobs.queue_name
        AND cancelled.job_id = jobs.job_id
  );
UPDATE asyncmq_jobs
SET
    status = :active,
    data = data || jsonb_build_object('status', CAST(:active AS text), 'active_since', CAST(extract(epoch FROM clock_timestamp()) AS double precision)),
    updated_at = now()
WHERE id = (
    SELECT jobs.id FROM asyncmq_jobs AS jobs
    WHERE jobs.queue_name = :queue
      AND jobs.status = :waiting
      AND COALESCE(
          CASE
              WHEN jsonb_typeof(jobs.data -> 'depends_on') = 'array'
              THEN jsonb_array_length(jobs.data -> 'depends_on')
              ELSE 0
          END,
          0
      ) = 0
      AND NOT EXISTS (
          SELECT 1
          FROM asyncmq_cancelled_jobs AS cancelled
          WHERE cancelled.queue_name = jobs.queue_name
            AND cancelled.job_id = jobs.job_id
      )
    ORDER BY COALESCE((jobs.data ->> 'priority')::int, 5) ASC, jobs.created_at ASC
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING data AS payload, data ->> 'id' AS jid, 1 AS got \aset
COMMIT;
-- complete: complete_active_job, one transaction: the cancellation check, then the upsert of the
-- payload with status completed, the result and delay_until null (column and key).
\if :got
BEGIN;
SELECT 1
FROM asyncmq_cancelled_jobs
WHERE queue_name = :queue
  AND job_id = :jid;
INSERT INTO asyncmq_jobs
    (queue_name, job_id, data, status, delay_until)
VALUES (:queue, :jid, CAST(:payload AS jsonb) || '{"status": "completed", "result": 3, "delay_until": null}', :completed, NULL)
ON CONFLICT (queue_name, job_id)
DO UPDATE SET
    data = EXCLUDED.data,
    status = EXCLUDED.status,
    delay_until = EXCLUDED.delay_until,
    updated_at = now();
COMMIT;
-- resolve_dependency: AsyncMQ's worker calls it after every completion (fixture 14's
-- handle_job). AsyncMQ 0.9.1 reads every job of the queue whose data has a depends_on key, which
-- Job.to_dict writes for every job ([]), completed ones included, and looks for the parent in
-- Python; only a child that named the parent is written back.
\if :resolve
SELECT id, data
FROM asyncmq_jobs
WHERE queue_name = :queue AND data->'depends_on' IS NOT NULL;
\endif
\endif
