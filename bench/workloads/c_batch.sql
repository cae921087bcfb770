-- (c) The bare floor, batched: insert :batch rows, claim up to :batch, delete them.
INSERT INTO floor_jobs (queue, payload)
SELECT :queue, 'bench.tasks.add ' || i FROM generate_series(1, CAST(:batch AS int)) AS i;
WITH claimed AS (
    UPDATE floor_jobs SET claimed_at = now()
    WHERE id IN (SELECT id FROM floor_jobs
                 WHERE queue = :queue AND claimed_at IS NULL
                 ORDER BY id LIMIT CAST(:batch AS int) FOR UPDATE SKIP LOCKED)
    RETURNING id)
SELECT coalesce(array_agg(id), '{}') AS ids FROM claimed \gset
DELETE FROM floor_jobs WHERE id = ANY (CAST(:ids AS bigint[]));
