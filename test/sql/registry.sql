-- The registry: asyncmq_install() records the set it made, drop removes it, asyncmq_register()
-- and asyncmq_unregister() do it for tables made otherwise; each role sees only its own rows.
SET client_min_messages = warning;
CREATE SCHEMA registry;
SET search_path = registry, public;
-- The owner by name, the superuser that runs the tests (whatever its name) as "admin".
CREATE VIEW registry_rows WITH (security_invoker) AS
SELECT jobs_table, repeatables_table, cancelled_jobs_table, workers_heartbeat_table, paused_queues_table, layout,
       CASE WHEN owner::oid = (SELECT oid FROM pg_roles WHERE rolname = session_user) THEN 'admin'
            ELSE owner::text END AS owner
FROM asyncmq_registry ORDER BY jobs_table;
GRANT SELECT ON registry_rows TO PUBLIC;
GRANT USAGE ON SCHEMA registry TO PUBLIC;
-- Install records the names as resolved (schema-qualified, quoted), the layout and the owner.
SET asyncmq.layout = '0.9';
SET asyncmq.postgres_jobs_table_name = '"Odd Jobs"';
SELECT asyncmq_install();
SELECT * FROM registry_rows;
-- Again: still one row.
SELECT asyncmq_install();
SELECT count(*) FROM asyncmq_registry;
-- Drop removes the record with the tables.
SELECT asyncmq_install(drop => true);
SELECT count(*) FROM asyncmq_registry;
RESET asyncmq.postgres_jobs_table_name;
RESET asyncmq.layout;
-- Tables made otherwise (here by hand, as AsyncMQ's Python installer makes them): registered on
-- request, once; unregistered on request.
CREATE TABLE asyncmq_jobs (id SERIAL PRIMARY KEY, queue_name TEXT NOT NULL, job_id TEXT NOT NULL UNIQUE,
  data JSONB NOT NULL, status TEXT, delay_until DOUBLE PRECISION,
  created_at TIMESTAMP DEFAULT now(), updated_at TIMESTAMP DEFAULT now());
CREATE TABLE asyncmq_repeatables (queue_name TEXT NOT NULL, job_def JSONB NOT NULL,
  next_run TIMESTAMPTZ NOT NULL, paused BOOLEAN DEFAULT FALSE, PRIMARY KEY(queue_name, job_def));
SELECT asyncmq_register();
-- The cancelled-jobs table is missing: nothing registered.
SELECT count(*) FROM asyncmq_registry;
CREATE TABLE asyncmq_cancelled_jobs (queue_name TEXT NOT NULL, job_id TEXT NOT NULL, PRIMARY KEY(queue_name, job_id));
SELECT asyncmq_register();
SELECT asyncmq_register();
SELECT * FROM registry_rows;
SELECT asyncmq_unregister();
SELECT asyncmq_unregister();
SELECT count(*) FROM asyncmq_registry;
-- Each role reads and writes its own rows only: app's set is app's; other sees, changes and
-- removes none of it, cannot write a row for app, and installing over app's tables leaves the
-- record app's.
CREATE ROLE asyncmq_reg_app;
CREATE ROLE asyncmq_reg_other;
CREATE SCHEMA reg_app AUTHORIZATION asyncmq_reg_app;
CREATE SCHEMA reg_other AUTHORIZATION asyncmq_reg_other;
SET ROLE asyncmq_reg_app;
SET search_path = reg_app, public;
SELECT asyncmq_install();
GRANT USAGE ON SCHEMA reg_app TO asyncmq_reg_other;
GRANT ALL ON ALL TABLES IN SCHEMA reg_app TO asyncmq_reg_other;
SELECT jobs_table, owner FROM registry.registry_rows;
RESET ROLE;
SET ROLE asyncmq_reg_other;
SET search_path = reg_other, public;
SELECT count(*) AS visible FROM registry.registry_rows;
WITH u AS (UPDATE public.asyncmq_registry SET layout = '0.9' RETURNING 1) SELECT count(*) AS updated FROM u;
WITH d AS (DELETE FROM public.asyncmq_registry RETURNING 1) SELECT count(*) AS deleted FROM d;
INSERT INTO public.asyncmq_registry (jobs_table, repeatables_table, cancelled_jobs_table, layout, owner)
VALUES ('reg_other.x', 'reg_other.y', 'reg_other.z', '0.1', 'asyncmq_reg_app');
SELECT asyncmq_install();
SET search_path = reg_app, public;
SELECT asyncmq_install();
SELECT asyncmq_unregister();
SELECT jobs_table, owner FROM registry.registry_rows;
RESET ROLE;
SELECT jobs_table, owner, layout FROM registry.registry_rows;
RESET search_path;
DELETE FROM public.asyncmq_registry;
DROP SCHEMA registry, reg_app, reg_other CASCADE;
DROP ROLE asyncmq_reg_app, asyncmq_reg_other;
