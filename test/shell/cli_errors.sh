#!/usr/bin/env bash
# pg_asyncmq's failures on a throwaway cluster: each prints one line on stderr and exits 1 (server
# or connection) or 2 (usage). Wrong password, unreachable host (bounded by connect_timeout),
# missing database, roles without CREATE, bad table names and layouts, no extension in the database.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh && . test/shell/cli_lib.sh
cli_in_cluster "$0"
unset ASYNCMQ_POSTGRES_BACKEND_URL POSTGRES_JOBS_TABLE_NAME POSTGRES_REPEATABLES_TABLE_NAME \
    POSTGRES_CANCELLED_JOBS_TABLE_NAME POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME ASYNCMQ_LAYOUT
q -c "CREATE DATABASE e1" -c "CREATE DATABASE e2" -c "CREATE ROLE app LOGIN PASSWORD 'app-pw'"
# Over TCP to 127.0.0.1, where pg_virtualenv's pg_hba.conf asks for a password (scram-sha-256).
tcp=127.0.0.1

# --- connection ------------------------------------------------------------------------------------
at="connection to server at \"$tcp\", port $PGPORT failed:"
expect_run "wrong password (PGPASSWORD)" 1 "" \
    "pg_asyncmq: status: could not connect: $at FATAL:  password authentication failed for user \"$PGUSER\"" \
    env PGPASSWORD=wrong ./pg_asyncmq status "host=$tcp dbname=e1"
expect_run "wrong password in the URI" 1 "" \
    "pg_asyncmq: install: could not connect: $at FATAL:  password authentication failed for user \"app\"" \
    ./pg_asyncmq install "postgresql://app:wrong@$tcp/e1"
expect_run "database that does not exist" 1 "" \
    "pg_asyncmq: status: could not connect: $at FATAL:  database \"nosuchdb\" does not exist" \
    ./pg_asyncmq status "postgresql://$tcp/nosuchdb"
expect_run "role that does not exist" 1 "" \
    "pg_asyncmq: drop: could not connect: $at FATAL:  password authentication failed for user \"nobody\"" \
    ./pg_asyncmq drop "postgresql://nobody@$tcp/e1"

# Nothing listens on port 1: refused at once.
start=$(date +%s)
expect_run "closed port: connection refused" 1 "" \
    "pg_asyncmq: status: could not connect: connection to server at \"127.0.0.1\", port 1 failed: Connection refused Is the server running on that host and accepting TCP/IP connections?" \
    ./pg_asyncmq status "host=127.0.0.1 port=1 dbname=e1" --option connect_timeout=2
expect_eq "closed port: fails within connect_timeout" yes "$([ $(($(date +%s) - start)) -le 3 ] && echo yes)"

# A port that accepts connections and never answers: connect_timeout ends the wait.
portfile=$(mktemp)
perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 5) or die "listen: $!";
    print $s->sockport, "\n"; close STDOUT; sleep 60' >"$portfile" &
silent=$!
for _ in $(seq 50); do [ -s "$portfile" ] && break; sleep 0.1; done
port=$(cat "$portfile")
start=$(date +%s)
expect_run "silent server: timeout expired" 1 "" \
    "pg_asyncmq: status: could not connect: connection to server at \"127.0.0.1\", port $port failed: timeout expired" \
    ./pg_asyncmq status "postgresql://127.0.0.1:$port/e1" --option connect_timeout=2
elapsed=$(($(date +%s) - start))
expect_eq "silent server: gives up after connect_timeout=2 (2 to 4 seconds, took $elapsed)" yes \
    "$([ $elapsed -ge 1 ] && [ $elapsed -le 4 ] && echo yes)"
kill "$silent" 2>/dev/null
wait "$silent" 2>/dev/null
rm -f "$portfile"

# --- privileges ----------------------------------------------------------------------------------
expect_fail "role without CREATE on the database: cannot create the extension" 1 \
    "pg_asyncmq: install: permission denied to create extension \"asyncmq\" (SQLSTATE 42501)" \
    ./pg_asyncmq install "postgresql://app:app-pw@$tcp/e1"
expect_eq "role without CREATE on the database: nothing was made" 0 \
    "$(q -d e1 -c "SELECT count(*) FROM pg_extension WHERE extname = 'asyncmq'")"
