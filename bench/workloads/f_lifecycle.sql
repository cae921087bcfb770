-- (f) graphile-worker 0.17.3's own statements, one job at a time: add_job; the job-taking
-- statement of its worker (batchGetJobs in dist/sql/getJobs.js: named-queue strategy 2, no
-- flags, the database's clock); and the completion of a job without a named queue
-- (batchCompleteJobs in dist/sql/completeJobs.js: the row is deleted). Variables from
-- bench/in-cluster: gw_tasks (the task ids the worker can run, as an int[] literal), enqueue
-- (0 in the drain). The worker id is one a client.
\set got 0
\if :enqueue
SELECT id FROM graphile_worker.add_job('bench', CAST('{"task": "bench.tasks.add", "args": [1, 2]}' AS json));
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
    limit 1
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
)
  update graphile_worker._private_jobs as jobs
    set
      attempts = jobs.attempts + 1,
      locked_by = CAST('bench-' || :client_id AS text),
      locked_at = now()
    from j
    where jobs.id = j.id
    returning jobs.id AS gid, jobs.payload, 1 AS got \aset
\if :got
delete from graphile_worker._private_jobs as jobs
where id = CAST(:gid AS bigint);
\endif
