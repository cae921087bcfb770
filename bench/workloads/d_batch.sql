-- (d) PgQ, batched: insert :batch events in one statement, tick, take the batch, finish it.
\set got 0
SELECT count(pgq.insert_event('bench_d_' || CAST(:client_id AS text), 'job', '{"task": "bench.tasks.add", "args": [' || i || ', ' || i || ']}'))
FROM generate_series(1, CAST(:batch AS int)) AS i;
SELECT pgq.ticker('bench_d_' || CAST(:client_id AS text));
SELECT b AS pgq_batch, 1 AS got FROM pgq.next_batch('bench_d_' || CAST(:client_id AS text), 'bench') AS b WHERE b IS NOT NULL \aset
\if :got
SELECT count(*) FROM pgq.get_batch_events(CAST(:pgq_batch AS bigint));
SELECT pgq.finish_batch(CAST(:pgq_batch AS bigint));
\endif
