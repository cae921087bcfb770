-- The lifecycle calls on jobs in every state: what each returns for unknown, inactive and
-- cancelled jobs (false or NULL, never an error, as AsyncMQ), and the arguments each refuses.
-- asyncmq.wakeups set before the library is loaded is taken as ours, not as a misspelt setting.
SET asyncmq.wakeups = on;
SET asyncmq.layout = '0.9';
SELECT asyncmq_layout();
SHOW asyncmq.wakeups;
RESET asyncmq.wakeups;
CREATE SCHEMA lifecycle;
SET search_path = lifecycle, public;
SELECT asyncmq_install();

-- Unknown jobs and queues: false, NULL or nothing.
SELECT asyncmq_complete('q', 'nope') AS complete, asyncmq_fail('q', 'nope', 'e') AS fail,
       asyncmq_retry('q', 'nope') AS retry, asyncmq_remove('q', 'nope') AS remove,
       asyncmq_heartbeat('q', 'nope') AS heartbeat, asyncmq_is_cancelled('q', 'nope') AS is_cancelled,
       asyncmq_resolve_dependency('q', 'nope') AS released, asyncmq_is_queue_paused('q') AS paused;
SELECT count(*) AS promoted FROM asyncmq_promote_delayed('q');

-- complete and fail act on active jobs only; a waiting or delayed job is left as it is.
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'w');
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'd', delay => 60);
SELECT asyncmq_complete('q', 'w') AS complete_waiting, asyncmq_fail('q', 'd', 'e') AS fail_delayed;
SELECT job_id, status FROM asyncmq_jobs ORDER BY id;
-- Without a result, data.result is JSON null, as Python's None.
SELECT count(*) FROM asyncmq_dequeue('q');
SELECT asyncmq_complete('q', 'w');
SELECT data->'result' AS result, data->'delay_until' AS delay_until, status FROM asyncmq_jobs WHERE job_id = 'w';
-- fail with a NULL error stores null; max_retries 0 fails at once.
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'f');
SELECT count(*) FROM asyncmq_dequeue('q');
SELECT asyncmq_fail('q', 'f', NULL);
SELECT data->'last_error' AS last_error, data->'retries' AS retries, status FROM asyncmq_jobs WHERE job_id = 'f';

-- asyncmq_complete_many: how many it completed; unknown, inactive and NULL ids are skipped.
SELECT count(*) FROM asyncmq_enqueue_many('batch', '[{"task": "a", "job_id": "b1"}, {"task": "a", "job_id": "b2"},
                                                     {"task": "a", "job_id": "b3"}]');
SELECT count(*) FROM asyncmq_dequeue('batch', 2);
SELECT asyncmq_complete_many('batch', ARRAY['b1', 'b2', 'b3', 'nope', NULL], '{"ok": true}');
SELECT job_id, status, data->'result' AS result FROM asyncmq_jobs WHERE queue_name = 'batch' ORDER BY id;
SELECT asyncmq_complete_many('batch', '{}');
SELECT asyncmq_complete_many('batch', NULL);
\echo :LAST_ERROR_SQLSTATE

-- retry: any job but an active one (which a worker is running) waits again.
SELECT asyncmq_enqueue('r', 'app.t', job_id => 'r1');
SELECT count(*) FROM asyncmq_dequeue('r');
SELECT asyncmq_retry('r', 'r1') AS retry_active;
SELECT asyncmq_complete('r', 'r1', '1');
SELECT asyncmq_retry('r', 'r1') AS retry_completed;
SELECT status, data ? 'result' AS has_result, data ? 'updated_at' AS has_updated_at FROM asyncmq_jobs
WHERE job_id = 'r1';

-- remove: the job and its marker; true when a job was deleted.
SELECT asyncmq_cancel('r', 'r1');
SELECT asyncmq_enqueue('r', 'app.t', job_id => 'r1');
SELECT asyncmq_is_cancelled('r', 'r1');
SELECT asyncmq_remove('r', 'r1') AS removed, asyncmq_is_cancelled('r', 'r1') AS still_marked;
SELECT asyncmq_remove('r', 'r1') AS removed_again;

-- cancel on a finished job: the marker, the row kept.
SELECT asyncmq_cancel('q', 'w');
SELECT status FROM asyncmq_jobs WHERE job_id = 'w';
-- A marked job added again is deleted by the next dequeue, as in AsyncMQ.
SELECT asyncmq_cancel('q', 'again');
SELECT asyncmq_enqueue('q', 'app.t', job_id => 'again');
SELECT count(*) AS dequeued FROM asyncmq_dequeue('q');
SELECT count(*) AS left FROM asyncmq_jobs WHERE job_id = 'again';

-- pause and resume are idempotent; pausing one queue leaves the others alone.
SELECT asyncmq_pause_queue('p'), asyncmq_pause_queue('p');
SELECT asyncmq_enqueue('p', 'app.t', job_id => 'p1'), asyncmq_enqueue('p2', 'app.t', job_id => 'p2');
SELECT count(*) AS from_paused FROM asyncmq_dequeue('p');
SELECT count(*) AS from_other FROM asyncmq_dequeue('p2');
SELECT asyncmq_resume_queue('p'), asyncmq_resume_queue('p');
SELECT count(*) AS after_resume FROM asyncmq_dequeue('p');

-- The NOTIFY channel: asyncmq:<queue>, or an md5 when that would pass PostgreSQL's 63 bytes.
SELECT asyncmq_channel('emails');
SELECT asyncmq_channel(repeat('x', 55)) AS fits;
SELECT asyncmq_channel(repeat('x', 56)) AS hashed, 'asyncmq:md5:' || md5(repeat('x', 56)) AS expected;
SELECT asyncmq_channel(NULL);

-- NULL ids and queues are refused.
SELECT asyncmq_complete('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_fail(NULL, 'x', 'e');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cancel('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_resolve_dependency('q', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_pause_queue('');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM asyncmq_queue_stats(NULL);
\echo :LAST_ERROR_SQLSTATE
-- A heartbeat must be a finite time.
SELECT asyncmq_heartbeat('q', 'w', 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_heartbeat('q', NULL);
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA lifecycle CASCADE;
