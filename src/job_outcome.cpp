// How a job's run ends: asyncmq_complete, asyncmq_complete_many, asyncmq_fail, asyncmq_expire
// and asyncmq_ack, as AsyncMQ's worker writes each outcome (handle_job in asyncmq/workers.py).
#include "args.hpp"
#include "clock.hpp"
#include "dependants.hpp"
#include "job_row.hpp"
#include "locked_job.hpp"
#include "python_numbers.hpp"
#include "scheduler_state.hpp"
#include "settings.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iterator>

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_complete);
PG_FUNCTION_INFO_V1(asyncmq_complete_many);
PG_FUNCTION_INFO_V1(asyncmq_fail);
PG_FUNCTION_INFO_V1(asyncmq_expire);
PG_FUNCTION_INFO_V1(asyncmq_ack);
}

namespace asyncmq {
namespace {

// clang-format off
// A value of the payload, or DEFAULT (jsonb) when the payload has none or null there.
#define OR_DEFAULT(KEY, DEFAULT) \
    "CASE WHEN COALESCE(pg_catalog.jsonb_typeof(j.data->'" KEY "'), 'null') = 'null' " \
    "THEN " DEFAULT " ELSE j.data->'" KEY "' END"

// The payload as AsyncMQ's worker writes every outcome: Job.to_dict() of Job.from_dict(data)
// (asyncmq/jobs.py). Exactly to_dict's keys, a missing one with from_dict's default (depends_on
// [] for a child whose last parent removed it, created_at now), and active_since when the
// payload has one; the keys to_dict does not write (heartbeat, updated_at, cancelled_at,
// progress, ...) are gone. A jsonb expression over the row j.
#define TO_DICT \
    "(pg_catalog.jsonb_build_object(" \
    "'id', j.data->'id', " \
    "'task', j.data->'task', " \
    "'args', COALESCE(j.data->'args', '[]'::pg_catalog.jsonb), " \
    "'kwargs', COALESCE(j.data->'kwargs', '{}'::pg_catalog.jsonb), " \
    "'retries', COALESCE(j.data->'retries', '0'::pg_catalog.jsonb), " \
    "'max_retries', COALESCE(j.data->'max_retries', '3'::pg_catalog.jsonb), " \
    "'backoff', j.data->'backoff', " \
    "'ttl', j.data->'ttl', " \
    "'created_at', " OR_DEFAULT("created_at", \
        "pg_catalog.to_jsonb(EXTRACT(epoch FROM pg_catalog.clock_timestamp())::pg_catalog.float8)") ", " \
    "'last_attempt', j.data->'last_attempt', " \
    "'status', j.data->'status', " \
    "'result', j.data->'result', " \
    "'last_error', j.data->'last_error', " \
    "'error_traceback', j.data->'error_traceback', " \
    "'delay_until', j.data->'delay_until', " \
    "'priority', COALESCE(j.data->'priority', '5'::pg_catalog.jsonb), " \
    "'depends_on', " OR_DEFAULT("depends_on", "'[]'::pg_catalog.jsonb") ", " \
    "'repeat_every', j.data->'repeat_every', " \
    "'deduplication', j.data->'deduplication') || " \
    "CASE WHEN COALESCE(pg_catalog.jsonb_typeof(j.data->'active_since'), 'null') = 'null' " \
    "THEN '{}'::pg_catalog.jsonb " \
    "ELSE pg_catalog.jsonb_build_object('active_since', j.data->'active_since') END)"
// clang-format on

// complete_active_job's row as the worker's success path leaves it: status, result ($result),
// delay_until null in data and column, last_error and error_traceback null, last_attempt the
// start of this run (active_since), in the payload as above. What follows SET.
constexpr char complete_set[] = R"(
    status = 'completed', delay_until = NULL, updated_at = pg_catalog.now(),
    data = )" TO_DICT R"( || pg_catalog.jsonb_build_object(
      'status', 'completed', 'result', $result, 'delay_until', NULL, 'last_error', NULL,
      'error_traceback', NULL, 'last_attempt', j.data->'active_since'))";

// A completion statement as asyncmq.delete_completed makes it: the completed row deleted instead
// of written completed; the same parameters ($result unused) and planner, other SQL.
Statement deleting(const Statement &completing, std::initializer_list<const char *> sql) {
    Statement s = completing;
    std::fill(std::begin(s.sql), std::end(s.sql), nullptr);
    std::copy(sql.begin(), sql.end(), s.sql);
    return s;
}

// The common completion in one statement: an active job of the queue without a cancellation
// marker is completed and its dependants released ($parents is the job, as a one-element
// array). A cancel that committed before the statement began left a marker it sees; one that
// holds the row's lock makes it wait, and then the row it re-reads is no longer active (cancel
// deletes the row or sets status cancelled). Whatever it does not complete goes to
// complete_locked. The row comes by its id ($row, found by find_job_row), and the status test is
// written so that no index serves it: never a scan of the status index over every active job.
constexpr char active_unmarked[] = R"(
  WHERE j.id = $row AND (j.status = 'active') IS TRUE
    AND NOT EXISTS (SELECT 1 FROM {cancelled} AS c WHERE c.queue_name = $queue AND c.job_id = ($parents)[1])
  RETURNING j.id), )";
