// The job lifecycle as SQL functions (issue 4): enqueue, dequeue, complete, fail, cancel, retry,
// remove, pause, heartbeat, promotion, stalled recovery, stats and dependencies, acting on
// AsyncMQ's tables as AsyncMQ's Python backend does (contract §3 and §4; README, The job lifecycle).
//
// Each function connects to SPI, runs the session's prepared plans (plans.cpp) and copies what it
// returns out of SPI's memory before SPI_finish. Nothing here owns an object with a destructor.
#include "pg.hpp"

#include "cron_sql.hpp"
#include "jobs.hpp"
#include "messages.hpp"
#include "plans.hpp"

#include <cmath>

extern "C" {
#include "utils/datum.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(asyncmq_enqueue);
PG_FUNCTION_INFO_V1(asyncmq_enqueue_many);
PG_FUNCTION_INFO_V1(asyncmq_dequeue);
PG_FUNCTION_INFO_V1(asyncmq_complete);
PG_FUNCTION_INFO_V1(asyncmq_complete_many);
PG_FUNCTION_INFO_V1(asyncmq_fail);
PG_FUNCTION_INFO_V1(asyncmq_cancel);
PG_FUNCTION_INFO_V1(asyncmq_is_cancelled);
PG_FUNCTION_INFO_V1(asyncmq_retry);
PG_FUNCTION_INFO_V1(asyncmq_remove);
PG_FUNCTION_INFO_V1(asyncmq_pause_queue);
PG_FUNCTION_INFO_V1(asyncmq_resume_queue);
PG_FUNCTION_INFO_V1(asyncmq_is_queue_paused);
PG_FUNCTION_INFO_V1(asyncmq_heartbeat);
PG_FUNCTION_INFO_V1(asyncmq_promote_delayed);
PG_FUNCTION_INFO_V1(asyncmq_recover_stalled);
PG_FUNCTION_INFO_V1(asyncmq_queue_stats);
PG_FUNCTION_INFO_V1(asyncmq_resolve_dependency);
PG_FUNCTION_INFO_V1(asyncmq_channel);
PG_FUNCTION_INFO_V1(asyncmq_expire);
PG_FUNCTION_INFO_V1(asyncmq_move_to_dlq);
PG_FUNCTION_INFO_V1(asyncmq_pop_due_delayed);
PG_FUNCTION_INFO_V1(asyncmq_register_worker);
PG_FUNCTION_INFO_V1(asyncmq_list_workers);
PG_FUNCTION_INFO_V1(asyncmq_deregister_worker);
PG_FUNCTION_INFO_V1(asyncmq_upsert_repeatable);
PG_FUNCTION_INFO_V1(asyncmq_pause_repeatable);
PG_FUNCTION_INFO_V1(asyncmq_resume_repeatable);
PG_FUNCTION_INFO_V1(asyncmq_list_repeatables);
PG_FUNCTION_INFO_V1(asyncmq_ack);
PG_FUNCTION_INFO_V1(asyncmq_list_delayed);
}

namespace asyncmq {
namespace {

// What asyncmq_enqueue and each element of asyncmq_enqueue_many describe.
struct NewJob {
    const char *job_id; // nullptr: generate a UUID
    const char *task;
    Datum args;
    Datum kwargs;
    int32 priority;
    int32 max_retries;
    bool has_backoff, has_ttl, has_delay, has_repeat_every;
    double backoff, ttl, delay, repeat_every;
    const char *backoff_spelt; // the backoff as a JSON element spelt it (2 or 2.0); nullptr: a float
    Datum depends_on;          // text[]
    const char *dedup_id;      // nullptr: no deduplication
    bool has_dedup_ttl;        // a ttl: throttle mode; none: simple mode
    double dedup_ttl;
};

// Between these two, statements run with pg_catalog alone on search_path: the tables are already
// resolved and schema-qualified, so the caller's path is not needed, and no operator or function
// of another schema can stand in for pg_catalog's, also when a cached plan is re-analysed. An
// ERROR pops the override with the (sub)transaction.
void spi_connect() {
    int rc = SPI_connect();
    if (rc != SPI_OK_CONNECT)
        elog(ERROR, "asyncmq: SPI_connect returned %s", SPI_result_code_string(rc));
    OverrideSearchPath *catalog_only = (OverrideSearchPath *)palloc0(sizeof(OverrideSearchPath));
    catalog_only->addCatalog = true;
    PushOverrideSearchPath(catalog_only);
}

void spi_finish() {
    PopOverrideSearchPath();
    int rc = SPI_finish();
    if (rc != SPI_OK_FINISH)
        elog(ERROR, "asyncmq: SPI_finish returned %s", SPI_result_code_string(rc));
}

const char *text_arg(FunctionCallInfo fcinfo, int i, const char *name) {
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", name)));
    return text_to_cstring(PG_GETARG_TEXT_PP(i));
}

const char *queue_arg(FunctionCallInfo fcinfo, int i) {
    const char *queue = text_arg(fcinfo, i, "queue");
    if (queue[0] == '\0')
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("queue must not be empty"),
                        errhint("Name the queue as AsyncMQ's Queue(name) does.")));
    return queue;
}

// "" for asyncmq_enqueue, "jobs[3]: " for an element of asyncmq_enqueue_many.
#define BAD_JOB(where, ...)                                                                                            \
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s%s", where, psprintf(__VA_ARGS__))))

