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

# Each workload's row: in the lifecycle table at 1 and 8 clients, and in the batched one (a0),
# (a), (a+f), (a+f+x), (c), (g), (d), (e) and (f) only (AsyncMQ has no batched dequeue).
declare -A rows=([a0]='\(a0\) asyncmq functions, documented layout' [a]='\(a\) asyncmq functions' [a+f]='\(a\+f\) \(a\), asyncmq\.indexes = fast'
    [a+f+x]='\(a\+f\+x\) \+ asyncmq\.delete_completed'
    [aw]='\(a\) with asyncmq\.wakeups = on'
    [b]="\\(b\\) AsyncMQ 0\\.9\\.1 worker's statements" [b3]='\(b3\) \(b\) without resolve_dependency'
    [b3+i]='\(b3\+i\) \(b3\) \+ dequeue index' [c]='\(c\) floor: insert, SKIP LOCKED claim, delete'
    [g]="\\(g\\) \\(a\\+f\\)'s row versions in plain SQL"
    [d]='\(d\) PgQ: insert event, tick, batch, finish' [e]='\(e\) pgmq: send, read, delete'
    [f]="\\(f\\) graphile-worker's statements")
declare -A tables=([a0]=2 [a]=2 [a+f]=2 [a+f+x]=2 [aw]=1 [b]=1 [b3]=1 [b3+i]=1 [c]=2 [g]=2 [d]=2 [e]=2 [f]=2)
for c in 1 8; do
    for w in a0 a a+f a+f+x aw b b3 b3+i c g d e f; do
        expect_eq "bench smoke: ($w) has its rows at $c clients" "${tables[$w]}" \
            "$(printf '%s\n' "$out" | grep -cE "^ +$c  ${rows[$w]} ")"
    done
done
# A row has numbers, or says why it has none: (a) until the lifecycle functions exist, (d) when
# PgQ is not installed. An error is never fine.
expect_eq "bench smoke: no workload failed" "" "$(printf '%s\n' "$out" | grep -E ' error: ')"
for w in a0 a+f a+f+x aw b b3 b3+i c g; do
    expect_match "bench smoke: ($w) has jobs/s and latencies" \
        "^ +8  ${rows[$w]} +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ " "$out"
done
expect_match "bench smoke: (a) has numbers or says the functions are missing" \
    "^ +8  ${rows[a]} +([0-9]+ +[0-9.]+|not available: lifecycle functions missing)" "$out"
expect_match "bench smoke: (d) has numbers or says it was skipped" "^ +8  ${rows[d]} +([0-9]+ +[0-9.]+|skipped: )" "$out"
d_skipped=$(printf '%s\n' "$out" | grep -m1 -oE 'PgQ: .* skipped: .*' | sed 's/.*skipped: //')
[ -n "$d_skipped" ] && echo "# (d) was skipped: $d_skipped"
# The peers: pgmq from ../shared (a skip says why), graphile-worker from npm (skipped with a
# line that says so when the registry cannot be reached).
if [ -f ../shared/peers/pgmq-1.5.1/pgmq.sql ]; then
    expect_match "bench smoke: (e) pgmq from ../shared has jobs/s and latencies" \
        "^ +8  ${rows[e]} +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ " "$out"
    expect_match "bench smoke: the header names pgmq's version and file" \
        '^  \(e\) pgmq: pgmq 1\.5\.1, plain-SQL install from /.*/pgmq-1\.5\.1/pgmq\.sql$' "$out"
else
    expect_match "bench smoke: (e) pgmq says it was skipped" "^ +8  ${rows[e]} +skipped: no pgmq\.sql" "$out"
fi
expect_match "bench smoke: (f) graphile-worker has numbers or says it was skipped" \
    "^ +8  ${rows[f]} +([0-9]+ +[0-9.]+ +[0-9.]+|skipped: )" "$out"
expect_match "bench smoke: the header names graphile-worker's version or why it was skipped" \
    '^  \(f\) graphile-worker: (graphile-worker 0\.17\.3, installed with npm into the work directory|skipped: npm could not install graphile-worker 0\.17\.3 \(is the npm registry reachable\?\): [^(]*)$' "$out"

