#!/usr/bin/env bash
# bench/run --smoke: the benchmark harness still runs and prints its tables with every row.
# (The full benchmark, make bench, is too slow for CI.)
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/shell/lib.sh

start=$SECONDS
out=$(bench/run --smoke 2>&1)
code=$?
elapsed=$((SECONDS - start))
expect_eq "bench smoke: bench/run --smoke exits 0" 0 "$code"
expect_match "bench smoke: prints the machine and the server" '^  machine: .*CPUs' "$out"

# Each workload's row: in the lifecycle table at 1 and 8 clients, and in the batched one (a), (c)
# and (d) only (AsyncMQ has no batched dequeue).
declare -A rows=([a]='\(a\) asyncmq functions' [aw]='\(a\) with asyncmq\.wakeups = on'
    [b]="\\(b\\) AsyncMQ 0\\.9\\.1 worker's statements" [b3]='\(b3\) \(b\) without resolve_dependency'
    [b3+i]='\(b3\+i\) \(b3\) \+ dequeue index' [c]='\(c\) floor: insert, SKIP LOCKED claim, delete'
    [d]='\(d\) PgQ: insert event, tick, batch, finish')
declare -A tables=([a]=2 [aw]=1 [b]=1 [b3]=1 [b3+i]=1 [c]=2 [d]=2)
for c in 1 8; do
    for w in a aw b b3 b3+i c d; do
        expect_eq "bench smoke: ($w) has its rows at $c clients" "${tables[$w]}" \
            "$(printf '%s\n' "$out" | grep -cE "^ +$c  ${rows[$w]} ")"
    done
done
# A row has numbers, or says why it has none: (a) until the lifecycle functions exist, (d) when
# PgQ is not installed. An error is never fine.
expect_eq "bench smoke: no workload failed" "" "$(printf '%s\n' "$out" | grep -E ' error: ')"
for w in aw b b3 b3+i c; do
    expect_match "bench smoke: ($w) has jobs/s and latencies" \
        "^ +8  ${rows[$w]} +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ " "$out"
done
expect_match "bench smoke: (a) has numbers or says the functions are missing" \
    "^ +8  ${rows[a]} +([0-9]+ +[0-9.]+|not available: lifecycle functions missing)" "$out"
expect_match "bench smoke: (d) has numbers or says it was skipped" "^ +8  ${rows[d]} +([0-9]+ +[0-9.]+|skipped: )" "$out"
d_skipped=$(printf '%s\n' "$out" | grep -m1 -oE 'PgQ: .* skipped: .*' | sed 's/.*skipped: //')
[ -n "$d_skipped" ] && echo "# (d) was skipped: $d_skipped"
expect_match "bench smoke: the backlog curve has (a) at 1000 and 10000 waiting jobs" \
    '^\(a\) asyncmq_dequeue +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the backlog curve has (b) at 1000 and 10000 waiting jobs" \
    '^\(b\) AsyncMQ 0\.9\.1 dequeue +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the backlog curve has (b+i) at 1000 and 10000 waiting jobs" \
    '^\(b\+i\) AsyncMQ dequeue \+ dequeue index +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the backlog curve has (b+i) under a generic plan at 1000 and 10000 waiting jobs" \
    '^\(b\+i\) under a generic plan +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the targets are printed" '^Targets' "$out"
echo "# bench smoke took $elapsed s (not asserted: wall time depends on the machine's load)"
printf '%s\n' "$out" | sed 's/^/# /'
