-- (e) pgmq, batched: send_batch of :batch messages, read up to :batch with a 30 s visibility
-- timeout, delete them by their ids in one call. Variables from bench/in-cluster: queue, batch,
-- enqueue (0 in the drain).
\if :enqueue
SELECT count(*)
FROM pgmq.send_batch(CAST(:queue AS text),
    (SELECT array_agg(jsonb_build_object('task', 'bench.tasks.add', 'args', jsonb_build_array(i, i)))
     FROM generate_series(1, CAST(:batch AS int)) AS i));
\endif
SELECT coalesce(array_agg(msg_id), '{}') AS ids FROM pgmq.read(CAST(:queue AS text), 30, CAST(:batch AS int)) \gset
SELECT count(*) FROM pgmq.delete(CAST(:queue AS text), CAST(:ids AS bigint[]));
