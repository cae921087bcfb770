// asyncmq_dequeue(queue, max_jobs): AsyncMQ's dequeue, the next runnable jobs claimed as active.
#include "args.hpp"
#include "clock.hpp"
#include "job_row.hpp"
#include "python_numbers.hpp"
#include "statement.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_dequeue);
}

namespace asyncmq {
namespace {

// The queue's cancellation markers, and the deletion of the marked jobs that wait, by their rows'
// ids (found by find_job_row, so that no plan reads the queue's history to find them).
const Statement markers_stmt = {
    {"SELECT c.job_id FROM {cancelled} AS c WHERE c.queue_name = $queue"}, {{"queue", TEXTOID}}, SPI_OK_SELECT, true};
const Statement delete_marked = {
    {"DELETE FROM {jobs} AS j WHERE j.id = ANY ($rows) AND j.status = 'waiting' {unpaused}"},
    {{"rows", INT4ARRAYOID}, {"queue", TEXTOID}},
    SPI_OK_DELETE};

// AsyncMQ's dequeue first deletes the queue's waiting jobs that have a cancellation marker.
void delete_marked_jobs(const Call &call, const char *queue) {
    Datum queue_arg[1] = {CStringGetTextDatum(queue)};
    uint64 n = run(call, markers_stmt, queue_arg);
    if (n == 0)
        return;
    const char **job_ids = (const char **)palloc(n * sizeof(char *));
    for (uint64 i = 0; i < n; i++)
        job_ids[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
    Datum *rows = (Datum *)palloc(n * sizeof(Datum));
    int nrows = find_job_rows(call, queue, job_ids, static_cast<int>(n), rows);
    if (nrows == 0)
        return;
    Datum args[2] = {PointerGetDatum(construct_array(rows, nrows, INT4OID, sizeof(int32), true, TYPALIGN_INT)),
                     CStringGetTextDatum(queue)};
    run(call, delete_marked, args);
}

// The ids of the next runnable rows by priority, then the created_at column, then insertion
// order (the serial id) for rows made in one transaction; a LIMIT and the lock follow. A paused
// queue gives none (the worker's check before it dequeues).
constexpr char pick_runnable[] = R"(
SELECT w.id FROM {jobs} AS w
WHERE w.queue_name = $queue AND w.status = 'waiting'
  AND COALESCE(w.data->'depends_on', '[]'::pg_catalog.jsonb) = '[]'::pg_catalog.jsonb
  AND NOT EXISTS (SELECT 1 FROM {cancelled} AS c WHERE c.queue_name = w.queue_name AND c.job_id = w.job_id)
  {unpaused}
ORDER BY COALESCE((w.data->>'priority')::pg_catalog.int4, 5), w.created_at, w.id)";

// What a claimed row becomes; $now is the wall clock at the call, as AsyncMQ's time.time().
constexpr char claim_set[] = R"(
  status = 'active',
  data = j.data || pg_catalog.jsonb_build_object('status', 'active', 'active_since', $now::pg_catalog.numeric))";

// Up to $max_jobs jobs in one statement, returned in the order they were taken.
const Statement dequeue_many = {{"WITH picked AS (", pick_runnable, R"(
  LIMIT $max_jobs FOR UPDATE OF w SKIP LOCKED),
claimed AS (UPDATE {jobs} AS j SET )",
                                 claim_set, R"(
  FROM picked WHERE j.id = picked.id
  RETURNING j.data, COALESCE((j.data->>'priority')::pg_catalog.int4, 5) AS priority, j.created_at, j.id)
SELECT c.data FROM claimed AS c ORDER BY c.priority, c.created_at, c.id)"},
                                {{"queue", TEXTOID}, {"max_jobs", INT4OID}, {"now", NUMERICOID}},
                                SPI_OK_SELECT,
                                false,
                                Planner::in_index_order};

// The same for one job, as most workers ask. Its LIMIT is a constant, so that PostgreSQL's plan
// cache settles on one generic plan: with LIMIT $max_jobs a custom plan (which knows the limit)
// always looks cheaper than a generic one over a large backlog, and the statement was planned
// afresh on every call.
const Statement dequeue_one = {{"UPDATE {jobs} AS j SET ", claim_set, " WHERE j.id = (", pick_runnable,
                                " LIMIT 1 FOR UPDATE OF w SKIP LOCKED) RETURNING j.data"},
                               {{"queue", TEXTOID}, {"now", NUMERICOID}},
                               SPI_OK_UPDATE_RETURNING,
                               false,
                               Planner::in_index_order};

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_dequeue(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("max_jobs must not be null")));
    if (PG_GETARG_INT32(1) < 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("max_jobs must be 0 or more")));
    int32 max_jobs = PG_GETARG_INT32(1);
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    Call call;
    begin_call(&call);
    if (max_jobs > 0)
        delete_marked_jobs(call, queue);
    if (max_jobs == 1) {
        Datum args[2] = {CStringGetTextDatum(queue), float_number(epoch_now())};
        run(call, dequeue_one, args);
    } else if (max_jobs > 1) {
        Datum args[3] = {CStringGetTextDatum(queue), Int32GetDatum(max_jobs), float_number(epoch_now())};
        run(call, dequeue_many, args);
    }
    if (max_jobs > 0)
        return_rows(rsinfo, 1);
    end_call(&call);
    return (Datum)0;
}
