-- asyncmq.dequeue_index: an index shaped for AsyncMQ's dequeue, outside the documented layout.
\set SHOW_CONTEXT never
SELECT asyncmq_install();
SELECT count(*) AS dequeue_index_when_off FROM pg_class WHERE relname = 'idx_asyncmq_jobs_dequeue';

-- Turned on, install adds it to the existing table.
SET asyncmq.dequeue_index = on;
SELECT asyncmq_install();
SELECT pg_get_indexdef('idx_asyncmq_jobs_dequeue'::regclass);
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';

-- 20,000 jobs in two queues, a few done: AsyncMQ's dequeue statement reads the index in order
-- instead of sorting the backlog.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
SELECT CASE WHEN i % 2 = 0 THEN 'emails' ELSE 'reports' END, 'job-' || i,
       jsonb_build_object('id', 'job-' || i, 'task', 'app.send', 'priority', 1 + i % 9, 'depends_on', '[]'::jsonb),
       CASE WHEN i % 10 = 0 THEN 'completed' ELSE 'waiting' END
FROM generate_series(1, 20000) AS i;
ANALYZE asyncmq_jobs;
EXPLAIN (COSTS OFF)
SELECT id, data FROM asyncmq_jobs
WHERE queue_name = 'emails' AND status = 'waiting'
  AND (data->'depends_on' IS NULL OR data->'depends_on' = '[]'::jsonb)
  AND NOT EXISTS (SELECT 1 FROM asyncmq_cancelled_jobs c
                  WHERE c.queue_name = asyncmq_jobs.queue_name AND c.job_id = asyncmq_jobs.job_id)
ORDER BY COALESCE((data->>'priority')::int, 5), created_at
LIMIT 1
FOR UPDATE SKIP LOCKED;
SELECT job_id, data->'priority' AS priority FROM asyncmq_jobs
WHERE queue_name = 'emails' AND status = 'waiting'
ORDER BY COALESCE((data->>'priority')::int, 5), created_at LIMIT 3;
-- AsyncMQ prepares its dequeue with the status as a parameter, and after a few calls PostgreSQL
-- may keep a generic plan: the index serves that plan too (a partial index on status would not).
PREPARE asyncmq_dequeue_statement(text, text) AS
SELECT id, data FROM asyncmq_jobs
WHERE queue_name = $1 AND status = $2
  AND (data->'depends_on' IS NULL OR data->'depends_on' = '[]'::jsonb)
  AND NOT EXISTS (SELECT 1 FROM asyncmq_cancelled_jobs c
                  WHERE c.queue_name = asyncmq_jobs.queue_name AND c.job_id = asyncmq_jobs.job_id)
ORDER BY COALESCE((data->>'priority')::int, 5), created_at
LIMIT 1
FOR UPDATE SKIP LOCKED;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE asyncmq_dequeue_statement('emails', 'waiting');
RESET plan_cache_mode;
DEALLOCATE asyncmq_dequeue_statement;

-- The trade-off: the index reads each job's priority as an integer when the row is written, so a
-- priority AsyncMQ's dequeue could not read either (1.5) now fails at enqueue.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
VALUES ('emails', 'bad-priority', '{"id": "bad-priority", "task": "app.send", "priority": 1.5}', 'waiting');
\echo :LAST_ERROR_SQLSTATE
-- In any status: the index holds every row.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
VALUES ('emails', 'old-failed', '{"id": "old-failed", "task": "app.send", "priority": 1.5}', 'failed');
\echo :LAST_ERROR_SQLSTATE

-- Another index under that name is reported, and install refuses to go on.
DROP INDEX idx_asyncmq_jobs_dequeue;
CREATE INDEX idx_asyncmq_jobs_dequeue ON asyncmq_jobs (queue_name, (COALESCE((data->>'priority')::int, 5)), created_at)
WHERE status = 'waiting';
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
DROP INDEX idx_asyncmq_jobs_dequeue;

-- Turned off again, install leaves an existing dequeue index alone; drop removes it with the table.
SELECT asyncmq_install();
RESET asyncmq.dequeue_index;
SELECT asyncmq_install();
SELECT count(*) AS dequeue_index_kept FROM pg_class WHERE relname = 'idx_asyncmq_jobs_dequeue';
SELECT asyncmq_install(drop => true);
SELECT count(*) AS left_over FROM pg_class WHERE relname LIKE '%asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';
