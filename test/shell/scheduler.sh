#!/usr/bin/env bash
# The scheduler at work: a cluster with shared_preload_libraries = asyncmq, whose launcher runs a
# scheduler in each database of asyncmq.database_names.
[ -z "${IN_CLUSTER:-}" ] && exec env IN_CLUSTER=1 ASYNCMQ_PGOPTIONS="shared_preload_libraries=asyncmq
asyncmq.database_names=s1" "$(dirname "$0")/../helpers/with-cluster" bash "$0"
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
scheduler_pid() { q -d s1 -c "SELECT pid FROM asyncmq_scheduler_status() WHERE database_name = '$1'"; }

createdb s1
q -d s1 -c "CREATE EXTENSION asyncmq" -c "ALTER DATABASE s1 SET asyncmq.layout = '0.9'" >/dev/null
q -d s1 -c "SELECT asyncmq_install()" >/dev/null
poll "the launcher starts a scheduler for s1" "asyncmq launcher|asyncmq launcher
asyncmq scheduler|asyncmq scheduler" s1 \
    "SELECT backend_type, application_name FROM pg_stat_activity WHERE backend_type LIKE 'asyncmq%' ORDER BY 1"
expect_match "pg_stat_activity says what the scheduler does" "^waiting [0-9.]+ s for the next tick$" \
    "$(q -d s1 -c "SELECT query FROM pg_stat_activity WHERE backend_type = 'asyncmq scheduler'")"
expect_match "and what the launcher does" "^serving 1 of 1 databases$" \
    "$(q -d s1 -c "SELECT query FROM pg_stat_activity WHERE backend_type = 'asyncmq launcher'")"

# A repeatable fires on its own, with the job AsyncMQ's scheduler builds; a retry is promoted
# once its backoff (none here) is over; the counts show in asyncmq_scheduler_status().
q -d s1 -c "SELECT asyncmq_upsert_repeatable('reports', '{\"task_id\": \"app.report\", \"every\": 3600, \"retries\": 2}')" >/dev/null
q -d s1 -c "UPDATE asyncmq_repeatables SET next_run = now()"
poll "a due repeatable fires" "reports|waiting|app.report|2" s1 \
    "SELECT queue_name, status, data->>'task', data->>'max_retries' FROM asyncmq_jobs"
q -d s1 -c "SELECT asyncmq_enqueue('mail', 'app.send', job_id => 'retry-me', max_retries => 1)" \
    -c "SELECT count(*) FROM asyncmq_dequeue('mail')" -c "SELECT asyncmq_fail('mail', 'retry-me', 'boom')" >/dev/null
poll "a retry is promoted" "waiting|1" s1 "SELECT status, data->>'retries' FROM asyncmq_jobs WHERE job_id = 'retry-me'"
poll "the status counts what it did" "s1|t|1|1" s1 \
    "SELECT database_name, pid IS NOT NULL, fired, promoted FROM asyncmq_scheduler_status()"

# A cancel interrupts at most one statement: the same scheduler goes on ticking.
pid=$(scheduler_pid s1)
ticks=$(q -d s1 -c "SELECT ticks FROM asyncmq_scheduler_status()")
q -d s1 -c "SELECT pg_cancel_backend($pid)" >/dev/null
poll "pg_cancel_backend: the scheduler goes on" "$pid|t" s1 \
    "SELECT pid, ticks > $ticks + 1 FROM asyncmq_scheduler_status()"
# Terminated, it is started again.
q -d s1 -c "SELECT pg_terminate_backend($pid)" >/dev/null
poll "pg_terminate_backend: a new scheduler is started" "t" s1 \
    "SELECT pid IS NOT NULL AND pid <> $pid FROM asyncmq_scheduler_status()"

# A set whose owner lost its rights fails alone: the other set goes on firing, the failure is
# logged once a minute and shown in the status.
q -d s1 <<'SQL' >/dev/null
CREATE ROLE alice;
CREATE ROLE bob;
CREATE SCHEMA a AUTHORIZATION alice;
CREATE SCHEMA b;
GRANT USAGE, CREATE ON SCHEMA b TO bob;
SET ROLE alice;
SET asyncmq.layout = '0.1';
SET asyncmq.postgres_jobs_table_name = 'a.jobs';
SET asyncmq.postgres_repeatables_table_name = 'a.reps';
SET asyncmq.postgres_cancelled_jobs_table_name = 'a.cancelled';
SELECT asyncmq_install();
SELECT asyncmq_upsert_repeatable('ping', '{"task_id": "app.ping", "every": 0.2}');
RESET ROLE;
SET ROLE bob;
SET asyncmq.layout = '0.1';
SET asyncmq.postgres_jobs_table_name = 'b.jobs';
SET asyncmq.postgres_repeatables_table_name = 'b.reps';
SET asyncmq.postgres_cancelled_jobs_table_name = 'b.cancelled';
SELECT asyncmq_install();
SELECT asyncmq_upsert_repeatable('ping', '{"task_id": "app.ping", "every": 0.2}');
RESET ROLE;
SQL
poll "both sets fire, each as its owner" "a|alice|t
b|bob|t" s1 "SELECT 'a', (SELECT tableowner FROM pg_tables WHERE schemaname = 'a' AND tablename = 'jobs'),
                    count(*) > 0 FROM a.jobs
             UNION ALL SELECT 'b', (SELECT tableowner FROM pg_tables WHERE schemaname = 'b' AND tablename = 'jobs'),
                    count(*) > 0 FROM b.jobs"