# The drain: every workload at both backlogs, one job at a time and in rounds of 100, with jobs/s,
# p50 and p95 a round (graphile-worker's own worker has no rounds to time) and WAL bytes a job;
# the ratio to the smaller backlog.
declare -A drain=([a0]='\(a0\) asyncmq functions, documented layout' [a]='\(a\) asyncmq functions' [a+f]='\(a\+f\) \(a\), asyncmq\.indexes = fast'
    [a+f+x]='\(a\+f\+x\) \+ asyncmq\.delete_completed'
    [a+f+v]='\(a\+f\+v\) \(a\+f\) \+ scheduler vacuum' [a+f+x+v]='\(a\+f\+x\+v\) \(a\+f\+x\) \+ scheduler vacuum'
    [e]='\(e\) pgmq' [f]="\\(f\\) graphile-worker's statements" [fw]='\(f\) graphile-worker --once, no-op task')
for form in 'one at a time' 'rounds of 100'; do
    for n in 400 800; do
        for w in a0 a a+f a+f+x a+f+v a+f+x+v e f; do
            expect_match "bench smoke: drain ($w), $form, $n jobs: jobs/s, p50, p95, WAL a job or a skip" \
                "^$form +$n  ${drain[$w]} +([0-9]+ +[0-9.]+ +[0-9.]+ +[0-9]+  [0-9.]+x|skipped: )" "$out"
        done
        expect_match "bench smoke: drain (fw), $form, $n jobs: jobs/s and WAL a job or a skip" \
            "^$form +$n  ${drain[fw]} +([0-9]+ +- +- +[0-9]+  [0-9.]+x|skipped: )" "$out"
    done
done
# (a+f+v) and (a+f+x+v): the scheduler runs in the bench's database; the note counts its vacuums
# during the drain (test/shell/scheduler_vacuum.sh tests when it vacuums).
expect_match "bench smoke: the header gives the scheduler's vacuum threshold" \
    "^  scheduler's vacuum of \(a\+f\+v\) and \(a\+f\+x\+v\): asyncmq\.vacuum_dead_rows = 100 during their drains, asyncmq\.scan_interval = 1$" "$out"
for w in a+f+v a+f+x+v; do
    expect_eq "bench smoke: drain ($w) counts the scheduler's vacuums, at each backlog and form" 4 \
        "$(printf '%s\n' "$out" | grep -cE "^(one at a time|rounds of 100) +(400|800)  ${drain[$w]} +[0-9]+ .* [0-9]+ vacuums? by the scheduler$")"
done
expect_match "bench smoke: the drain's first backlog is its own reference" \
    "^one at a time +400  ${drain[a+f]} +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9]+  1\.00x" "$out"
expect_match "bench smoke: the work a job of (a0): version, row bytes, the five of the documented layout, completion" \
    "^  ${drain[a0]} +asyncmq [0-9.]+ +[0-9]+ +5  row kept, updated to completed" "$out"
expect_match "bench smoke: the work a job of (a): version, row bytes, six indexes, completion" \
    "^  ${drain[a]} +asyncmq [0-9.]+ +[0-9]+ +6  row kept, updated to completed" "$out"
expect_match "bench smoke: the work a job of (a+f): five indexes, the row kept" \
    "^  ${drain[a+f]} +asyncmq [0-9.]+ +[0-9]+ +5  row kept, updated to completed" "$out"
expect_match "bench smoke: the work a job of (a+f+x): five indexes, the row deleted" \
    "^  ${drain[a+f+x]} +asyncmq [0-9.]+ +[0-9]+ +5  row deleted" "$out"
if [ -f ../shared/peers/pgmq-1.5.1/pgmq.sql ]; then
    expect_match "bench smoke: the work a job of pgmq: two indexes, the row deleted" \
        "^  ${drain[e]} +pgmq 1\.5\.1 +[0-9]+ +2  row deleted" "$out"
fi
# What the drain wrote, record by record (pg_walinspect, from postgresql-contrib, which .ci/run
# installs): a row for each workload and form, and the counts that the layouts fix. Each update
# of a row version enters it in every index whose condition it meets: (a0) the documented five,
# (a) those and the dequeue index, (a+f) four (its dependants index only holds jobs that wait on
# others), pgmq and graphile-worker two; (a+f+x) and the peers delete the row where (a+f) updates it.
expect_match "bench smoke: the header says what reads the drain's WAL records" \
    '^  WAL records of the drain: pg_walinspect [0-9.]+$' "$out"
