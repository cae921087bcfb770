-- A row whose status column is NULL (the documented layout allows it: status TEXT) is a job in no
-- state: the lifecycle calls treat it as they treat a status they do not know, and none fails.
SET asyncmq.layout = '0.9';
CREATE SCHEMA null_status;
SET search_path = null_status, public;
SELECT asyncmq_install();
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
VALUES ('hr', 'nullstatus', '{"id": "nullstatus", "status": null}', NULL),
       ('hr', 'odd', '{"id": "odd", "status": "odd"}', 'odd');

-- Not active: not completed, failed or expired; not waiting: not dequeued; no heartbeat to judge by.
SELECT asyncmq_complete('hr', 'nullstatus', '{}') AS complete, asyncmq_fail('hr', 'nullstatus', 'x') AS fail,
       asyncmq_expire('hr', 'nullstatus') AS expire;
SELECT asyncmq_complete('hr', 'odd', '{}') AS complete, asyncmq_fail('hr', 'odd', 'x') AS fail,
       asyncmq_expire('hr', 'odd') AS expire;
SELECT asyncmq_complete_many('hr', ARRAY['nullstatus', 'odd']) AS completed;
SELECT count(*) AS dequeued FROM asyncmq_dequeue('hr', 5);
SELECT count(*) AS promoted FROM asyncmq_promote_delayed('hr');
SELECT count(*) AS recovered FROM asyncmq_recover_stalled('0 seconds');
SELECT * FROM asyncmq_queue_stats('hr');
SELECT job_id, status, data FROM asyncmq_jobs ORDER BY id;

-- Cancelling writes the marker; a job in no state keeps its row, as an active one would, and the
-- next call that finds the marker deletes it, as it deletes a cancelled job.
SELECT asyncmq_cancel('hr', 'nullstatus') AS cancel_null, asyncmq_cancel('hr', 'odd') AS cancel_odd;
SELECT job_id, status, data FROM asyncmq_jobs ORDER BY id;
SELECT queue_name, job_id FROM asyncmq_cancelled_jobs ORDER BY job_id;
SELECT asyncmq_complete('hr', 'nullstatus') AS complete, asyncmq_expire('hr', 'odd') AS expire;
SELECT count(*) AS jobs_left FROM asyncmq_jobs;

-- retry takes any job that is not active, this one too; a heartbeat is written whatever the status.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status) VALUES ('hr', 'again', '{"id": "again"}', NULL);
SELECT asyncmq_heartbeat('hr', 'again', 5) AS heartbeat, asyncmq_retry('hr', 'again') AS retry;
SELECT job_id, status, data - 'updated_at' AS data FROM asyncmq_jobs ORDER BY id;

SELECT asyncmq_install(drop => true);
DROP SCHEMA null_status;
