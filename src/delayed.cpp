// Delayed jobs: asyncmq_promote_delayed, asyncmq_pop_due_delayed and asyncmq_list_delayed, as
// AsyncMQ's promote_due_delayed, pop_due_delayed and list_delayed.
#include "delayed.hpp"

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
// CTE named due, of the queue (due_head, in_queue, due_rows) or of every queue (due_head,
// due_rows). $now is the wall clock at the call. A row whose data.delay_until is not a number
// (written by hand) is left alone rather than stopping the queue's promotion.
constexpr char due_head[] = R"(
due AS (SELECT j.id FROM {jobs} AS j WHERE )";
constexpr char in_queue[] = "j.queue_name = $queue AND ";
constexpr char due_rows[] = R"(j.status = 'delayed'
          AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'delay_until') = 'number'
            THEN (j.data->>'delay_until')::pg_catalog.float8 <= $now::pg_catalog.float8 END
        FOR UPDATE OF j SKIP LOCKED))";

// The part of promote_due_delayed after the due rows.
constexpr char promote_moved[] = R"(,
moved AS (
  UPDATE {jobs} AS j SET status = 'waiting', delay_until = NULL, updated_at = pg_catalog.now(),
    data = j.data || '{"status": "waiting", "delay_until": null}'::pg_catalog.jsonb
  FROM due WHERE j.id = due.id RETURNING j.data, j.created_at, j.id, j.queue_name))";

// promote_due_delayed: due rows back to waiting, delay_until null in both places.
const Statement promote = {{"WITH ", due_head, in_queue, due_rows, promote_moved, R"(
SELECT m.data FROM moved AS m ORDER BY m.created_at, m.id)"},
                           {{"queue", TEXTOID}, {"now", NUMERICOID}},
                           SPI_OK_SELECT};

// The same in every queue, as the scheduler runs it: how many jobs each queue got back.
const Statement promote_everywhere = {{"WITH ", due_head, due_rows, promote_moved, R"(
SELECT m.queue_name, pg_catalog.count(*) FROM moved AS m GROUP BY m.queue_name ORDER BY m.queue_name)"},
                                      {{"now", NUMERICOID}},
                                      SPI_OK_SELECT};

// pop_due_delayed (Queue.get_due_delayed): due rows deleted and returned as stored.
const Statement pop_due = {{"WITH ", due_head, in_queue, due_rows, R"(,
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

uint64 promote_due_everywhere(const Call &call) {
    Datum args[1] = {float_number(epoch_now())};
    uint64 queues = run(call, promote_everywhere, args);
    uint64 promoted = 0;
    for (uint64 i = 0; i < queues; i++) {
        wake_queue(text_column(i, 1));
        bool isnull;
        promoted += DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
    }
    return promoted;
}

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
