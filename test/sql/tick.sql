-- asyncmq_tick(): one pass of the scheduler's tasks on the tables in force. Fired jobs are
-- compared with AsyncMQ 0.9.1's (fixture 25: what its scheduler enqueues, run with job_def
-- decoded); next_run advances as AsyncMQ's compute_next_run does.
SET asyncmq.layout = '0.9';
SET TimeZone = 'UTC';
CREATE SCHEMA tick;
SET search_path = tick, public;
SELECT asyncmq_install();
\set ECHO none
\i test/helpers/compare.sql
\set ECHO all
\set fx `cat test/fixtures/asyncmq-0.9.1/25-repeatable-firing.json`
-- The settings, their defaults and who may change them.
SELECT name, setting, context FROM pg_settings
WHERE name IN ('asyncmq.database_names', 'asyncmq.scan_interval', 'asyncmq.promote_delayed', 'asyncmq.fire_repeatables',
               'asyncmq.enable_stalled_check', 'asyncmq.stalled_threshold', 'asyncmq.stalled_check_interval',
               'asyncmq.retention', 'asyncmq.retention_completed', 'asyncmq.retention_failed',
               'asyncmq.retention_expired', 'asyncmq.retention_workers', 'asyncmq.retention_batch_size')
ORDER BY name;
-- Nothing to do: nothing done.
SELECT * FROM asyncmq_tick();

-- Fixture 25, stage 0: the definition Queue.upsert_repeatable stores, every second.
SELECT asyncmq_upsert_repeatable('fx-25-durable', :'fx'::jsonb #> '{stages,0,tables,asyncmq_repeatables,0,job_def}') > 0 AS upserted;
-- Not due yet: nothing fires.
SELECT fired FROM asyncmq_tick();
-- Due: it fires once, with the job AsyncMQ's scheduler enqueues (stage 4), and next_run is the
-- time of the firing + every, to the microsecond of the returned float.
UPDATE asyncmq_repeatables SET next_run = now() - interval '1 second';
SELECT extract(epoch FROM clock_timestamp()) AS before \gset
SELECT * FROM asyncmq_tick();
SELECT extract(epoch FROM clock_timestamp()) AS after \gset
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY['fx-25-durable']));
SELECT pg_temp.fx_check(:'fx', 4, 'asyncmq_repeatables',
                        (SELECT jsonb_agg(to_jsonb(r)) FROM asyncmq_repeatables AS r WHERE r.queue_name = 'fx-25-durable'));
SELECT extract(epoch FROM next_run) BETWEEN :before + 1 AND :after + 1 AS "next_run = firing + every", paused
FROM asyncmq_repeatables WHERE queue_name = 'fx-25-durable';
-- The job was made now: its created_at lies between the times around the tick.
SELECT (data->>'created_at')::float8 BETWEEN :before AND :after AS "created at the firing"
FROM asyncmq_jobs WHERE queue_name = 'fx-25-durable';
DELETE FROM asyncmq_repeatables;

