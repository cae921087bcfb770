#!/usr/bin/env bash
# pg_asyncmq install, drop and status on a throwaway cluster: exact output, each way of giving the
# DSN, --option, the table and layout flags with AsyncMQ's environment variables, and one
# transaction per command.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh && . test/shell/cli_lib.sh
# log_connections: the server log shows each connection's application_name (checked below).
export ASYNCMQ_PGOPTIONS=log_connections=on
cli_in_cluster "$0"
unset ASYNCMQ_POSTGRES_BACKEND_URL POSTGRES_JOBS_TABLE_NAME POSTGRES_REPEATABLES_TABLE_NAME \
    POSTGRES_CANCELLED_JOBS_TABLE_NAME POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME ASYNCMQ_LAYOUT
for db in c1 c2 c3 c4 c5; do q -c "CREATE DATABASE $db"; done

tables_01() { # tables_01 WORD: the three tables of layout 0.1, each followed by WORD
    printf 'table jobs public.asyncmq_jobs %s\ntable repeatables public.asyncmq_repeatables %s\n' "$1" "$1"
    printf 'table cancelled_jobs public.asyncmq_cancelled_jobs %s' "$1"
}

# --- install, status, drop, status ---------------------------------------------------------------
expect_run "install: makes the extension and the three tables" 0 "layout 0.1
$(tables_01 created)
extension asyncmq 1.1 created" "" ./pg_asyncmq install postgresql://localhost/c1
expect_eq "install: the extension is there" "1.1" "$(q -d c1 -c "SELECT extversion FROM pg_extension WHERE extname = 'asyncmq'")"
expect_eq "install: tables belong to the caller, not to the extension (its one table is the registry)" "asyncmq_registry" \
    "$(q -d c1 -c "SELECT string_agg(objid::regclass::text, ' ') FROM pg_depend WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'asyncmq') AND classid = 'pg_class'::regclass")"
expect_run "status: each table present and ok, no jobs, the version" 0 "layout 0.1
$(tables_01 'present ok')
jobs total 0
extension asyncmq 1.1" "" ./pg_asyncmq status "host=localhost dbname=c1"

q -d c1 -c "INSERT INTO asyncmq_jobs (queue_name, job_id, data, status) VALUES
    ('q', '1', '{}', 'waiting'), ('q', '2', '{}', 'waiting'), ('q', '3', '{}', 'completed'),
    ('r', '4', '{}', 'failed'), ('r', '5', '{}', NULL)"
expect_run "install again: keeps every table" 0 "layout 0.1
$(tables_01 kept)
extension asyncmq 1.1" "" ./pg_asyncmq install --dsn postgresql://localhost/c1
expect_run "status: job counts by status, sorted, NULL last" 0 "layout 0.1
$(tables_01 'present ok')
jobs total 5
jobs completed 1
jobs failed 1
jobs waiting 2
jobs (null) 1
extension asyncmq 1.1" "" env ASYNCMQ_POSTGRES_BACKEND_URL=postgresql://localhost/c1 ./pg_asyncmq status

expect_run "drop: drops the three tables" 0 "layout 0.1
$(tables_01 dropped)
extension asyncmq 1.1" "" ./pg_asyncmq drop -d postgresql://localhost/c1
expect_eq "drop: the tables are gone" "0" "$(q -d c1 -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname NOT LIKE 'asyncmq\\_registry%'")"
expect_eq "drop: the extension stays" "1" "$(q -d c1 -c "SELECT count(*) FROM pg_extension WHERE extname = 'asyncmq'")"
expect_run "status after drop: absent, no job counts" 0 "layout 0.1
$(tables_01 absent)
extension asyncmq 1.1" "" ./pg_asyncmq status postgresql://localhost/c1
expect_run "drop again: nothing to drop" 0 "layout 0.1
$(tables_01 absent)
extension asyncmq 1.1" "" ./pg_asyncmq drop postgresql://localhost/c1

# --- each way of giving the DSN (c1 has the extension, no tables) --------------------------------
absent="layout 0.1
$(tables_01 absent)
extension asyncmq 1.1"
expect_run "DSN: URI argument" 0 "$absent" "" ./pg_asyncmq status postgresql://localhost/c1
expect_run "DSN: postgres:// URI" 0 "$absent" "" ./pg_asyncmq status postgres://localhost/c1
expect_run "DSN: conninfo argument" 0 "$absent" "" ./pg_asyncmq status "dbname=c1 host=localhost"
expect_run "DSN: URI with user, password and port" 0 "$absent" "" \
    env -u PGUSER -u PGPASSWORD -u PGPORT ./pg_asyncmq status "postgresql://$PGUSER:$PGPASSWORD@localhost:$PGPORT/c1"
