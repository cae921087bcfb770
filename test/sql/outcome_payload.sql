-- AsyncMQ's worker writes each outcome as Job.to_dict() of the payload it took (asyncmq/jobs.py):
-- completion, failure, a retry and expiry write exactly its keys, for one job and a batch.
SET asyncmq.layout = '0.9';
CREATE SCHEMA outcome_payload;
SET search_path = outcome_payload, public;

-- A child that its last parent released has no depends_on key (AsyncMQ's resolve_dependency
-- removes it); to_dict writes depends_on: [].
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

-- A job retried by asyncmq_retry (which removes result, last_error and error_traceback and adds
-- updated_at), with progress, a key of its writer's own and a heartbeat: the outcome has
-- to_dict's keys, the missing ones back, the others gone.
SELECT asyncmq_enqueue('p', 'app.tasks.t', job_id => j) FROM unnest('{c,f,e}'::text[]) AS j;
SELECT count(*) AS taken FROM asyncmq_dequeue('p', 3);
SELECT j, asyncmq_fail('p', j, 'first'), asyncmq_retry('p', j) FROM unnest('{c,f,e}'::text[]) AS j;
UPDATE asyncmq_jobs SET data = data || '{"progress": 50, "mine": true}' WHERE queue_name = 'p';
SELECT count(*) AS taken FROM asyncmq_dequeue('p', 3);
SELECT j, asyncmq_heartbeat('p', j) FROM unnest('{c,f,e}'::text[]) AS j;
SELECT job_id, pg_catalog.array_agg(k ORDER BY k) AS keys
FROM asyncmq_jobs, jsonb_object_keys(data) AS k WHERE queue_name = 'p' AND job_id = 'c' GROUP BY job_id;
SELECT asyncmq_complete('p', 'c', '1') AS c, asyncmq_fail('p', 'f', 'again') AS f, asyncmq_expire('p', 'e') AS e;
SELECT job_id, status, pg_catalog.array_agg(k ORDER BY k) AS keys
FROM asyncmq_jobs, jsonb_object_keys(data) AS k WHERE queue_name = 'p' GROUP BY id, job_id, status ORDER BY id;
SELECT job_id, data->'result' AS result, data->'last_error' AS last_error, data->'last_attempt' = data->'active_since' AS ran
FROM asyncmq_jobs WHERE queue_name = 'p' ORDER BY id;

SELECT asyncmq_install(drop => true);
DROP SCHEMA outcome_payload;
