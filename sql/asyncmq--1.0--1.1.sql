-- asyncmq 1.0 to 1.1: the scheduler's registry, asyncmq_tick() and the scheduler's status.
\echo Use "ALTER EXTENSION asyncmq UPDATE TO '1.1'" to load this file. \quit

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

-- Tables made under 1.0: the set the asyncmq.* settings in force name (search_path is the
-- extension's schema here), when every table of it exists, registered as the jobs table's owner.
INSERT INTO asyncmq_registry (jobs_table, repeatables_table, cancelled_jobs_table, workers_heartbeat_table,
                              paused_queues_table, layout, owner)
SELECT max(t.table_name) FILTER (WHERE t.kind OPERATOR(pg_catalog.=) 'jobs'),
       max(t.table_name) FILTER (WHERE t.kind OPERATOR(pg_catalog.=) 'repeatables'),
       max(t.table_name) FILTER (WHERE t.kind OPERATOR(pg_catalog.=) 'cancelled_jobs'),
       max(t.table_name) FILTER (WHERE t.kind OPERATOR(pg_catalog.=) 'workers_heartbeat'),
       max(t.table_name) FILTER (WHERE t.kind OPERATOR(pg_catalog.=) 'paused_queues'),
       asyncmq_layout(),
       (SELECT c.relowner FROM pg_catalog.pg_class AS c
        WHERE c.oid OPERATOR(pg_catalog.=) max(t.relid::pg_catalog.oid) FILTER (WHERE t.kind OPERATOR(pg_catalog.=) 'jobs'))
FROM asyncmq_tables() AS t
HAVING pg_catalog.bool_and(t.present)
ON CONFLICT DO NOTHING;
