-- Install and drop are transactional: a rolled-back transaction leaves nothing behind.
\set SHOW_CONTEXT never
BEGIN;
SELECT asyncmq_install();
SELECT count(*) AS tables_inside FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%' AND relkind = 'r';
ROLLBACK;
SELECT count(*) AS tables_after_rollback FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';

BEGIN;
SAVEPOINT before_install;
SELECT asyncmq_install();
ROLLBACK TO before_install;
COMMIT;
SELECT count(*) AS tables_after_savepoint FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';

-- A failed install inside a transaction changes nothing either.
BEGIN;
SET LOCAL asyncmq.postgres_repeatables_table_name = 'no_schema.reps';
SELECT asyncmq_install();
ROLLBACK;
SELECT count(*) AS tables_after_error FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';

-- A rolled-back drop keeps the tables and their rows.
SELECT asyncmq_install();
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status) VALUES ('q', 'survivor', '{}', 'waiting');
BEGIN;
SELECT asyncmq_install(drop => true);
ROLLBACK;
SELECT job_id FROM asyncmq_jobs;

-- Install and drop take turns through a transaction-level advisory lock named like AsyncMQ's
-- own locks: pg_advisory_xact_lock(hashtext('asyncmq:install')).
BEGIN;
SELECT asyncmq_install();
SELECT mode, granted, ((classid::bigint << 32) | objid::bigint) = hashtext('asyncmq:install')::bigint AS documented_key
FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
SELECT count(*) AS advisory_locks_after_commit FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
