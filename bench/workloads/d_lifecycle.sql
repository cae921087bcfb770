-- (d) PgQ: insert an event, tick, take the batch, read its events, finish it. A PgQ consumer
-- hands out one batch at a time, so each client has its own queue (bench_d_<client>) with
-- ticker_max_count 1, so that a tick follows every event. Each step commits on its own.
\set got 0
SELECT pgq.insert_event('bench_d_' || CAST(:client_id AS text), 'job', '{"task": "bench.tasks.add", "args": [1, 2]}');
SELECT pgq.ticker('bench_d_' || CAST(:client_id AS text));
SELECT b AS pgq_batch, 1 AS got FROM pgq.next_batch('bench_d_' || CAST(:client_id AS text), 'bench') AS b WHERE b IS NOT NULL \aset
\if :got
SELECT count(*) FROM pgq.get_batch_events(CAST(:pgq_batch AS bigint));
SELECT pgq.finish_batch(CAST(:pgq_batch AS bigint));
\endif