void check_job(const NewJob &job, const char *where) {
    if (job.task[0] == '\0')
        BAD_JOB(where, "task must not be empty");
    Jsonb *args = DatumGetJsonbP(job.args);
    if (!JB_ROOT_IS_ARRAY(args) || JB_ROOT_IS_SCALAR(args))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sargs must be a JSON array", where),
                        errdetail("AsyncMQ passes args to the task as positional arguments."),
                        errhint("Write args as '[1, 2]'::jsonb.")));
    Jsonb *kwargs = DatumGetJsonbP(job.kwargs);
    if (!JB_ROOT_IS_OBJECT(kwargs))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%skwargs must be a JSON object", where),
                        errdetail("AsyncMQ passes kwargs to the task as keyword arguments."),
                        errhint("Write kwargs as '{\"label\": \"sum\"}'::jsonb.")));
    if (job.job_id != nullptr)
        check_job_id(job.job_id, where);
    if (job.max_retries < 0)
        BAD_JOB(where, "max_retries must not be negative");
    if (job.has_backoff && !(job.backoff >= 0 && std::isfinite(job.backoff)))
        BAD_JOB(where, "backoff must be a finite number, 0 or more");
    if (job.has_ttl && !(job.ttl >= 0 && std::isfinite(job.ttl)))
        BAD_JOB(where, "ttl must be a finite number of seconds, 0 or more");
    if (job.has_delay && !(job.delay >= 0 && std::isfinite(job.delay)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%sdelay must be a finite number of seconds, 0 or more", where),
                        errhint("Pass delay => NULL for a job that may run at once.")));
    if (job.has_repeat_every && !(job.repeat_every > 0 && std::isfinite(job.repeat_every)))
        BAD_JOB(where, "repeat_every must be a finite number of seconds greater than 0");
    ArrayType *deps = DatumGetArrayTypeP(job.depends_on);
    if (ARR_NDIM(deps) > 1 || array_contains_nulls(deps))
        BAD_JOB(where, "depends_on must be a one-dimensional array of job ids without nulls");
}

// Reads a deduplication option (jsonb, SPI connected) into the job, as AsyncMQ normalises it:
// a non-empty string id, a ttl above 0 or none, extend and replace. Only the modes whose
// behaviour the fixtures show are taken: throttle (a ttl) and simple (none).
void read_dedup(const JobTables &t, Datum option, const char *where, NewJob *job) {
    Datum arg[1] = {option};
    run(plan(t, Stmt::dedup_fields), arg, nullptr, true, SPI_OK_SELECT);
    HeapTuple tuple = SPI_tuptable->vals[0];
    TupleDesc desc = SPI_tuptable->tupdesc;
    auto text = [&](int col) { return SPI_getvalue(tuple, desc, col); };
    auto type = [&](int col) {
        const char *ty = SPI_getvalue(tuple, desc, col);
        return ty == nullptr || strcmp(ty, "null") == 0 ? (const char *)nullptr : ty;
    };
    if (strcmp(text(1), "object") != 0)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sdeduplication must be a JSON object", where),
                 errhint("Write it as '{\"id\": \"report-2026\", \"ttl\": 60}'::jsonb.")));
    if (text(2) != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sunknown key in deduplication: %s", where, text(2)),
                 errhint("The keys are id, ttl, extend and replace.")));
    if (type(3) == nullptr || strcmp(type(3), "string") != 0 || text(4)[0] == '\0')
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sdeduplication needs a non-empty string id", where),
                 errdetail("Jobs added with the same deduplication id share one window.")));
    job->dedup_id = text(4);
    if ((job->has_dedup_ttl = type(5) != nullptr)) {
        double ttl = strcmp(type(5), "number") == 0
                         ? DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(text(6))))
                         : -1;
        if (!(ttl > 0 && std::isfinite(ttl)))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%sdeduplication ttl must be a number of seconds greater than 0", where),
                            errhint("Leave ttl out for a window that lasts until the job finishes.")));
        job->dedup_ttl = ttl;
    }
    for (int col = 7; col <= 9; col += 2) {
        const char *key = col == 7 ? "extend" : "replace";
        if (type(col) != nullptr && strcmp(type(col), "boolean") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%sdeduplication %s must be a boolean", where, key)));
        if (type(col) != nullptr && strcmp(text(col + 1), "true") == 0)
            ereport(ERROR,
                    (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                     errmsg("%sdeduplication with %s is not supported", where, key),
                     errdetail("%s", col == 7 ? "AsyncMQ's extend renews the owner's window when a duplicate is added, "
                                                "which the AsyncMQ 0.9.1 fixtures do not show."
                                              : "AsyncMQ's replace and debounce modes replace a delayed owner with "
                                                "the new job, which the AsyncMQ 0.9.1 fixtures do not show."),
                     errhint("Use the simple mode (an id alone) or the throttle mode (an id and a ttl).")));
    }
}

char *numeric_text(Datum number) {
    return DatumGetCString(DirectFunctionCall1(numeric_out, number));
}

// The deduplication object AsyncMQ stores: {id, ttl (a float or null), extend, replace, delay (the
// job's delay or null), mode, expires_at (now + ttl or null)}.
Datum dedup_object(const NewJob &job, double now) {
    StringInfoData json;
    initStringInfo(&json);
    appendStringInfoString(&json, "{\"id\": ");
    escape_json(&json, job.dedup_id);
    appendStringInfo(&json,
                     ", \"ttl\": %s, \"extend\": false, \"replace\": false, \"delay\": %s, "
                     "\"mode\": \"%s\", \"expires_at\": %s}",
                     job.has_dedup_ttl ? numeric_text(float_number(job.dedup_ttl)) : "null",
                     job.has_delay ? numeric_text(int_or_float_number(job.delay)) : "null",
                     job.has_dedup_ttl ? "throttle" : "simple",
                     job.has_dedup_ttl ? numeric_text(float_number(now + job.dedup_ttl)) : "null");
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
}

Datum advisory_key(const char *queue, const char *kind, const char *id) {
    Datum key = DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID,
                                        CStringGetTextDatum(psprintf("asyncmq:%s:%s:%s", queue, kind, id)));
    return Int64GetDatum((int64)DatumGetInt32(key));
}

