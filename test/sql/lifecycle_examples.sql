-- Every example of README.md's job lifecycle section, in the order it shows them (test/shell/readme.sh
-- checks that each example there is here, verbatim).
SET asyncmq.layout = '0.9';
CREATE SCHEMA lifecycle_examples;
SET search_path = lifecycle_examples, public;
SELECT asyncmq_install();

SELECT asyncmq_enqueue('emails', 'app.tasks.send_welcome', '["ada@example.com"]', job_id => 'welcome-ada');

SELECT data->>'id' AS id, data->>'task' AS task, data->'args' AS args
FROM asyncmq_dequeue('emails') AS data;

SELECT asyncmq_complete('emails', 'welcome-ada', '{"sent": true}');

SELECT asyncmq_enqueue('reports', 'app.tasks.build', '[2026]', '{"format": "pdf"}',
                       job_id => 'report-2026', priority => 1, max_retries => 3, backoff => 2.0,
                       ttl => 3600, delay => 60);

SELECT asyncmq_enqueue('dashboards', 'app.tasks.refresh', job_id => 'refresh-1',
                       deduplication => '{"id": "refresh-sales", "ttl": 60}');
SELECT asyncmq_enqueue('dashboards', 'app.tasks.refresh', deduplication => '{"id": "refresh-sales", "ttl": 60}');

SELECT asyncmq_enqueue('mail', 'app.tasks.digest', '[1]', job_id => 'digest-1', delay => 3600,
                       deduplication => '{"id": "digest-ada", "replace": true}');
SELECT asyncmq_enqueue('mail', 'app.tasks.digest', '[2]', job_id => 'digest-2',
                       deduplication => '{"id": "digest-ada", "replace": true}');
SELECT asyncmq_enqueue('mail', 'app.tasks.digest', '[3]', job_id => 'digest-3',
                       deduplication => '{"id": "digest-ada", "replace": true}');
SELECT job_id, status, data->'args' AS args, data->'deduplication'->>'mode' AS mode FROM asyncmq_jobs
WHERE queue_name = 'mail' ORDER BY id;

SELECT asyncmq_enqueue('search', 'app.tasks.reindex', '["doc-7", 1]', job_id => 'reindex-1', delay => 5,
                       deduplication => '{"id": "reindex-doc-7", "replace": true, "ttl": 60}');
SELECT asyncmq_enqueue('search', 'app.tasks.reindex', '["doc-7", 2]', job_id => 'reindex-2', delay => 5,
                       deduplication => '{"id": "reindex-doc-7", "replace": true, "ttl": 60}');
SELECT asyncmq_enqueue('search', 'app.tasks.reindex', '["doc-7", 3]', job_id => 'reindex-3', delay => 5,
                       deduplication => '{"id": "reindex-doc-7", "replace": true, "ttl": 60}');
SELECT job_id, status, data->'args' AS args FROM asyncmq_jobs WHERE queue_name = 'search';

SELECT asyncmq_enqueue('pager', 'app.tasks.page', '["disk full"]', job_id => 'alert-1',
                       deduplication => '{"id": "disk-db1", "ttl": 600, "extend": true}');
SELECT asyncmq_enqueue('pager', 'app.tasks.page', '["disk full"]', job_id => 'alert-2',
                       deduplication => '{"id": "disk-db1", "ttl": 600, "extend": true}');
SELECT job_id, (data->'deduplication'->>'expires_at')::numeric > (data->>'created_at')::numeric + 600 AS renewed
FROM asyncmq_jobs WHERE queue_name = 'pager' ORDER BY id;

SELECT asyncmq_enqueue('dashboards', 'app.tasks.poll_feeds', job_id => 'poll-feeds', repeat_every => 300);

SELECT * FROM asyncmq_enqueue_many('emails', '[
  {"task": "app.tasks.send", "args": ["a@example.com"], "job_id": "mail-a"},
  {"task": "app.tasks.send", "args": ["b@example.com"], "job_id": "mail-b", "priority": 1}
]');

SELECT data->>'id' AS id FROM asyncmq_dequeue('emails', 10) AS data;

SELECT asyncmq_complete_many('emails', ARRAY['mail-a', 'mail-b'], '{"sent": true}');

SELECT asyncmq_enqueue('cleanup', 'app.tasks.purge', job_id => 'purge-1');
SELECT count(*) FROM asyncmq_dequeue('cleanup');
SELECT asyncmq_complete('cleanup', 'purge-1');
SELECT asyncmq_ack('cleanup', 'purge-1') AS deleted;