const Statement complete_active = {
    {"WITH done AS (UPDATE {jobs} AS j SET ", complete_set, active_unmarked, release_after_done},
    {{"queue", TEXTOID}, {"parents", TEXTARRAYOID}, {"result", JSONBOID}, {"row", INT4OID}},
    SPI_OK_SELECT,
    false,
    Planner::by_index};
// Under asyncmq.delete_completed the completed row is deleted instead ($result unused).
const Statement complete_active_deleting =
    deleting(complete_active, {"WITH done AS (DELETE FROM {jobs} AS j ", active_unmarked, release_after_done});

// complete_active_job after lock_job, for any job: one with a cancellation marker loses its row
// (the marker is read here, with a snapshot taken after the row lock, so a cancel that
// committed meanwhile is seen); an active one is completed as above and its dependants
// released. Whether the job is active comes from lock_job ($active): the lock keeps it so, and
// a clause on the status column could lead the planner to the status index instead of the
// row's id.
constexpr char locked_marked[] = R"(
WITH m AS (SELECT EXISTS (SELECT 1 FROM {cancelled} AS c
                          WHERE c.queue_name = $queue AND c.job_id = ($parents)[1]) AS marked),
gone AS (DELETE FROM {jobs} AS j USING m WHERE j.id = $row AND m.marked),
done AS ()";
constexpr char locked_active[] = R"( WHERE j.id = $row AND NOT m.marked AND $active RETURNING j.id), )";
const Statement complete_locked = {
    {locked_marked, "UPDATE {jobs} AS j SET ", complete_set, " FROM m", locked_active, release_after_done},
    {{"queue", TEXTOID}, {"parents", TEXTARRAYOID}, {"result", JSONBOID}, {"row", INT4OID}, {"active", BOOLOID}},
    SPI_OK_SELECT,
    false,
    Planner::by_index};
const Statement complete_locked_deleting =
    deleting(complete_locked, {locked_marked, "DELETE FROM {jobs} AS j USING m", locked_active, release_after_done});

// asyncmq_complete_many in one statement, on the jobs' rows ($rows, found by find_job_rows): the
// rows locked in id order (so two calls with the same ids in other orders cannot deadlock), a
// job with a cancellation marker deleted, the active ones completed as complete_active completes
// one (or deleted); returns the completed ids.
constexpr char many_locked[] = R"(
WITH locked AS (
  SELECT j.id, j.status,
         EXISTS (SELECT 1 FROM {cancelled} AS c WHERE c.queue_name = j.queue_name AND c.job_id = j.job_id) AS marked
  FROM {jobs} AS j WHERE j.id = ANY ($rows) ORDER BY j.id FOR UPDATE OF j),