// The parameters of Stmt::upsert for a new job made now: the payload Job.to_dict() would write.
void upsert_values(const char *queue, const NewJob &job, Datum values[15], char nulls[15]) {
    memset(nulls, ' ', 15);
    double created = epoch_now();
    // AsyncMQ computes expires_at just before the job's created_at.
    Datum dedup = job.dedup_id != nullptr ? dedup_object(job, created) : (Datum)0;
    values[0] = CStringGetTextDatum(queue);
    values[1] = job.job_id ? CStringGetTextDatum(job.job_id) : (nulls[1] = 'n', (Datum)0);
    values[2] = CStringGetTextDatum(job.task);
    values[3] = job.args;
    values[4] = job.kwargs;
    values[5] = Int32GetDatum(job.max_retries);
    values[6] = !job.has_backoff    ? (nulls[6] = 'n', (Datum)0)
                : job.backoff_spelt ? DirectFunctionCall3(numeric_in, CStringGetDatum(job.backoff_spelt),
                                                          ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1))
                                    : float_number(job.backoff);
    values[7] = job.has_ttl ? int_or_float_number(job.ttl) : (nulls[7] = 'n', (Datum)0);
    values[8] = float_number(created);
    values[9] = CStringGetTextDatum(job.has_delay ? "delayed" : "waiting");
    values[10] = job.has_delay ? float_number(created + job.delay) : (nulls[10] = 'n', (Datum)0);
    values[11] = Int32GetDatum(job.priority);
    values[12] = job.depends_on;
    values[13] = job.has_repeat_every ? int_or_float_number(job.repeat_every) : (nulls[13] = 'n', (Datum)0);
    values[14] = job.dedup_id != nullptr ? dedup : (nulls[14] = 'n', (Datum)0);
}

// A version 4 UUID as AsyncMQ's uuid4() and PostgreSQL's gen_random_uuid() make it.
char *random_uuid() {
    unsigned char b[16];
    if (!pg_strong_random(b, sizeof b))
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not generate random values")));
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    return psprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

// asyncmq_enqueue_many's jobs when none has a job id, a deduplication id or a parent: what
// enqueue_one would write for each, in one statement. Returns the ids, in the jobs' order.
Datum *insert_many(const JobTables &t, const char *queue, const NewJob *jobs, int n) {
    // Parameters 1 to 13 of the upsert (1, the job id, generated here), one array each, but for
    // 12, depends_on: empty for every job, so the statement does not read it.
    const int ncols = 14, depends_on = 12;
    static const Oid types[ncols] = {InvalidOid, TEXTOID,    TEXTOID, JSONBOID,   JSONBOID, INT4OID,    NUMERICOID,
                                     NUMERICOID, NUMERICOID, TEXTOID, NUMERICOID, INT4OID,  InvalidOid, NUMERICOID};
    Datum *columns[ncols];
    bool *column_nulls[ncols];
    for (int c = 1; c < ncols; c++) {
        columns[c] = (Datum *)palloc(sizeof(Datum) * n);
        column_nulls[c] = (bool *)palloc(sizeof(bool) * n);
    }
    bool wake = false;
    for (int i = 0; i < n; i++) {
        Datum values[15];
        char nulls[15];
        upsert_values(queue, jobs[i], values, nulls);
        values[1] = CStringGetTextDatum(random_uuid());
        nulls[1] = ' ';
        for (int c = 1; c < ncols; c++) {
            if (c == depends_on)
                continue;
            columns[c][i] = values[c];
            column_nulls[c][i] = nulls[c] == 'n';
        }
        wake |= !jobs[i].has_delay;
    }
    Datum args[ncols];
    args[0] = CStringGetTextDatum(queue);
    args[depends_on] = PointerGetDatum(construct_empty_array(TEXTOID));
    for (int c = 1; c < ncols; c++) {
        if (c == depends_on)
            continue;
        int16 len;
        bool byval;
        char align;
        get_typlenbyvalalign(types[c], &len, &byval, &align);
        int dims[1] = {n}, lbs[1] = {1};
        args[c] =
            PointerGetDatum(construct_md_array(columns[c], column_nulls[c], 1, dims, lbs, types[c], len, byval, align));
    }
    run(plan(t, Stmt::insert_many), args, nullptr, false, SPI_OK_INSERT);
    if (wake)
        wake_queue(queue);
    return columns[1];
}

// Queue.add: a custom id that names a job (in any status but cancelled) returns that id and
// writes nothing; otherwise AsyncMQ's upsert writes the payload Job.to_dict() would.
char *enqueue_one(const JobTables &t, const char *queue, const NewJob &job, MemoryContext out) {
    if (job.dedup_id != nullptr) {
        // The lock AsyncMQ's Queue.add holds while it looks the owner up (a session lock there):
        // of two adds at once, the second waits and then finds the first's job.
        DirectFunctionCall1(pg_advisory_xact_lock_int8, advisory_key(queue, "dedup", job.dedup_id));
        Datum look[3] = {CStringGetTextDatum(queue), CStringGetTextDatum(job.dedup_id), Float8GetDatum(epoch_now())};
        if (run(plan(t, Stmt::dedup_owner), look, nullptr, false, SPI_OK_SELECT) > 0)
            return MemoryContextStrdup(out, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
    }
    if (job.job_id != nullptr) {
        // The lock AsyncMQ's Queue.add holds while it looks the id up (a session lock there).
        DirectFunctionCall1(pg_advisory_xact_lock_int8, advisory_key(queue, "job-id", job.job_id));
        Datum look[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job.job_id)};
        if (run(plan(t, Stmt::job_exists), look, nullptr, false, SPI_OK_SELECT) > 0)
            return MemoryContextStrdup(out, job.job_id);
    }
    Datum values[15];
    char nulls[15];
    upsert_values(queue, job, values, nulls);
    if (run(plan(t, Stmt::upsert), values, nulls, false, SPI_OK_INSERT_RETURNING) != 1)
        ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                        errmsg("job id \"%s\" is taken by a job of another queue", job.job_id),
                        errdetail("In AsyncMQ layout %s job ids are unique across all queues.", layout_name(t.layout)),
                        errhint("Choose another job id, or let one be generated.")));
    char *id = MemoryContextStrdup(out, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
    SPI_freetuptable(SPI_tuptable); // a batch makes one a job
    if (!job.has_delay)
        wake_queue(queue);
    return id;
}

// A row of the jobs table, locked for the rest of the transaction.
struct LockedJob {
    bool found;
    int32 row;
    char *status;
    int32 retries;
    int32 max_retries;
    bool has_backoff;
    double backoff;
};

