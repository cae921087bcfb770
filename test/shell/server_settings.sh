#!/usr/bin/env bash
# Settings from postgresql.conf, with and without shared_preload_libraries.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
# run OPTIONS: the SQL on standard input, against a cluster with these postgresql.conf lines.
run() { ASYNCMQ_PGOPTIONS=$1 test/helpers/with-cluster psql -XAtq 2>&1 | grep -v '^Creating new\|^Dropping cluster'; }

out=$(run "asyncmq.postgres_jobs_table_name=conf_jobs
asyncmq.layout=0.9" <<'SQL'
CREATE EXTENSION asyncmq;
SELECT asyncmq_install();
SELECT kind || ' ' || table_name FROM asyncmq_tables();
SQL
)
expect_eq "postgresql.conf names the tables and the layout" "
jobs public.conf_jobs
repeatables public.asyncmq_repeatables
cancelled_jobs public.asyncmq_cancelled_jobs
workers_heartbeat public.asyncmq_workers_heartbeat
paused_queues public.asyncmq_paused_queues" "$out"

# Preloaded: the prefix is reserved from the start, so a misspelling fails at once.
out=$(run "shared_preload_libraries=asyncmq" <<<"SET asyncmq.layuot = '0.9';")
expect_match "preloaded: a misspelt setting is an error" 'ERROR:  invalid configuration parameter name "asyncmq.layuot"' "$out"

# Preloaded with an invalid value in postgresql.conf: the server starts, and install refuses it.
out=$(run "shared_preload_libraries=asyncmq
asyncmq.postgres_jobs_table_name=jobs; drop" <<'SQL'
CREATE EXTENSION asyncmq;
SELECT asyncmq_install();
SELECT count(*) FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\_registry%';
SQL
)
expect_match "preloaded: an invalid postgresql.conf value is refused by install" \
    'ERROR:  invalid value for parameter "asyncmq.postgres_jobs_table_name": "jobs; drop"' "$out"
expect_eq "preloaded: and nothing was made" "0" "$(tail -n1 <<<"$out")"
