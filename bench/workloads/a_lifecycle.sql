-- (a) One job's lifecycle through the extension's functions. Variables from bench/run: queue.
\set got 0
SELECT asyncmq_enqueue(:queue, 'bench.tasks.add', '[1, 2]');
SELECT j ->> 'id' AS jid, 1 AS got FROM asyncmq_dequeue(:queue) AS j \aset
\if :got
SELECT asyncmq_complete(:queue, :jid, '3');
\endif
