#!/usr/bin/env bash
# Server crash: an immediate shutdown under load, with fsync and synchronous_commit on, loses no
# acknowledged job and leaves nothing half-written; amcheck finds the jobs table clean
# (test/reliability/server_crash.py).
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
: "${RELIABILITY_CLIENTS:=4}" "${RELIABILITY_CRASH_AFTER:=3}"
log=$(mktemp /tmp/asyncmq-crash.XXXXXX)
trap 'rm -f "$log"' EXIT
chmod 666 "$log"
ASYNCMQ_PGOPTIONS="fsync=on
synchronous_commit=on" test/helpers/with-cluster /usr/bin/python3 test/reliability/server_crash.py \
    --clients "$RELIABILITY_CLIENTS" --crash-after "$RELIABILITY_CRASH_AFTER" --log "$log" 2>&1 |
    grep -v '^Creating new\|^Dropping cluster'
exit "${PIPESTATUS[0]}"
