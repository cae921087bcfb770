"""Hostile input: every SQL function of the extension, found from the catalog (pg_proc by its
pg_depend entry on the extension, so that a new function is covered without a change here), is
called with NULL in each position and with hostile values of each argument's type in each
position; then every asyncmq.* setting (from pg_settings) gets hostile values, set in the session
and at connection start, before asyncmq_install() and the calls that read the settings.

Each call runs in its own subtransaction of a transaction that is rolled back afterwards, so every
call sees the same seeded tables. A failure is: SQLSTATE XX000 (or any of class XX), an error of
class 58, a lost connection or any error that is not the server's (a message that is not UTF-8),
a statement that runs past the timeout, or a call that failed and yet changed the tables (a
checksum of every row of the tables, and the list of relations, before and after). At the end
the server log must have no backend "terminated by signal", no PANIC and no TRAP.

Against the cluster of PGHOST/PGPORT, as a superuser. Prints TAP lines and the counts.
"""

import asyncio
import os
import subprocess
import sys
import time

import asyncpg

TIMEOUT_MS = 10000
MB10 = 10 * 1024 * 1024


def lit(s):
    return "'" + s.replace("'", "''") + "'"


# Text that has bitten SQL builders, format strings, name parsers and encoders.
TEXT = [
    ("empty", "''"),
    ("space", "' '"),
    ("10 MB of two-byte characters", f"repeat('ż', {MB10 // 2})"),
    ("quote", lit("'")),
    ("double quote", lit('"')),
    ("backslash", lit("\\")),
    ("injection", lit("'; DROP TABLE x; --")),
    ("statement placeholders", lit("{jobs} $1 $queue")),
    ("format", lit("%s%n%x%%")),
    ("colon", lit("a:b")),
    ("digits", lit("12345")),
    ("control", lit("\t\n\r\x01\x7f")),
    ("unusual Unicode", lit("\u202eevil e\u0301\u0301\u0301 \U0001f418 \ufeff \U0010ffff")),
    ("200 multibyte", "repeat('żółć🐘', 200)"),
]
# Cron text, for the arguments named cron.
CRON = [
    ("cron seven fields", lit("* * * * * * *")),
    ("cron out of range", lit("99 99 99 99 99")),
    ("cron never (31 Feb)", lit("0 0 31 2 *")),
    ("cron step 0", lit("*/0 * * * *")),
    ("cron reversed range", lit("5-1 * * * *")),
    ("cron nickname", lit("@reboot")),
    ("cron letters", lit("L W # ? *")),
    ("cron huge step", lit("*/99999999999999999999 * * * *")),
]
JSONB = [
    ("null", "'null'"),
    ("number", "'1'"),
    ("huge number", "'1e400'"),
    ("string", "'\"s\"'"),
    ("true", "'true'"),
    ("empty array", "'[]'"),
    ("empty object", "'{}'"),
    ("array of numbers", "'[1, 2]'"),
    ("array of null", "'[null]'"),
    ("nested arrays 2000 deep", "repeat('[', 2000) || repeat(']', 2000)"),
    ("nested objects 2000 deep", "repeat('{\"a\": ', 2000) || '1' || repeat('}', 2000)"),
    ("10 MB string", f"to_jsonb(repeat('x', {MB10}))"),
    ("payload wrong types", "'{\"id\": 1, \"status\": [], \"created_at\": \"NaN\", \"ttl\": \"x\"}'"),
    ("payload huge times", "'{\"ttl\": 1e400, \"created_at\": -1e400}'"),
]
# Jobs of the wrong types, for the arguments named jobs; deduplication options; job definitions.
JOBS = [
    ("task a number", "'[{\"task\": 1}]'"),
    ("job_id a number", "'[{\"task\": \"t\", \"job_id\": 5}]'"),
    ("priority huge", "'[{\"task\": \"t\", \"priority\": 1e400}]'"),
    ("backoff huge", "'[{\"task\": \"t\", \"backoff\": 1e400, \"max_retries\": 3}]'"),
    ("delay negative", "'[{\"task\": \"t\", \"delay\": -1e308}]'"),
    ("depends_on mixed", "'[{\"task\": \"t\", \"depends_on\": [1, null, {}]}]'"),
    ("deduplication id an object", "'[{\"task\": \"t\", \"deduplication\": {\"id\": {\"x\": 1}}}]'"),
]
DEDUPLICATION = [
    ("deduplication ttl huge", "'{\"id\": \"d\", \"ttl\": 1e400}'"),
    ("deduplication id empty", "'{\"id\": \"\", \"extend\": \"yes\"}'"),
]
JOB_DEF = [
    ("job_def never", "'{\"task\": \"t\", \"cron\": \"0 0 31 2 *\"}'"),
    ("job_def every negative", "'{\"task\": \"t\", \"every\": -1}'"),
    ("job_def every huge", "'{\"task\": \"t\", \"every\": 1e400}'"),
    ("job_def injection", "'{\"task\": \"t\", \"cron\": \"''; DROP TABLE x; --\"}'"),
    ("job_def both", "'{\"task\": \"t\", \"task_id\": \"u\", \"every\": 1, \"cron\": \"* * * * *\"}'"),
]
# The hand-written rows, for the arguments that name a job.
BAD_ROWS = [("the row with no status", "'seed-null'"), ("the row with times that are not numbers", "'seed-bad-times'"),
            ("the row whose payload is an array", "'seed-not-object'"),
            ("the row with numbers beyond a double", "'seed-huge-numbers'")]
