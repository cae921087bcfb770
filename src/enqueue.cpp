// See enqueue.hpp; also asyncmq_enqueue(queue, task, args, kwargs, ...).
#include "enqueue.hpp"

#include "advisory.hpp"
#include "args.hpp"
#include "deduplication.hpp"
#include "job_row.hpp"
#include "scheduler_state.hpp"
#include "wakeups.hpp"

#include <algorithm>

extern "C" {
#include "storage/lock.h"

PG_FUNCTION_INFO_V1(asyncmq_enqueue);
}

namespace asyncmq {
namespace {

// Whether the queue has the job (a cancelled one does not count). Its row comes by its id
// (find_visible_job_row); by its key only on a table without the key index, where the upsert
// then raises PostgreSQL's own error, as AsyncMQ's does.
const Statement job_exists = {{R"(
SELECT 1 FROM {jobs} AS j WHERE j.id = $row AND j.status IS DISTINCT FROM 'cancelled')"},
                              {{"row", INT4OID}},
                              SPI_OK_SELECT};
const Statement job_exists_by_key = {{R"(
SELECT 1 FROM {jobs} AS j
WHERE j.queue_name = $queue AND j.job_id = $job_id AND j.status IS DISTINCT FROM 'cancelled')"},
                                     {{"queue", TEXTOID}, {"job_id", TEXTOID}},
                                     SPI_OK_SELECT};

bool has_job(const Call &call, const char *queue, const char *job_id) {
    int32 row;
    bool keyless;
    if (find_visible_job_row(call, queue, job_id, &row, &keyless)) {
        Datum look[1] = {Int32GetDatum(row)};
        return run(call, job_exists, look) > 0;
    }
    if (!keyless)
        return false;
    Datum look[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    return run(call, job_exists_by_key, look) > 0;
}

// AsyncMQ's store upsert: data and the status column, updated_at on conflict. The WHERE keeps
// the key of layouts 0.1 to 0.7 (ids unique across queues) from overwriting another queue's
// job: no row comes back and the caller raises an error instead. Times are epoch seconds
// computed by the caller (as AsyncMQ's time.time()) and passed as numeric, so that they keep
// their Python spelling.
//
// The created_at column is written with data.created_at's instant (as the column's default
// would, in the session's time zone) instead of the transaction's start: jobs made in one
// transaction then keep their order in it, and a dequeue reading an index on (queue_name,
// priority, created_at) finds the next job at once instead of sorting a batch that shares one
// created_at. An upsert of an existing job still leaves the column alone.
const Statement upsert = {{R"(
INSERT INTO {jobs} AS j (queue_name, job_id, data, status, created_at)
SELECT $queue, v.id, pg_catalog.jsonb_build_object(
         'id', v.id, 'task', $task, 'args', $args, 'kwargs', $kwargs, 'retries', 0, 'max_retries', $max_retries,
         'backoff', $backoff, 'ttl', $ttl, 'created_at', $created, 'last_attempt', NULL, 'status', $status,
         'result', NULL, 'last_error', NULL, 'error_traceback', NULL, 'delay_until', $delay_until,
         'priority', $priority, 'depends_on', pg_catalog.to_jsonb($depends_on), 'repeat_every', $repeat_every,
         'deduplication', $deduplication),
       $status, pg_catalog.to_timestamp($created::pg_catalog.float8)::pg_catalog.timestamp
FROM (SELECT COALESCE($job_id, pg_catalog.gen_random_uuid()::pg_catalog.text) AS id) AS v
ON CONFLICT ({key}) DO UPDATE SET data = EXCLUDED.data, status = EXCLUDED.status, updated_at = pg_catalog.now()
WHERE j.queue_name = EXCLUDED.queue_name
RETURNING j.job_id)"},
                          // In payload_values_of's order.
                          {{"queue", TEXTOID},
                           {"job_id", TEXTOID},
                           {"task", TEXTOID},
                           {"args", JSONBOID},
                           {"kwargs", JSONBOID},
                           {"max_retries", INT4OID},
                           {"backoff", NUMERICOID},
                           {"ttl", NUMERICOID},
                           {"created", NUMERICOID},
                           {"status", TEXTOID},
                           {"delay_until", NUMERICOID},
                           {"priority", INT4OID},
                           {"depends_on", TEXTARRAYOID},
                           {"repeat_every", NUMERICOID},
                           {"deduplication", JSONBOID}},
                          SPI_OK_INSERT_RETURNING};

// Plain jobs of a batch: one INSERT of arrays, element i of each being job i's value of the
// upsert's parameter of that name (job_id: the ids made here). No conflict can arise, so it is a
// plain insert, in the jobs' order. Parameters in payload_values_of's order, but for depends_on
// and deduplication, which plain jobs do not have.
const Statement insert_plain = {{R"(
INSERT INTO {jobs} AS j (queue_name, job_id, data, status, created_at)
SELECT $queue, u.id, pg_catalog.jsonb_build_object(
         'id', u.id, 'task', u.task, 'args', u.args, 'kwargs', u.kwargs, 'retries', 0, 'max_retries', u.max_retries,
         'backoff', u.backoff, 'ttl', u.ttl, 'created_at', u.created, 'last_attempt', NULL, 'status', u.status,
         'result', NULL, 'last_error', NULL, 'error_traceback', NULL, 'delay_until', u.delay_until,
         'priority', u.priority, 'depends_on', '[]'::pg_catalog.jsonb, 'repeat_every', u.repeat_every,
         'deduplication', NULL),
       u.status, pg_catalog.to_timestamp(u.created::pg_catalog.float8)::pg_catalog.timestamp
FROM ROWS FROM (pg_catalog.unnest($job_id), pg_catalog.unnest($task), pg_catalog.unnest($args),
                pg_catalog.unnest($kwargs), pg_catalog.unnest($max_retries), pg_catalog.unnest($backoff),
                pg_catalog.unnest($ttl), pg_catalog.unnest($created), pg_catalog.unnest($status),
                pg_catalog.unnest($delay_until), pg_catalog.unnest($priority), pg_catalog.unnest($repeat_every))
  WITH ORDINALITY AS u(id, task, args, kwargs, max_retries, backoff, ttl, created, status, delay_until,
                       priority, repeat_every, ord)
ORDER BY u.ord)"},
                                {{"queue", TEXTOID},
                                 {"job_id", TEXTARRAYOID},
                                 {"task", TEXTARRAYOID},
                                 {"args", JSONBARRAYOID},
                                 {"kwargs", JSONBARRAYOID},
                                 {"max_retries", INT4ARRAYOID},
                                 {"backoff", NUMERICARRAYOID},
                                 {"ttl", NUMERICARRAYOID},
                                 {"created", NUMERICARRAYOID},
                                 {"status", TEXTARRAYOID},
                                 {"delay_until", NUMERICARRAYOID},
                                 {"priority", INT4ARRAYOID},
                                 {"repeat_every", NUMERICARRAYOID}},
                                SPI_OK_INSERT};

// The element type of each of insert_plain's arrays, by payload value.
Oid element_type(int value) {
    switch (value) {
    case pv_job_id:
    case pv_task:
    case pv_status:
        return TEXTOID;
    case pv_args:
    case pv_kwargs:
        return JSONBOID;
    case pv_max_retries:
    case pv_priority:
        return INT4OID;
    default:
        return NUMERICOID;
    }
}

} // namespace

void lock_adds(const char *queue, const NewJob *jobs, int n) {
    int64 *keys = (int64 *)palloc(sizeof(int64) * 2 * (n > 0 ? n : 1));
    int nkeys = 0;
    for (int i = 0; i < n; i++) {
        if (jobs[i].job_id != nullptr)
            keys[nkeys++] = advisory_key(psprintf("asyncmq:%s:job-id:%s", queue, jobs[i].job_id));
        if (jobs[i].dedup_id != nullptr)
            keys[nkeys++] = advisory_key(psprintf("asyncmq:%s:dedup:%s", queue, jobs[i].dedup_id));
    }
    if (nkeys == 0)
        return;
    std::sort(keys, keys + nkeys);
    nkeys = (int)(std::unique(keys, keys + nkeys) - keys);
    int64 adds = advisory_key(psprintf("asyncmq:%s:adds", queue));
    // Half the lock table's room for one transaction; the rest is for the relations it opens.
    if (nkeys > max_locks_per_xact / 2) {
        advisory_xact_lock(adds);
        return;
    }
    advisory_xact_lock(adds, true);
    for (int k = 0; k < nkeys; k++)
        advisory_xact_lock(keys[k]);
}

Datum *insert_plain_jobs(const Call &call, const char *queue, const NewJob *jobs, int n) {
    // insert_plain's parameters after the queue: the payload values from job_id to repeat_every,
    // without depends_on.
    int columns[] = {pv_job_id, pv_task,    pv_args,   pv_kwargs,      pv_max_retries, pv_backoff,
                     pv_ttl,    pv_created, pv_status, pv_delay_until, pv_priority,    pv_repeat_every};
    constexpr int ncols = lengthof(columns);
    Datum *values[ncols];
    bool *nulls[ncols];
    for (int c = 0; c < ncols; c++) {
        values[c] = (Datum *)palloc(sizeof(Datum) * n);
        nulls[c] = (bool *)palloc(sizeof(bool) * n);
    }
    bool wake = false, delayed = false;
    for (int i = 0; i < n; i++) {
        Datum job_values[payload_values];
        char job_nulls[payload_values];
        payload_values_of(queue, jobs[i], job_values, job_nulls);
        job_values[pv_job_id] = CStringGetTextDatum(random_uuid());
        job_nulls[pv_job_id] = ' ';
        for (int c = 0; c < ncols; c++) {
            values[c][i] = job_values[columns[c]];
            nulls[c][i] = job_nulls[columns[c]] == 'n';
        }
        wake |= !jobs[i].has_delay;
        delayed |= jobs[i].has_delay;
    }
    Datum args[1 + ncols];
    args[0] = CStringGetTextDatum(queue);
    for (int c = 0; c < ncols; c++) {
        Oid type = element_type(columns[c]);
        int16 len;
        bool byval;
        char align;
        get_typlenbyvalalign(type, &len, &byval, &align);
        int dims[1] = {n}, lbs[1] = {1};
        args[1 + c] = PointerGetDatum(construct_md_array(values[c], nulls[c], 1, dims, lbs, type, len, byval, align));
    }
    run(call, insert_plain, args);
    if (wake)
        wake_queue(queue);
    if (delayed)
        wake_scheduler_at_commit(); // delayed jobs to promote when they fall due
    return values[0];               // the ids
}

char *enqueue_one(const Call &call, const char *queue, const NewJob &add, MemoryContext out) {
    // Queue.add (asyncmq/queues.py), under the add locks: an existing job id first, then the
    // window's owner.
    NewJob job = add;
    if (job.job_id != nullptr && has_job(call, queue, job.job_id))
        return MemoryContextStrdup(out, job.job_id);
    if (job.dedup_id != nullptr) {
        char *owner = settle_dedup(call, queue, &job, out);
        if (owner != nullptr)
            return owner;
    }
    Datum values[payload_values];
    char nulls[payload_values];
    payload_values_of(queue, job, values, nulls);
    if (run(call, upsert, values, nulls) != 1)
        ereport(
            ERROR,
            (errcode(ERRCODE_UNIQUE_VIOLATION), errmsg("job id \"%s\" is taken by a job of another queue", job.job_id),
             errdetail("In AsyncMQ layout %s job ids are unique across all queues.", layout_name(call.tables.layout)),
             errhint("Choose another job id, or let one be generated.")));
    char *id = MemoryContextStrdup(out, text_column(0, 1));
    SPI_freetuptable(SPI_tuptable); // a batch makes one a job
    if (!job.has_delay)
        wake_queue(queue);
    else
        wake_scheduler_at_commit(); // a delayed job to promote when it falls due
    return id;
}

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
    Call call;
    begin_call(&call);
    if (!PG_ARGISNULL(11))
        read_dedup(call, PG_GETARG_DATUM(11), "", &job);
    lock_adds(queue, &job, 1);
    char *id = enqueue_one(call, queue, job, caller);
    end_call(&call);
    PG_RETURN_TEXT_P(cstring_to_text(id));
}
