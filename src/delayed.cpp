// Delayed jobs: asyncmq_promote_delayed, asyncmq_pop_due_delayed and asyncmq_list_delayed, as
// AsyncMQ's promote_due_delayed, pop_due_delayed and list_delayed.
#include "args.hpp"
#include "clock.hpp"
#include "python_numbers.hpp"
#include "statement.hpp"
#include "wakeups.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_promote_delayed);
PG_FUNCTION_INFO_V1(asyncmq_pop_due_delayed);
PG_FUNCTION_INFO_V1(asyncmq_list_delayed);
}

namespace asyncmq {
namespace {

// The queue's delayed rows whose run time has come, locked unless another call holds them: a
// CTE named due. $now is the wall clock at the call. A row whose data.delay_until is not a
// number (written by hand) is left alone rather than stopping the queue's promotion.
constexpr char due_rows[] = R"(
due AS (SELECT j.id FROM {jobs} AS j
        WHERE j.queue_name = $queue AND j.status = 'delayed'
          AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'delay_until') = 'number'
            THEN (j.data->>'delay_until')::pg_catalog.float8 <= $now::pg_catalog.float8 END
        FOR UPDATE OF j SKIP LOCKED))";

// promote_due_delayed: due rows back to waiting, delay_until null in both places.
const Statement promote = {{"WITH ", due_rows, R"(,
moved AS (
  UPDATE {jobs} AS j SET status = 'waiting', delay_until = NULL, updated_at = pg_catalog.now(),
    data = j.data || '{"status": "waiting", "delay_until": null}'::pg_catalog.jsonb
  FROM due WHERE j.id = due.id RETURNING j.data, j.created_at, j.id)
SELECT m.data FROM moved AS m ORDER BY m.created_at, m.id)"},
                           {{"queue", TEXTOID}, {"now", NUMERICOID}},
                           SPI_OK_SELECT};

// pop_due_delayed (Queue.get_due_delayed): due rows deleted and returned as stored.
const Statement pop_due = {{"WITH ", due_rows, R"(,
gone AS (DELETE FROM {jobs} AS j USING due WHERE j.id = due.id RETURNING j.data, j.created_at, j.id)
SELECT g.data FROM gone AS g ORDER BY g.created_at, g.id)"},
                           {{"queue", TEXTOID}, {"now", NUMERICOID}},
                           SPI_OK_SELECT};

// list_delayed: every row of the queue with a data.delay_until, whatever its status, by run time.
const Statement list_delayed = {{R"(
SELECT j.job_id, (j.data->>'delay_until')::pg_catalog.float8, j.data FROM {jobs} AS j
WHERE j.queue_name = $queue AND pg_catalog.jsonb_typeof(j.data->'delay_until') = 'number'
ORDER BY (j.data->>'delay_until')::pg_catalog.float8, j.id)"},
                                {{"queue", TEXTOID}},
                                SPI_OK_SELECT,
                                true};

// Runs a statement of the queue (and, when it takes one, the time now) into the result set;
// returns the rows. The one-column functions return SETOF jsonb and take the descriptor the
// caller expects; the others return a TABLE.
uint64 rows_of_queue(FunctionCallInfo fcinfo, const Statement &stmt, int ncols, const char **queue) {
    *queue = queue_arg(fcinfo, 0);
    InitMaterializedSRF(fcinfo, ncols == 1 ? MAT_SRF_USE_EXPECTED_DESC : 0);
    Call call;
    begin_call(&call);
    Datum args[2] = {CStringGetTextDatum(*queue), float_number(epoch_now())};
    uint64 n = run(call, stmt, args);
    return_rows((ReturnSetInfo *)fcinfo->resultinfo, ncols);
    end_call(&call);
    return n;
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_promote_delayed(PG_FUNCTION_ARGS) {
    const char *queue;
    if (rows_of_queue(fcinfo, promote, 1, &queue) > 0)
        wake_queue(queue);
    return (Datum)0;
}

extern "C" Datum asyncmq_pop_due_delayed(PG_FUNCTION_ARGS) {
    const char *queue;
    rows_of_queue(fcinfo, pop_due, 1, &queue);
    return (Datum)0;
}

// Job id, run time (data.delay_until) and payload of the queue's rows that have a run time.
extern "C" Datum asyncmq_list_delayed(PG_FUNCTION_ARGS) {
    const char *queue;
    rows_of_queue(fcinfo, list_delayed, 3, &queue);
    return (Datum)0;
}