BY_NAME = {"cron": CRON, "jobs": JOBS, "deduplication": DEDUPLICATION, "job_def": JOB_DEF, "job_id": BAD_ROWS,
           "parent_id": BAD_ROWS, "job_ids": [("the hand-written rows",
                                   "ARRAY['seed-null', 'seed-bad-times', 'seed-not-object', 'seed-huge-numbers']")]}
INT4 = [("0", "0"), ("-1", "-1"), ("max", "2147483647"), ("min", "(-2147483648)")]
FLOAT8 = [
    ("0", "0"), ("-1", "(-1)"), ("1e308", "1e308"), ("-1e308", "(-1e308)"), ("NaN", "'NaN'"),
    ("Infinity", "'Infinity'"), ("-Infinity", "'-Infinity'"), ("denormal", "5e-324"), ("1e200", "1e200"),
]
INTERVAL = [
    ("0", "'0'"), ("negative", "'-1 day'"), ("huge", "'178000000 years'"), ("huge negative", "'-178000000 years'"),
    ("1 microsecond", "'1 microsecond'"),
]
TEXT_ARRAY = [
    ("empty", "'{}'"),
    ("null element", "ARRAY[NULL]"),
    ("empty element", "ARRAY['']"),
    ("10 MB element", f"ARRAY[repeat('x', {MB10})]"),
    ("30000 elements", "array_fill('a'::text, ARRAY[30000])"),
    ("injection", "ARRAY[" + lit("'; DROP TABLE x; --") + ", " + lit("\\") + "]"),
    ("two dimensions", "'{{a,b},{c,d}}'"),
    ("lower bound 0", "'[0:1]={a,b}'"),
]
BOOL = [("true", "true"), ("false", "false")]
TIMESTAMPTZ = [
    ("infinity", "'infinity'"), ("-infinity", "'-infinity'"), ("last", "'294276-12-31 23:59:59+00'"),
    ("first", "'4713-01-01 00:00:00+00 BC'"),
]
HOSTILE = {
    "text": TEXT, "jsonb": JSONB, "integer": INT4, "double precision": FLOAT8, "interval": INTERVAL,
    "text[]": TEXT_ARRAY, "boolean": BOOL, "timestamp with time zone": TIMESTAMPTZ,
}

