-- asyncmq 1.1: the tables of AsyncMQ's Postgres backend, their job lifecycle in SQL, and the scheduler.
\echo Use "CREATE EXTENSION asyncmq" to load this file. \quit

-- The tables are made by these functions, not by this script: they must belong to the role
-- that calls asyncmq_install(), not to the extension, so that AsyncMQ's own DROP TABLE works on
-- them and pg_dump dumps their rows.

CREATE FUNCTION asyncmq_install(drop boolean DEFAULT false)
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_install';

COMMENT ON FUNCTION asyncmq_install(boolean) IS
'make the tables and indexes of AsyncMQ''s Postgres backend named by the asyncmq.* settings, keeping any that exist; with drop => true, drop them';

CREATE FUNCTION asyncmq_tables(
    OUT kind text,
    OUT setting text,
    OUT table_name text,
    OUT present boolean,
    OUT relid regclass,
    OUT problems text[])
RETURNS SETOF record
LANGUAGE C STABLE PARALLEL RESTRICTED SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_tables';

COMMENT ON FUNCTION asyncmq_tables() IS
'the tables of the AsyncMQ layout in force: where they are, whether they exist, and how they fall short of the layout';

CREATE FUNCTION asyncmq_layout()
RETURNS text
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_layout';

COMMENT ON FUNCTION asyncmq_layout() IS
'the layout (first AsyncMQ release of it) that asyncmq.layout selects: 0.1, 0.2, 0.8 or 0.9';

-- The job lifecycle
--
-- Producing and consuming AsyncMQ jobs in SQL, on the tables the asyncmq.* settings name, with
-- the payloads and row changes of AsyncMQ's Python backend (README.md, The job lifecycle). All are VOLATILE
-- and PARALLEL UNSAFE (they write, lock and notify) and run with the caller's rights.

CREATE FUNCTION asyncmq_enqueue(
    queue text,
    task text,
    args jsonb DEFAULT '[]',
    kwargs jsonb DEFAULT '{}',
    job_id text DEFAULT NULL,
    priority integer DEFAULT 5,
    max_retries integer DEFAULT 0,
    backoff double precision DEFAULT NULL,
    ttl double precision DEFAULT NULL,
    delay double precision DEFAULT NULL,
    depends_on text[] DEFAULT '{}',
    deduplication jsonb DEFAULT NULL,
    repeat_every double precision DEFAULT NULL)
RETURNS text
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_enqueue';

COMMENT ON FUNCTION asyncmq_enqueue(text, text, jsonb, jsonb, text, integer, integer, double precision, double precision, double precision, text[], jsonb, double precision) IS
'add a job as AsyncMQ''s Queue.add does and return its id; a custom job_id that names a job, or a deduplication id whose window is open, returns that job''s id and writes nothing';

CREATE FUNCTION asyncmq_enqueue_many(queue text, jobs jsonb)
RETURNS SETOF text
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER ROWS 10
AS 'MODULE_PATHNAME', 'asyncmq_enqueue_many';

COMMENT ON FUNCTION asyncmq_enqueue_many(text, jsonb) IS
'add each job of a JSON array (keys: task, args, kwargs and asyncmq_enqueue''s options) and return the ids in input order';

CREATE FUNCTION asyncmq_dequeue(queue text, max_jobs integer DEFAULT 1)
RETURNS SETOF jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER ROWS 1
AS 'MODULE_PATHNAME', 'asyncmq_dequeue';

COMMENT ON FUNCTION asyncmq_dequeue(text, integer) IS
'claim up to max_jobs runnable jobs of a queue that is not paused (priority, then age; SKIP LOCKED) and return their payloads, now active';

CREATE FUNCTION asyncmq_complete(queue text, job_id text, result jsonb DEFAULT NULL)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_complete';

COMMENT ON FUNCTION asyncmq_complete(text, text, jsonb) IS
'complete an active job with its result and release its dependants; false when the job is unknown, not active or cancelled';

CREATE FUNCTION asyncmq_complete_many(queue text, job_ids text[], result jsonb DEFAULT NULL)
RETURNS integer
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_complete_many';

COMMENT ON FUNCTION asyncmq_complete_many(text, text[], jsonb) IS
'asyncmq_complete for each id, with one result; returns how many were completed';

