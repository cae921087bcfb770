-- The job functions cannot be redirected by a hostile search_path: their statements run with
-- pg_catalog alone on the path (the tables are already schema-qualified), so an operator of
-- another schema cannot stand in for pg_catalog's, even in a plan cached before the path changed.
\set SHOW_CONTEXT never
SET asyncmq.layout = '0.8';
SET asyncmq.postgres_jobs_table_name = 'public.asyncmq_jobs';
SET asyncmq.postgres_cancelled_jobs_table_name = 'public.asyncmq_cancelled_jobs';
SET asyncmq.postgres_repeatables_table_name = 'public.asyncmq_repeatables';
SET asyncmq.postgres_workers_heartbeat_table_name = 'public.asyncmq_workers_heartbeat';
SELECT asyncmq_install();
SELECT asyncmq_enqueue('emails', 'app.send', job_id => 'before');

CREATE SCHEMA evil;
CREATE FUNCTION evil.never_equal(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT false $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.never_equal);
CREATE FUNCTION evil.empty_field(jsonb, text) RETURNS text LANGUAGE sql AS $$ SELECT NULL::text $$;
CREATE OPERATOR evil.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.empty_field);
SET search_path = evil, pg_catalog, public;
-- Unqualified SQL now meets the schema's operators ...
SELECT 'a'::text = 'a'::text AS plain_equal;
-- ... but the job functions still see pg_catalog's.
SELECT asyncmq_enqueue('emails', 'app.send', job_id => 'after', priority => 1);
SELECT data OPERATOR(pg_catalog.->>) 'id' AS id, data OPERATOR(pg_catalog.->>) 'status' AS status
FROM asyncmq_dequeue('emails', 5) AS data;
SELECT asyncmq_complete('emails', 'after', '"done"');
SELECT asyncmq_complete('emails', 'before', '"done"');
SELECT job_id, status FROM public.asyncmq_jobs ORDER BY job_id;
RESET search_path;
DROP SCHEMA evil CASCADE;
SELECT asyncmq_install(drop => true);
