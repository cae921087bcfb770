#!/usr/bin/env python3
"""Numbers and tables of the bench (bench/in-cluster calls it).

  report.py percentiles LOGFILE...       p50, p95 and p99 latency in ms, and the p50 of the last
                                         fifth of the run over that of the first (by time),
                                         tab-separated, of pgbench per-transaction logs (--log)
  report.py table META RESULTS BATCH VERSIONS
                                         prints the bench's tables from bench/in-cluster's files
                                         (VERSIONS: a workload and its software's version a line)
"""
import math
import sys

NAMES = {
    "a0": "(a0) asyncmq functions, documented layout",
    "a": "(a) asyncmq functions",
    "af": "(a+f) (a), asyncmq.indexes = fast",
    "ax": "(a+f+x) + asyncmq.delete_completed",
    "aw": "(a) with asyncmq.wakeups = on",
    "b": "(b) AsyncMQ 0.9.1 worker's statements",
    "b3": "(b3) (b) without resolve_dependency",
    "b3i": "(b3+i) (b3) + dequeue index",
    "c": "(c) floor: insert, SKIP LOCKED claim, delete",
    "g": "(g) (a+f)'s row versions in plain SQL",
    "d": "(d) PgQ: insert event, tick, batch, finish",
    "e": "(e) pgmq: send, read, delete",
    "f": "(f) graphile-worker's statements",
}
# The drain's workloads: the lifecycle's, and graphile-worker's own worker.
DRAIN_NAMES = {
    "a0": "(a0) asyncmq functions, documented layout",
    "a": "(a) asyncmq functions",
    "af": "(a+f) (a), asyncmq.indexes = fast",
    "ax": "(a+f+x) + asyncmq.delete_completed",
    "afv": "(a+f+v) (a+f) + scheduler vacuum",
    "axv": "(a+f+x+v) (a+f+x) + scheduler vacuum",
    "e": "(e) pgmq",
    "f": "(f) graphile-worker's statements",
    "fw": "(f) graphile-worker --once, no-op task",
}
# What a job costs each queue's table once it has run.
COMPLETION = {
    "a0": "row kept, updated to completed (3 row versions a job)",
    "a": "row kept, updated to completed (3 row versions a job)",
    "af": "row kept, updated to completed (3 row versions a job)",
    "ax": "row deleted (2 row versions a job)",
    "afv": "row kept, updated to completed (3 row versions a job)",
    "axv": "row deleted (2 row versions a job)",
    "e": "row deleted (2 row versions a job)",
    "f": "row deleted (2 row versions a job)",
    "fw": "row deleted (2 row versions a job)",
}
# The backlog curve times one dequeue: AsyncMQ's is the same in (b) and (b3).
BACKLOG_NAMES = {
    "a": "(a) asyncmq_dequeue",
    "b": "(b) AsyncMQ 0.9.1 dequeue",
    "bi": "(b+i) AsyncMQ dequeue + dequeue index",
    "big": "(b+i) under a generic plan",
}
SHORT = {"a": "(a)", "b": "(b)", "bi": "(b+i)", "big": "(b+i) generic plan"}
ORDER = ["a0", "a", "af", "ax", "aw", "b", "b3", "b3i", "c", "g", "d", "e", "f"]
DRAIN_ORDER = ["a0", "a", "af", "ax", "afv", "axv", "e", "f", "fw"]


def rank(lat, p):
    """Nearest-rank percentile p of the sorted latencies, in ms."""
    return lat[max(0, math.ceil(p / 100 * len(lat)) - 1)] / 1000.0


def percentiles(paths):
    """Latencies (microseconds, third field) of pgbench's per-transaction log lines, whose fifth
    and sixth fields are the time the transaction ended (seconds, microseconds)."""
    rows = []
    for path in paths:
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 6 and fields[2].isdigit():
                    rows.append((int(fields[4]) + int(fields[5]) / 1e6, int(fields[2])))
    if not rows:
        return ["", "", "", ""]
    lat = sorted(r[1] for r in rows)
    # Drift: whether the run slowed down as its tables grew, by the time of the transactions.
    rows.sort()
    t0, t1 = rows[0][0], rows[-1][0]
    fifth = (t1 - t0) / 5
    first = sorted(r[1] for r in rows if r[0] <= t0 + fifth)
    last = sorted(r[1] for r in rows if r[0] >= t1 - fifth)
    # (A run of a few fast transactions can log a latency of 0 microseconds.)
    drift = "%.2f" % (rank(last, 50) / rank(first, 50)) if fifth > 0 and first and last and rank(first, 50) else ""
    return ["%.3f" % rank(lat, p) for p in (50, 95, 99)] + [drift]


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


