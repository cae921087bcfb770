-- The index that makes AsyncMQ's own dequeue statement flat at any backlog: it matches the
-- statement's WHERE (queue_name, status = 'waiting') and its ORDER BY (the priority expression,
-- then the created_at column), so the first waiting job is one index probe away. Partial: only
-- waiting rows are in it, so completed rows cost it nothing. Made here for the "(b+i)" rows while
-- asyncmq_install() has no asyncmq.dequeue_index setting.
CREATE INDEX IF NOT EXISTS asyncmq_jobs_dequeue_idx
    ON asyncmq_jobs (queue_name, (COALESCE((data ->> 'priority')::int, 5)), created_at)
    WHERE status = 'waiting';
