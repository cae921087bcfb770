-- The lifecycle on every layout (asyncmq.layout) and on the tables the settings name: the upsert
-- key follows the layout, pauses need 0.9, and each call works on the tables in force, even when
-- they change within a session (plans are kept per set of tables, and replanned after DDL).
CREATE SCHEMA layouts_lifecycle;
SET search_path = layouts_lifecycle, public;
\set SHOW_CONTEXT never

-- One short life per layout, in tables of its own (settings local to the call's transaction).
CREATE FUNCTION pg_temp.life(layout text) RETURNS TABLE (step text, result text) LANGUAGE plpgsql AS $$
DECLARE
    jobs text := 'jobs_' || replace(layout, '.', '_');
BEGIN
    PERFORM set_config('asyncmq.layout', layout, true);
    PERFORM set_config('asyncmq.postgres_jobs_table_name', jobs, true);
    PERFORM set_config('asyncmq.postgres_cancelled_jobs_table_name', 'cancelled_' || replace(layout, '.', '_'), true);
    PERFORM asyncmq_install();
    step := 'enqueue a, b, c'; result := concat_ws(',', asyncmq_enqueue('q', 'app.t', job_id => 'a'),
        asyncmq_enqueue('q', 'app.t', job_id => 'b', max_retries => 1), asyncmq_enqueue('q', 'app.t', job_id => 'c'));
    RETURN NEXT;
    step := 'enqueue a again'; result := asyncmq_enqueue('q', 'app.t', '[1]', job_id => 'a'); RETURN NEXT;
    step := 'dequeue 2'; result := (SELECT string_agg(d->>'id', ',') FROM asyncmq_dequeue('q', 2) AS d); RETURN NEXT;
    step := 'complete a'; result := asyncmq_complete('q', 'a', '1'); RETURN NEXT;
    step := 'fail b'; result := asyncmq_fail('q', 'b', 'e'); RETURN NEXT;
    step := 'cancel c'; result := asyncmq_cancel('q', 'c'); RETURN NEXT;
    step := 'is paused'; result := asyncmq_is_queue_paused('q'); RETURN NEXT;
    step := 'stats'; result := (SELECT s::text FROM asyncmq_queue_stats('q') AS s); RETURN NEXT;
    step := 'rows of ' || jobs;
    EXECUTE format('SELECT string_agg(format(''%%s:%%s'', job_id, status), '' '' ORDER BY id) FROM %I', jobs)
        INTO result;
    RETURN NEXT;
END $$;
SELECT * FROM pg_temp.life('0.1');
SELECT * FROM pg_temp.life('0.2');
SELECT * FROM pg_temp.life('0.8');
SELECT * FROM pg_temp.life('0.9');

-- Layouts 0.1 to 0.7: job ids are unique across queues, so another queue's id is refused
-- rather than overwriting that queue's job (AsyncMQ's ON CONFLICT (job_id) would overwrite it).
SET asyncmq.layout = '0.1';
SET asyncmq.postgres_jobs_table_name = 'jobs_0_1';
SET asyncmq.postgres_cancelled_jobs_table_name = 'cancelled_0_1';
SELECT asyncmq_enqueue('other', 'app.t', job_id => 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT queue_name, status FROM jobs_0_1 WHERE job_id = 'a';
-- No paused-queues table before 0.9.
SELECT asyncmq_pause_queue('q');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_resume_queue('q');
\echo :LAST_ERROR_SQLSTATE
-- From 0.8 ids are unique per queue.
SET asyncmq.layout = '0.8';
SET asyncmq.postgres_jobs_table_name = 'jobs_0_8';
SET asyncmq.postgres_cancelled_jobs_table_name = 'cancelled_0_8';
SELECT asyncmq_enqueue('other', 'app.t', job_id => 'a');
SELECT queue_name, job_id, status FROM jobs_0_8 WHERE job_id = 'a' ORDER BY id;
-- A layout that does not match the table: the upsert's key is not there (AsyncMQ fails alike).
SET asyncmq.layout = '0.1';
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'x');
\echo :LAST_ERROR_SQLSTATE

-- Switching tables within a session: each call uses the tables in force.
RESET asyncmq.layout;
RESET asyncmq.postgres_jobs_table_name;
RESET asyncmq.postgres_cancelled_jobs_table_name;
SET asyncmq.layout = '0.9';
CREATE SCHEMA side;
SELECT asyncmq_install();
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'in-default');
SET asyncmq.postgres_jobs_table_name = 'side.jobs';
SET asyncmq.postgres_cancelled_jobs_table_name = 'side."Cancelled Jobs"';
SELECT asyncmq_install();
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'in-side');
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('q') AS d;
SELECT asyncmq_cancel('q', 'in-side');
SELECT * FROM side."Cancelled Jobs";
RESET asyncmq.postgres_jobs_table_name;
RESET asyncmq.postgres_cancelled_jobs_table_name;
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('q') AS d;
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;
SELECT job_id, status FROM side.jobs ORDER BY id;
-- The same names in another schema (search_path) are other tables.
SET search_path = side, layouts_lifecycle, public;
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'x');
\echo :LAST_ERROR_SQLSTATE
SET search_path = layouts_lifecycle, public;
-- Tables dropped and made again in the session: the kept plans are replanned.
SELECT asyncmq_install(drop => true);
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_install();
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'after-reinstall');
SELECT d->>'id' AS dequeued FROM asyncmq_dequeue('q') AS d;

SET client_min_messages = warning;
DROP SCHEMA layouts_lifecycle CASCADE;
DROP SCHEMA side CASCADE;
