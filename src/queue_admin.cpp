// Administering a queue and its jobs: cancel, retry, remove, the dead-letter queue, pause and
// resume, and the counts by status (AsyncMQ's Queue and backend calls of the same names).
#include "args.hpp"
#include "clock.hpp"
#include "job_row.hpp"
#include "locked_job.hpp"
#include "python_numbers.hpp"
#include "wakeups.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_cancel);
PG_FUNCTION_INFO_V1(asyncmq_is_cancelled);
PG_FUNCTION_INFO_V1(asyncmq_retry);
PG_FUNCTION_INFO_V1(asyncmq_remove);
PG_FUNCTION_INFO_V1(asyncmq_move_to_dlq);
PG_FUNCTION_INFO_V1(asyncmq_pause_queue);
PG_FUNCTION_INFO_V1(asyncmq_resume_queue);
PG_FUNCTION_INFO_V1(asyncmq_is_queue_paused);
PG_FUNCTION_INFO_V1(asyncmq_queue_stats);
}

namespace asyncmq {
namespace {

const Statement mark_cancelled = {
    {R"(INSERT INTO {cancelled} AS c (queue_name, job_id) VALUES ($queue, $job_id) ON CONFLICT DO NOTHING)"},
    {{"queue", TEXTOID}, {"job_id", TEXTOID}},
    SPI_OK_INSERT};

// An active job's row as cancel_job leaves it; cancelled_at is the transaction's start, as
// AsyncMQ's now().
const Statement cancel_active = {{R"(
UPDATE {jobs} AS j SET status = 'cancelled', delay_until = NULL, updated_at = pg_catalog.now(),
  data = j.data || pg_catalog.jsonb_build_object('status', 'cancelled', 'cancelled_at', $now::pg_catalog.numeric)
WHERE j.id = $row)"},
                                 {{"row", INT4OID}, {"now", NUMERICOID}},
                                 SPI_OK_UPDATE};

// retry_job: any status but active (a running job would run twice); keys of the last outcome
// removed, updated_at added, retries kept. The job's row comes by its id (find_job_row), as in
// each statement below.
const Statement retry_stmt = {{R"(
UPDATE {jobs} AS j SET status = 'waiting', updated_at = pg_catalog.now(),
  data = (j.data - 'result' - 'last_error' - 'error_traceback' - 'failed_at' - 'completed_at')
    || pg_catalog.jsonb_build_object('status', 'waiting', 'delay_until', NULL, 'updated_at', $now::pg_catalog.numeric)
WHERE j.id = $row AND j.status IS DISTINCT FROM 'active' RETURNING j.id)"},
                              {{"row", INT4OID}, {"now", NUMERICOID}},
                              SPI_OK_UPDATE_RETURNING};

const Statement remove_job = {{R"(DELETE FROM {jobs} AS j WHERE j.id = $row)"}, {{"row", INT4OID}}, SPI_OK_DELETE};

const Statement remove_markers = {
    {R"(DELETE FROM {cancelled} AS c WHERE c.queue_name = $queue AND c.job_id = $job_id)"},
    {{"queue", TEXTOID}, {"job_id", TEXTOID}},
    SPI_OK_DELETE};

// move_to_dlq: status failed in data and column, data.delay_until null; the delay_until column
// is not written (AsyncMQ's store upsert does not), so it keeps a retry's run time.
const Statement move_to_dlq = {{R"(
UPDATE {jobs} AS j SET status = 'failed', updated_at = pg_catalog.now(),
  data = j.data || '{"status": "failed", "delay_until": null}'::pg_catalog.jsonb
WHERE j.id = $row RETURNING j.id)"},
                               {{"row", INT4OID}},
                               SPI_OK_UPDATE_RETURNING};

const Statement pause_stmt = {{R"(
INSERT INTO {paused} AS p (queue_name) VALUES ($queue)
ON CONFLICT (queue_name) DO UPDATE SET paused_at = pg_catalog.now())"},
                              {{"queue", TEXTOID}},
                              SPI_OK_INSERT};

const Statement resume_stmt = {
    {R"(DELETE FROM {paused} AS p WHERE p.queue_name = $queue)"}, {{"queue", TEXTOID}}, SPI_OK_DELETE};

const Statement paused_stmt = {{R"(SELECT EXISTS (SELECT 1 FROM {paused} AS p WHERE p.queue_name = $queue))"},
                               {{"queue", TEXTOID}},
                               SPI_OK_SELECT,
                               true};

// The counts asyncmq_queue_stats returns, in its columns' order.
const Statement stats_stmt = {{R"(
SELECT pg_catalog.count(*) FILTER (WHERE j.status = 'waiting'),
       pg_catalog.count(*) FILTER (WHERE j.status = 'waiting'
         AND COALESCE(j.data->'depends_on', '[]'::pg_catalog.jsonb) <> '[]'::pg_catalog.jsonb),
       pg_catalog.count(*) FILTER (WHERE j.status = 'delayed'),
       pg_catalog.count(*) FILTER (WHERE j.status = 'active'),
       pg_catalog.count(*) FILTER (WHERE j.status = 'completed'),
       pg_catalog.count(*) FILTER (WHERE j.status = 'failed'),
       pg_catalog.count(*) FILTER (WHERE j.status = 'expired'),
       pg_catalog.count(*) FILTER (WHERE j.status = 'cancelled')
FROM {jobs} AS j WHERE j.queue_name = $queue)"},
                              {{"queue", TEXTOID}},
                              SPI_OK_SELECT,
                              true};
constexpr int stats_columns = 8;

// For pause and resume, which need the paused-queues table of layout 0.9 and later: runs the
// statement on the queue named by the first argument; returns the rows it touched.
uint64 run_on_paused(FunctionCallInfo fcinfo, const Statement &stmt, const char *function) {
    const char *queue = queue_arg(fcinfo, 0);
    Call call;
    begin_call_needing(&call, TableKind::paused_queues, function);
    Datum args[1] = {CStringGetTextDatum(queue)};
    uint64 n = run(call, stmt, args);
    end_call(&call);
    return n;
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

// cancel_job: the marker always; a waiting or delayed job is deleted, an active one marked
// cancelled for its worker to see. The row is locked first, so that a concurrent dequeue,
// complete or fail either finishes before (and the cancel sees its result) or waits.
extern "C" Datum asyncmq_cancel(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    LockedJob job = lock_job(jc.call, jc.queue, jc.job_id);
    run(jc.call, mark_cancelled, jc.key);
    if (job.found && (has_status(job, "waiting") || has_status(job, "delayed"))) {
        delete_row(jc.call, job.row);
    } else if (job.found && has_status(job, "active")) {
        Datum cancel[2] = {Int32GetDatum(job.row), float_number(epoch_transaction_start())};
        run(jc.call, cancel_active, cancel);
    }
    end_call(&jc.call);
    PG_RETURN_BOOL(true);
}

extern "C" Datum asyncmq_is_cancelled(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    bool marked = is_marked(jc.call, jc.queue, jc.job_id);
    end_call(&jc.call);
    PG_RETURN_BOOL(marked);
}

extern "C" Datum asyncmq_retry(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    int32 row;
    bool done = false;
    if (find_job_row(jc.call, jc.queue, jc.job_id, &row)) {
        Datum args[2] = {Int32GetDatum(row), float_number(epoch_now())};
        done = run(jc.call, retry_stmt, args) > 0;
    }
    if (done)
        wake_queue(jc.queue);
    end_call(&jc.call);
    PG_RETURN_BOOL(done);
}

extern "C" Datum asyncmq_remove(PG_FUNCTION_ARGS) {
    JobCall jc;
    begin_job_call(fcinfo, &jc);
    int32 row;
    bool removed = false;
    if (find_job_row(jc.call, jc.queue, jc.job_id, &row)) {
        Datum args[1] = {Int32GetDatum(row)};
        removed = run(jc.call, remove_job, args) > 0;
    }
    run(jc.call, remove_markers, jc.key);
    end_call(&jc.call);
    PG_RETURN_BOOL(removed);
}

extern "C" Datum asyncmq_move_to_dlq(PG_FUNCTION_ARGS) {
    PG_RETURN_BOOL(run_for_job(fcinfo, move_to_dlq));
}

extern "C" Datum asyncmq_pause_queue(PG_FUNCTION_ARGS) {
    run_on_paused(fcinfo, pause_stmt, "asyncmq_pause_queue()");
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_resume_queue(PG_FUNCTION_ARGS) {
    if (run_on_paused(fcinfo, resume_stmt, "asyncmq_resume_queue()") > 0)
        wake_queue(text_to_cstring(PG_GETARG_TEXT_PP(0))); // its waiting jobs may run again
    PG_RETURN_VOID();
}

// False before layout 0.9, which has no paused queues.
extern "C" Datum asyncmq_is_queue_paused(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    Call call;
    begin_call(&call);
    bool paused = false;
    if (call.paused != nullptr) {
        Datum args[1] = {CStringGetTextDatum(queue)};
        run(call, paused_stmt, args);
        paused = bool_column(1);
    }
    end_call(&call);
    PG_RETURN_BOOL(paused);
}

extern "C" Datum asyncmq_queue_stats(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "asyncmq: return type must be a row type");
    desc = BlessTupleDesc(desc);
    Call call;
    begin_call(&call);
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(call, stats_stmt, args);
    Datum values[stats_columns];
    bool nulls[stats_columns];
    for (int i = 0; i < stats_columns; i++)
        values[i] = column(i + 1, &nulls[i]);
    end_call(&call); // the counts are int8, passed by value
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
