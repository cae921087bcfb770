-- Every example of docs/lifecycle.md, in the order it shows them (test/shell/lifecycle_docs.sh
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

SELECT * FROM asyncmq_enqueue_many('emails', '[
  {"task": "app.tasks.send", "args": ["a@example.com"], "job_id": "mail-a"},
  {"task": "app.tasks.send", "args": ["b@example.com"], "job_id": "mail-b", "priority": 1}
]');

SELECT data->>'id' AS id FROM asyncmq_dequeue('emails', 10) AS data;

SELECT asyncmq_complete_many('emails', ARRAY['mail-a', 'mail-b'], '{"sent": true}');

SELECT asyncmq_enqueue('images', 'app.tasks.resize', job_id => 'resize-1', max_retries => 2, backoff => 1.5);
SELECT count(*) FROM asyncmq_dequeue('images');
SELECT asyncmq_fail('images', 'resize-1', 'Traceback (most recent call last): ... OSError: disk full');

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

SELECT data->>'id' AS id FROM asyncmq_promote_delayed('reports') AS data;

SELECT queue_name, job->>'id' AS id FROM asyncmq_recover_stalled('5 minutes');

SELECT * FROM asyncmq_queue_stats('reports');

SELECT asyncmq_enqueue('builds', 'app.tasks.compile', job_id => 'compile');
SELECT asyncmq_enqueue('builds', 'app.tasks.package', job_id => 'package', depends_on => '{compile}');
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds', 10) AS data;
SELECT asyncmq_complete('builds', 'compile');
SELECT data->>'id' AS id FROM asyncmq_dequeue('builds', 10) AS data;

SELECT asyncmq_resolve_dependency('builds', 'compile');

SELECT asyncmq_channel('emails');

LISTEN "asyncmq:emails";

CREATE INDEX asyncmq_jobs_depends_on ON asyncmq_jobs USING gin ((data->'depends_on'));

SET client_min_messages = warning;
DROP SCHEMA lifecycle_examples CASCADE;