# A valid value for each argument, by name and then by type, aimed at the seeded rows.
BASE_BY_NAME = {
    "queue": "'q'", "job_id": "'seed-active'", "parent_id": "'seed-active'", "worker_id": "'w1'",
    "task": "'app.tasks.t'", "error": "'boom'", "cron": "'*/5 * * * *'", "jobs": "'[{\"task\": \"t\"}]'",
    "job_def": "'{\"task\": \"t\", \"every\": 60}'", "job": "'{\"ttl\": 1, \"created_at\": 0}'", "args": "'[]'",
    "kwargs": "'{}'", "job_ids": "ARRAY['seed-active']", "drop": "false",
}
BASE_BY_TYPE = {
    "text": "'x'", "jsonb": "'{}'", "integer": "1", "double precision": "1", "interval": "'1 hour'",
    "text[]": "'{}'", "boolean": "false", "timestamp with time zone": "now()",
}

SETTING_VALUES = [
    ("empty", "''"), ("space", "' '"), ("10 MB", f"repeat('x', {MB10})"), ("quote", lit("'")),
    ("double quote", lit('"')), ("two double quotes", lit('""')), ("backslash", lit("\\")),
    ("injection", lit("jobs; DROP TABLE x; --")), ("quoted injection", lit('"x""; DROP TABLE x; --"')),
    ("three parts", lit("a.b.c")), ("three quoted parts", lit('"a"."b"."c"')), ("dot", lit(".")),
    ("trailing dot", lit("public.")), ("leading dot", lit(".x")), ("keyword", lit("select")),
    ("quoted keyword", lit('"select"')), ("catalog", lit("pg_catalog.pg_class")),
    ("information schema", lit("information_schema.tables")), ("temporary schema", lit("pg_temp.t")),
    ("the canary", lit("hostile_canary")), ("the canary qualified", lit("public.hostile_canary")),
    ("another extension table", lit("asyncmq_jobs")), ("200 multibyte", "repeat('ż', 200)"),
    ("elephants", lit("\U0001f418" * 20)), ("right-to-left override", lit("\u202ejobs")),
    ("on", lit("on")), ("minus one", lit("-1")), ("layout 0.1", lit("0.1")), ("layout 999.999", lit("999.999")),
    ("layout 0.x", lit("0.x")),
]
# At connection start (the startup packet holds at most 10000 bytes; no NUL).
STARTUP_VALUES = ["", "'", "\\", "jobs; DROP TABLE x; --", "a.b.c", "pg_catalog.pg_class", "hostile_canary",
                  "ż" * 200, "999.999"]
# What each setting is read by, after it is set.
AFTER_SETTING = [
    "SELECT count(*) FROM asyncmq_install() AS r",
    "SELECT count(*) FROM asyncmq_enqueue('q', 'app.tasks.t', job_id => 'hostile') AS r",
    "SELECT count(*) FROM asyncmq_install(drop => true) AS r",
]