// Whether the locked job's status column holds this status (never when it is NULL).
bool has_status(const LockedJob &job, const char *status) {
    return job.status != nullptr && strcmp(job.status, status) == 0;
}

LockedJob lock_job(const JobTables &t, const char *queue, const char *job_id) {
    LockedJob job = {};
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    if (run(plan(t, Stmt::lock_job), args, nullptr, false, SPI_OK_SELECT) == 0)
        return job;
    HeapTuple tuple = SPI_tuptable->vals[0];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool isnull;
    job.found = true;
    job.row = DatumGetInt32(SPI_getbinval(tuple, desc, 1, &isnull));
    job.status = SPI_getvalue(tuple, desc, 2); // nullptr: the status column is NULL
    job.retries = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
    job.max_retries = DatumGetInt32(SPI_getbinval(tuple, desc, 4, &isnull));
    char *backoff_type = SPI_getvalue(tuple, desc, 5);
    if (backoff_type == nullptr) { // no backoff key: Job.from_dict's default
        job.has_backoff = true;
        job.backoff = 1.5;
    } else if (strcmp(backoff_type, "number") == 0) {
        job.has_backoff = true;
        job.backoff = DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(SPI_getvalue(tuple, desc, 6))));
    }
    return job;
}

// Read after the row lock, with a snapshot that sees every marker committed before it.
bool is_marked(const JobTables &t, const char *queue, const char *job_id) {
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    run(plan(t, Stmt::marked), args, nullptr, false, SPI_OK_SELECT);
    bool isnull;
    return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

void delete_row(const JobTables &t, int32 row) {
    Datum args[1] = {Int32GetDatum(row)};
    run(plan(t, Stmt::delete_row), args, nullptr, false, SPI_OK_DELETE);
}

// The lifecycle calls' common start: the job locked and active, or false. A job with a
// cancellation marker loses its row instead, as in AsyncMQ (fixture 09).
bool lock_active(const JobTables &t, const char *queue, const char *job_id, LockedJob *job) {
    *job = lock_job(t, queue, job_id);
    if (!job->found)
        return false;
    if (is_marked(t, queue, job_id)) {
        delete_row(t, job->row);
        return false;
    }
    return has_status(*job, "active");
}

// Releases the dependants of the parents (a text[] of job ids); returns how many became runnable.
int64 resolve_parents(const JobTables &t, const char *queue, Datum parents) {
    Datum args[2] = {CStringGetTextDatum(queue), parents};
    uint64 n = run_by_index(plan(t, Stmt::resolve), args, nullptr, SPI_OK_UPDATE_RETURNING, false);
    int64 released = 0;
    for (uint64 i = 0; i < n; i++) {
        bool isnull;
        if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull)))
            released++;
    }
    if (released > 0)
        wake_queue(queue);
    return released;
}

int64 resolve_dependency(const JobTables &t, const char *queue, const char *parent) {
    Datum one = CStringGetTextDatum(parent);
    return resolve_parents(t, queue, PointerGetDatum(construct_array(&one, 1, TEXTOID, -1, false, TYPALIGN_INT)));
}

// Reads what Stmt::complete_active and Stmt::complete return: whether the job was completed; wakes
// the queue when a dependant became runnable.
bool completed(const char *queue) {
    bool isnull;
    bool done = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)) > 0)
        wake_queue(queue);
    return done;
}

bool complete_one(const JobTables &t, const char *queue, const char *job_id, Datum result, bool result_null) {
    Datum one = CStringGetTextDatum(job_id);
    Datum ids = PointerGetDatum(construct_array(&one, 1, TEXTOID, -1, false, TYPALIGN_INT));
    // An active job without a marker, the worker's usual case: one statement, no separate lock.
    Datum fast[3] = {CStringGetTextDatum(queue), ids, result};
    char fast_nulls[3] = {' ', ' ', result_null ? 'n' : ' '};
    run_by_index(plan(t, Stmt::complete_active), fast, fast_nulls, SPI_OK_SELECT, false);
    if (completed(queue))
        return true;
    // Anything else (marked, not active, gone) under the row's lock, as AsyncMQ decides it.
    LockedJob job = lock_job(t, queue, job_id);
    if (!job.found)
        return false;
    Datum args[5] = {CStringGetTextDatum(queue), ids, Int32GetDatum(job.row), result,
                     BoolGetDatum(has_status(job, "active"))};
    char nulls[5] = {' ', ' ', ' ', result_null ? 'n' : ' ', ' '};
    run_by_index(plan(t, Stmt::complete), args, nulls, SPI_OK_SELECT, false);
    return completed(queue);
}

void require_paused_table(const JobTables &t, const char *function) {
    if (t.paused == nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s needs AsyncMQ layout 0.9 or later", function),
                 errdetail("asyncmq.layout is %s, whose tables have no paused queues table.", layout_name(t.layout)),
                 errhint("Set asyncmq.layout to 0.9 or later and run asyncmq_install().")));
}

bool queue_paused(const JobTables &t, const char *queue) {
    if (t.paused == nullptr)
        return false;
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(plan(t, Stmt::queue_paused), args, nullptr, true, SPI_OK_SELECT);
    bool isnull;
    return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

// Sends the first ncols columns (at most 4) of each row to the function's result set.
void return_rows(ReturnSetInfo *rsinfo, int ncols) {
    Assert(ncols <= 4);
    for (uint64 i = 0; i < SPI_processed; i++) {
        Datum values[4];
        bool nulls[4];
        for (int c = 0; c < ncols; c++)
            values[c] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
}

double number_field(const char *type, const char *text, const char *where, const char *key) {
    if (strcmp(type, "number") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s%s must be a number", where, key)));
    return DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(text)));
}

int32 int_field(const char *type, const char *text, const char *where, const char *key) {
    double v = number_field(type, text, where, key);
    if (v != std::trunc(v) || strpbrk(text, ".eE") != nullptr || v < PG_INT32_MIN || v > PG_INT32_MAX)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s%s must be an integer", where, key),
                        errdetail("AsyncMQ reads %s with an integer cast; %s would make it fail.", key, text)));
    return (int32)v;
}

