// The workers heartbeat table of layout 0.2 and later: asyncmq_register_worker,
// asyncmq_list_workers and asyncmq_deregister_worker, as AsyncMQ's register_worker,
// list_workers and deregister_worker.
#include "args.hpp"
#include "clock.hpp"
#include "statement.hpp"

#include <cmath>

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_register_worker);
PG_FUNCTION_INFO_V1(asyncmq_list_workers);
PG_FUNCTION_INFO_V1(asyncmq_deregister_worker);
}

namespace asyncmq {
namespace {

// One row per worker, its queue as a one-element array.
const Statement register_stmt = {
    {R"(
INSERT INTO {workers} AS w (worker_id, queues, concurrency, heartbeat)
VALUES ($worker_id, ARRAY[$queue], $concurrency, $heartbeat)
ON CONFLICT (worker_id) DO UPDATE
  SET queues = EXCLUDED.queues, concurrency = EXCLUDED.concurrency, heartbeat = EXCLUDED.heartbeat)"},
    {{"worker_id", TEXTOID}, {"queue", TEXTOID}, {"concurrency", INT4OID}, {"heartbeat", FLOAT8OID}},
    SPI_OK_INSERT};

const Statement list_stmt = {{R"(
SELECT w.worker_id, w.queues[1], w.concurrency, w.heartbeat FROM {workers} AS w
WHERE w.heartbeat >= $oldest ORDER BY w.worker_id)"},
                             {{"oldest", FLOAT8OID}},
                             SPI_OK_SELECT,
                             true};

const Statement deregister_stmt = {
    {R"(DELETE FROM {workers} AS w WHERE w.worker_id = $worker_id)"}, {{"worker_id", TEXTOID}}, SPI_OK_DELETE};

} // namespace
} // namespace asyncmq

using namespace asyncmq;

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
    Call call;
    begin_call_needing(&call, TableKind::workers_heartbeat, "asyncmq_register_worker()");
    Datum args[4] = {CStringGetTextDatum(worker_id), CStringGetTextDatum(queue), Int32GetDatum(concurrency),
                     Float8GetDatum(heartbeat)};
    run(call, register_stmt, args);
    end_call(&call);
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_list_workers(PG_FUNCTION_ARGS) {
    double ttl = seconds_arg(fcinfo, 0, "ttl", "Pass how old a worker's last heartbeat may be, such as 30.");
    InitMaterializedSRF(fcinfo, 0);
    Call call;
    begin_call_needing(&call, TableKind::workers_heartbeat, "asyncmq_list_workers()");
    Datum args[1] = {Float8GetDatum(epoch_now() - ttl)};
    run(call, list_stmt, args);
    return_rows((ReturnSetInfo *)fcinfo->resultinfo, 4);
    end_call(&call);
    return (Datum)0;
}

extern "C" Datum asyncmq_deregister_worker(PG_FUNCTION_ARGS) {
    const char *worker_id = text_arg(fcinfo, 0, "worker_id");
    Call call;
    begin_call_needing(&call, TableKind::workers_heartbeat, "asyncmq_deregister_worker()");
    Datum args[1] = {CStringGetTextDatum(worker_id)};
    bool removed = run(call, deregister_stmt, args) > 0;
    end_call(&call);
    PG_RETURN_BOOL(removed);
}
