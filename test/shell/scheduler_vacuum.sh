#!/usr/bin/env bash
# The scheduler's vacuum (asyncmq.vacuum_dead_rows): a registered jobs table is vacuumed once it
# has gathered that many dead row versions since the last vacuum, never at every tick over dead
# rows a snapshot still holds, and only when the role that registered it may vacuum it.
# Autovacuum is off, so that every vacuum counted is the scheduler's.
[ -z "${IN_CLUSTER:-}" ] && exec env IN_CLUSTER=1 ASYNCMQ_PGOPTIONS="shared_preload_libraries=asyncmq
asyncmq.database_names=v
asyncmq.scan_interval=0.1
autovacuum=off" "$(dirname "$0")/../helpers/with-cluster" bash "$0"
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
# dead TABLE N: N dead row versions in the table (enqueued, then deleted).
dead() {
    q -d v -c "SET asyncmq.postgres_jobs_table_name = '$1'" -c "SET asyncmq.layout = '0.9'" \
        -c "SELECT count(*) FROM asyncmq_enqueue_many('q', (SELECT jsonb_agg(jsonb_build_object('task', 'app.t')) FROM generate_series(1, $2)))" \
        -c "DELETE FROM $1 WHERE status = 'waiting'" >/dev/null
}
vacuums() { q -d v -c "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relid = '$1'::regclass"; }
# own_set ROLE: a role, a schema of its (named by the role's first letter: not "$user", which
# would come first on search_path) and a table set there that it installed.
own_set() {
    local schema=${1:0:1}
    q -d v <<SQL >/dev/null
CREATE ROLE $1;
CREATE SCHEMA $schema AUTHORIZATION $1;
SET ROLE $1;
SET asyncmq.postgres_jobs_table_name = '$schema.jobs';
SET asyncmq.postgres_repeatables_table_name = '$schema.reps';
SET asyncmq.postgres_cancelled_jobs_table_name = '$schema.cancelled';
SET asyncmq.postgres_workers_heartbeat_table_name = '$schema.workers';
SELECT asyncmq_install();
RESET ROLE;
SQL
}
ticks_pass() { # waits for three more ticks of the scheduler
    local t
    t=$(q -d v -c "SELECT ticks FROM asyncmq_scheduler_status()")
    poll "$1" t v "SELECT ticks >= $t + 3 FROM asyncmq_scheduler_status()"
}

createdb v
q -d v -c "CREATE EXTENSION asyncmq" -c "ALTER DATABASE v SET asyncmq.layout = '0.9'" >/dev/null
q -d v -c "SELECT asyncmq_install()" >/dev/null
poll "a scheduler serves v" "t" v "SELECT pid IS NOT NULL FROM asyncmq_scheduler_status()"

dead asyncmq_jobs 1500
ticks_pass "off by default: ticks pass"
expect_eq "and the dead rows are left to autovacuum" "0|1500" "$(vacuums asyncmq_jobs)"

q -c "ALTER SYSTEM SET asyncmq.vacuum_dead_rows = 1000" -c "SELECT pg_reload_conf()" >/dev/null
poll "over the threshold: the scheduler vacuums the jobs table" "1|0" v "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'asyncmq_jobs'"
dead asyncmq_jobs 900
ticks_pass "below the threshold since that vacuum: ticks pass"
expect_eq "and it does not vacuum" "1|900" "$(vacuums asyncmq_jobs)"
dead asyncmq_jobs 100
poll "at the threshold it does" "2|0" v "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'asyncmq_jobs'"

# Dead rows that a snapshot still sees survive the vacuum; the scheduler waits for a threshold's
# worth more instead of vacuuming them again at every tick.
q -d v -c "BEGIN ISOLATION LEVEL REPEATABLE READ" -c "SELECT count(*) FROM asyncmq_jobs" -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
poll "a snapshot is held" "1" v "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
dead asyncmq_jobs 1000
poll "the vacuum runs, and cannot remove what the snapshot sees" "3|1000" v "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'asyncmq_jobs'"
ticks_pass "ticks pass"
expect_eq "without another vacuum" "3|1000" "$(vacuums asyncmq_jobs)"
q -d v -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'" >/dev/null
wait $holder
dead asyncmq_jobs 1000
poll "a threshold's worth more: the next vacuum removes them all" "4|0" v "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'asyncmq_jobs'"

# A set whose registering role no longer owns the jobs table: the vacuum fails alone, once a
# minute in the log and in the status, and the scheduler goes on with the other sets.
own_set carol
q -d v -c "ALTER TABLE c.jobs OWNER TO CURRENT_USER" -c "GRANT ALL ON c.jobs TO carol" >/dev/null
dead c.jobs 1000
poll "not the owner: the status says why it does not vacuum" \
    "vacuum on c.jobs: must be the owner of table c.jobs or of the database to vacuum it" v \
    "SELECT last_error FROM asyncmq_scheduler_status()"
dead asyncmq_jobs 1000
poll "the other set is vacuumed still" "5|0" v "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'asyncmq_jobs'"
expect_eq "the refused one is not" "0|1000" "$(vacuums c.jobs)"
expect_eq "the failure is logged once a minute, with its hint" "1
1" "$(server_log | grep -c 'asyncmq scheduler: vacuum on c.jobs failed: must be the owner of table c.jobs or of the database to vacuum it'
    server_log | grep -c 'HINT:  Register the tables as their owner, or set asyncmq.vacuum_dead_rows to 0 for the role that registered them. The scheduler goes on')"

# A cancel in the middle of a vacuum (slowed down by vacuum_cost_delay) ends that vacuum alone:
# the scheduler is again the role it was, so it still sees and serves every set, and vacuums the
# table at a later tick.
own_set dave
q -c "ALTER SYSTEM SET vacuum_cost_delay = 100" -c "ALTER SYSTEM SET vacuum_cost_limit = 1" -c "SELECT pg_reload_conf()" >/dev/null
ticks_pass "the scheduler reads the slow vacuum settings at its next tick"
dead d.jobs 1000
poll "a slow vacuum of dave's table is under way" "vacuuming d.jobs" v "SELECT state FROM asyncmq_scheduler_status()"
# The settings go back first: the scheduler reads them at its next tick, not inside a vacuum.
q -c "ALTER SYSTEM RESET vacuum_cost_delay" -c "ALTER SYSTEM RESET vacuum_cost_limit" -c "SELECT pg_reload_conf()" >/dev/null
q -d v -c "SELECT pg_cancel_backend(pid) FROM asyncmq_scheduler_status()" >/dev/null
for _ in $(seq 100); do
    server_log | grep -q 'vacuum on d.jobs failed: canceling statement due to user request' && break
    sleep 0.1
done
expect_eq "a cancel ends it, and the log says so" 1 \
    "$(server_log | grep -c 'asyncmq scheduler: vacuum on d.jobs failed: canceling statement due to user request')"
q -d v -c "SELECT asyncmq_upsert_repeatable('after', '{\"task_id\": \"app.t\", \"every\": 3600}')" \
    -c "UPDATE asyncmq_repeatables SET next_run = now()" >/dev/null
poll "the scheduler serves the superuser's set again" "1" v "SELECT count(*) FROM asyncmq_jobs WHERE queue_name = 'after'"
poll "and vacuums dave's table at a later tick" "1|0" v "SELECT vacuum_count || '|' || n_dead_tup FROM pg_stat_user_tables WHERE relid = 'd.jobs'::regclass"
