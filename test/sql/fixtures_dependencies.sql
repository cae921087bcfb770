-- depends_on, asyncmq_complete's release of dependants and asyncmq_resolve_dependency next to
-- AsyncMQ 0.9.1's worker and resolve_dependency (fixture 14), and asyncmq_queue_stats on the mix
-- of rows AsyncMQ wrote in fixture 17, field by field.
SET asyncmq.layout = '0.9';
CREATE SCHEMA fixtures_dependencies;
SET search_path = fixtures_dependencies, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all

-- 14: a child (priority 1, a bare Job's retries and backoff) blocked by two parents.
\set fx `cat test/fixtures/asyncmq-0.9.1/14-dependencies.json`
SELECT asyncmq_enqueue('fx-14-dependencies', 'fixtures.tasks.add', '[1, 1]', job_id => 'dep-parent-1');
SELECT asyncmq_enqueue('fx-14-dependencies', 'fixtures.tasks.add', '[2, 2]', job_id => 'dep-parent-2');
SELECT asyncmq_enqueue('fx-14-dependencies', 'fixtures.tasks.add', '[10, 20]', job_id => 'dep-child', priority => 1,
                       max_retries => 3, backoff => 1.5, depends_on => '{dep-parent-1,dep-parent-2}');
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-dependencies}'));
-- The child has priority 1 but is blocked: the first parent comes out.
SELECT jsonb_agg(d->'id')->0 AS id FROM asyncmq_dequeue('fx-14-dependencies') AS d \gset
SELECT pg_temp.fx_check(:'fx', 1, 'returned', :'id');
-- Completing a parent removes it from the child's list.
SELECT asyncmq_complete('fx-14-dependencies', 'dep-parent-1', '2');
SELECT pg_temp.fx_check(:'fx', 2, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-dependencies}'));
-- Completing the last parent deletes the key and leaves the child waiting, runnable.
SELECT jsonb_agg(d->'id')->0 AS id FROM asyncmq_dequeue('fx-14-dependencies') AS d \gset
SELECT pg_temp.fx_check(:'fx', 3, 'returned', :'id');
SELECT asyncmq_complete('fx-14-dependencies', 'dep-parent-2', '4');
SELECT pg_temp.fx_check(:'fx', 3, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-dependencies}'));
SELECT d AS payload FROM asyncmq_dequeue('fx-14-dependencies') AS d \gset
SELECT pg_temp.fx_check(:'fx', 4, 'returned', :'payload');
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-dependencies}', '{dep-child}'));
-- A flow as FlowProducer.add_flow (atomic_add_flow) wrote it; resolve_dependency called directly,
-- for a parent that is still waiting and for one that is no job at all.
SELECT pg_temp.fx_load(:'fx', 5);
SELECT pg_temp.fx_check(:'fx', 5, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-flow}'));
SELECT asyncmq_resolve_dependency('fx-14-flow', 'flow-parent') AS released;
SELECT pg_temp.fx_check(:'fx', 6, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-flow}'));
SELECT asyncmq_resolve_dependency('fx-14-flow', 'flow-other') AS released;
SELECT pg_temp.fx_check(:'fx', 7, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-14-flow}'));
SELECT asyncmq_resolve_dependency('fx-14-flow', 'flow-other') AS "released again";

-- 17: the mix of rows AsyncMQ wrote (active, cancelled, two waiting, a waiting child, delayed,
-- failed, completed). queue_stats returned waiting 3 (the child included), delayed 1, failed 1;
-- get_job_counts active 1, completed 1, waiting 2 and waiting-children 1.
\set fx `cat test/fixtures/asyncmq-0.9.1/17-queue-stats.json`
SELECT pg_temp.fx_load(:'fx', 0);
SELECT pg_temp.fx_check(:'fx', 0, 'asyncmq_jobs', pg_temp.fx_jobs('{fx-17-stats}'));
SELECT * FROM asyncmq_queue_stats('fx-17-stats');
SELECT pg_temp.fx_check(:'fx', 1, 'returned', (SELECT jsonb_build_object('waiting', waiting, 'delayed', delayed,
                                                                         'failed', failed)
                                               FROM asyncmq_queue_stats('fx-17-stats')));
SELECT pg_temp.fx_same(:'fx', '$.stages[2].returned', '{stages,2,returned}',
                       (SELECT jsonb_build_object('active', active, 'completed', completed, 'delayed', delayed,
                                                  'failed', failed, 'paused', 0, 'prioritized', 0,
                                                  'waiting', waiting - waiting_children,
                                                  'waiting-children', waiting_children)
                        FROM asyncmq_queue_stats('fx-17-stats')));
-- Queue.count() = waiting + delayed + waiting-children, with waiting the children excluded.
SELECT pg_temp.fx_check(:'fx', 3, 'returned', (SELECT to_jsonb(waiting + delayed) FROM asyncmq_queue_stats('fx-17-stats')));
-- A queue without jobs: zeros.
SELECT * FROM asyncmq_queue_stats('fx-17-no-such-queue');

SET client_min_messages = warning;
DROP SCHEMA fixtures_dependencies CASCADE;
