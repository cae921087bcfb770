-- A row written by hand with a time that is not a number stops nothing: recovery of stalled jobs
-- and promotion of delayed ones skip it and go on with the other rows.
SET asyncmq.layout = '0.9';
CREATE SCHEMA bad_rows;
SET search_path = bad_rows, public;
SELECT asyncmq_install();

INSERT INTO asyncmq_jobs (queue_name, job_id, data, status) VALUES
  ('a', 'odd-active', '{"id": "odd-active", "status": "active", "active_since": "yesterday"}', 'active'),
  ('b', 'old-active', '{"id": "old-active", "status": "active", "active_since": 1}', 'active'),
  ('a', 'odd-delayed', '{"id": "odd-delayed", "status": "delayed", "delay_until": "soon"}', 'delayed'),
  ('a', 'due-delayed', '{"id": "due-delayed", "status": "delayed", "delay_until": 1}', 'delayed'),
  ('c', 'odd-popped', '{"id": "odd-popped", "status": "delayed", "delay_until": null}', 'delayed'),
  ('c', 'due-popped', '{"id": "due-popped", "status": "delayed", "delay_until": 2}', 'delayed');

SELECT queue_name, job->>'id' AS id, job->>'status' AS status FROM asyncmq_recover_stalled('0 seconds');
SELECT job->>'id' AS id, job->>'status' AS status FROM asyncmq_promote_delayed('a') AS p(job);
SELECT job->>'id' AS id FROM asyncmq_pop_due_delayed('c') AS p(job);
SELECT queue_name, job_id, status, data->>'status' AS data_status FROM asyncmq_jobs ORDER BY job_id;

SELECT asyncmq_install(drop => true);
DROP SCHEMA bad_rows;