records() { # form, workload: rows, HOT, deleted, locks, index insertions a job of the larger drain
    printf '%s\n' "$out" | sed -n '/^WAL records a job of the drain of 800/,/^$/p' |
        grep -E "^$1 +${drain[$2]} +[0-9]" | awk '{print $(NF-5), $(NF-4), $(NF-3), $(NF-2), $(NF-1)}'
}
near() { awk -v v="$1" -v want="$2" 'BEGIN { d = v - want; exit !(d > -0.1 && d < 0.1) }'; } # within 0.1 of want
for form in 'one at a time' 'rounds of 100'; do
    for w in a0 a a+f a+f+x a+f+v a+f+x+v e f fw; do
        [ "$w" = e ] && [ ! -f ../shared/peers/pgmq-1.5.1/pgmq.sql ] && continue
        [ "${w:0:1}" = f ] && printf '%s\n' "$out" | grep -q '^  (f) graphile-worker: skipped' && continue
        read -r rows hot deleted locks inserts < <(records "$form" "$w")
        expect_match "bench smoke: WAL records of the drain, $form, ($w): row versions, HOT, deleted, locks, index insertions" \
            '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+$' "$rows $hot $deleted $locks $inserts"
        case $w in a0) want="2 0 10" ;; a) want="2 0 12" ;; a+f | a+f+v) want="2 0 8" ;; a+f+x | a+f+x+v) want="1 1 4" ;; *) want="1 1 2" ;; esac
        read -r want_rows want_deleted want_inserts <<<"$want"
        expect_eq "bench smoke: the drain, $form, ($w) writes $want_rows row versions, deletes $want_deleted and makes $want_inserts index entries a job" \
            "ok" "$(near "${rows:-x}" "$want_rows" && near "${deleted:-x}" "$want_deleted" && near "${inserts:-x}" "$want_inserts" && echo ok)"
    done
done
expect_match "bench smoke: the backlog curve has (a) at 1000 and 10000 waiting jobs" \
    '^\(a\) asyncmq_dequeue +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the backlog curve has (b) at 1000 and 10000 waiting jobs" \
    '^\(b\) AsyncMQ 0\.9\.1 dequeue +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the backlog curve has (b+i) at 1000 and 10000 waiting jobs" \
    '^\(b\+i\) AsyncMQ dequeue \+ dequeue index +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the backlog curve has (b+i) under a generic plan at 1000 and 10000 waiting jobs" \
    '^\(b\+i\) under a generic plan +[0-9.]+ \(1\.00x\) +[0-9.]+ \([0-9.]+x\)' "$out"
expect_match "bench smoke: the targets against AsyncMQ's SQL are printed" "^Targets against AsyncMQ's own SQL" "$out"
expect_match "bench smoke: the targets against the peers are printed" '^Targets against the queues users would pick' "$out"
for t in 'one job at a time, 8 clients: over \(e\) pgmq, at least 1\.5x' \
    "batched, 8 clients: over \\(f\\) graphile-worker's statements, at least 1\\.0x" \
    "drain of 800, one at a time: over graphile-worker's worker, at least 1\\.0x" \
    'drain in rounds of 100: jobs/s at 800 over at 400, at least 0\.9x'; do
    expect_match "bench smoke: target \"$t\" met or not, or not measured" \
        "^  $t +([0-9.]+x  (met|NOT met)(   \(\(a\+f\+x\): [0-9.]+x (met|NOT met)\))?(   \(\(a\+f\+x?\+?v\): [0-9.]+x (met|NOT met)\)){0,2}|not measured)" "$out"
done
# What AsyncMQ's row allows: (g) over each peer and (a+f) over (g), one at a time and batched.
for t in '\(g\), \(a\+f\)'"'"'s row versions in plain SQL, over \(e\)' \
    '\(g\), \(a\+f\)'"'"'s row versions in plain SQL, over \(f\)' '\(a\+f\) over \(g\)'; do
    expect_eq "bench smoke: \"for comparison: $t\" is printed after the one-at-a-time and the batched targets" 2 \
        "$(printf '%s\n' "$out" | grep -cE "^    for comparison: $t +([0-9.]+x|not measured)$")"
done
echo "# bench smoke took $elapsed s (not asserted: wall time depends on the machine's load)"
printf '%s\n' "$out" | sed 's/^/# /'