def ms(value):
    v = num(value)
    if v is None:
        return "-"
    return "%.2f" % v if v < 100 else "%.0f" % v


def ratio(x, y):
    return "%.2fx" % (x / y) if x and y else "-"


def load(path):
    rows = {}
    order = []
    with open(path) as f:
        for line in f:
            fields = (line.rstrip("\n").split("\t") + [""] * 20)[:20]
            section, w, size, jobs, p50, p95, p99, drift, note, wal, rowbytes, indexes, drained = fields[:13]
            rows[(section, w, size)] = dict(jobs=num(jobs), p50=p50, p95=p95, p99=p99, drift=drift, note=note,
                                            wal=num(wal), rowbytes=num(rowbytes), indexes=indexes, drained=drained,
                                            records=[num(v) for v in fields[13:19]], vacuums=fields[19])
            if (section, size) not in order:
                order.append((section, size))
    return rows, order


def lifecycle_table(rows, order, section, extra_name, extra):
    print("%7s  %-46s %9s %9s %9s %9s  %-11s %s" % ("clients", "workload", "jobs/s", "p50 ms", "p95 ms", "p99 ms",
                                                  extra_name, "drift"))
    for sec, size in order:
        if sec != section:
            continue
        a = rows.get((section, "a", size))
        for w in ORDER:
            r = rows.get((section, w, size))
            if r is None:
                continue
            if r["note"]:
                print("%7s  %-46s %s" % (size, NAMES[w], r["note"]))
                continue
            drift = "%.2fx" % num(r["drift"]) if num(r["drift"]) else "-"
            print("%7s  %-46s %9.0f %9s %9s %9s  %-11s %s" % (size, NAMES[w], r["jobs"], ms(r["p50"]), ms(r["p95"]),
                                                             ms(r["p99"]), extra(w, size, r, a), drift))