gone AS (DELETE FROM {jobs} AS j USING locked AS l WHERE j.id = l.id AND l.marked),
done AS ()";
constexpr char many_active[] = R"( locked AS l WHERE j.id = l.id AND NOT l.marked AND l.status = 'active'
  RETURNING j.job_id)
SELECT pg_catalog.array_agg(d.job_id) FROM done AS d)";
const Statement complete_many = {{many_locked, "UPDATE {jobs} AS j SET ", complete_set, " FROM", many_active},
                                 {{"rows", INT4ARRAYOID}, {"result", JSONBOID}},
                                 SPI_OK_SELECT,
                                 false,
                                 Planner::by_index};
const Statement complete_many_deleting =
    deleting(complete_many, {many_locked, "DELETE FROM {jobs} AS j USING", many_active});

// retry_active_job (status delayed, a run time in data and column) or fail_active_job.
const Statement fail_stmt = {
    {R"(
UPDATE {jobs} AS j SET status = $status, delay_until = $delay_until::pg_catalog.float8, updated_at = pg_catalog.now(),
  data = )" TO_DICT R"( || pg_catalog.jsonb_build_object(
    'status', $status, 'retries', $retries, 'last_error', $error, 'error_traceback', $error,
    'delay_until', $delay_until, 'last_attempt', j.data->'active_since')
WHERE j.id = $row)"},
    {{"row", INT4OID}, {"status", TEXTOID}, {"retries", INT4OID}, {"error", TEXTOID}, {"delay_until", NUMERICOID}},
    SPI_OK_UPDATE};

// expire_active_job: status expired, delay_until null in data and column, in the payload as
// above; last_attempt is left as it was.
const Statement expire_stmt = {{R"(
UPDATE {jobs} AS j SET status = 'expired', delay_until = NULL, updated_at = pg_catalog.now(),
  data = )" TO_DICT R"( || '{"status": "expired", "delay_until": null}'::pg_catalog.jsonb
WHERE j.id = $row)"},
                               {{"row", INT4OID}},
                               SPI_OK_UPDATE};

// ack: the job's row (found by find_job_row) deleted when data.result is null or absent.
const Statement ack_stmt = {{R"(
DELETE FROM {jobs} AS j WHERE j.id = $row
  AND COALESCE(pg_catalog.jsonb_typeof(j.data->'result'), 'null') = 'null')"},
                            {{"row", INT4OID}},
                            SPI_OK_DELETE};

// Job.next_retry_delay (asyncmq/jobs.py): backoff ** retries, or the backoff itself when the
// power overflows (Python raises OverflowError there and AsyncMQ falls back to the backoff).
double retry_delay(const LockedJob &job, int32 retries) {
    if (!job.has_backoff)
        return 0.0;
    double delay = std::pow(job.backoff, retries);
    return std::isfinite(delay) ? delay : job.backoff;
}

