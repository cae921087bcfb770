#!/usr/bin/env bash
# A held snapshot: while one transaction holds its snapshot, the jobs table's dead tuples grow with
# every job and nothing removes them; after the release VACUUM brings them back to nothing, and
# no job is lost or completed twice (test/reliability/held_snapshot.py). The figures are printed.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
: "${RELIABILITY_WORKERS:=4}" "${RELIABILITY_INTERVALS:=5}" "${RELIABILITY_INTERVAL_SECONDS:=3}"
# Autovacuum wakes every second, so that it visibly runs (and removes nothing) during the hold.
ASYNCMQ_PGOPTIONS="autovacuum_naptime=1" test/helpers/with-cluster /usr/bin/python3 \
    test/reliability/held_snapshot.py --workers "$RELIABILITY_WORKERS" --intervals "$RELIABILITY_INTERVALS" \
    --interval-seconds "$RELIABILITY_INTERVAL_SECONDS" 2>&1 |
    grep -v '^Creating new\|^Dropping cluster'
exit "${PIPESTATUS[0]}"