void require_workers_table(const JobTables &t, const char *function) {
    if (t.workers.qualified == nullptr)
        ereport(
            ERROR,
            (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s needs AsyncMQ layout 0.2 or later", function),
             errdetail("asyncmq.layout is %s, whose tables have no workers heartbeat table.", layout_name(t.layout)),
             errhint("Set asyncmq.layout to 0.2 or later and run asyncmq_install().")));
    require_table(t.workers);
}

double finite_arg(FunctionCallInfo fcinfo, int i, const char *name, const char *hint) {
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", name)));
    double v = PG_GETARG_FLOAT8(i);
    if (!(v >= 0 && std::isfinite(v)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s must be a finite number of seconds, 0 or more", name), errhint("%s", hint)));
    return v;
}

// A repeatable's definition as AsyncMQ stores it, and its next run from now.
struct Repeatable {
    Datum def; // normalised jsonb
    double next_run;
};

Repeatable normalise_repeatable(const JobTables &t, FunctionCallInfo fcinfo, int i) {
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job_def must not be null")));
    Jsonb *def = PG_GETARG_JSONB_P(i);
    if (!JB_ROOT_IS_OBJECT(def))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def must be a JSON object"),
                        errhint("Write it as '{\"task_id\": \"app.tasks.report\", \"every\": 60}'::jsonb.")));
    Datum args[1] = {JsonbPGetDatum(def)};
    run(plan(t, Stmt::rep_normalise), args, nullptr, true, SPI_OK_SELECT);
    HeapTuple tuple = SPI_tuptable->vals[0];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool isnull;
    Repeatable r;
    r.def = SPI_getbinval(tuple, desc, 1, &isnull);
    const char *task_type = SPI_getvalue(tuple, desc, 2);
    const char *every_type = SPI_getvalue(tuple, desc, 3);
    const char *every = SPI_getvalue(tuple, desc, 4);
    const char *cron_type = SPI_getvalue(tuple, desc, 5);
    const char *cron = SPI_getvalue(tuple, desc, 6);
    if (DatumGetBool(SPI_getbinval(tuple, desc, 7, &isnull)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def has both task and task_id"),
                        errdetail("AsyncMQ stores task as task_id, so the two would collide."),
                        errhint("Name the task once, as task_id.")));
    if (task_type == nullptr || strcmp(task_type, "string") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def must name its task in task_id"),
                        errdetail("A repeatable runs the task that task_id (or task) names, a string.")));
    if ((every_type == nullptr) == (cron_type == nullptr))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def must have either every or cron"),
                        errdetail("every is the interval in seconds; cron is a five-field cron expression."),
                        errhint("Give exactly one of them.")));
    double now = epoch_now();
    if (every_type != nullptr) {
        double seconds = strcmp(every_type, "number") == 0
                             ? DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(every)))
                             : -1;
        if (!(seconds > 0 && std::isfinite(seconds)))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("every must be a number of seconds greater than 0")));
        r.next_run = now + seconds;
    } else {
        if (strcmp(cron_type, "string") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("cron must be a string")));
        r.next_run = cron_after(cron, now);
    }
    r.def = datumCopy(r.def, false, -1); // survives SPI_freetuptable of later statements
    return r;
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_enqueue(PG_FUNCTION_ARGS) {
    NewJob job = {};
    const char *queue = queue_arg(fcinfo, 0);
    job.task = text_arg(fcinfo, 1, "task");
    if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("args and kwargs must not be null"),
                        errhint("Pass '[]' and '{}' for a task that takes no arguments.")));
    job.args = PG_GETARG_DATUM(2);
    job.kwargs = PG_GETARG_DATUM(3);
    job.job_id = PG_ARGISNULL(4) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(4));
    if (PG_ARGISNULL(5) || PG_ARGISNULL(6))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("priority and max_retries must not be null")));
    job.priority = PG_GETARG_INT32(5);
    job.max_retries = PG_GETARG_INT32(6);
    if ((job.has_backoff = !PG_ARGISNULL(7)))
        job.backoff = PG_GETARG_FLOAT8(7);
    if ((job.has_ttl = !PG_ARGISNULL(8)))
        job.ttl = PG_GETARG_FLOAT8(8);
    if ((job.has_delay = !PG_ARGISNULL(9)))
        job.delay = PG_GETARG_FLOAT8(9);
    job.depends_on = PG_ARGISNULL(10) ? PointerGetDatum(construct_empty_array(TEXTOID)) : PG_GETARG_DATUM(10);
    if ((job.has_repeat_every = !PG_ARGISNULL(12)))
        job.repeat_every = PG_GETARG_FLOAT8(12);
    check_job(job, "");

    MemoryContext caller = CurrentMemoryContext;
    JobTables t;
    job_tables(&t);
    spi_connect();
    if (!PG_ARGISNULL(11))
        read_dedup(t, PG_GETARG_DATUM(11), "", &job);
    char *id = enqueue_one(t, queue, job, caller);
    spi_finish();
    PG_RETURN_TEXT_P(cstring_to_text(id));
}

