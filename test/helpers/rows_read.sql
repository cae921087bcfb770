\set ECHO none
-- Included by the tests that count what a call reads: pg_temp.rows_read() is the number of rows
-- of asyncmq_jobs (found through search_path) this transaction read, by sequential scans, by
-- bitmap scans (counted on the table) and by index scans (counted on each index).
CREATE FUNCTION pg_temp.rows_read() RETURNS bigint LANGUAGE sql AS $$
    SELECT pg_stat_get_xact_tuples_returned('asyncmq_jobs'::regclass)
           + pg_stat_get_xact_tuples_fetched('asyncmq_jobs'::regclass)
           + (SELECT sum(pg_stat_get_xact_tuples_fetched(i.indexrelid))
              FROM pg_index AS i WHERE i.indrelid = 'asyncmq_jobs'::regclass)
$$;
\set ECHO all