SEED = """
SET asyncmq.layout = '0.9';
SELECT asyncmq_install();
CREATE TABLE hostile_canary (id int PRIMARY KEY, note text);
INSERT INTO hostile_canary VALUES (1, 'must stay');
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'seed-active', max_retries => 2, backoff => 2);
SELECT count(*) FROM asyncmq_dequeue('q');
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'seed-waiting', deduplication => '{"id": "d", "ttl": 60}');
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'seed-delayed', delay => 3600);
SELECT asyncmq_enqueue('q', 'app.tasks.t', job_id => 'seed-child', depends_on => ARRAY['seed-active']);
SELECT asyncmq_cancel('q', 'seed-cancelled');
SELECT asyncmq_upsert_repeatable('q', '{"task": "t", "every": 60}');
SELECT asyncmq_register_worker('w1', 'q', 2);
SELECT asyncmq_pause_queue('paused');
-- Rows that a hand (or another program) wrote: no status, times that are not numbers, a payload
-- that is not an object, numbers beyond a double.
INSERT INTO asyncmq_jobs (queue_name, job_id, data, status)
VALUES ('q', 'seed-null', '{"id": "seed-null", "status": null}', NULL),
       ('q', 'seed-bad-times', '{"id": "seed-bad-times", "status": "active", "active_since": "x", "delay_until": "y"}',
        'active'),
       ('q', 'seed-not-object', '["active"]', 'active'),
       ('q', 'seed-huge-numbers', '{"id": "seed-huge-numbers", "status": "active", "retries": 1e400, "max_retries": -1e400,
         "backoff": 1e400, "priority": 1e400, "ttl": 1e400, "created_at": -1e400, "heartbeat": 1e400,
         "depends_on": "x", "result": {"a": [1, {"b": null}]}}', 'active');
CREATE FUNCTION hostile_checksum() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(c.relname || ':' || c.relkind::text, ',' ORDER BY c.relname) FROM pg_class AS c
     WHERE c.relnamespace = 'public'::regnamespace),
    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM public.asyncmq_jobs AS t),
    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM public.asyncmq_cancelled_jobs AS t),
    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM public.asyncmq_repeatables AS t),
    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM public.asyncmq_workers_heartbeat AS t),
    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM public.asyncmq_paused_queues AS t),
    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM public.hostile_canary AS t)))
$$;
"""

FUNCTIONS = """
SELECT p.proname AS name, p.prorettype::regtype::text AS returns,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, o) ORDER BY o) AS types,
       CASE WHEN p.proargmodes IS NULL THEN p.proargnames
            ELSE ARRAY(SELECT n FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS u(n, m, o)
                       WHERE m IN ('i', 'b', 'v') ORDER BY o) END AS names
FROM pg_proc AS p
JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension AS e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
WHERE e.extname = 'asyncmq'
ORDER BY p.proname, p.oid
"""


class Run:
    def __init__(self):
        self.conn = None
        self.tried = 0
        self.refused = 0
        self.failures = []
        self.functions = 0
        self.settings = 0

    async def connect(self, settings=None):
        self.conn = await asyncpg.connect(
            server_settings={"asyncmq.layout": "0.9", "statement_timeout": str(TIMEOUT_MS), **(settings or {})})

    async def call(self, label, sql, setup=()):
        """Runs the setup statements and then sql in a subtransaction of a transaction that is
        rolled back; records a failure, and whether a failed call changed the tables."""
        self.tried += 1
        conn = self.conn
        try:
            # Simple queries, one round trip each; the checksum before waits in a setting.
            await conn.execute("BEGIN; SELECT set_config('hostile.before', hostile_checksum(), true); "
                               "SAVEPOINT hostile")
            try:
                for s in setup:
                    await conn.execute(s)
                await conn.execute(sql)
            except asyncpg.PostgresError as e:
                self.refused += 1
                state = e.sqlstate or ""
                await conn.execute("ROLLBACK TO SAVEPOINT hostile")
                if state.startswith("XX") or state.startswith("58"):
                    self.failures.append(f"{label}: SQLSTATE {state}: {e}")
                elif state == "57014":
                    self.failures.append(f"{label}: ran past the {TIMEOUT_MS} ms statement timeout")
                elif not await conn.fetchval("SELECT current_setting('hostile.before') = hostile_checksum()"):
                    self.failures.append(f"{label}: failed ({state}) and changed the tables")
            await conn.execute("ROLLBACK")
        except Exception as e:  # the connection, or the client's reading of what came back
            self.failures.append(f"{label}: {type(e).__name__}: {e}")
            conn.terminate()
            await self.connect()