extern "C" Datum asyncmq_enqueue_many(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("jobs must not be null")));
    Jsonb *jobs = PG_GETARG_JSONB_P(1);
    if (!JB_ROOT_IS_ARRAY(jobs) || JB_ROOT_IS_SCALAR(jobs))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("jobs must be a JSON array of objects"),
                        errhint("Write jobs as '[{\"task\": \"app.tasks.add\", \"args\": [1, 2]}]'::jsonb.")));
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    MemoryContext caller = CurrentMemoryContext;
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum arg[1] = {JsonbPGetDatum(jobs)};
    uint64 n = run(plan(t, Stmt::many_items), arg, nullptr, false, SPI_OK_SELECT);
    SPITupleTable *items = SPI_tuptable;
    // Every element is checked before the first is written.
    NewJob *parsed = (NewJob *)palloc0(sizeof(NewJob) * (n > 0 ? n : 1));
    for (uint64 i = 0; i < n; i++) {
        HeapTuple tuple = items->vals[i];
        TupleDesc desc = items->tupdesc;
        auto text = [&](int col) { return SPI_getvalue(tuple, desc, col); };
        auto type = [&](int col) {
            const char *ty = SPI_getvalue(tuple, desc, col);
            return ty == nullptr || strcmp(ty, "null") == 0 ? (const char *)nullptr : ty;
        };
        const char *where = psprintf("jobs[%s]: ", text(1));
        if (strcmp(text(2), "object") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sa job must be a JSON object", where)));
        if (text(3) != nullptr)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sunknown key: %s", where, text(3)),
                            errhint("The keys are task, args, kwargs, job_id, priority, max_retries, backoff, ttl, "
                                    "delay, depends_on, repeat_every and deduplication.")));
        NewJob &job = parsed[i];
        if (type(4) == nullptr || strcmp(type(4), "string") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%stask must be a string", where)));
        job.task = text(5);
        bool isnull;
        Datum args = SPI_getbinval(tuple, desc, 6, &isnull);
        job.args = isnull ? DirectFunctionCall1(jsonb_in, CStringGetDatum("[]")) : args;
        Datum kwargs = SPI_getbinval(tuple, desc, 7, &isnull);
        job.kwargs = isnull ? DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")) : kwargs;
        if (type(8) != nullptr && strcmp(type(8), "string") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sjob_id must be a string", where)));
        job.job_id = type(8) ? text(9) : nullptr;
        job.priority = type(10) ? int_field(type(10), text(11), where, "priority") : 5;
        job.max_retries = type(12) ? int_field(type(12), text(13), where, "max_retries") : 0;
        // A JSON backoff keeps its spelling, as AsyncMQ's json.dumps keeps Job(backoff=2)'s 2.
        if ((job.has_backoff = type(14) != nullptr)) {
            job.backoff = number_field(type(14), text(15), where, "backoff");
            job.backoff_spelt = text(15);
        }
        if ((job.has_ttl = type(16) != nullptr))
            job.ttl = number_field(type(16), text(17), where, "ttl");
        if ((job.has_delay = type(18) != nullptr))
            job.delay = number_field(type(18), text(19), where, "delay");
        if (type(20) == nullptr) {
            job.depends_on = PointerGetDatum(construct_empty_array(TEXTOID));
        } else {
            Datum strings = SPI_getbinval(tuple, desc, 22, &isnull);
            if (strcmp(type(20), "array") != 0 || !DatumGetBool(strings))
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                errmsg("%sdepends_on must be a JSON array of job ids (strings)", where)));
            job.depends_on = SPI_getbinval(tuple, desc, 21, &isnull);
        }
        if ((job.has_repeat_every = type(23) != nullptr))
            job.repeat_every = number_field(type(23), text(24), where, "repeat_every");
        check_job(job, where);
        Datum dedup = SPI_getbinval(tuple, desc, 25, &isnull);
        if (type(25) == nullptr && !isnull) // JSON null: no deduplication
            isnull = true;
        if (!isnull)
            read_dedup(t, dedup, where, &job);
    }
    bool plain = n > 0;
    for (uint64 i = 0; i < n; i++)
        plain &= parsed[i].job_id == nullptr && parsed[i].dedup_id == nullptr &&
                 ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(parsed[i].depends_on)),
                                ARR_DIMS(DatumGetArrayTypeP(parsed[i].depends_on))) == 0;
    Datum *ids = plain ? insert_many(t, queue, parsed, (int)n) : nullptr;
    for (uint64 i = 0; i < n; i++) {
        Datum id = plain ? ids[i] : CStringGetTextDatum(enqueue_one(t, queue, parsed[i], caller));
        bool isnull = false;
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &id, &isnull);
    }
    spi_finish();
    return (Datum)0;
}

extern "C" Datum asyncmq_dequeue(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("max_jobs must not be null")));
    if (PG_GETARG_INT32(1) < 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("max_jobs must be 0 or more")));
    int32 max_jobs = PG_GETARG_INT32(1);
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    spi_connect();
    if (max_jobs > 0) { // the statement takes nothing from a paused queue
        Datum args[3] = {CStringGetTextDatum(queue), Int32GetDatum(max_jobs), float_number(epoch_now())};
        if (max_jobs == 1)
            run_by_index(plan(t, Stmt::dequeue_one), args, nullptr, SPI_OK_UPDATE_RETURNING, true);
        else
            run_by_index(plan(t, Stmt::dequeue), args, nullptr, SPI_OK_SELECT, true);
        return_rows(rsinfo, 1);
    }
    spi_finish();
    return (Datum)0;
}

extern "C" Datum asyncmq_complete(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    bool done = complete_one(t, queue, job_id, PG_ARGISNULL(2) ? (Datum)0 : PG_GETARG_DATUM(2), PG_ARGISNULL(2));
    spi_finish();
    PG_RETURN_BOOL(done);
}

extern "C" Datum asyncmq_complete_many(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job_ids must not be null")));
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[3] = {CStringGetTextDatum(queue), PG_GETARG_DATUM(1), PG_ARGISNULL(2) ? (Datum)0 : PG_GETARG_DATUM(2)};
    char nulls[3] = {' ', ' ', PG_ARGISNULL(2) ? 'n' : ' '};
    run_by_index(plan(t, Stmt::complete_many), args, nulls, SPI_OK_SELECT, false);
    bool none;
    Datum completed = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &none);
    int32 done = 0;
    if (!none) {
        ArrayType *ids = DatumGetArrayTypeP(completed);
        done = ArrayGetNItems(ARR_NDIM(ids), ARR_DIMS(ids));
        resolve_parents(t, queue, completed);
    }
    spi_finish();
    PG_RETURN_INT32(done);
}

