-- (e) pgmq, one job at a time: send, read one with a 30 s visibility timeout, delete it.
-- Variables from bench/in-cluster: queue, enqueue (0 in the drain: the backlog is there already).
\set got 0
\if :enqueue
SELECT pgmq.send(CAST(:queue AS text), CAST('{"task": "bench.tasks.add", "args": [1, 2]}' AS jsonb));
\endif
SELECT msg_id AS mid, 1 AS got FROM pgmq.read(CAST(:queue AS text), 30, 1) \aset
\if :got
SELECT pgmq.delete(CAST(:queue AS text), CAST(:mid AS bigint));
\endif
