-- The lifecycle works on ordinary tables only, as asyncmq_install() makes them: a view named by a
-- setting is refused by every call (42809), and a rule that rewrites a statement on a table is
-- reported (0A000), never an internal error. Nothing is changed by a refused call.
\set VERBOSITY default
SET asyncmq.layout = '0.9';
CREATE SCHEMA not_a_table;
SET search_path = not_a_table, public;
SELECT asyncmq_install();
SELECT asyncmq_enqueue('hr', 'app.t', job_id => 'j1');
CREATE VIEW jobs_view AS SELECT * FROM asyncmq_jobs;
CREATE RULE jobs_view_update AS ON UPDATE TO jobs_view DO INSTEAD NOTHING;
CREATE RULE jobs_view_delete AS ON DELETE TO jobs_view DO INSTEAD NOTHING;
CREATE RULE jobs_view_insert AS ON INSERT TO jobs_view DO INSTEAD NOTHING;
CREATE VIEW cancelled_view AS SELECT * FROM asyncmq_cancelled_jobs;
CREATE RULE cancelled_view_insert AS ON INSERT TO cancelled_view DO INSTEAD NOTHING;

SET asyncmq.postgres_jobs_table_name = 'jobs_view';
SELECT asyncmq_ack('hr', 'j1');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cancel('hr', 'j1');
SELECT asyncmq_enqueue_many('hr', '[{"task": "app.t"}]');
SELECT asyncmq_expire('hr', 'j1');
SELECT asyncmq_fail('hr', 'j1', 'x');
SELECT asyncmq_heartbeat('hr', 'j1');
SELECT asyncmq_remove('hr', 'j1');
SELECT asyncmq_dequeue('hr');
RESET asyncmq.postgres_jobs_table_name;

SET asyncmq.postgres_cancelled_jobs_table_name = 'cancelled_view';
SELECT asyncmq_cancel('hr', 'j1');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_is_cancelled('hr', 'j1');
RESET asyncmq.postgres_cancelled_jobs_table_name;

-- The repeatables and workers tables are checked where they are used.
ALTER TABLE asyncmq_repeatables RENAME TO repeatables_table;
CREATE VIEW asyncmq_repeatables AS SELECT * FROM repeatables_table;
SELECT * FROM asyncmq_list_repeatables('hr');
\echo :LAST_ERROR_SQLSTATE
DROP VIEW asyncmq_repeatables;
ALTER TABLE repeatables_table RENAME TO asyncmq_repeatables;

-- An ordinary table with a DO INSTEAD rule.
CREATE RULE cancelled_delete AS ON DELETE TO asyncmq_cancelled_jobs DO INSTEAD NOTHING;
SELECT asyncmq_remove('hr', 'j1');
\echo :LAST_ERROR_SQLSTATE
DROP RULE cancelled_delete ON asyncmq_cancelled_jobs;

-- Nothing was changed.
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;
SELECT count(*) AS markers FROM asyncmq_cancelled_jobs;

DROP VIEW jobs_view, cancelled_view;
SELECT asyncmq_install(drop => true);
DROP SCHEMA not_a_table;
