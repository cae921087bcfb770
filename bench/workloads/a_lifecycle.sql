-- (a) One job's lifecycle through the extension's functions. Variables from bench/in-cluster:
-- queue, enqueue (0 in the drain: the backlog is there already).
\set got 0
\if :enqueue
SELECT asyncmq_enqueue(:queue, 'bench.tasks.add', '[1, 2]');
\endif
SELECT j ->> 'id' AS jid, 1 AS got FROM asyncmq_dequeue(:queue) AS j \aset
\if :got
SELECT asyncmq_complete(:queue, :jid, '3');
\endif
