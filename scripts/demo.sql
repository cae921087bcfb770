-- What scripts/demo runs on its throwaway cluster.
CREATE EXTENSION asyncmq;
SELECT asyncmq_install();
SELECT kind, table_name, present, problems FROM asyncmq_tables();
\d asyncmq_jobs
\d asyncmq_repeatables
\d asyncmq_cancelled_jobs

-- The scheduler (README.md, Scheduler): a repeatable every second, fired by the background
-- worker with no call from here; each firing enqueues the job AsyncMQ's scheduler would.
SELECT asyncmq_upsert_repeatable('reports', '{"task_id": "app.tasks.report", "every": 1}') > 0 AS upserted;
SELECT pg_sleep(2.5);
SELECT count(*) >= 2 AS fired_twice_or_more, min(status) AS status, min(data->>'task') AS task
FROM asyncmq_jobs WHERE queue_name = 'reports';
SELECT database_name, fired > 0 AS has_fired, last_error FROM asyncmq_scheduler_status();
