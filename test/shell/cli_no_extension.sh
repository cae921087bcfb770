#!/usr/bin/env bash
# pg_asyncmq against a server that does not have the asyncmq extension: the error says how to
# install it. The system's PostgreSQL 15 may have asyncmq installed (scripts/demo does that), so
# this runs a server from a private copy of PostgreSQL's binaries, whose share directory links to
# the system's files except asyncmq's: PostgreSQL finds its share directory relative to its binary.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh && . test/shell/cli_lib.sh
unset ASYNCMQ_POSTGRES_BACKEND_URL POSTGRES_JOBS_TABLE_NAME ASYNCMQ_LAYOUT PGSERVICE PGHOSTADDR
bin=/usr/lib/postgresql/15/bin
share=/usr/share/postgresql/15

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

tmp=$(mktemp -d /tmp/asyncmq-noext.XXXXXX)
chmod 755 "$tmp"
prefix=$tmp/usr
cleanup() {
    as_postgres "$prefix/lib/postgresql/15/bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$prefix/lib/postgresql/15/bin" "$prefix/share/postgresql/15/extension" "$tmp/data" "$tmp/socket" "$tmp/log"
cp "$bin/postgres" "$bin/initdb" "$bin/pg_ctl" "$prefix/lib/postgresql/15/bin/"
ln -s /usr/lib/postgresql/15/lib "$prefix/lib/postgresql/15/lib"
for f in "$share"/*; do
    [ "$(basename "$f")" = extension ] || ln -s "$f" "$prefix/share/postgresql/15/"
done
for f in "$share"/extension/*; do
    case $(basename "$f") in asyncmq*) ;; *) ln -s "$f" "$prefix/share/postgresql/15/extension/" ;; esac
done
[ "$(id -u)" = 0 ] && chown postgres "$tmp/data" "$tmp/socket" "$tmp/log"

export PGHOST=$tmp/socket PGPORT=5999 PGUSER=postgres PGDATABASE=postgres
if ! as_postgres "$prefix/lib/postgresql/15/bin/initdb" -D "$tmp/data" -U postgres --auth=trust --no-sync \
    >"$tmp/initdb.log" 2>&1 ||
    ! as_postgres "$prefix/lib/postgresql/15/bin/pg_ctl" -D "$tmp/data" -l "$tmp/log/server.log" -w start \
        -o "-c listen_addresses= -k $tmp/socket -p $PGPORT" >/dev/null 2>&1; then
    cat "$tmp/initdb.log" "$tmp/log/server.log" 2>/dev/null | sed 's/^/# /'
    echo "not ok - a server without asyncmq could not be started"
    exit 1
fi
expect_eq "the private server does not have asyncmq" "0" \
    "$(q -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'asyncmq'")"

hint="HINT: Install asyncmq on the database server's machine (make install in the asyncmq source tree, as root), then run pg_asyncmq install again."
# The server's own message differs between PostgreSQL 15 minor releases ("could not open extension
# control file ...", 58P01; or 'extension "asyncmq" is not available', 0A000, from 15.14 on); the
# hint is pg_asyncmq's.
err=$(./pg_asyncmq install postgresql:// 2>&1 >/dev/null)
rc=$?
expect_eq "extension not available: install exits 1" 1 "$rc"
expect_eq "extension not available: one line on stderr" 1 "$(printf '%s\n' "$err" | wc -l)"
ok="no: $err"
[[ $err == "pg_asyncmq: install: "* && $err == *"$prefix/share/postgresql/15/extension/asyncmq.control"* &&
    $err == *" (SQLSTATE "?????")"* && $err == *" $hint" ]] && ok=yes
expect_eq "extension not available: the server's message, its SQLSTATE, and how to install asyncmq" yes "$ok"
expect_run "extension not available: status says so, with the same hint" 1 "" \
    "pg_asyncmq: status: extension \"asyncmq\" is not installed in database \"postgres\" $hint" \
    ./pg_asyncmq status "dbname=postgres"
expect_run "extension not available: drop too" 1 "" \
    "pg_asyncmq: drop: extension \"asyncmq\" is not installed in database \"postgres\" $hint" \
    ./pg_asyncmq drop postgres