-- Cron (stages 6 and 9): the job is the same, and next_run is the whole minute after the firing.
SELECT asyncmq_upsert_repeatable('fx-25-durable-cron', :'fx'::jsonb #> '{stages,6,tables,asyncmq_repeatables,0,job_def}') > 0 AS upserted;
UPDATE asyncmq_repeatables SET next_run = now() - interval '1 minute';
SELECT date_trunc('minute', clock_timestamp()) + interval '1 minute' AS first_minute \gset
SELECT fired FROM asyncmq_tick();
SELECT date_trunc('minute', clock_timestamp()) + interval '1 minute' AS last_minute \gset
SELECT pg_temp.fx_check(:'fx', 9, 'asyncmq_jobs', pg_temp.fx_jobs(ARRAY['fx-25-durable-cron']));
SELECT pg_temp.fx_check(:'fx', 9, 'asyncmq_repeatables',
                        (SELECT jsonb_agg(to_jsonb(r)) FROM asyncmq_repeatables AS r WHERE r.queue_name = 'fx-25-durable-cron'));
SELECT next_run IN (:'first_minute'::timestamptz, :'last_minute'::timestamptz) AS "next_run = the next whole minute"
FROM asyncmq_repeatables;
DELETE FROM asyncmq_repeatables;
DELETE FROM asyncmq_jobs;

-- Several queues and definitions: each due, unpaused definition fires once; a paused one and
-- one not yet due do not; next_run of every=3600 is an hour from the firing.
SELECT asyncmq_upsert_repeatable('reports', '{"task_id": "app.hourly", "every": 3600}') > 0,
       asyncmq_upsert_repeatable('reports', '{"task_id": "app.daily", "cron": "0 9 * * *"}') > 0,
       asyncmq_upsert_repeatable('mail', '{"task_id": "app.digest", "every": 60, "retries": 0, "max_retries": 4,
                                           "priority": 0, "ttl": 30.0, "backoff": 1.5}') > 0,
       asyncmq_upsert_repeatable('mail', '{"task_id": "app.paused", "every": 60}') > 0,
       asyncmq_upsert_repeatable('mail', '{"task_id": "app.later", "every": 60}') > 0;
SELECT asyncmq_pause_repeatable('mail', '{"task_id": "app.paused", "every": 60}');
UPDATE asyncmq_repeatables SET next_run = now() - interval '1 second' WHERE job_def->>'task_id' <> 'app.later';
SELECT extract(epoch FROM clock_timestamp()) AS before \gset
SELECT * FROM asyncmq_tick();
SELECT extract(epoch FROM clock_timestamp()) AS after \gset
-- build_repeatable_job: retries 0 is used ("retries" first, max_retries only without it),
-- priority 0 becomes 5 (int(priority or 5)), ttl and backoff as spelt.
SELECT queue_name, status, data->>'task' AS task, data->'max_retries' AS max_retries, data->'priority' AS priority,
       data->'ttl' AS ttl, data->'backoff' AS backoff, data->'retries' AS retries, data->'repeat_every' AS repeat_every
FROM asyncmq_jobs ORDER BY queue_name, task;
SELECT queue_name, job_def->>'task_id' AS task, paused,
       CASE WHEN job_def ? 'every' THEN extract(epoch FROM next_run) - (job_def->>'every')::float8 BETWEEN :before AND :after
            ELSE next_run = asyncmq_cron_next(job_def->>'cron', to_timestamp(:before))
                 OR next_run = asyncmq_cron_next(job_def->>'cron', to_timestamp(:after)) END AS advanced,
       next_run > now() AS in_the_future
FROM asyncmq_repeatables ORDER BY queue_name, task;
-- Again at once: nothing is due.
SELECT fired FROM asyncmq_tick();

-- A definition the scheduler cannot build (a hand-written row with a cron our parser refuses: croniter
-- reads R without giving a schedule) or one without a task_id string is
-- reported and skipped; the queue's other definitions fire. The report comes once a minute.
INSERT INTO asyncmq_repeatables (queue_name, job_def, next_run, paused)
VALUES ('mail', '{"task_id": "app.bad", "cron": "R * * * *"}', now() - interval '1 second', false),
       ('mail', '{"task_id": "app.no_task", "every": 5, "task_id": 7}', now() - interval '1 second', false);
UPDATE asyncmq_repeatables SET next_run = now() - interval '1 second' WHERE job_def->>'task_id' = 'app.later';
SELECT fired FROM asyncmq_tick();
SELECT fired FROM asyncmq_tick();
SELECT job_def->>'task_id' AS task, next_run < now() AS still_due FROM asyncmq_repeatables
WHERE queue_name = 'mail' ORDER BY 1;
SELECT count(*) AS later_jobs FROM asyncmq_jobs WHERE data->>'task' = 'app.later';
-- Turned off, no repeatable fires.
SET asyncmq.fire_repeatables = off;
UPDATE asyncmq_repeatables SET next_run = now() - interval '1 second' WHERE job_def->>'task_id' = 'app.later';
SELECT fired FROM asyncmq_tick();
RESET asyncmq.fire_repeatables;
DELETE FROM asyncmq_repeatables;
DELETE FROM asyncmq_jobs;

-- Promotion in every queue: due delayed jobs wait again, a retry waiting out its backoff too;
-- a job due later stays delayed.
SELECT asyncmq_enqueue('a', 'app.x', job_id => 'a-due', delay => 0);
SELECT asyncmq_enqueue('b', 'app.x', job_id => 'b-due', delay => 0);
SELECT asyncmq_enqueue('b', 'app.x', job_id => 'b-later', delay => 3600);
SELECT asyncmq_enqueue('c', 'app.x', job_id => 'c-retry', max_retries => 1);
SELECT data->>'id' AS id FROM asyncmq_dequeue('c') AS data;
SELECT asyncmq_fail('c', 'c-retry', 'boom');
SELECT * FROM asyncmq_tick();
SELECT queue_name, job_id, status, delay_until, jsonb_typeof(data->'delay_until') AS data_delay_until, data->'retries' AS retries
FROM asyncmq_jobs ORDER BY job_id;
SET asyncmq.promote_delayed = off;
UPDATE asyncmq_jobs SET data = data || '{"delay_until": 1}' WHERE job_id = 'b-later';
SELECT promoted FROM asyncmq_tick();
RESET asyncmq.promote_delayed;
SELECT promoted FROM asyncmq_tick();
DELETE FROM asyncmq_jobs;

-- Stalled recovery is off by default, as in AsyncMQ; on, it puts back the active jobs without a
-- heartbeat for asyncmq.stalled_threshold seconds.
SELECT asyncmq_enqueue('s', 'app.x', job_id => 'stale');
SELECT asyncmq_enqueue('s', 'app.x', job_id => 'fresh');
SELECT count(*) FROM asyncmq_dequeue('s', 2);
SELECT asyncmq_heartbeat('s', 'stale', extract(epoch FROM now())::float8 - 100);
SELECT asyncmq_heartbeat('s', 'fresh', extract(epoch FROM now())::float8 - 10);
SELECT recovered FROM asyncmq_tick();
SET asyncmq.enable_stalled_check = on;
SELECT recovered FROM asyncmq_tick();
SELECT job_id, status FROM asyncmq_jobs ORDER BY job_id;
SET asyncmq.stalled_threshold = 5;
SELECT recovered FROM asyncmq_tick();
SELECT job_id, status FROM asyncmq_jobs ORDER BY job_id;
RESET asyncmq.enable_stalled_check;
RESET asyncmq.stalled_threshold;
DELETE FROM asyncmq_jobs;

-- Retention is off by default; on, it deletes finished jobs older than their status's setting
-- (by last attempt, else creation), markers whose job is gone and worker rows long silent, at
-- most asyncmq.retention_batch_size rows of each kind a pass.
INSERT INTO asyncmq_jobs (queue_name, job_id, status, data) VALUES
  ('r', 'done-old', 'completed', jsonb_build_object('last_attempt', extract(epoch FROM now()) - 8 * 86400, 'created_at', 1.0)),
  ('r', 'done-old-2', 'completed', jsonb_build_object('created_at', extract(epoch FROM now()) - 8 * 86400)),
  ('r', 'done-new', 'completed', jsonb_build_object('last_attempt', extract(epoch FROM now()) - 86400, 'created_at', 1.0)),
  ('r', 'failed-8d', 'failed', jsonb_build_object('last_attempt', extract(epoch FROM now()) - 8 * 86400)),
  ('r', 'failed-31d', 'failed', jsonb_build_object('last_attempt', extract(epoch FROM now()) - 31 * 86400)),
  ('r', 'expired-old', 'expired', jsonb_build_object('created_at', extract(epoch FROM now()) - 8 * 86400)),
  ('r', 'waiting-old', 'waiting', jsonb_build_object('created_at', 1.0)),
  ('r', 'no-times', 'completed', '{"created_at": "yesterday"}');
INSERT INTO asyncmq_cancelled_jobs VALUES ('r', 'gone'), ('r', 'waiting-old');
INSERT INTO asyncmq_workers_heartbeat VALUES ('w-old', '{r}', 1, extract(epoch FROM now()) - 2 * 86400),
                                             ('w-new', '{r}', 1, extract(epoch FROM now()));
SELECT cleaned FROM asyncmq_tick();
SET asyncmq.retention = on;
SET asyncmq.retention_batch_size = 1;
SELECT cleaned FROM asyncmq_tick();
SELECT cleaned FROM asyncmq_tick();
SELECT cleaned FROM asyncmq_tick();
SELECT job_id, status FROM asyncmq_jobs ORDER BY job_id;
SELECT job_id FROM asyncmq_cancelled_jobs;
SELECT worker_id FROM asyncmq_workers_heartbeat;
-- -1 keeps a status's jobs.
SET asyncmq.retention_completed = -1;
SET asyncmq.retention_expired = 0;
UPDATE asyncmq_jobs SET data = jsonb_build_object('last_attempt', extract(epoch FROM now()) - 1) WHERE job_id = 'done-new';
INSERT INTO asyncmq_jobs (queue_name, job_id, status, data)
VALUES ('r', 'expired-now', 'expired', jsonb_build_object('created_at', extract(epoch FROM now()) - 1));
SELECT cleaned FROM asyncmq_tick();
SELECT job_id, status FROM asyncmq_jobs ORDER BY job_id;
RESET asyncmq.retention;
RESET asyncmq.retention_batch_size;
RESET asyncmq.retention_completed;
RESET asyncmq.retention_expired;

-- The tables in force must exist, as for every job function.
SET asyncmq.postgres_jobs_table_name = 'missing_jobs';
SELECT * FROM asyncmq_tick();
RESET asyncmq.postgres_jobs_table_name;
DISCARD TEMP;
SELECT asyncmq_install(drop => true);
RESET search_path;
DROP SCHEMA tick;
