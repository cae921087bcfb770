-- asyncmq 1.0: install and inspect the tables of AsyncMQ's Postgres backend.
\echo Use "CREATE EXTENSION asyncmq" to load this file. \quit

-- The tables are made by these functions, not by this script: they must belong to the role
-- that calls asyncmq_install(), not to the extension, so that AsyncMQ's own DROP TABLE works on
-- them and pg_dump dumps their rows.

CREATE FUNCTION asyncmq_install(drop boolean DEFAULT false)
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_install';

COMMENT ON FUNCTION asyncmq_install(boolean) IS
'make the tables and indexes of AsyncMQ''s Postgres backend named by the asyncmq.* settings, keeping any that exist; with drop => true, drop them';

CREATE FUNCTION asyncmq_tables(
    OUT kind text,
    OUT setting text,
    OUT table_name text,
    OUT present boolean,
    OUT relid regclass,
    OUT problems text[])
RETURNS SETOF record
LANGUAGE C STABLE PARALLEL RESTRICTED SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_tables';

COMMENT ON FUNCTION asyncmq_tables() IS
'the tables of the AsyncMQ layout in force: where they are, whether they exist, and how they fall short of the layout';

CREATE FUNCTION asyncmq_layout()
RETURNS text
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER
AS 'MODULE_PATHNAME', 'asyncmq_layout';

COMMENT ON FUNCTION asyncmq_layout() IS
'the layout (first AsyncMQ release of it) that asyncmq.layout selects: 0.1, 0.2, 0.8 or 0.9';