def table(meta_path, results_path, batch, versions_path):
    rows, order = load(results_path)
    versions = {}
    with open(versions_path) as f:
        for line in f:
            w, _, version = line.rstrip("\n").partition("\t")
            versions[w] = version
    print("asyncmq bench")
    with open(meta_path) as f:
        for line in f:
            print("  " + line.rstrip("\n"))

    print()
    print("Job lifecycle, one job at a time: enqueue, dequeue, complete")
    print("(jobs/s; latency of one whole lifecycle; (a)/this: (a)'s jobs/s over this row's;")
    print(" drift: p50 of the run's last fifth over its first fifth, above 1 when it slowed down as its tables grew)")

    def vs_a(w, size, r, a):
        if w == "a" or a is None or a["note"]:
            return "-"
        return ratio(a["jobs"], r["jobs"])

    lifecycle_table(rows, order, "life", "(a)/this", vs_a)

    print()
    print("Batched lifecycle, %s jobs a round: enqueue many, dequeue %s, complete many" % (batch, batch))
    print("(jobs/s; latency of one round of %s jobs; x unbatched: jobs/s over the same workload one job at a time)" % batch)

    def vs_unbatched(w, size, r, a):
        one = rows.get(("life", w, size))
        return ratio(r["jobs"], one["jobs"]) if one and not one["note"] else "-"

    lifecycle_table(rows, order, "batch", "x unbatched", vs_unbatched)
    print("  (b) has no batched form: AsyncMQ's bulk_enqueue sends one upsert per job, and its dequeue takes one job.")
    print("  (b)'s resolve_dependency reads every job the queue ever completed, so its rate falls as the run goes on;")
    print("  (b3) leaves it out.")

    sizes = [size for sec, size in order if sec == "backlog"]
    if sizes:
        print()
        print("Backlog: time of one dequeue (p50 ms, rolled back) with this many waiting jobs, and its ratio to the %s figure"
              % sizes[0])
        print("%-46s" % "workload" + "".join("%20s" % s for s in sizes))
        for w in ["a", "b", "bi", "big"]:
            cells = []
            first = rows.get(("backlog", w, sizes[0]))
            note = ""
            for s in sizes:
                r = rows.get(("backlog", w, s))
                if r is None:
                    cells.append("%20s" % "-")
                elif r["note"]:
                    note = r["note"]
                    cells.append("%20s" % "-")
                else:
                    base = num(first["p50"]) if first and not first["note"] else None
                    cells.append("%20s" % ("%s (%s)" % (ms(r["p50"]), ratio(num(r["p50"]), base))))
            if note and all(c.strip() == "-" for c in cells):
                print("%-46s %s" % (BACKLOG_NAMES[w], note))
            else:
                print("%-46s" % BACKLOG_NAMES[w] + "".join(cells))

    drain_sizes = []
    for sec, size in order:
        if sec.startswith("drain-") and size not in drain_sizes:
            drain_sizes.append(size)
    if drain_sizes:
        drain_table(rows, drain_sizes, batch, versions)

    clients = [size for sec, size in order if sec == "life"]
    at = "8" if "8" in clients else (clients[-1] if clients else None)

    def jobs(section, w, size):
        r = rows.get((section, w, size))
        return None if r is None or r["note"] else r["jobs"]

    def div(x, y):
        return x / y if x and y else None

    def verdict(value, goal, higher=True):
        return "met" if (value >= goal if higher else value <= goal) else "NOT met"

    def target(text, value, goal, higher=True, also=()):
        """goal None: a figure for comparison, with no target. also: (label, value) pairs printed
        after, each with its own verdict."""
        extra = ""
        for label, v in also:
            if v is not None:
                extra += "   (%s: %.2fx%s)" % (label, v, "" if goal is None else " " + verdict(v, goal, higher))
        if value is None:
            print("  %-72s not measured%s" % (text, extra))
        elif goal is None:
            print("  %-72s %6.2fx%s" % (text, value, extra))
        else:
            print("  %-72s %6.2fx  %s%s" % (text, value, verdict(value, goal, higher), extra))

    print()
    print("Targets against AsyncMQ's own SQL and the floor, each met or not")
    if at:
        target("(a) jobs/s over (b) at %s clients, at least 2x" % at, div(jobs("life", "a", at), jobs("life", "b", at)), 2)
        target("  for comparison: (a) over (b3), (b) without resolve_dependency",
               div(jobs("life", "a", at), jobs("life", "b3", at)), None)
        target("(a) jobs/s over (c) at %s clients, at least 0.7x" % at, div(jobs("life", "a", at), jobs("life", "c", at)),
               0.7)
        target("(a) batched over unbatched jobs/s at %s clients, at least 10x" % at,
               div(jobs("batch", "a", at), jobs("life", "a", at)), 10)
    if sizes and len(sizes) > 1:
        for w in ["a", "b", "bi", "big"]:
            first = rows.get(("backlog", w, sizes[0]))
            last = rows.get(("backlog", w, sizes[-1]))
            value = None
            if first and last and not first["note"] and not last["note"]:
                value = div(num(last["p50"]), num(first["p50"]))
            target("%s dequeue at %s over %s waiting, at most 1.5x" % (SHORT[w], sizes[-1], sizes[0]),
                   value, 1.5, higher=False)

    print()
    print("Targets against the queues users would pick instead, each met or not: (a+f), the recommended")
    print("configuration, over the peer (in brackets the same for (a+f+x), which also deletes completed jobs")
    print("as the peers do, and in the drain for both with the scheduler's vacuum, (a+f+v) and (a+f+x+v))")

    def also_for(section, value):
        """The bracketed figures: (a+f+x)'s, and in the drain those with the scheduler's vacuum."""
        variants = (("ax", "(a+f+x)"), ("afv", "(a+f+v)"), ("axv", "(a+f+x+v)"))
        return tuple((label, value(w)) for w, label in variants if section.startswith("drain-") or w == "ax")

    def peer_target(text, section, size, peer, goal):
        target(text, div(jobs(section, "af", size), jobs(section, peer, size)), goal,
               also=also_for(section, lambda w: div(jobs(section, w, size), jobs(section, peer, size))))

    def row_bound(section, size):
        """What AsyncMQ's row allows: (g), the same row versions as plain SQL, over the peers, and
        (a+f)'s share of (g)'s rate."""
        for peer, name in (("e", "(e)"), ("f", "(f)")):
            target("  for comparison: (g), (a+f)'s row versions in plain SQL, over %s" % name,
                   div(jobs(section, "g", size), jobs(section, peer, size)), None)
        target("  for comparison: (a+f) over (g)", div(jobs(section, "af", size), jobs(section, "g", size)), None)

    if at:
        peer_target("one job at a time, %s clients: over (e) pgmq, at least 1.5x" % at, "life", at, "e", 1.5)
        peer_target("one job at a time, %s clients: over (f) graphile-worker's statements, at least 1.5x" % at,
                    "life", at, "f", 1.5)
        row_bound("life", at)
        peer_target("batched, %s clients: over (e) pgmq, at least 1.0x" % at, "batch", at, "e", 1.0)
        peer_target("batched, %s clients: over (f) graphile-worker's statements, at least 1.0x" % at, "batch", at, "f",
                    1.0)
        row_bound("batch", at)
    if drain_sizes:
        big, small = drain_sizes[-1], drain_sizes[0]
        for form, label in (("one", "one at a time"), ("batch", "in rounds of %s" % batch)):
            sec = "drain-" + form
            peer_target("drain of %s, %s: over (e) pgmq, at least 1.0x" % (big, label), sec, big, "e", 1.0)
            peer_target("drain of %s, %s: over graphile-worker's worker, at least 1.0x" % (big, label), sec, big,
                        "fw", 1.0)
        if len(drain_sizes) > 1:
            for form, label in (("one", "one at a time"), ("batch", "in rounds of %s" % batch)):
                sec = "drain-" + form
                target("drain %s: jobs/s at %s over at %s, at least 0.9x" % (label, big, small),
                       div(jobs(sec, "af", big), jobs(sec, "af", small)), 0.9,
                       also=also_for(sec, lambda w: div(jobs(sec, w, big), jobs(sec, w, small))))


