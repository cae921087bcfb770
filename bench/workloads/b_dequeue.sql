-- (b) Backlog curve: one AsyncMQ dequeue transaction, rolled back so the backlog stays the same.
-- Its statements are b_lifecycle.sql's.
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
RETURNING data;
ROLLBACK;