// The worker's failure path: retries + 1; over max_retries the job fails, otherwise it waits
// backoff ** retries seconds (0 without a backoff) as a delayed job.
extern "C" Datum asyncmq_fail(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    LockedJob job;
    const char *status = nullptr;
    if (lock_active(t, queue, job_id, &job)) {
        int32 retries = job.retries + 1;
        bool failed = retries > job.max_retries;
        status = failed ? "failed" : "delayed";
        Datum args[5] = {Int32GetDatum(job.row), CStringGetTextDatum(status), Int32GetDatum(retries),
                         PG_ARGISNULL(2) ? (Datum)0 : PG_GETARG_DATUM(2), (Datum)0};
        char nulls[5] = {' ', ' ', ' ', PG_ARGISNULL(2) ? 'n' : ' ', failed ? 'n' : ' '};
        if (!failed)
            args[4] = float_number(epoch_now() + (job.has_backoff ? std::pow(job.backoff, retries) : 0.0));
        run(plan(t, Stmt::fail), args, nulls, false, SPI_OK_UPDATE);
    }
    spi_finish();
    if (status == nullptr)
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(status));
}

// cancel_job: the marker always; a waiting or delayed job is deleted, an active one marked
// cancelled for its worker to see. The row is locked first, so that a concurrent dequeue,
// complete or fail either finishes before (and the cancel sees its result) or waits.
extern "C" Datum asyncmq_cancel(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    LockedJob job = lock_job(t, queue, job_id);
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    run(plan(t, Stmt::mark_cancelled), args, nullptr, false, SPI_OK_INSERT);
    if (job.found && (has_status(job, "waiting") || has_status(job, "delayed"))) {
        delete_row(t, job.row);
    } else if (job.found && has_status(job, "active")) {
        Datum cancel[2] = {Int32GetDatum(job.row), float_number(epoch_transaction_start())};
        run(plan(t, Stmt::cancel_active), cancel, nullptr, false, SPI_OK_UPDATE);
    }
    spi_finish();
    PG_RETURN_BOOL(true);
}

extern "C" Datum asyncmq_is_cancelled(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    bool marked = is_marked(t, queue, job_id);
    spi_finish();
    PG_RETURN_BOOL(marked);
}

extern "C" Datum asyncmq_retry(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[3] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id), float_number(epoch_now())};
    bool done = run(plan(t, Stmt::retry), args, nullptr, false, SPI_OK_UPDATE_RETURNING) > 0;
    if (done)
        wake_queue(queue);
    spi_finish();
    PG_RETURN_BOOL(done);
}

extern "C" Datum asyncmq_remove(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    bool removed = run(plan(t, Stmt::remove_job), args, nullptr, false, SPI_OK_DELETE) > 0;
    run(plan(t, Stmt::remove_markers), args, nullptr, false, SPI_OK_DELETE);
    spi_finish();
    PG_RETURN_BOOL(removed);
}

extern "C" Datum asyncmq_pause_queue(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    JobTables t;
    job_tables(&t);
    require_paused_table(t, "asyncmq_pause_queue()");
    spi_connect();
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(plan(t, Stmt::pause), args, nullptr, false, SPI_OK_INSERT);
    spi_finish();
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_resume_queue(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    JobTables t;
    job_tables(&t);
    require_paused_table(t, "asyncmq_resume_queue()");
    spi_connect();
    Datum args[1] = {CStringGetTextDatum(queue)};
    bool resumed = run(plan(t, Stmt::resume), args, nullptr, false, SPI_OK_DELETE) > 0;
    if (resumed)
        wake_queue(queue); // its waiting jobs may run again
    spi_finish();
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_is_queue_paused(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    JobTables t;
    job_tables(&t);
    spi_connect();
    bool paused = queue_paused(t, queue);
    spi_finish();
    PG_RETURN_BOOL(paused);
}

extern "C" Datum asyncmq_heartbeat(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    double at = PG_ARGISNULL(2) ? epoch_now() : PG_GETARG_FLOAT8(2);
    Datum stamp = float_number(at);
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[3] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id), stamp};
    bool found = run(plan(t, Stmt::heartbeat), args, nullptr, false, SPI_OK_UPDATE) > 0;
    spi_finish();
    PG_RETURN_BOOL(found);
}

extern "C" Datum asyncmq_promote_delayed(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[2] = {CStringGetTextDatum(queue), float_number(epoch_now())};
    if (run(plan(t, Stmt::promote), args, nullptr, false, SPI_OK_SELECT) > 0)
        wake_queue(queue);
    return_rows(rsinfo, 1);
    spi_finish();
    return (Datum)0;
}

extern "C" Datum asyncmq_recover_stalled(PG_FUNCTION_ARGS) {
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("older_than must not be null")));
    double seconds =
        DatumGetFloat8(DirectFunctionCall2(interval_part, CStringGetTextDatum("epoch"), PG_GETARG_DATUM(0)));
    if (seconds < 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("older_than must not be negative"),
                        errhint("Pass how long a job may go without a heartbeat, such as '60 seconds'.")));
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[1] = {Float8GetDatum(epoch_now() - seconds)};
    uint64 n = run(plan(t, Stmt::stalled), args, nullptr, false, SPI_OK_SELECT);
    for (uint64 i = 0; i < n; i++)
        wake_queue(SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
    return_rows(rsinfo, 2);
    spi_finish();
    return (Datum)0;
}

extern "C" Datum asyncmq_queue_stats(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "asyncmq: return type must be a row type");
    desc = BlessTupleDesc(desc);
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(plan(t, Stmt::stats), args, nullptr, true, SPI_OK_SELECT);
    Datum values[8];
    bool nulls[8];
    for (int i = 0; i < 8; i++)
        values[i] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1, &nulls[i]);
    spi_finish(); // the counts are int8, passed by value
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

extern "C" Datum asyncmq_resolve_dependency(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *parent = text_arg(fcinfo, 1, "parent_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    int64 released = resolve_dependency(t, queue, parent);
    spi_finish();
    PG_RETURN_INT32((int32)released);
}

extern "C" Datum asyncmq_channel(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(queue_channel(queue_arg(fcinfo, 0))));
}

