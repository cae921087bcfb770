-- asyncmq_register_worker, asyncmq_list_workers and asyncmq_deregister_worker next to AsyncMQ
-- 0.9.1's register_worker, list_workers and deregister_worker (fixture 15), field by field.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_workers;
SET search_path = fixtures_workers, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all
-- The workers heartbeat table's rows as the fixtures list them.
CREATE FUNCTION pg_temp.fx_workers() RETURNS jsonb LANGUAGE sql AS $$
    SELECT COALESCE(jsonb_agg(to_jsonb(w) ORDER BY w.worker_id), '[]') FROM asyncmq_workers_heartbeat AS w
$$;

-- 15: a worker registers (insert), registers again with another queue, concurrency and time
-- (update), a stale worker registers an hour ago; list_workers keeps heartbeats of the last 30 s;
-- deregister deletes the row.
\set fx `cat test/fixtures/asyncmq-0.9.1/15-worker-heartbeat.json`
SELECT extract(epoch FROM clock_timestamp())::float8 AS ts \gset
SELECT asyncmq_register_worker('fx-worker-1', 'fx-15-workers', 4, :ts);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_workers_heartbeat', pg_temp.fx_workers());
SELECT heartbeat = :ts AS "heartbeat == timestamp" FROM asyncmq_workers_heartbeat;
SELECT asyncmq_register_worker('fx-worker-1', 'fx-15-other', 8, :ts + 10);
SELECT pg_temp.fx_check(:'fx', 1, 'asyncmq_workers_heartbeat', pg_temp.fx_workers());
SELECT heartbeat = :ts + 10 AS "heartbeat == timestamp + 10" FROM asyncmq_workers_heartbeat;
SELECT asyncmq_register_worker('fx-worker-stale', 'fx-15-workers', 1,
                               extract(epoch FROM clock_timestamp())::float8 - 3600);
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_workers_heartbeat', pg_temp.fx_workers());
-- list_workers returns WorkerInfo(id, queue, concurrency, heartbeat); our column worker_id is
-- its id.
SELECT jsonb_agg(jsonb_build_object('id', worker_id, 'queue', queue, 'concurrency', concurrency,
                                    'heartbeat', heartbeat)) AS listed
FROM asyncmq_list_workers() \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', :'listed');
SELECT asyncmq_deregister_worker('fx-worker-1');
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_workers_heartbeat', pg_temp.fx_workers());
-- Deregistering again finds nothing; a longer ttl lists the stale worker too.
SELECT asyncmq_deregister_worker('fx-worker-1') AS deregistered_again;
SELECT worker_id, queue, concurrency FROM asyncmq_list_workers(7200);
SELECT count(*) AS listed FROM asyncmq_list_workers(0);
-- Without a heartbeat the worker registers now.
SELECT asyncmq_register_worker('fx-worker-now', 'fx-15-workers', 2);
SELECT worker_id, queue, concurrency FROM asyncmq_list_workers();
SELECT abs(heartbeat - extract(epoch FROM clock_timestamp())::float8) < 5 AS "heartbeat is now"
FROM asyncmq_workers_heartbeat WHERE worker_id = 'fx-worker-now';

-- Refused arguments.
SELECT asyncmq_register_worker(NULL, 'q', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('', 'q', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('w', NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('w', '', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('w', 'q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('w', 'q', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('w', 'q', 1, 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_register_worker('w', 'q', 1, 'Infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_workers(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_workers(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_workers('Infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_deregister_worker(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT worker_id FROM asyncmq_workers_heartbeat ORDER BY 1;

-- A missing workers table is named (42P01), with the setting that names it.
SET asyncmq.postgres_workers_heartbeat_table_name = 'no_such_workers';
SELECT asyncmq_register_worker('w', 'q', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_workers();
\echo :LAST_ERROR_SQLSTATE
RESET asyncmq.postgres_workers_heartbeat_table_name;

-- Layout 0.2, the first with a workers table: the same calls work.
SET asyncmq.layout = '0.2';
CREATE SCHEMA fixtures_workers_02;
SET search_path = fixtures_workers_02, public;
SELECT asyncmq_install();
SELECT asyncmq_register_worker('w-02', 'q', 3);
SELECT worker_id, queue, concurrency FROM asyncmq_list_workers();
SELECT asyncmq_deregister_worker('w-02');

-- Layout 0.1 has no workers table: each call says so (0A000).
SET asyncmq.layout = '0.1';
CREATE SCHEMA fixtures_workers_01;
SET search_path = fixtures_workers_01, public;
SELECT asyncmq_install();
SELECT asyncmq_register_worker('w-01', 'q', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_list_workers();
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_deregister_worker('w-01');
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA fixtures_workers CASCADE;
DROP SCHEMA fixtures_workers_02 CASCADE;
DROP SCHEMA fixtures_workers_01 CASCADE;
