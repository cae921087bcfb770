-- A long value quoted in a message is cut where a character ends, in the database encoding, and
-- ends in "...": the message stays valid text, whether the value was set before the library was
-- loaded (checked where it is used), after (checked by the setting's hook) or at connection
-- start (PGOPTIONS).
\set VERBOSITY default
SELECT set_config('asyncmq.layout', 'x' || repeat('ż', 200), false) IS NOT NULL AS set_before_load;
SELECT asyncmq_layout();
RESET asyncmq.layout;
SELECT asyncmq_layout();
SELECT set_config('asyncmq.layout', 'x' || repeat('ż', 200), false);
SELECT set_config('asyncmq.postgres_jobs_table_name', 'a.b.' || repeat('ż', 200), false);
SELECT set_config('asyncmq.postgres_repeatables_table_name', 'a.b.c' || repeat('ż', 200), false);
SELECT set_config('asyncmq.postgres_cancelled_jobs_table_name', 'a.' || repeat('ż', 30) || '.' || repeat('ż', 200), false);
SELECT set_config('asyncmq.postgres_workers_heartbeat_table_name', '"' || repeat('żółć🐘', 100) || '".x.y', false);
-- An identifier longer than PostgreSQL keeps is refused by its length, not quoted.
SELECT set_config('asyncmq.postgres_jobs_table_name', repeat('ż', 200), false);
SELECT asyncmq_cron_next(repeat('żółć🐘', 87381), '2026-01-01 00:00:00+00');
SELECT asyncmq_cron_next('* * * * ' || repeat('żółć🐘', 100), '2026-01-01 00:00:00+00');
SELECT asyncmq_cron_next('* * * * 1' || repeat('ż', 100), '2026-01-01 00:00:00+00');
SELECT asyncmq_enqueue('q', 'app.t', job_id => repeat('ż', 100) || ':x');
-- A connection whose options (PGOPTIONS) set the value before anything was loaded.
\c -reuse-previous=on "options='-c asyncmq.layout=0.9.żżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżż'"
SELECT asyncmq_layout();
\c -reuse-previous=on "options='-c asyncmq.postgres_jobs_table_name=a.b.żżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżżż'"
SELECT table_name FROM asyncmq_tables();
