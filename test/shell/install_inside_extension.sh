#!/usr/bin/env bash
# asyncmq_install() refuses to run inside CREATE EXTENSION, where the tables it made would become
# members of that extension. It needs a second extension whose script calls it (test/extension),
# which only a private install has, so this is not a regression test: `make installcheck` stays
# runnable against any server that has asyncmq installed.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
: "${ASYNCMQ_DESTDIR:?run through scripts/test, or set it to a make install DESTDIR}"
cp test/extension/* "$ASYNCMQ_DESTDIR/usr/share/postgresql/15/extension/"

out=$(test/helpers/with-cluster psql -X -q -v VERBOSITY=verbose 2>&1 <<'SQL'
\pset format unaligned
\pset tuples_only on
CREATE EXTENSION asyncmq;
CREATE EXTENSION asyncmq_inside_test;
SELECT 'extensions: ' || string_agg(extname, ',' ORDER BY extname) FROM pg_extension;
SELECT 'tables: ' || count(*) FILTER (WHERE present) FROM asyncmq_tables();
SELECT asyncmq_install();
SELECT 'tables after install: ' || count(*) FILTER (WHERE present) FROM asyncmq_tables();
SQL
)
expect_eq "CREATE EXTENSION of an extension that calls asyncmq_install() is refused with 55000" \
    "ERROR:  55000: asyncmq_install() cannot run inside CREATE EXTENSION or ALTER EXTENSION
DETAIL:  Tables made there would belong to an extension; AsyncMQ's DROP TABLE and pg_dump need them to belong to a role.
HINT:  Call asyncmq_install() after the extension is created." \
    "$(grep -E '^(ERROR|DETAIL|HINT):' <<<"$out")"
expect_eq "the refused CREATE EXTENSION made neither the extension nor a table" \
    "extensions: asyncmq,plpgsql
tables: 0" "$(grep -E '^(extensions|tables):' <<<"$out")"
expect_eq "asyncmq_install() outside CREATE EXTENSION then makes the tables" \
    "tables after install: 3" "$(grep '^tables after install:' <<<"$out")"
