#!/usr/bin/env bash
# The tables belong to the role, not the extension: pg_dump dumps them with their rows, and a
# restore into a fresh database brings the jobs back.
[ -z "${IN_CLUSTER:-}" ] && exec env IN_CLUSTER=1 "$(dirname "$0")/../helpers/with-cluster" bash "$0"
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
q -c "CREATE EXTENSION asyncmq" -c "SELECT asyncmq_install()" \
  -c "INSERT INTO asyncmq_jobs (queue_name, job_id, data, status) VALUES ('emails', 'job-1', '{\"id\": \"job-1\", \"task\": \"app.send\"}', 'waiting')"
dump=$(pg_dump --no-owner)
expect_match "pg_dump has CREATE EXTENSION" "^CREATE EXTENSION IF NOT EXISTS asyncmq " "$dump"
expect_match "pg_dump has the jobs table" "^CREATE TABLE public\.asyncmq_jobs \(" "$dump"
expect_match "pg_dump has the job's row" "^1	emails	job-1	\{\"id\": \"job-1\", \"task\": \"app.send\"\}	waiting" "$dump"
createdb restored && printf '%s\n' "$dump" | q -d restored >/dev/null
expect_eq "the restored database has the job" "emails|job-1|waiting" \
    "$(q -d restored -c "SELECT queue_name, job_id, status FROM asyncmq_jobs")"
expect_eq "the restored tables pass the layout check" "jobs|t|{}
repeatables|t|{}
cancelled_jobs|t|{}" "$(q -d restored -c "SELECT kind, present, problems FROM asyncmq_tables()")"
# The registry is the extension's, and its rows are dumped: the restored set is registered still.
expect_match "pg_dump has the registry's row" "^public\.asyncmq_jobs	public\.asyncmq_repeatables	public\.asyncmq_cancelled_jobs	\\\\N	\\\\N	0\.1	" "$dump"
expect_eq "the restored database has the registration" "public.asyncmq_jobs|0.1" \
    "$(q -d restored -c "SELECT jobs_table, layout FROM asyncmq_registry")"