CREATE FUNCTION asyncmq_fail(queue text, job_id text, error text)
RETURNS text
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_fail';

COMMENT ON FUNCTION asyncmq_fail(text, text, text) IS
'record a failed run of an active job: delayed by backoff ** retries while retries remain, else failed; returns the new status, or NULL when the job is unknown, not active or cancelled';

CREATE FUNCTION asyncmq_cancel(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_cancel';

COMMENT ON FUNCTION asyncmq_cancel(text, text) IS
'cancel a job as AsyncMQ does: a marker, a waiting or delayed job deleted, an active one marked cancelled; always true';

CREATE FUNCTION asyncmq_is_cancelled(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_is_cancelled';

COMMENT ON FUNCTION asyncmq_is_cancelled(text, text) IS
'whether the job has a cancellation marker';

CREATE FUNCTION asyncmq_retry(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_retry';

COMMENT ON FUNCTION asyncmq_retry(text, text) IS
'make a job that is not active wait again, as AsyncMQ''s retry_job; false when there is no such job or it is active';

CREATE FUNCTION asyncmq_remove(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_remove';

COMMENT ON FUNCTION asyncmq_remove(text, text) IS
'delete a job and its cancellation marker, as AsyncMQ''s remove_job; true when a job was deleted';

CREATE FUNCTION asyncmq_pause_queue(queue text)
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_pause_queue';

COMMENT ON FUNCTION asyncmq_pause_queue(text) IS
'pause a queue (layout 0.9 and later): AsyncMQ''s workers and asyncmq_dequeue take none of its jobs';

CREATE FUNCTION asyncmq_resume_queue(queue text)
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_resume_queue';

COMMENT ON FUNCTION asyncmq_resume_queue(text) IS
'resume a paused queue (layout 0.9 and later)';

CREATE FUNCTION asyncmq_is_queue_paused(queue text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_is_queue_paused';

COMMENT ON FUNCTION asyncmq_is_queue_paused(text) IS
'whether the queue is paused; always false before layout 0.9';

CREATE FUNCTION asyncmq_heartbeat(queue text, job_id text, at double precision DEFAULT NULL)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_heartbeat';

COMMENT ON FUNCTION asyncmq_heartbeat(text, text, double precision) IS
'set the job''s heartbeat to at (epoch seconds; default now), as AsyncMQ''s save_heartbeat; false when there is no such job';

CREATE FUNCTION asyncmq_promote_delayed(queue text)
RETURNS SETOF jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_promote_delayed';

COMMENT ON FUNCTION asyncmq_promote_delayed(text) IS
'make the queue''s delayed jobs that are due wait again and return their payloads, as AsyncMQ''s promote_due_delayed';

CREATE FUNCTION asyncmq_recover_stalled(older_than interval, OUT queue_name text, OUT job jsonb)
RETURNS SETOF record
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_recover_stalled';

COMMENT ON FUNCTION asyncmq_recover_stalled(interval) IS
'in every queue, make active jobs whose heartbeat (or, without one, start) is older than older_than wait again; returns them';

CREATE FUNCTION asyncmq_queue_stats(
    queue text,
    OUT waiting bigint,
    OUT waiting_children bigint,
    OUT delayed bigint,
    OUT active bigint,
    OUT completed bigint,
    OUT failed bigint,
    OUT expired bigint,
    OUT cancelled bigint)
RETURNS record
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_queue_stats';

COMMENT ON FUNCTION asyncmq_queue_stats(text) IS
'the queue''s jobs counted by status in one scan; waiting includes waiting_children, the jobs blocked by depends_on';

CREATE FUNCTION asyncmq_resolve_dependency(queue text, parent_id text)
RETURNS integer
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_resolve_dependency';

COMMENT ON FUNCTION asyncmq_resolve_dependency(text, text) IS
'remove parent_id from the depends_on of the queue''s jobs, as AsyncMQ''s resolve_dependency; returns how many became runnable';

CREATE FUNCTION asyncmq_channel(queue text)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_channel';

COMMENT ON FUNCTION asyncmq_channel(text) IS
'the channel on which the queue''s wakeups are NOTIFYed: asyncmq:<queue>, or asyncmq:md5:<md5 of queue> when that is longer than 63 bytes';

CREATE FUNCTION asyncmq_ttl_expired(job jsonb)
RETURNS boolean
LANGUAGE sql VOLATILE PARALLEL SAFE STRICT SECURITY INVOKER
RETURN COALESCE(pg_catalog.jsonb_typeof(job OPERATOR(pg_catalog.->) 'ttl') OPERATOR(pg_catalog.=) 'number'
   AND pg_catalog.date_part('epoch', pg_catalog.clock_timestamp())
       OPERATOR(pg_catalog.-) (job OPERATOR(pg_catalog.->>) 'created_at')::pg_catalog.float8
       OPERATOR(pg_catalog.>) (job OPERATOR(pg_catalog.->>) 'ttl')::pg_catalog.float8, false);

COMMENT ON FUNCTION asyncmq_ttl_expired(jsonb) IS
'whether a job payload''s ttl has passed (now - data.created_at > data.ttl), the test AsyncMQ''s worker makes before it runs a job';

CREATE FUNCTION asyncmq_expire(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_expire';

COMMENT ON FUNCTION asyncmq_expire(text, text) IS
'expire an active job as AsyncMQ''s expire_active_job (status expired); false when the job is unknown, not active or cancelled';

CREATE FUNCTION asyncmq_move_to_dlq(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_move_to_dlq';

COMMENT ON FUNCTION asyncmq_move_to_dlq(text, text) IS
'mark a job failed as AsyncMQ''s move_to_dlq does; false when there is no such job';

CREATE FUNCTION asyncmq_pop_due_delayed(queue text)
RETURNS SETOF jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_pop_due_delayed';

COMMENT ON FUNCTION asyncmq_pop_due_delayed(text) IS
'delete the queue''s delayed jobs that are due and return their payloads, as AsyncMQ''s pop_due_delayed (Queue.get_due_delayed)';

CREATE FUNCTION asyncmq_ack(queue text, job_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_ack';

COMMENT ON FUNCTION asyncmq_ack(text, text) IS
'delete a job whose data.result is null or absent, as AsyncMQ''s ack; true when a row was deleted';

CREATE FUNCTION asyncmq_list_delayed(queue text, OUT job_id text, OUT run_at double precision, OUT payload jsonb)
RETURNS SETOF record
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_list_delayed';

COMMENT ON FUNCTION asyncmq_list_delayed(text) IS
'the queue''s jobs that have a data.delay_until, whatever their status, by run time, as AsyncMQ''s list_delayed';

CREATE FUNCTION asyncmq_register_worker(worker_id text, queue text, concurrency integer,
                                        heartbeat double precision DEFAULT NULL)
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_register_worker';

COMMENT ON FUNCTION asyncmq_register_worker(text, text, integer, double precision) IS
'insert or update a worker''s row in the workers heartbeat table (layout 0.2 and later), as AsyncMQ''s register_worker; heartbeat in epoch seconds, now when NULL';

CREATE FUNCTION asyncmq_list_workers(ttl double precision DEFAULT 30, OUT worker_id text, OUT queue text,
                                     OUT concurrency integer, OUT heartbeat double precision)
RETURNS SETOF record
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_list_workers';

COMMENT ON FUNCTION asyncmq_list_workers(double precision) IS
'the workers whose heartbeat is at most ttl seconds old, as AsyncMQ''s list_workers (layout 0.2 and later)';

CREATE FUNCTION asyncmq_deregister_worker(worker_id text)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_deregister_worker';

COMMENT ON FUNCTION asyncmq_deregister_worker(text) IS
'delete a worker''s row, as AsyncMQ''s deregister_worker (layout 0.2 and later); true when there was one';

CREATE FUNCTION asyncmq_upsert_repeatable(queue text, job_def jsonb)
RETURNS double precision
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_upsert_repeatable';

COMMENT ON FUNCTION asyncmq_upsert_repeatable(text, jsonb) IS
'store a repeatable job definition as AsyncMQ''s upsert_repeatable (normalised, keyed on queue and definition, unpaused) and return its next run in epoch seconds';

CREATE FUNCTION asyncmq_pause_repeatable(queue text, job_def jsonb)
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_pause_repeatable';

COMMENT ON FUNCTION asyncmq_pause_repeatable(text, jsonb) IS
'pause a repeatable, as AsyncMQ''s pause_repeatable; false when the queue has no such definition';

CREATE FUNCTION asyncmq_resume_repeatable(queue text, job_def jsonb)
RETURNS double precision
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_resume_repeatable';

COMMENT ON FUNCTION asyncmq_resume_repeatable(text, jsonb) IS
'resume a repeatable and compute its next run (epoch seconds), as AsyncMQ''s resume_repeatable; NULL when the queue has no such definition';

CREATE FUNCTION asyncmq_list_repeatables(queue text, OUT job_def jsonb, OUT next_run double precision,
                                         OUT paused boolean)
RETURNS SETOF record
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_list_repeatables';

COMMENT ON FUNCTION asyncmq_list_repeatables(text) IS
'the queue''s repeatables by next run, as AsyncMQ''s list_repeatables, with job_def as jsonb';

CREATE FUNCTION asyncmq_cron_next(cron text, after timestamp with time zone DEFAULT now())
RETURNS timestamp with time zone
LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_cron_next';

COMMENT ON FUNCTION asyncmq_cron_next(text, timestamp with time zone) IS
'the next time after `after` that a cron expression matches as croniter reads it, in UTC, as the repeatables compute next_run';

-- The scheduler (README.md, Scheduler)
--
-- The registry: one row a table set, which asyncmq_install() records and asyncmq_install(drop =>
-- true) removes, so that the scheduler knows which tables to keep moving and as whom. The names
-- are kept as SQL names, schema-qualified, and resolved again at each tick (AsyncMQ's installer
-- drops and recreates its tables). Each role reads and writes only its own rows; the scheduler
-- works on a set with the rights of its owner.

CREATE TABLE asyncmq_registry (
    jobs_table text PRIMARY KEY,
    repeatables_table text NOT NULL,
    cancelled_jobs_table text NOT NULL,
    workers_heartbeat_table text,
    paused_queues_table text,
    layout text NOT NULL,
    owner regrole NOT NULL,
    registered_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE asyncmq_registry IS
'the AsyncMQ table sets the scheduler keeps moving, each as its owner; asyncmq_install() and asyncmq_register() add rows';

-- pg_dump dumps the rows; a restore brings the registrations back with the tables.
SELECT pg_catalog.pg_extension_config_dump('asyncmq_registry', '');

ALTER TABLE asyncmq_registry ENABLE ROW LEVEL SECURITY;

CREATE POLICY asyncmq_registry_own_rows ON asyncmq_registry
    USING (owner OPERATOR(pg_catalog.=) (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER))
    WITH CHECK (owner OPERATOR(pg_catalog.=) (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER));

GRANT SELECT, INSERT, UPDATE, DELETE ON asyncmq_registry TO PUBLIC;

CREATE FUNCTION asyncmq_register()
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_register';

COMMENT ON FUNCTION asyncmq_register() IS
'record the tables the asyncmq.* settings name (made by AsyncMQ''s Python installer, say) in the registry, for the scheduler';

CREATE FUNCTION asyncmq_unregister()
RETURNS boolean
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_unregister';

COMMENT ON FUNCTION asyncmq_unregister() IS
'remove the tables the asyncmq.* settings name from the registry; false when they were not registered';

CREATE FUNCTION asyncmq_tick(OUT promoted bigint, OUT fired bigint, OUT recovered bigint, OUT cleaned bigint)
RETURNS record
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_tick';

COMMENT ON FUNCTION asyncmq_tick() IS
'one pass of the scheduler''s tasks on the tables in force, in this transaction: jobs promoted, repeatables fired, stalled jobs recovered, rows cleaned';

CREATE FUNCTION asyncmq_scheduler_status(OUT database_name text, OUT pid integer, OUT state text,
                                         OUT started timestamp with time zone, OUT last_tick timestamp with time zone,
                                         OUT ticks bigint, OUT promoted bigint, OUT fired bigint, OUT recovered bigint,
                                         OUT cleaned bigint, OUT last_error text,
                                         OUT last_error_at timestamp with time zone)
RETURNS SETOF record
LANGUAGE C VOLATILE PARALLEL SAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_scheduler_status';

COMMENT ON FUNCTION asyncmq_scheduler_status() IS
'each scheduler the launcher runs (shared_preload_libraries = ''asyncmq''): its database, pid, what it is doing, last tick, counts and last error';
