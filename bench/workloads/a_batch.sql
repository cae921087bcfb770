-- (a) Batched lifecycle: enqueue :batch jobs in one call, dequeue up to :batch, complete them
-- in one call. Variables from bench/in-cluster: queue, batch, enqueue (0 in the drain).
\if :enqueue
SELECT count(*)
FROM asyncmq_enqueue_many(:queue,
    (SELECT jsonb_agg(jsonb_build_object('task', 'bench.tasks.add', 'args', jsonb_build_array(i, i)))
     FROM generate_series(1, CAST(:batch AS int)) AS i));
\endif
SELECT coalesce(array_agg(j ->> 'id'), '{}') AS ids
FROM asyncmq_dequeue(:queue, CAST(:batch AS int)) AS j \gset
SELECT asyncmq_complete_many(:queue, CAST(:ids AS text[]), '3');
