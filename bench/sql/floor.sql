-- (c) The bare floor: the least a durable queue needs. No JSON: a row, a claim, a delete.
CREATE TABLE floor_jobs (
    id bigserial PRIMARY KEY,
    queue text NOT NULL,
    payload text NOT NULL,
    claimed_at timestamptz
);
CREATE INDEX floor_jobs_unclaimed ON floor_jobs (queue, id) WHERE claimed_at IS NULL;
