-- asyncmq_install() with every setting at its default makes exactly what the user's document
-- (seed/postgres-backend.txt) describes: the same tables, columns, types, nullability, defaults,
-- keys and index names, owned by the caller, no extension members, and nothing else.
\set SHOW_CONTEXT never
\i test/helpers/describe.sql
CREATE SCHEMA seed;
CREATE SCHEMA ours;

-- The document's install SQL, verbatim, with the default table names.
SET search_path = seed;
CREATE TABLE IF NOT EXISTS asyncmq_jobs (
  id SERIAL PRIMARY KEY,
  queue_name TEXT NOT NULL,
  job_id TEXT NOT NULL UNIQUE,
  data JSONB NOT NULL,
  status TEXT,
  delay_until DOUBLE PRECISION,
  created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(),
  updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW()
);

-- For repeatable jobs
CREATE TABLE IF NOT EXISTS asyncmq_repeatables (
  queue_name TEXT NOT NULL,
  job_def JSONB NOT NULL,
  next_run TIMESTAMPTZ NOT NULL,
  paused BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY(queue_name, job_def)
);

-- For cancellations
CREATE TABLE IF NOT EXISTS asyncmq_cancelled_jobs (
  queue_name TEXT NOT NULL,
  job_id TEXT NOT NULL,
  PRIMARY KEY(queue_name, job_id)
);

-- Indexes for efficient lookups
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_queue_name ON asyncmq_jobs(queue_name);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_status ON asyncmq_jobs(status);
CREATE INDEX IF NOT EXISTS idx_asyncmq_jobs_delay_until ON asyncmq_jobs(delay_until);

-- The extension, with every setting at its default. It says nothing (no NOTICE).
SET search_path = ours, public;
SELECT asyncmq_install();
RESET search_path;

-- No line differs.
SELECT * FROM pg_temp.compare('seed', 'ours');
-- What was made, in full.
SELECT pg_temp.describe('ours');

-- A second run changes nothing and says nothing.
SET search_path = ours, public;
SELECT asyncmq_install();
RESET search_path;
SELECT * FROM pg_temp.compare('seed', 'ours');

-- Every function of the extension runs with the caller's rights.
SELECT p.proname FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND p.prosecdef;

-- AsyncMQ's own drop SQL (the document's, verbatim) works on the extension's tables.
SET search_path = ours, public;
DROP TABLE IF EXISTS asyncmq_jobs;
DROP TABLE IF EXISTS asyncmq_repeatables;
DROP TABLE IF EXISTS asyncmq_cancelled_jobs;

DROP INDEX IF EXISTS idx_asyncmq_jobs_queue_name;
DROP INDEX IF EXISTS idx_asyncmq_jobs_status;
DROP INDEX IF EXISTS idx_asyncmq_jobs_delay_until;
RESET search_path;
SELECT count(*) AS left_in_ours FROM pg_temp.describe('ours');

DROP SCHEMA seed CASCADE;
DROP SCHEMA ours;