bool complete_one(const Call &call, const char *queue, const char *job_id, Datum result, bool result_null) {
    int32 row;
    if (!find_job_row(call, queue, job_id, &row))
        return false;
    Datum ids = one_text_array(job_id);
    // An active job without a marker, the worker's usual case: one statement, no separate lock.
    Datum fast[4] = {CStringGetTextDatum(queue), ids, result, Int32GetDatum(row)};
    char fast_nulls[4] = {' ', ' ', result_null ? 'n' : ' ', ' '};
    bool deleting = delete_completed_setting();
    run(call, deleting ? complete_active_deleting : complete_active, fast, fast_nulls);
    if (released_after(queue))
        return true;
    // Anything else (marked, not active, gone) under the row's lock, as AsyncMQ decides it.
    LockedJob job = lock_job(call, queue, job_id);
    if (!job.found)
        return false;
    Datum args[5] = {CStringGetTextDatum(queue), ids, result, Int32GetDatum(job.row),
                     BoolGetDatum(has_status(job, "active"))};
    char nulls[5] = {' ', ' ', result_null ? 'n' : ' ', ' ', ' '};
    run(call, deleting ? complete_locked_deleting : complete_locked, args, nulls);
    return released_after(queue);
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_complete(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    bool done =
        complete_one(jc.call, jc.queue, jc.job_id, PG_ARGISNULL(2) ? (Datum)0 : PG_GETARG_DATUM(2), PG_ARGISNULL(2));
    end_call(&jc.call);
    PG_RETURN_BOOL(done);
}

extern "C" Datum asyncmq_complete_many(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job_ids must not be null")));
    Datum *elems;
    bool *elem_nulls;
    int n;
    deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
    const char **job_ids = (const char **)palloc(n * sizeof(char *));
    for (int i = 0; i < n; i++)
        job_ids[i] = elem_nulls[i] ? nullptr : TextDatumGetCString(elems[i]);
    Call call;
    begin_call(&call);
    // A repeated id finds its row twice; the statement's = ANY takes it once.
    Datum *rows = (Datum *)palloc(n * sizeof(Datum));
    int nrows = n > 0 ? find_job_rows(call, queue, job_ids, n, rows) : 0;
    bool none = true;
    Datum completed = (Datum)0;
    if (nrows > 0) {
        Datum args[2] = {PointerGetDatum(construct_array(rows, nrows, INT4OID, sizeof(int32), true, TYPALIGN_INT)),
                         PG_ARGISNULL(2) ? (Datum)0 : PG_GETARG_DATUM(2)};
        char nulls[2] = {' ', PG_ARGISNULL(2) ? 'n' : ' '};
        run(call, delete_completed_setting() ? complete_many_deleting : complete_many, args, nulls);
        completed = column(1, &none);
    }
    int32 done = 0;
    if (!none) {
        ArrayType *ids = DatumGetArrayTypeP(completed);
        done = ArrayGetNItems(ARR_NDIM(ids), ARR_DIMS(ids));
        release_dependants(call, queue, completed);
    }
    end_call(&call);
    PG_RETURN_INT32(done);
}

// The worker's failure path: retries + 1; over max_retries the job fails, otherwise it waits
// backoff ** retries seconds (0 without a backoff) as a delayed job.
extern "C" Datum asyncmq_fail(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    LockedJob job;
    const char *status = nullptr;
    if (lock_active(jc.call, jc.queue, jc.job_id, &job)) {
        int32 retries = job.retries + 1;
        bool failed = retries > job.max_retries;
        status = failed ? "failed" : "delayed";
        Datum args[5] = {Int32GetDatum(job.row), CStringGetTextDatum(status), Int32GetDatum(retries),
                         PG_ARGISNULL(2) ? (Datum)0 : PG_GETARG_DATUM(2), (Datum)0};
        char nulls[5] = {' ', ' ', ' ', PG_ARGISNULL(2) ? 'n' : ' ', failed ? 'n' : ' '};
        if (!failed)
            args[4] = float_number(epoch_now() + retry_delay(job, retries));
        run(jc.call, fail_stmt, args, nulls);
        if (!failed)
            wake_scheduler_at_commit(); // a retry to promote when its backoff is over
    }
    end_call(&jc.call);
    if (status == nullptr)
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(status));
}

// expire_active_job, for a job whose ttl has passed (asyncmq_ttl_expired): false for an unknown
// job, one that is not active, or one with a cancellation marker (deleted, as AsyncMQ does).
extern "C" Datum asyncmq_expire(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    LockedJob job;
    bool expired = lock_active(jc.call, jc.queue, jc.job_id, &job);
    if (expired) {
        Datum args[1] = {Int32GetDatum(job.row)};
        run(jc.call, expire_stmt, args);
    }
    end_call(&jc.call);
    PG_RETURN_BOOL(expired);
}

// AsyncMQ's ack: the row deleted when it holds no result; true when a row was deleted.
extern "C" Datum asyncmq_ack(PG_FUNCTION_ARGS) {
    PG_RETURN_BOOL(run_for_job(fcinfo, ack_stmt));
}