async def functions(run):
    rows = await run.conn.fetch(FUNCTIONS)
    run.functions = len(rows)
    for f in rows:
        if f["returns"] in ("trigger", "event_trigger"):
            continue
        types, names = list(f["types"]), list(f["names"] or [None] * len(f["types"]))
        unknown = [t for t in types if t not in HOSTILE]
        if unknown:
            run.failures.append(f"{f['name']}: no hostile values for the type {', '.join(unknown)}")
            continue
        base = [BASE_BY_NAME.get(n, BASE_BY_TYPE[t]) for n, t in zip(names, types)]

        def sql(args):
            return f"SELECT count(*) FROM {f['name']}(" + ", ".join(
                f"({a})::{t}" for a, t in zip(args, types)) + ") AS r"

        await run.call(f"{f['name']}(base)", sql(base))
        for i, (n, t) in enumerate(zip(names, types)):
            for label, value in [("NULL", "NULL")] + HOSTILE[t] + BY_NAME.get(n, []):
                args = list(base)
                args[i] = value
                await run.call(f"{f['name']}({n or i + 1} = {label})", sql(args))


async def settings(run):
    names = [r["name"] for r in await run.conn.fetch(
        "SELECT name FROM pg_settings WHERE name LIKE 'asyncmq.%' ORDER BY name")]
    run.settings = len(names)
    for name in names:
        for label, value in SETTING_VALUES:
            set_it = f"SELECT set_config({lit(name)}, {value}, true)"
            # A 10 MB value costs a second a call: install alone reads it.
            for after in AFTER_SETTING[:1] if label == "10 MB" else AFTER_SETTING:
                await run.call(f"{name} = {label}; {after}", after, setup=[set_it])
    # At connection start, where the value waits as a placeholder until the library is loaded.
    await run.conn.close()
    for name in names:
        for value in STARTUP_VALUES:
            label = f"connection with {name} = {value[:20]!r}"
            run.tried += 1
            try:
                conn = await asyncpg.connect(server_settings={name: value, "statement_timeout": str(TIMEOUT_MS)})
            except asyncpg.PostgresError as e:
                run.refused += 1
                if (e.sqlstate or "").startswith(("XX", "58")):
                    run.failures.append(f"{label}: SQLSTATE {e.sqlstate}: {e}")
                continue
            except Exception as e:
                run.failures.append(f"{label}: {type(e).__name__}: {e}")
                continue
            run.conn = conn
            for after in AFTER_SETTING[:2]:
                await run.call(f"{label}; {after}", after)
            await run.conn.close()
    await run.connect()


def server_log():
    for line in subprocess.run(["pg_lsclusters", "-h"], check=True, capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if f[2] == os.environ["PGPORT"]:
            with open(f[6], errors="replace") as log:
                return log.read()
    raise SystemExit("no cluster on port " + os.environ["PGPORT"])


async def main():
    started = time.monotonic()
    conn = await asyncpg.connect()
    await conn.execute("DROP EXTENSION IF EXISTS asyncmq CASCADE; CREATE EXTENSION asyncmq;" + SEED)
    await conn.close()
    run = Run()
    await run.connect()
    await functions(run)
    calls_functions = run.tried
    functions_done = time.monotonic()
    await settings(run)
    await run.conn.close()
    log = server_log()
    signals = [line for line in log.splitlines() if "terminated by signal" in line or "PANIC" in line or "TRAP" in line]

    print(f"# hostile input: {run.functions} functions ({calls_functions} calls, "
          f"{functions_done - started:.1f} s), {run.settings} settings ({run.tried - calls_functions} calls, "
          f"{time.monotonic() - functions_done:.1f} s)")
    print(f"hostile input: calls tried {run.tried}, refused with an error {run.refused}, "
          f"failures found {len(run.failures) + len(signals)}")
    for f in run.failures[:30] + signals[:10]:
        print(f"#   {f[:300]}")
    checks = [
        (f"hostile input: every function of the extension was called ({run.functions})", run.functions >= 30),
        (f"hostile input: every asyncmq.* setting was set ({run.settings})", run.settings >= 5),
        ("hostile input: no XX000 or class 58 error, no timeout, no lost connection, no failed call that "
         "changed the tables", not run.failures),
        ("hostile input: no backend terminated by a signal (server log)", not signals),
    ]
    for name, good in checks:
        print(("ok - " if good else "not ok - ") + name)
    return 0 if all(g for _, g in checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
