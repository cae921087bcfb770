#!/usr/bin/env bash
# The extension's scheduler with AsyncMQ's own worker (test/interop/scheduler.py): a cluster that
# preloads asyncmq and runs a scheduler in the program's database, once on the documented indexes
# and once with asyncmq.indexes = fast and the scheduler's vacuum at every dead row, so that
# AsyncMQ's worker runs beside it. AsyncMQ is found as test/shell/interop.sh finds it.
[ -z "${IN_CLUSTER:-}" ] && exec env IN_CLUSTER=1 ASYNCMQ_PGOPTIONS="shared_preload_libraries=asyncmq
asyncmq.database_names=interop_scheduler_documented,interop_scheduler_fast" "$(dirname "$0")/../helpers/with-cluster" bash "$0"
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
python=${ASYNCMQ_PYTHON:-/usr/bin/python3}
pythonpath=${ASYNCMQ_PYTHONPATH-}
if [ -z "${ASYNCMQ_PYTHONPATH+set}" ] && [ -d ../shared/vendor/python ]; then
    pythonpath=$(cd ../shared/vendor/python && pwd)
fi
export PYTHONDONTWRITEBYTECODE=1
if ! (cd / && PYTHONPATH=$pythonpath "$python" -P -c 'import asyncmq, asyncpg, croniter' >/dev/null 2>&1); then
    echo "not ok - interop_scheduler: AsyncMQ's Python code cannot be imported (see test/shell/interop.sh)"
    exit 1
fi
for config in documented fast; do
    db=interop_scheduler_$config
    label=$([ $config = fast ] && echo "fast: ")
    createdb "$db" && q -c "ALTER DATABASE $db SET asyncmq.layout = '0.9'" &&
        q -c "ALTER DATABASE $db SET asyncmq.indexes = '$config'" &&
        q -c "ALTER DATABASE $db SET asyncmq.vacuum_dead_rows = $([ $config = fast ] && echo 1 || echo 0)" &&
        q -d "$db" -c "CREATE EXTENSION asyncmq" -c "SELECT asyncmq_install()" >/dev/null
    for _ in $(seq 100); do # the launcher looks for new databases every five seconds
        [ "$(q -d "$db" -c "SELECT count(*) FROM asyncmq_scheduler_status() WHERE pid IS NOT NULL")" = 1 ] && break
        sleep 0.1
    done
    expect_eq "interop_scheduler: ${label}a scheduler serves the program's database" "1" \
        "$(q -d "$db" -c "SELECT count(*) FROM asyncmq_scheduler_status() WHERE pid IS NOT NULL")"
    expect_eq "interop_scheduler: ${label}the jobs table has the dequeue index or not, as asyncmq.indexes says" \
        "$([ $config = fast ] && echo 1 || echo 0)" \
        "$(q -d "$db" -c "SELECT count(*) FROM pg_class WHERE relname = 'idx_asyncmq_jobs_dequeue'")"
    out=$(PGDATABASE=$db PYTHONPATH=$pythonpath timeout -k 5 120 "$python" test/interop/scheduler.py 2>&1)
    code=$?
    printf '%s\n' "$out" | sed -E '/^(not )?ok - |^#/!s/^/# /' | sed -E "s/^((not )?ok - )/\1$label/"
    if [ $code -ne 0 ] && ! grep -q '^not ok - ' <<<"$out"; then
        echo "not ok - ${label}scheduler.py exited with code $code$([ $code -eq 124 ] && echo ' (timed out)')"
    fi
    expect_eq "interop_scheduler: ${label}the scheduler vacuumed the jobs table during the program, or not, as asyncmq.vacuum_dead_rows says" \
        "$([ $config = fast ] && echo t || echo f)" \
        "$(q -d "$db" -c "SELECT vacuum_count > 0 FROM pg_stat_user_tables WHERE relname = 'asyncmq_jobs'")"
done
