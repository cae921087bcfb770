#!/usr/bin/env bash
# AsyncMQ's own Python code against the extension: each program of test/interop runs AsyncMQ's
# Queue, PostgresBackend and worker loop on tables made by asyncmq_install() with layout 0.9, in
# a database of its own, and prints its checks as TAP lines.
#
# AsyncMQ comes from ASYNCMQ_PYTHONPATH; unset, from ../shared/vendor/python (AsyncMQ 0.9.1 and its
# pure-Python dependencies) when that exists, else from wherever the interpreter finds it (pip
# install asyncmq==0.9.1). The interpreter is ASYNCMQ_PYTHON, by default Debian's /usr/bin/python3.
[ -z "${IN_CLUSTER:-}" ] && exec env IN_CLUSTER=1 "$(dirname "$0")/../helpers/with-cluster" bash "$0"
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
python=${ASYNCMQ_PYTHON:-/usr/bin/python3}
# Set, even empty, ASYNCMQ_PYTHONPATH is used as it is: empty means only what the interpreter finds.
pythonpath=${ASYNCMQ_PYTHONPATH-}
if [ -z "${ASYNCMQ_PYTHONPATH+set}" ] && [ -d ../shared/vendor/python ]; then
    pythonpath=$(cd ../shared/vendor/python && pwd)
fi
export PYTHONDONTWRITEBYTECODE=1 # the vendored folder is read-only in CI
# From / and with -P: the repository's asyncmq.so must not be taken for AsyncMQ's package.
if ! found=$(cd / && PYTHONPATH=$pythonpath "$python" -P -c \
    'import asyncmq, asyncpg, croniter; print(asyncmq.__version__, asyncmq.__file__)' 2>&1); then
    echo "not ok - interop: AsyncMQ's Python code cannot be imported"
    printf '%s\n' "$found" | tail -n 3 | sed 's/^/#   /'
    echo "#   Install it with 'pip install asyncmq==0.9.1' (and Debian's python3-asyncpg and python3-croniter),"
    echo "#   or set ASYNCMQ_PYTHONPATH to a folder that holds it (ASYNCMQ_PYTHON names the interpreter)."
    exit 1
fi
echo "# AsyncMQ $found, $("$python" --version)"

# Each program runs on the documented layout and on the fast configuration the README recommends
# (asyncmq.indexes = fast), each in a database copied from one made the way a user makes it.
for config in documented fast; do
    template=interop_template_$config
    label=$([ $config = fast ] && echo "fast: ")
    createdb "$template" && q -c "ALTER DATABASE $template SET asyncmq.indexes = '$config'" &&
        q -d "$template" -c "SET asyncmq.layout = '0.9'" -c "CREATE EXTENSION asyncmq" -c "SELECT asyncmq_install()" \
            >/dev/null
    expect_eq "interop: ${label}asyncmq_install() made the tables of layout 0.9, as AsyncMQ 0.9.1 uses them" \
        "jobs|{}
repeatables|{}
cancelled_jobs|{}
workers_heartbeat|{}
paused_queues|{}" "$(q -d "$template" -c "SET asyncmq.layout = '0.9'" -c "SELECT kind, problems FROM asyncmq_tables()")"
    expect_eq "interop: ${label}the jobs table's indexes" \
        "$([ $config = fast ] && echo "asyncmq_jobs_pkey
asyncmq_jobs_queue_name_job_id_key
idx_asyncmq_jobs_dependants
idx_asyncmq_jobs_dequeue
idx_asyncmq_jobs_status" || echo "asyncmq_jobs_pkey
asyncmq_jobs_queue_name_job_id_key
idx_asyncmq_jobs_delay_until
idx_asyncmq_jobs_queue_name
idx_asyncmq_jobs_status")" \
        "$(q -d "$template" -c "SELECT c FROM (SELECT indexrelid::regclass::text COLLATE \"C\" AS c FROM pg_index WHERE indrelid = 'asyncmq_jobs'::regclass) AS i ORDER BY c")"
    for program in sql_to_asyncmq asyncmq_to_sql twins control stalled; do
        db=interop_${program}_$config
        createdb -T "$template" "$db" && q -c "ALTER DATABASE $db SET asyncmq.layout = '0.9'" \
            -c "ALTER DATABASE $db SET asyncmq.indexes = '$config'" || {
            echo "not ok - $label$program: its database could not be made"
            continue
        }
        out=$(PGDATABASE=$db PYTHONPATH=$pythonpath timeout -k 5 120 "$python" "test/interop/$program.py" 2>&1)
        code=$?
        printf '%s\n' "$out" | sed -E '/^(not )?ok - |^#/!s/^/# /' | sed -E "s/^((not )?ok - )/\1$label/"
        if [ $code -ne 0 ] && ! grep -q '^not ok - ' <<<"$out"; then
            echo "not ok - $label$program exited with code $code$([ $code -eq 124 ] && echo ' (timed out)')"
        fi
    done
done
