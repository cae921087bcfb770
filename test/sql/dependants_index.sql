-- asyncmq.dependants_index: an index on the jobs that wait for a parent, outside the documented
-- layout.
\set SHOW_CONTEXT never
SELECT asyncmq_install();
SELECT count(*) AS dependants_index_when_off FROM pg_class WHERE relname = 'idx_asyncmq_jobs_dependants';

-- Turned on, install adds it to the existing table.
SET asyncmq.dependants_index = on;
SELECT asyncmq_install();
SELECT pg_get_indexdef('idx_asyncmq_jobs_dependants'::regclass);
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';

-- With asyncmq.dequeue_index on too, install makes both.
SET asyncmq.dequeue_index = on;
SELECT asyncmq_install();
SELECT relname FROM pg_class WHERE relname LIKE 'idx\_asyncmq\_jobs\_%' ORDER BY relname;
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
RESET asyncmq.dequeue_index;
DROP INDEX idx_asyncmq_jobs_dequeue;

-- 6,000 waiting jobs with no parent in one queue, then a parent with two children: the children
-- are the only rows in the index (a job with an empty list is not).
SELECT count(asyncmq_enqueue('builds', 'app.tasks.lint', job_id => 'lint-' || i)) AS enqueued
FROM generate_series(1, 6000) AS i;
SELECT asyncmq_enqueue('builds', 'app.tasks.compile', job_id => 'compile', priority => 1);
SELECT asyncmq_enqueue('builds', 'app.tasks.package', job_id => 'package', depends_on => ARRAY['compile']);
SELECT asyncmq_enqueue('builds', 'app.tasks.test', job_id => 'test', depends_on => ARRAY['compile']);
ANALYZE asyncmq_jobs;
SELECT job_id FROM asyncmq_jobs
WHERE data @? 'strict $.depends_on[0]' ORDER BY job_id;

-- Completing the parent releases both children, and reads the index, not the queue's backlog
-- (through the status index or a sequential scan). PostgreSQL 15's pg_stat_get_xact_* also count
-- what earlier transactions did until the session flushes its statistics, so flush them first.
\i test/helpers/rows_read.sql
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs
WHERE job_id IN ('package', 'test') ORDER BY job_id;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_complete('builds', 'compile');
SELECT pg_stat_get_xact_numscans('idx_asyncmq_jobs_dependants'::regclass) > 0 AS dependants_index_read,
       pg_stat_get_xact_numscans('idx_asyncmq_jobs_status'::regclass) AS status_index_scans,
       pg_stat_get_xact_numscans('asyncmq_jobs'::regclass) AS sequential_scans,
       pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs
WHERE job_id IN ('package', 'test') ORDER BY job_id;

-- The clause the index's predicate matches names no parameter, so a generic plan of AsyncMQ's
-- statement reads the index too.
SELECT asyncmq_enqueue('builds', 'app.tasks.publish', job_id => 'publish', priority => 1);
SELECT asyncmq_enqueue('builds', 'app.tasks.announce', job_id => 'announce', depends_on => ARRAY['publish']);
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT pg_stat_force_next_flush();
BEGIN;
SET LOCAL plan_cache_mode = force_generic_plan;
SELECT asyncmq_complete('builds', 'publish');
SELECT pg_stat_get_xact_numscans('idx_asyncmq_jobs_dependants'::regclass) > 0 AS dependants_index_read,
       pg_stat_get_xact_numscans('idx_asyncmq_jobs_status'::regclass) AS status_index_scans,
       pg_stat_get_xact_numscans('asyncmq_jobs'::regclass) AS sequential_scans,
       pg_temp.rows_read() < 100 AS read_few_rows;
COMMIT;
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs WHERE job_id = 'announce';

-- Without the index, the same release reads the queue's whole backlog (6,000 jobs).
DROP INDEX idx_asyncmq_jobs_dependants;
SELECT asyncmq_enqueue('builds', 'app.tasks.deploy', job_id => 'deploy', priority => 1);
SELECT asyncmq_enqueue('builds', 'app.tasks.notify', job_id => 'notify', depends_on => ARRAY['deploy']);
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds') AS data;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT asyncmq_complete('builds', 'deploy');
SELECT pg_temp.rows_read() >= 6000 AS read_the_backlog;
COMMIT;
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs WHERE job_id = 'notify';

-- Another index under that name is reported, and install refuses to go on.
CREATE INDEX idx_asyncmq_jobs_dependants ON asyncmq_jobs (queue_name);
SELECT kind, problems FROM asyncmq_tables() WHERE kind = 'jobs';
SELECT asyncmq_install();
\echo :LAST_ERROR_SQLSTATE
DROP INDEX idx_asyncmq_jobs_dependants;

-- Turned off again, install leaves an existing dependants index alone; drop removes it with the
-- table.
SELECT asyncmq_install();
RESET asyncmq.dependants_index;
SELECT asyncmq_install();
SELECT count(*) AS dependants_index_kept FROM pg_class WHERE relname = 'idx_asyncmq_jobs_dependants';
SELECT asyncmq_install(drop => true);
SELECT count(*) AS left_over FROM pg_class WHERE relname LIKE '%asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';
