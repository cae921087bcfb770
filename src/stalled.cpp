// Jobs whose worker went away: asyncmq_heartbeat records that a worker still runs a job, and
// asyncmq_recover_stalled puts back the active jobs without a recent one (AsyncMQ's
// fetch_stalled_jobs and reenqueue_stalled).
#include "stalled.hpp"

#include "args.hpp"
#include "clock.hpp"
#include "job_row.hpp"
#include "python_numbers.hpp"
#include "statement.hpp"
#include "wakeups.hpp"

extern "C" {
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(asyncmq_heartbeat);
PG_FUNCTION_INFO_V1(asyncmq_recover_stalled);
}

namespace asyncmq {
namespace {

// The job's row comes by its id (find_job_row).
const Statement heartbeat = {{R"(
UPDATE {jobs} AS j SET data = j.data || pg_catalog.jsonb_build_object('heartbeat', $at::pg_catalog.numeric)
WHERE j.id = $row)"},
                             {{"row", INT4OID}, {"at", NUMERICOID}},
                             SPI_OK_UPDATE};

// Both of AsyncMQ's calls in one statement: rows locked by a transaction that is completing or
// failing them are skipped, rows changed meanwhile are re-checked. A job's last sign of life is
// its heartbeat, or when it has none, when it became active; a row with neither as a number
// (written by hand) is left alone rather than stopping the recovery of every other queue.
const Statement recover = {{R"(
WITH stalled AS (
  SELECT j.id FROM {jobs} AS j WHERE j.status = 'active'
    AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'heartbeat') = 'number'
      THEN (j.data->>'heartbeat')::pg_catalog.float8 < $threshold
      WHEN pg_catalog.jsonb_typeof(j.data->'active_since') = 'number'
      THEN (j.data->>'active_since')::pg_catalog.float8 < $threshold END
    AND NOT EXISTS (SELECT 1 FROM {cancelled} AS c WHERE c.queue_name = j.queue_name AND c.job_id = j.job_id)
  FOR UPDATE OF j SKIP LOCKED),
moved AS (
  UPDATE {jobs} AS j SET status = 'waiting', delay_until = NULL, updated_at = pg_catalog.now(),
    data = (j.data - 'heartbeat' - 'active_since' - 'updated_at') || '{"status": "waiting"}'::pg_catalog.jsonb
  FROM stalled WHERE j.id = stalled.id RETURNING j.queue_name, j.data, j.id)
SELECT m.queue_name, m.data FROM moved AS m ORDER BY m.queue_name, m.id)"},
                           {{"threshold", FLOAT8OID}},
                           SPI_OK_SELECT};

} // namespace

uint64 recover_stalled_jobs(const Call &call, double threshold) {
    Datum args[1] = {Float8GetDatum(threshold)};
    uint64 n = run(call, recover, args);
    for (uint64 i = 0; i < n; i++)
        wake_queue(text_column(i, 1));
    return n;
}

} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_heartbeat(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *job_id = text_arg(fcinfo, 1, "job_id");
    Datum at = float_number(PG_ARGISNULL(2) ? epoch_now() : PG_GETARG_FLOAT8(2));
    Call call;
    begin_call(&call);
    int32 row;
    bool found = false;
    if (find_job_row(call, queue, job_id, &row)) {
        Datum args[2] = {Int32GetDatum(row), at};
        found = run(call, heartbeat, args) > 0;
    }
    end_call(&call);
    PG_RETURN_BOOL(found);
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
    Call call;
    begin_call(&call);
    recover_stalled_jobs(call, epoch_now() - seconds);
    return_rows((ReturnSetInfo *)fcinfo->resultinfo, 2);
    end_call(&call);
    return (Datum)0;
}