expect_run "DSN: --dsn=" 0 "$absent" "" ./pg_asyncmq status --dsn=dbname=c1
expect_run "DSN: -d before the command" 0 "$absent" "" ./pg_asyncmq -d dbname=c1 status
expect_run "DSN: ASYNCMQ_POSTGRES_BACKEND_URL" 0 "$absent" "" \
    env ASYNCMQ_POSTGRES_BACKEND_URL=postgresql://localhost/c1 ./pg_asyncmq status
expect_run "DSN: the argument wins over ASYNCMQ_POSTGRES_BACKEND_URL" 0 "$absent" "" \
    env ASYNCMQ_POSTGRES_BACKEND_URL=postgresql://localhost/nosuchdb ./pg_asyncmq status dbname=c1
expect_run "DSN: postgresql:// alone takes everything from PG* variables" 0 "$absent" "" \
    env PGDATABASE=c1 ./pg_asyncmq status postgresql://
expect_run "DSN: a word without = is a database name, as in libpq" 0 "$absent" "" ./pg_asyncmq status c1

# --- --option: libpq connection options, which win over the DSN ---------------------------------
expect_run "--option: connect_timeout, sslmode and application_name are accepted" 0 "$absent" "" \
    ./pg_asyncmq status c1 --option connect_timeout=5 --option sslmode=prefer -o application_name=worker
expect_run "--option: wins over what the DSN says (port)" 0 "$absent" "" \
    ./pg_asyncmq status postgresql://localhost:1/c1 --option "port=$PGPORT"
expect_run "--option: options= reaches the server (asyncmq.layout for the session)" 0 "layout 0.2
$(tables_01 absent)
table workers_heartbeat public.asyncmq_workers_heartbeat absent
extension asyncmq 1.1" "" ./pg_asyncmq status c1 --option "options=-c asyncmq.layout=0.2"
# The server logs each connection's application_name (log_connections, set above).
log=${PG_CLUSTER_CONF_ROOT:+${PG_CLUSTER_CONF_ROOT%/postgresql}/log}
log=${log:-/var/log/postgresql}/postgresql-15-regress.log
./pg_asyncmq status c1 -o application_name=worker >/dev/null
./pg_asyncmq status c1 >/dev/null
expect_eq "--option: application_name reaches the server; it is pg_asyncmq by default" \
    "application_name=worker application_name=pg_asyncmq" \
    "$(grep -o 'database=c1 application_name=[a-z_]*' "$log" | tail -n 2 | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//')"

# --- table names and layout: flags, AsyncMQ's variables, the server's settings -------------------
expect_run "names: flags name the tables, quoted and schema-qualified names too" 0 "layout 0.1
table jobs public.\"Odd Jobs\" created
table repeatables side.rep created
table cancelled_jobs public.cancelled created
extension asyncmq 1.1 created" "" \
    bash -c 'psql -Xq -d c2 -c "CREATE SCHEMA side" &&
             ./pg_asyncmq install c2 --jobs-table "\"Odd Jobs\"" --repeatables-table side.rep --cancelled-jobs-table=cancelled'
expect_eq "names: the tables exist under those names" 'Odd Jobs cancelled rep' \
    "$(q -d c2 -c "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relkind = 'r' AND relnamespace::regnamespace::text IN ('public', 'side') AND relname <> 'asyncmq_registry'")"
q -d c2 -c "INSERT INTO \"Odd Jobs\" (queue_name, job_id, data, status) VALUES ('q', '1', '{}', 'delayed')"
odd="layout 0.1
table jobs public.\"Odd Jobs\" present ok
table repeatables side.rep present ok
table cancelled_jobs public.cancelled present ok
jobs total 1
jobs delayed 1
extension asyncmq 1.1"
expect_run "names: AsyncMQ's environment variables" 0 "$odd" "" \
    env 'POSTGRES_JOBS_TABLE_NAME="Odd Jobs"' POSTGRES_REPEATABLES_TABLE_NAME=side.rep \
    POSTGRES_CANCELLED_JOBS_TABLE_NAME=cancelled ./pg_asyncmq status c2
expect_run "names: a flag wins over its variable" 0 "$odd" "" \
    env POSTGRES_JOBS_TABLE_NAME=other POSTGRES_REPEATABLES_TABLE_NAME=side.rep \
    POSTGRES_CANCELLED_JOBS_TABLE_NAME=cancelled ./pg_asyncmq status c2 --jobs-table '"Odd Jobs"'
expect_run "names: an empty variable counts as unset" 0 "layout 0.1
table jobs public.asyncmq_jobs absent
table repeatables public.asyncmq_repeatables absent
table cancelled_jobs public.asyncmq_cancelled_jobs absent
extension asyncmq 1.1" "" env POSTGRES_JOBS_TABLE_NAME= ./pg_asyncmq status c2
q -c "ALTER DATABASE c2 SET asyncmq.postgres_jobs_table_name = '\"Odd Jobs\"'"
q -c "ALTER DATABASE c2 SET asyncmq.postgres_repeatables_table_name = 'side.rep'"
q -c "ALTER DATABASE c2 SET asyncmq.postgres_cancelled_jobs_table_name = 'cancelled'"
expect_run "names: without flag or variable, the server's own settings apply" 0 "$odd" "" ./pg_asyncmq status c2

