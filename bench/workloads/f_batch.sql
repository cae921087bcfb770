-- (f) graphile-worker 0.17.3's own statements, batched: add_jobs of :batch job specs; its
-- worker's job-taking statement with a batch size of :batch (the local queue's fetch); and the
-- completion of several jobs without a named queue (delete ... using unnest). As f_lifecycle.sql,
-- with the ids of the taken rows gathered into one array for the completion.
\if :enqueue
SELECT count(*)
FROM graphile_worker.add_jobs(
    (SELECT array_agg(CAST(ROW('bench', json_build_object('task', 'bench.tasks.add', 'args', json_build_array(i, i)),
                                 NULL, NULL, NULL, NULL, NULL, NULL) AS graphile_worker.job_spec))
     FROM generate_series(1, CAST(:batch AS int)) AS i));
\endif
with j as (
  select jobs.job_queue_id, jobs.priority, jobs.run_at, jobs.id
    from graphile_worker._private_jobs as jobs
    where jobs.is_available = true
    and run_at <= now()
    and task_id = any(CAST(:gw_tasks AS int[]))
    and (
      jobs.job_queue_id is null
      or
      jobs.job_queue_id in (
        select id
        from graphile_worker._private_job_queues as job_queues
        where job_queues.is_available = true
        for update
        skip locked
      )
    )
    order by priority asc, run_at asc
    limit CAST(:batch AS int)
    for update
    skip locked
),
q as (
  update graphile_worker._private_job_queues as job_queues
    set
      locked_by = CAST('bench-' || :client_id AS text),
      locked_at = now()
    from j
    where job_queues.id = j.job_queue_id
),
taken as (
  update graphile_worker._private_jobs as jobs
    set
      attempts = jobs.attempts + 1,
      locked_by = CAST('bench-' || :client_id AS text),
      locked_at = now()
    from j
    where jobs.id = j.id
    returning jobs.*
)
SELECT coalesce(array_agg(id), '{}') AS ids FROM taken \gset
delete from graphile_worker._private_jobs as jobs
using unnest(CAST(:ids AS bigint[])) n(n)
where id = n;