def drain_table(rows, sizes, batch, versions):
    print()
    print("Drain: a backlog of N jobs enqueued in one call, VACUUM ANALYZE, then emptied by 8 connections")
    print("(jobs/s over the jobs drained; p50 and p95 of one round: one job, or up to %s; WAL bytes written" % batch)
    print(" a job drained, from pg_current_wal_lsn() before and after; x %s: jobs/s over the same drain's at %s jobs)"
          % (sizes[0], sizes[0]))
    print("%-14s %7s  %-40s %9s %9s %9s %10s  %s" % ("form", "backlog", "workload", "jobs/s", "p50 ms", "p95 ms",
                                                   "WAL B/job", "x %s" % sizes[0]))
    for form, label in (("one", "one at a time"), ("batch", "rounds of %s" % batch)):
        for size in sizes:
            for w in DRAIN_ORDER:
                r = rows.get(("drain-" + form, w, size))
                if r is None:
                    continue
                if r["jobs"] is None:
                    print("%-14s %7s  %-40s %s" % (label, size, DRAIN_NAMES[w], r["note"] or "not measured"))
                    continue
                base = rows.get(("drain-" + form, w, sizes[0]))
                x = ratio(r["jobs"], base["jobs"]) if base and base["jobs"] else "-"
                wal = "%.0f" % r["wal"] if r["wal"] is not None else "-"
                note = r["note"] or ("%s vacuum%s by the scheduler" % (r["vacuums"], "" if r["vacuums"] == "1" else "s")
                                     if r["vacuums"] else "")
                print("%-14s %7s  %-40s %9.0f %9s %9s %10s  %-7s %s" % (label, size, DRAIN_NAMES[w], r["jobs"], ms(r["p50"]),
                                                                  ms(r["p95"]), wal, x, note))
    print()
    print("Work a job of the drain: the queue table's row (average bytes, as stored), its indexes, and what completing")
    print("a job does to it")
    print("  %-40s %-22s %9s %8s  %s" % ("workload", "version", "row bytes", "indexes", "on completion"))
    for w in DRAIN_ORDER:
        r = rows.get(("drain-one", w, sizes[0])) or rows.get(("drain-batch", w, sizes[0]))
        if r is None or r["rowbytes"] is None:
            continue
        print("  %-40s %-22s %9.0f %8s  %s" % (DRAIN_NAMES[w], versions.get(w, "-"), r["rowbytes"], r["indexes"],
                                              COMPLETION[w]))
    records_table(rows, sizes, batch)


def records_table(rows, sizes, batch):
    """What the drain of the largest backlog wrote, a job: the WAL records pg_walinspect counts."""
    size = sizes[-1]
    measured = [(form, w, r) for form in ("one", "batch") for w in DRAIN_ORDER
                for r in [rows.get(("drain-" + form, w, size))]
                if r is not None and r["jobs"] is not None and None not in r["records"] and num(r["drained"])]
    if not measured:
        return
    print()
    print("WAL records a job of the drain of %s wrote (pg_walinspect, between the drain's two WAL positions): heap" % size)
    print("row versions written (of them HOT: no index entry), rows deleted, row locks, btree leaf insertions, and")
    print("the bytes of full-page images")
    print("%-14s %-40s %9s %6s %6s %7s %6s %9s %6s" % ("form", "workload", "WAL B/job", "rows", "HOT", "deleted",
                                                     "locks", "index ins", "FPI B"))
    for form, w, r in measured:
        d = num(r["drained"])
        versions, hot, deleted, locks, inserts, fpi = (v / d for v in r["records"])
        label = "one at a time" if form == "one" else "rounds of %s" % batch
        print("%-14s %-40s %9.0f %6.2f %6.2f %7.2f %6.2f %9.2f %6.0f" % (label, DRAIN_NAMES[w], r["wal"], versions,
                                                                      hot, deleted, locks, inserts, fpi))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "percentiles":
        print("\t".join(percentiles(sys.argv[2:])))
    elif len(sys.argv) == 6 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