// expire_active_job, for a job whose ttl has passed (asyncmq_ttl_expired): false for an unknown
// job, one that is not active, or one with a cancellation marker (deleted, as AsyncMQ does).
extern "C" Datum asyncmq_expire(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    LockedJob job;
    bool expired = lock_active(t, queue, job_id, &job);
    if (expired) {
        Datum args[1] = {Int32GetDatum(job.row)};
        run(plan(t, Stmt::expire), args, nullptr, false, SPI_OK_UPDATE);
    }
    spi_finish();
    PG_RETURN_BOOL(expired);
}

extern "C" Datum asyncmq_move_to_dlq(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    bool moved = run(plan(t, Stmt::move_to_dlq), args, nullptr, false, SPI_OK_UPDATE_RETURNING) > 0;
    spi_finish();
    PG_RETURN_BOOL(moved);
}

extern "C" Datum asyncmq_pop_due_delayed(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[2] = {CStringGetTextDatum(queue), float_number(epoch_now())};
    run(plan(t, Stmt::pop_due), args, nullptr, false, SPI_OK_SELECT);
    return_rows(rsinfo, 1);
    spi_finish();
    return (Datum)0;
}

extern "C" Datum asyncmq_register_worker(PG_FUNCTION_ARGS) {
    const char *worker_id = text_arg(fcinfo, 0, "worker_id");
    if (worker_id[0] == '\0')
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("worker_id must not be empty")));
    const char *queue = queue_arg(fcinfo, 1);
    if (PG_ARGISNULL(2))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("concurrency must not be null")));
    int32 concurrency = PG_GETARG_INT32(2);
    if (concurrency < 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("concurrency must be 1 or more"),
                        errdetail("It is how many jobs the worker runs at once.")));
    double heartbeat = PG_ARGISNULL(3) ? epoch_now() : PG_GETARG_FLOAT8(3);
    if (!std::isfinite(heartbeat))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("heartbeat must be a finite number"),
                        errhint("Pass epoch seconds, or NULL for now.")));
    JobTables t;
    job_tables(&t);
    require_workers_table(t, "asyncmq_register_worker()");
    spi_connect();
    Datum args[4] = {CStringGetTextDatum(worker_id), CStringGetTextDatum(queue), Int32GetDatum(concurrency),
                     Float8GetDatum(heartbeat)};
    run(plan(t, Stmt::worker_register), args, nullptr, false, SPI_OK_INSERT);
    spi_finish();
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_list_workers(PG_FUNCTION_ARGS) {
    double ttl = finite_arg(fcinfo, 0, "ttl", "Pass how old a worker's last heartbeat may be, such as 30.");
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    require_workers_table(t, "asyncmq_list_workers()");
    spi_connect();
    Datum args[1] = {Float8GetDatum(epoch_now() - ttl)};
    run(plan(t, Stmt::worker_list), args, nullptr, true, SPI_OK_SELECT);
    return_rows(rsinfo, 4);
    spi_finish();
    return (Datum)0;
}

extern "C" Datum asyncmq_deregister_worker(PG_FUNCTION_ARGS) {
    const char *worker_id = text_arg(fcinfo, 0, "worker_id");
    JobTables t;
    job_tables(&t);
    require_workers_table(t, "asyncmq_deregister_worker()");
    spi_connect();
    Datum args[1] = {CStringGetTextDatum(worker_id)};
    bool removed = run(plan(t, Stmt::worker_deregister), args, nullptr, false, SPI_OK_DELETE) > 0;
    spi_finish();
    PG_RETURN_BOOL(removed);
}

extern "C" Datum asyncmq_upsert_repeatable(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    JobTables t;
    job_tables(&t);
    require_table(t.repeatables);
    spi_connect();
    Repeatable r = normalise_repeatable(t, fcinfo, 1);
    Datum args[3] = {CStringGetTextDatum(queue), r.def, Float8GetDatum(r.next_run)};
    run(plan(t, Stmt::rep_upsert), args, nullptr, false, SPI_OK_INSERT);
    spi_finish();
    PG_RETURN_FLOAT8(r.next_run);
}

extern "C" Datum asyncmq_pause_repeatable(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    JobTables t;
    job_tables(&t);
    require_table(t.repeatables);
    spi_connect();
    Repeatable r = normalise_repeatable(t, fcinfo, 1);
    Datum args[2] = {CStringGetTextDatum(queue), r.def};
    bool found = run(plan(t, Stmt::rep_pause), args, nullptr, false, SPI_OK_UPDATE) > 0;
    spi_finish();
    PG_RETURN_BOOL(found);
}

extern "C" Datum asyncmq_resume_repeatable(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    JobTables t;
    job_tables(&t);
    require_table(t.repeatables);
    spi_connect();
    Repeatable r = normalise_repeatable(t, fcinfo, 1);
    Datum args[3] = {CStringGetTextDatum(queue), r.def, Float8GetDatum(r.next_run)};
    bool found = run(plan(t, Stmt::rep_resume), args, nullptr, false, SPI_OK_UPDATE) > 0;
    spi_finish();
    if (!found)
        PG_RETURN_NULL();
    PG_RETURN_FLOAT8(r.next_run);
}

extern "C" Datum asyncmq_list_repeatables(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    require_table(t.repeatables);
    spi_connect();
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(plan(t, Stmt::rep_list), args, nullptr, true, SPI_OK_SELECT);
    return_rows(rsinfo, 3);
    spi_finish();
    return (Datum)0;
}

// AsyncMQ's ack: the row deleted when it holds no result; true when a row was deleted.
extern "C" Datum asyncmq_ack(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    bool deleted = run(plan(t, Stmt::ack), args, nullptr, false, SPI_OK_DELETE) > 0;
    spi_finish();
    PG_RETURN_BOOL(deleted);
}

// AsyncMQ's list_delayed: job id, run time (data.delay_until) and payload of the queue's rows that
// have a run time, by run time.
extern "C" Datum asyncmq_list_delayed(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    JobTables t;
    job_tables(&t);
    spi_connect();
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(plan(t, Stmt::list_delayed), args, nullptr, true, SPI_OK_SELECT);
    return_rows(rsinfo, 3);
    spi_finish();
    return (Datum)0;
}
