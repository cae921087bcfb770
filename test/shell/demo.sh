#!/usr/bin/env bash
# README's first command, scripts/demo, as a new user runs it: it builds, installs into the
# server (as root, or through sudo), and shows the three tables on a throwaway cluster.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
    echo "ok - scripts/demo: skipped, it installs into the server and needs root or sudo"
    exit 0
fi
out=$(scripts/demo 2>&1)
expect_eq "scripts/demo succeeds" 0 $?
expect_match "scripts/demo shows the tables it made" ' jobs +\| public.asyncmq_jobs +\| t +\| \{\}' "$out"
expect_match "scripts/demo describes the jobs table" 'Table "public.asyncmq_jobs"' "$out"
expect_match "scripts/demo lists the documented indexes" '"idx_asyncmq_jobs_delay_until" btree \(delay_until\)' "$out"
expect_match "scripts/demo shows the scheduler firing a repeatable" ' t +\| waiting +\| app\.tasks\.report' "$out"
