-- The index that makes AsyncMQ's own dequeue statement flat at any backlog (BENCH_DEQUEUE_INDEX=full).
-- Its columns are the statement's equalities (queue_name = $1, status = $2), then its ORDER BY
-- (the priority expression, then the created_at column), then id, the last sort key of the
-- extension's asyncmq_dequeue, so either statement finds its first waiting job with one index
-- probe and no sort. It is deliberately not partial (WHERE status = 'waiting'): asyncpg prepares
-- the statement, and once PostgreSQL switches it to a generic plan, "status = $2" cannot prove a
-- partial index's predicate, so a partial index stops being used; the backlog curve's "(b+i)
-- under a generic plan" row measures that. bench/sql/dequeue_index_partial.sql is the partial
-- variant (BENCH_DEQUEUE_INDEX=partial).
CREATE INDEX IF NOT EXISTS asyncmq_jobs_dequeue_idx
    ON asyncmq_jobs (queue_name, status, (COALESCE((data ->> 'priority')::int, 5)), created_at, id);
