-- (c) The bare floor: insert a row; claim one with SKIP LOCKED (a committed claim, so a crashed
-- worker's job is not lost); delete it. Variables from bench/run: queue.
\set got 0
INSERT INTO floor_jobs (queue, payload) VALUES (:queue, 'bench.tasks.add 1 2');
UPDATE floor_jobs SET claimed_at = now()
WHERE id = (SELECT id FROM floor_jobs
            WHERE queue = :queue AND claimed_at IS NULL
            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id AS fid, 1 AS got \aset
\if :got
DELETE FROM floor_jobs WHERE id = :fid;
\endif
