#!/usr/bin/env bash
# pg_asyncmq's command line: --help, --version, and every usage error with exit code 2 and its one
# line on stderr. None of these connects: a DSN pointing at a closed port would give exit 1.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
unset ASYNCMQ_POSTGRES_BACKEND_URL POSTGRES_JOBS_TABLE_NAME ASYNCMQ_LAYOUT

# run ARGS...: sets out, err and rc.
run() {
    local e
    e=$(mktemp)
    out=$(./pg_asyncmq "$@" 2>"$e")
    rc=$?
    err=$(cat "$e")
    rm -f "$e"
}

# usage NAME EXPECTED-STDERR ARGS...: exit 2, nothing on stdout, exactly that line on stderr.
usage() {
    local name=$1 expected=$2
    shift 2
    run "$@"
    expect_eq "usage: $name: exit code 2" 2 "$rc"
    expect_eq "usage: $name: message" "pg_asyncmq: $expected (see pg_asyncmq --help)" "$err"
    expect_eq "usage: $name: nothing on stdout" "" "$out"
}

closed=postgresql://127.0.0.1:1/postgres

run --version
expect_eq "--version prints the version" "pg_asyncmq (asyncmq) 1.1" "$out"
expect_eq "--version exits 0" 0 "$rc"
run -V
expect_eq "-V prints the version" "pg_asyncmq (asyncmq) 1.1" "$out"

run --help
expect_eq "--help exits 0" 0 "$rc"
expect_match "--help shows the commands" '^  pg_asyncmq install \[DSN\] \[OPTION\]\.\.\.' "$out"
expect_match "--help names ASYNCMQ_POSTGRES_BACKEND_URL" 'ASYNCMQ_POSTGRES_BACKEND_URL' "$out"
expect_match "--help names the exit codes" '^Exit status: 0 done, 1 server or connection error, 2 usage error\.$' "$out"
expect_eq "--help prints nothing on stderr" "" "$err"
run status "$closed" --help
expect_eq "--help after a command still helps, without connecting" 0 "$rc"

usage "no command" "no command given; the commands are install, drop and status"
usage "unknown command" 'unknown command "instal"; the commands are install, drop and status' instal "$closed"
usage "unknown flag" 'unknown option "--jobs"' status "$closed" --jobs asyncmq_jobs
usage "flag without its value" "option --layout needs a value" status "$closed" --layout
usage "too many arguments" 'too many arguments: "extra"' status "$closed" extra
usage "DSN twice" "a connection string given both as an argument and with --dsn" status "$closed" --dsn "$closed"
usage "--dsn twice" "--dsn given twice" status --dsn "$closed" -d "$closed"
usage "table flag twice" "--jobs-table given twice" status "$closed" --jobs-table a --jobs-table=b
usage "--option without =" '--option needs key=value, such as connect_timeout=10; got "connect_timeout"' \
    status "$closed" --option connect_timeout
usage "--option with a bad key" '--option "Connect-Timeout=2": "Connect-Timeout" is not a connection option name' \
    status "$closed" -o Connect-Timeout=2

# No DSN at all: the message names both ways to give one. An empty one counts as none, as in AsyncMQ.
no_dsn="no connection string: give one as an argument or with --dsn, or set ASYNCMQ_POSTGRES_BACKEND_URL"
usage "no DSN" "$no_dsn" install
usage "no DSN, an empty argument" "$no_dsn" status ""
run drop
expect_eq "no DSN: drop refuses too" "2 pg_asyncmq: $no_dsn (see pg_asyncmq --help)" "$rc $err"
out=$(ASYNCMQ_POSTGRES_BACKEND_URL= ./pg_asyncmq status 2>&1)
expect_eq "no DSN: an empty ASYNCMQ_POSTGRES_BACKEND_URL counts as unset" \
    "2 pg_asyncmq: $no_dsn (see pg_asyncmq --help)" "$? $out"

# Refused before connecting (these would otherwise fail with exit 1: nothing listens on port 1).
e=$(./pg_asyncmq status "$closed" --option connect_timeout=2 --option sslmod=disable 2>&1)
expect_eq "unknown --option key: refused before connecting, exit 2" \
    "2 pg_asyncmq: unknown connection option \"sslmod\" in --option; libpq knows connect_timeout, sslmode, application_name, options, target_session_attrs and the others in its documentation" \
    "$? $e"
e=$(./pg_asyncmq status "host=127.0.0.1 port" 2>&1)
expect_eq "a conninfo string libpq cannot parse: exit 2" \
    "2 pg_asyncmq: invalid connection string: missing \"=\" after \"port\" in connection info string" "$? $e"
e=$(./pg_asyncmq status "postgresql://127.0.0.1:1/postgres?nosuch=1" 2>&1)
expect_eq "a URI with an unknown parameter: exit 2" \
    "2 pg_asyncmq: invalid connection string: invalid URI query parameter: \"nosuch\"" "$? $e"
e=$(ASYNCMQ_POSTGRES_BACKEND_URL="port=1 bogus=2" ./pg_asyncmq status 2>&1)
expect_eq "a bad DSN from ASYNCMQ_POSTGRES_BACKEND_URL: exit 2" \
    "2 pg_asyncmq: invalid connection string: invalid connection option \"bogus\"" "$? $e"

# make install puts pg_asyncmq next to PostgreSQL's programs, linked with libpq; uninstall removes it.
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
dest=$(mktemp -d)
make -s install DESTDIR="$dest" PG_CONFIG=$PG_CONFIG >/dev/null 2>&1
installed=$dest$($PG_CONFIG --bindir)/pg_asyncmq
expect_eq "make install: pg_asyncmq in pg_config --bindir runs" "pg_asyncmq (asyncmq) 1.1" "$("$installed" --version 2>&1)"
expect_match "pg_asyncmq is linked with libpq" 'NEEDED.*libpq\.so' "$(readelf -d "$installed")"
make -s uninstall DESTDIR="$dest" PG_CONFIG=$PG_CONFIG >/dev/null 2>&1
expect_eq "make uninstall: removes pg_asyncmq" "absent" "$([ -e "$installed" ] && echo present || echo absent)"
rm -rf "$dest"

# make clean removes the program and its objects (in a copy of the tree, to leave this one built).
copy=$(mktemp -d)
git ls-files -z | xargs -0 cp --parents -t "$copy"
make -s -C "$copy" pg_asyncmq PG_CONFIG=$PG_CONFIG >/dev/null 2>&1
built=$(cd "$copy" && ls pg_asyncmq src/cli/*.o 2>/dev/null | wc -l)
make -s -C "$copy" clean PG_CONFIG=$PG_CONFIG >/dev/null 2>&1
expect_eq "make clean: removes pg_asyncmq and src/cli/*.o" "5 0" "$built $(cd "$copy" && ls pg_asyncmq src/cli/*.o 2>/dev/null | wc -l)"
rm -rf "$copy"
