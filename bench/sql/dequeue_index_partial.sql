-- The partial variant of bench/sql/dequeue_index.sql (BENCH_DEQUEUE_INDEX=partial), the shape of
-- the extension's asyncmq.dequeue_index: smaller, and rows that leave 'waiting' cost it nothing,
-- but a generic plan of AsyncMQ's prepared dequeue ("status = $2") cannot use it.
CREATE INDEX IF NOT EXISTS asyncmq_jobs_dequeue_idx
    ON asyncmq_jobs (queue_name, (COALESCE((data ->> 'priority')::int, 5)), created_at)
    WHERE status = 'waiting';
