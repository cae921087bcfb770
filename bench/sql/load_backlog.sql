-- Fills asyncmq_jobs (found through search_path) with :n waiting jobs of queue :'queue', as
-- AsyncMQ's enqueue leaves them: data holds the 19 keys of Job.to_dict; one job in ten has a
-- priority other than 5; the created_at column runs 1 ms apart, oldest first.
-- psql variables: n, queue.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status, created_at, updated_at)
SELECT :'queue', j.id,
       jsonb_build_object(
           'id', j.id, 'task', 'bench.tasks.add', 'args', jsonb_build_array(i, i),
           'kwargs', '{}'::jsonb, 'retries', 0, 'max_retries', 3, 'backoff', 1.5, 'ttl', NULL,
           'created_at', extract(epoch FROM j.at)::double precision, 'last_attempt', NULL,
           'status', 'waiting', 'result', NULL, 'last_error', NULL, 'error_traceback', NULL,
           'delay_until', NULL, 'priority', j.priority, 'depends_on', '[]'::jsonb,
           'repeat_every', NULL, 'deduplication', NULL),
       'waiting', j.at, j.at
FROM generate_series(1, :n) AS i,
     LATERAL (SELECT 'backlog-' || i AS id,
                     CASE WHEN i % 10 = 0 THEN 1 + i % 9 ELSE 5 END AS priority,
                     localtimestamp - make_interval(secs => (:n - i) / 1000.0) AS at) AS j;