q -d s1 -c "REVOKE USAGE, CREATE ON SCHEMA b FROM bob"
sleep 0.5
before=$(q -d s1 -c "SELECT count(*) FROM a.jobs")
stalled=$(q -d s1 -c "SELECT count(*) FROM b.jobs")
sleep 1.5
expect_eq "the other set is still served; the failing one is not (never with more rights than its owner)" "t|$stalled" \
    "$(q -d s1 -c "SELECT count(*) > $before FROM a.jobs" -c "SELECT count(*) FROM b.jobs" | paste -sd'|')"
expect_match "the status shows the failure" "^(fire repeatables|promote delayed jobs|looking for the next due time) on b\.jobs(: | failed: )permission denied for schema b" \
    "$(q -d s1 -c "SELECT last_error FROM asyncmq_scheduler_status()")"
expect_eq "the failure is logged once a minute, not at every tick" "1" \
    "$(server_log | grep -c 'asyncmq scheduler: fire repeatables on b.jobs failed: permission denied for schema b')"

# A reload adds a database and removes one.
createdb s2
q -d s2 -c "CREATE EXTENSION asyncmq" -c "SELECT asyncmq_install()" >/dev/null
q -c "ALTER SYSTEM SET asyncmq.database_names = 's1', 's2'" -c "SELECT pg_reload_conf()" >/dev/null
poll "reload: a scheduler starts for the added database" "s1|t
s2|t" s1 "SELECT database_name, pid IS NOT NULL FROM asyncmq_scheduler_status() ORDER BY 1"
q -d s2 -c "SELECT asyncmq_upsert_repeatable('q', '{\"task_id\": \"app.t\", \"every\": 3600}')" \
    -c "UPDATE asyncmq_repeatables SET next_run = now()" >/dev/null
poll "and it serves it" "1" s2 "SELECT count(*) FROM asyncmq_jobs"

# A commit that makes a delayed job wakes the scheduler at once, however long its interval: each
# job below falls due in 0.5 s and is promoted within the poll's 10 s, not after 600.
waits_long="SELECT query ~ '^waiting (59[0-9]|600)[.]' FROM pg_stat_activity WHERE backend_type = 'asyncmq scheduler' AND datname = 's2'"
q -c "ALTER SYSTEM SET asyncmq.scan_interval = 600" -c "SELECT pg_reload_conf()" >/dev/null
poll "asyncmq.scan_interval = 600: the scheduler waits 600 s" "t" s2 "$waits_long"
q -d s2 -c "SELECT asyncmq_enqueue('later', 'app.t', job_id => 'one', delay => 0.5)" >/dev/null
poll "a delayed job enqueued wakes it: promoted when due" "waiting" s2 \
    "SELECT status FROM asyncmq_jobs WHERE job_id = 'one'"
poll "then it waits 600 s again" "t" s2 "$waits_long"
q -d s2 -c "SELECT count(*) FROM asyncmq_enqueue_many('later', '[{\"task\": \"app.t\", \"delay\": 0.5}]')" >/dev/null
poll "so does a delayed job of a plain asyncmq_enqueue_many batch" "waiting" s2 \
    "SELECT status FROM asyncmq_jobs WHERE queue_name = 'later' AND job_id <> 'one'"
q -c "ALTER SYSTEM RESET asyncmq.scan_interval" -c "SELECT pg_reload_conf()" >/dev/null
q -c "ALTER SYSTEM SET asyncmq.database_names = 's2'" -c "SELECT pg_reload_conf()" >/dev/null
poll "reload: the scheduler of the removed database stops" "s1|stopped|f
s2|waiting|t" s1 "SELECT database_name, split_part(state, ' ', 1), pid IS NOT NULL FROM asyncmq_scheduler_status() ORDER BY 1"

# DROP DATABASE with a scheduler connected: it goes through at once, and nothing starts again.
start=$(date +%s%N)
out=$(q -c "DROP DATABASE s2" 2>&1)
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_eq "DROP DATABASE goes through with a scheduler connected" "" "$out"
expect_eq "in less than five seconds (PostgreSQL's own wait for other sessions)" "t" "$([ "$elapsed" -lt 5000 ] && echo t || echo "f: ${elapsed} ms")"
sleep 1.5
expect_eq "no scheduler is left or started for it" "asyncmq launcher" \
    "$(q -c "SELECT backend_type FROM pg_stat_activity WHERE backend_type LIKE 'asyncmq%'")"
expect_eq "and asyncmq_scheduler_status() forgets it" "s1|stopped" \
    "$(q -d s1 -c "SELECT database_name, state FROM asyncmq_scheduler_status()")"