q -d e1 -c "CREATE EXTENSION asyncmq"
expect_fail "role without CREATE on schema public: cannot make the tables" 1 \
    "pg_asyncmq: install: permission denied for schema public (SQLSTATE 42501) DETAIL: asyncmq_install() would make public.asyncmq_jobs there as role app." \
    ./pg_asyncmq install "postgresql://app:app-pw@$tcp/e1"
expect_run "role without CREATE: status still works" 0 "layout 0.1
table jobs public.asyncmq_jobs absent
table repeatables public.asyncmq_repeatables absent
table cancelled_jobs public.asyncmq_cancelled_jobs absent
extension asyncmq 1.1" "" ./pg_asyncmq status "postgresql://app:app-pw@$tcp/e1"
q -d e1 -c "GRANT CREATE ON SCHEMA public TO app"
expect_run "role granted CREATE on the schema: install works" 0 "layout 0.1
table jobs public.asyncmq_jobs created
table repeatables public.asyncmq_repeatables created
table cancelled_jobs public.asyncmq_cancelled_jobs created
extension asyncmq 1.1" "" ./pg_asyncmq install "postgresql://app:app-pw@$tcp/e1"

# --- no extension in the database ----------------------------------------------------------------
expect_run "status without the extension in the database" 1 "" \
    "pg_asyncmq: status: extension \"asyncmq\" is not installed in database \"e2\" HINT: Run pg_asyncmq install to create it and the tables." \
    ./pg_asyncmq status e2
expect_run "drop without the extension in the database" 1 "" \
    "pg_asyncmq: drop: extension \"asyncmq\" is not installed in database \"e2\" HINT: Run pg_asyncmq install to create it and the tables." \
    ./pg_asyncmq drop e2

# --- bad table names and layouts: refused by the server, as parameters -------------------------
expect_fail "bad table name: reserved keyword (--jobs-table)" 1 \
    "pg_asyncmq: status: invalid value for parameter \"asyncmq.postgres_jobs_table_name\": \"select\" (SQLSTATE 22023) DETAIL: \"select\" is a reserved SQL keyword; write it in double quotes to use it as a name." \
    ./pg_asyncmq status e1 --jobs-table select
expect_fail "bad table name: unclosed quote (POSTGRES_REPEATABLES_TABLE_NAME)" 1 \
    "pg_asyncmq: install: invalid value for parameter \"asyncmq.postgres_repeatables_table_name\": \"\"unclosed\" (SQLSTATE 22023) DETAIL: A double quote is not closed." \
    env 'POSTGRES_REPEATABLES_TABLE_NAME="unclosed' ./pg_asyncmq install e1
expect_fail "bad table name: SQL in a name is a name, refused, never run" 1 \
    "pg_asyncmq: drop: invalid value for parameter \"asyncmq.postgres_jobs_table_name\": \"asyncmq_jobs; DROP TABLE asyncmq_repeatables\" (SQLSTATE 22023) DETAIL: \";\" cannot stand in an SQL name here; write the name in double quotes to use it." \
    ./pg_asyncmq drop e1 --jobs-table "asyncmq_jobs; DROP TABLE asyncmq_repeatables"
expect_fail "bad table name: empty --cancelled-jobs-table" 1 \
    "pg_asyncmq: install: invalid value for parameter \"asyncmq.postgres_cancelled_jobs_table_name\": \"\" (SQLSTATE 22023) DETAIL: The name is empty." \
    ./pg_asyncmq install e1 --cancelled-jobs-table ""
expect_fail "bad table name: a schema that does not exist" 1 \
    "pg_asyncmq: install: schema \"nosuch\" does not exist (SQLSTATE 3F000) DETAIL: asyncmq.postgres_jobs_table_name is \"nosuch.jobs\"." \
    ./pg_asyncmq install e1 --jobs-table nosuch.jobs
expect_fail "bad layout (ASYNCMQ_LAYOUT)" 1 \
    "pg_asyncmq: status: invalid value for parameter \"asyncmq.layout\": \"0.0\" (SQLSTATE 22023) DETAIL: AsyncMQ has a Postgres backend from release 0.1 on." \
    env ASYNCMQ_LAYOUT=0.0 ./pg_asyncmq status e1
expect_eq "bad names changed nothing: the tables are still there" "3" \
    "$(q -d e1 -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'asyncmq%' AND relname <> 'asyncmq_registry' AND relkind = 'r'")"
