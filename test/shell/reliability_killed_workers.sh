#!/usr/bin/env bash
# Killed workers: SQL workers whose backends are terminated at random lose no job and complete
# none twice (test/reliability/killed_workers.py). Bounded here; scripts/soak runs it longer.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
: "${RELIABILITY_JOBS:=3000}" "${RELIABILITY_WORKERS:=6}" "${RELIABILITY_SECONDS:=45}"
test/helpers/with-cluster /usr/bin/python3 test/reliability/killed_workers.py \
    --jobs "$RELIABILITY_JOBS" --workers "$RELIABILITY_WORKERS" --seconds "$RELIABILITY_SECONDS" 2>&1 |
    grep -v '^Creating new\|^Dropping cluster'
# The script's own exit status is in its TAP lines; a crash before them is caught by scripts/test.
exit "${PIPESTATUS[0]}"