SELECT asyncmq_enqueue('images', 'app.tasks.resize', job_id => 'resize-1', max_retries => 2, backoff => 1.5);
SELECT count(*) FROM asyncmq_dequeue('images');
SELECT asyncmq_fail('images', 'resize-1', 'Traceback (most recent call last): ... OSError: disk full');

SELECT asyncmq_enqueue('thumbnails', 'app.tasks.thumbnail', job_id => 'thumb-1', ttl => 0);
SELECT asyncmq_expire('thumbnails', data->>'id') AS expired
FROM asyncmq_dequeue('thumbnails') AS data
WHERE asyncmq_ttl_expired(data);

SELECT asyncmq_enqueue('imports', 'app.tasks.load', job_id => 'import-2');
SELECT asyncmq_move_to_dlq('imports', 'import-2');

SELECT asyncmq_cancel('images', 'resize-1'), asyncmq_is_cancelled('images', 'resize-1');

SELECT asyncmq_enqueue('imports', 'app.tasks.load', job_id => 'import-1');
SELECT count(*) FROM asyncmq_dequeue('imports');
SELECT asyncmq_fail('imports', 'import-1', 'bad file');
SELECT asyncmq_retry('imports', 'import-1');

SELECT asyncmq_remove('imports', 'import-1');

SELECT asyncmq_pause_queue('imports');
SELECT asyncmq_is_queue_paused('imports');
SELECT asyncmq_resume_queue('imports');

SELECT asyncmq_enqueue('videos', 'app.tasks.encode', job_id => 'encode-1');
SELECT count(*) FROM asyncmq_dequeue('videos');
SELECT asyncmq_heartbeat('videos', 'encode-1');

SELECT asyncmq_register_worker('sql-worker-1', 'emails', 4);
SELECT worker_id, queue, concurrency FROM asyncmq_list_workers();
SELECT asyncmq_deregister_worker('sql-worker-1');

SELECT data->>'id' AS id FROM asyncmq_promote_delayed('reports') AS data;

SELECT asyncmq_enqueue('reminders', 'app.tasks.remind', job_id => 'remind-1', delay => 0);
SELECT data->>'id' AS id, data->>'status' AS status FROM asyncmq_pop_due_delayed('reminders') AS data;

SELECT job_id, payload->>'task' AS task FROM asyncmq_list_delayed('reports');

SELECT queue_name, job->>'id' AS id FROM asyncmq_recover_stalled('5 minutes');

-- The next runs these return depend on the clock: not shown.
\o /dev/null
SELECT asyncmq_upsert_repeatable('reports', '{"task_id": "app.tasks.daily_report", "cron": "0 9 * * *",
                                               "args": [], "kwargs": {}, "retries": 0, "priority": 5}');
SELECT asyncmq_upsert_repeatable('reports', '{"task_id": "app.tasks.ping", "every": 60}');
\o

SELECT asyncmq_pause_repeatable('reports', '{"task_id": "app.tasks.ping", "every": 60}');
SELECT job_def->>'task_id' AS task, paused FROM asyncmq_list_repeatables('reports') ORDER BY task;
SELECT asyncmq_resume_repeatable('reports', '{"task_id": "app.tasks.ping", "every": 60}') > 0 AS resumed;

SELECT asyncmq_cron_next('*/5 * * * *', '2026-11-25 12:45:54+00') AT TIME ZONE 'UTC' AS every_five_minutes,
       asyncmq_cron_next('0 9 * * 1-5', '2026-11-27 10:00:00+00') AT TIME ZONE 'UTC' AS weekdays_at_nine;

SELECT * FROM asyncmq_queue_stats('reports');

SELECT asyncmq_enqueue('builds', 'app.tasks.compile', job_id => 'compile');
SELECT asyncmq_enqueue('builds', 'app.tasks.package', job_id => 'package', depends_on => '{compile}');
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds', 10) AS data;
SELECT asyncmq_complete('builds', 'compile');
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds', 10) AS data;

SELECT asyncmq_resolve_dependency('builds', 'compile');

SELECT asyncmq_channel('emails');

LISTEN "asyncmq:emails";

SET client_min_messages = warning;
DROP SCHEMA lifecycle_examples CASCADE;
