-- The index that makes AsyncMQ's own dequeue statement flat at any backlog. Its columns are the
-- statement's equalities (queue_name = $1, status = $2) and then its ORDER BY (the priority
-- expression, then the created_at column), so the first waiting job is one index probe away and
-- no sort is needed. It is deliberately not partial (WHERE status = 'waiting'): asyncpg prepares
-- the statement, and once PostgreSQL switches it to a generic plan, "status = $2" cannot prove a
-- partial index's predicate, so a partial index stops being used (bench/sql/dequeue_index_partial.sql
-- is that variant, for BENCH_DEQUEUE_INDEX=partial). Made here for the "(b+i)" rows while
-- asyncmq_install() has no asyncmq.dequeue_index setting.
CREATE INDEX IF NOT EXISTS asyncmq_jobs_dequeue_idx
    ON asyncmq_jobs (queue_name, status, (COALESCE((data ->> 'priority')::int, 5)), created_at);
