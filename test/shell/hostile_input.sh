#!/usr/bin/env bash
# Hostile input: every function of the extension with NULLs and hostile values in each position,
# every asyncmq.* setting with hostile values; no internal error, no crash, no lost connection,
# and no failed call that changed the tables (test/reliability/hostile_input.py).
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
test/helpers/with-cluster /usr/bin/python3 test/reliability/hostile_input.py 2>&1 |
    grep -v '^Creating new\|^Dropping cluster'
exit "${PIPESTATUS[0]}"
