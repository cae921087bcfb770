-- A child that its last parent released has no depends_on key (AsyncMQ's resolve_dependency
-- removes it), but AsyncMQ's worker writes each outcome as Job.to_dict(), which has
-- depends_on: [] (asyncmq/jobs.py): completion, failure, a retry and expiry write it back, for
-- one job and a batch.
SET asyncmq.layout = '0.9';
CREATE SCHEMA outcome_after_release;
SET search_path = outcome_after_release, public;
SELECT asyncmq_install();

SELECT asyncmq_enqueue('q', 'app.tasks.parent', job_id => 'parent');
SELECT asyncmq_enqueue('q', 'app.tasks.child', job_id => c, depends_on => '{parent}',
                       max_retries => m, ttl => t)
FROM (VALUES ('done', 0, NULL), ('many', 0, NULL), ('retried', 1, NULL), ('failed', 0, NULL),
             ('expired', 0, 0)) AS v(c, m, t);
SELECT count(*) AS taken FROM asyncmq_dequeue('q');
SELECT asyncmq_complete('q', 'parent');
SELECT job_id, status, data ? 'depends_on' AS has_depends_on FROM asyncmq_jobs ORDER BY id;
SELECT count(*) AS taken FROM asyncmq_dequeue('q', 5);
SELECT asyncmq_complete('q', 'done', '1') AS done,
       asyncmq_complete_many('q', '{many}', '2') AS many,
       asyncmq_fail('q', 'retried', 'transient') AS retried,
       asyncmq_fail('q', 'failed', 'fatal') AS failed,
       asyncmq_expire('q', 'expired') AS expired;
SELECT job_id, status, data->'depends_on' AS depends_on FROM asyncmq_jobs ORDER BY id;

SELECT asyncmq_install(drop => true);
DROP SCHEMA outcome_after_release;
