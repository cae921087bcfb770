#!/usr/bin/env bash
# The regression and isolation tests pass with shared_preload_libraries = asyncmq too (no
# database named in asyncmq.database_names, so no scheduler moves their jobs), but for the two
# that are about a session that has not loaded the library yet: long_values and names.
[ -z "${IN_CLUSTER:-}" ] && exec env IN_CLUSTER=1 ASYNCMQ_PGOPTIONS="shared_preload_libraries=asyncmq" \
    "$(dirname "$0")/../helpers/with-cluster" bash "$0"
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
expect_eq "preloaded: the library is loaded at server start" "asyncmq" "$(q -c "SHOW shared_preload_libraries")"
regress=$(ls test/sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' | grep -vx 'long_values\|names' | tr '\n' ' ')
out=$(make -s installcheck REGRESS="$regress" ISOLATION= 2>&1)
expect_match "preloaded: the regression tests pass" "All [0-9]+ tests passed" "$(grep -m1 -E 'tests passed|failed' <<<"$out")"
grep -E "FAILED" <<<"$out" | sed "s/^/# /"
out=$(make -s installcheck REGRESS= 2>&1)
expect_match "preloaded: the isolation tests pass" "All [0-9]+ tests passed" "$(grep -m1 -E 'tests passed|failed' <<<"$out")"
grep -E "FAILED" <<<"$out" | sed "s/^/# /"
