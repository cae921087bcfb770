#!/usr/bin/env bash
# Runs every example of README.md's "pg_asyncmq: install from a connection string" section, in
# order, on a throwaway cluster, and compares its output (stdout and stderr) with the text block
# that follows it. The examples' role and database "app" exist here with the cluster's password,
# which PGPASSWORD supplies, as it would for a user who keeps it in ~/.pgpass or PGPASSWORD.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh && . test/shell/cli_lib.sh
cli_in_cluster "$0"
unset ASYNCMQ_POSTGRES_BACKEND_URL POSTGRES_JOBS_TABLE_NAME POSTGRES_REPEATABLES_TABLE_NAME \
    POSTGRES_CANCELLED_JOBS_TABLE_NAME POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME ASYNCMQ_LAYOUT
q -v pw="$PGPASSWORD" <<<"CREATE ROLE app LOGIN PASSWORD :'pw';"
q -c "CREATE DATABASE app OWNER app"

title='## pg_asyncmq: install from a connection string'
section=$(awk -v t="$title" '$0 == t { on = 1; next } on && /^## / { exit } on' README.md)
expect_eq "README has the section \"$title\"" yes "$([ -n "$section" ] && echo yes)"

# The fenced blocks of the section: kinds[i] is the language, bodies[i] the text.
kinds=() bodies=() kind= body=
while IFS= read -r line; do
    if [ -z "$kind" ] && [[ $line == '```'?* ]]; then
        kind=${line#\`\`\`} body=
    elif [ -n "$kind" ] && [ "$line" = '```' ]; then
        kinds+=("$kind") bodies+=("${body%$'\n'}") kind=
    elif [ -n "$kind" ]; then
        body+=$line$'\n'
    fi
done <<<"$section"

# pg_asyncmq on PATH is the one just built, as after make install.
bindir=$(mktemp -d) && ln -s "$PWD/pg_asyncmq" "$bindir/pg_asyncmq"
examples=0
for i in "${!kinds[@]}"; do
    [ "${kinds[$i]}" = sh ] || continue
    examples=$((examples + 1))
    first=$(head -n 1 <<<"${bodies[$i]}")
    if [ "${kinds[$((i + 1))]:-}" != text ]; then
        echo "not ok - README example $examples ($first) is followed by its output"
        continue
    fi
    out=$(cd "$bindir" && PATH=$bindir:$PATH bash -c "${bodies[$i]}" 2>&1)
    expect_eq "README example $examples ($first)" "${bodies[$((i + 1))]}" "$out"
done
rm -rf "$bindir"
expect_eq "README's pg_asyncmq section has its six examples" 6 "$examples"