expect_run "layout: --layout 0.9 makes five tables" 0 "layout 0.9
table jobs public.asyncmq_jobs created
table repeatables public.asyncmq_repeatables created
table cancelled_jobs public.asyncmq_cancelled_jobs created
table workers_heartbeat public.asyncmq_workers_heartbeat created
table paused_queues public.asyncmq_paused_queues created
extension asyncmq 1.1 created" "" ./pg_asyncmq install c3 --layout 0.9
expect_run "layout: ASYNCMQ_LAYOUT, and POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME" 0 "layout 0.8
table jobs public.asyncmq_jobs present ok
table repeatables public.asyncmq_repeatables present ok
table cancelled_jobs public.asyncmq_cancelled_jobs present ok
table workers_heartbeat public.beats absent
jobs total 0
extension asyncmq 1.1" "" env ASYNCMQ_LAYOUT=0.8 POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME=beats ./pg_asyncmq status c3
expect_run "layout: --workers-heartbeat-table" 0 "layout 0.2
$(tables_01 created)
table workers_heartbeat public.beats created
extension asyncmq 1.1" "" ./pg_asyncmq install c1 --layout 0.2 --workers-heartbeat-table beats
expect_run "layout: drop with --workers-heartbeat-table" 0 "layout 0.2
$(tables_01 dropped)
table workers_heartbeat public.beats dropped
extension asyncmq 1.1" "" ./pg_asyncmq drop c1 --layout 0.2 --workers-heartbeat-table beats
expect_run "layout: status shows how a table falls short of another layout" 0 "layout 0.1
table jobs public.asyncmq_jobs present problems: It has no unique key on (job_id), which AsyncMQ 0.1's upserts name in ON CONFLICT.
$(tables_01 'present ok' | tail -n 2)
jobs total 0
extension asyncmq 1.1" "" ./pg_asyncmq status c3 --layout 0.1
expect_run "layout: drop with --layout drops that layout's tables" 0 "layout 0.9
table jobs public.asyncmq_jobs dropped
table repeatables public.asyncmq_repeatables dropped
table cancelled_jobs public.asyncmq_cancelled_jobs dropped
table workers_heartbeat public.asyncmq_workers_heartbeat dropped
table paused_queues public.asyncmq_paused_queues dropped
extension asyncmq 1.1" "" ./pg_asyncmq drop c3 --layout 0.9

# --- one transaction: a failed install leaves nothing behind, not even the extension ------------
q -d c4 -c "CREATE TABLE asyncmq_cancelled_jobs (x int)"
expect_fail "one transaction: install refused by a table that cannot serve" 1 \
    "pg_asyncmq: install: table public.asyncmq_cancelled_jobs cannot serve AsyncMQ layout 0.1 (SQLSTATE 42P16) DETAIL: public.asyncmq_cancelled_jobs: Column queue_name is missing. public.asyncmq_cancelled_jobs: Column job_id is missing." \
    ./pg_asyncmq install c4
expect_eq "one transaction: neither the extension nor any table was made" "0 1" \
    "$(q -d c4 -c "SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'asyncmq') || ' ' || (SELECT count(*) FROM pg_class WHERE relname LIKE 'asyncmq%')")"

# --- concurrent installs into a new database take turns ----------------------------------------
outs=$(mktemp -d)
for i in 1 2 3 4; do
    ./pg_asyncmq install c5 >"$outs/$i.out" 2>"$outs/$i.err" &
done
wait
codes=$(for i in 1 2 3 4; do ./pg_asyncmq install c5 >/dev/null 2>&1; done; cat "$outs"/*.err)
expect_eq "concurrent installs: none fails" "" "$codes"
expect_eq "concurrent installs: one made the extension and the tables, three kept them" "1 3 1 3" \
    "$(cat "$outs"/*.out | grep -c 'extension asyncmq 1.1 created') $(cat "$outs"/*.out | grep -cx 'extension asyncmq 1.1') $(cat "$outs"/*.out | grep -c 'asyncmq_jobs created') $(cat "$outs"/*.out | grep -c 'asyncmq_jobs kept')"
rm -rf "$outs"

# --- a layout is any AsyncMQ release, as for asyncmq.layout ------------------------------------
expect_eq "layout: --layout 0.8.2 is layout 0.8; ASYNCMQ_LAYOUT=latest is the newest" "layout 0.8 layout 0.9" \
    "$(./pg_asyncmq status c5 --layout 0.8.2 | head -n 1) $(ASYNCMQ_LAYOUT=latest ./pg_asyncmq status c5 | head -n 1)"
