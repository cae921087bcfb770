// Repeatable jobs: asyncmq_upsert_repeatable, asyncmq_pause_repeatable,
// asyncmq_resume_repeatable and asyncmq_list_repeatables, on AsyncMQ's repeatables table as its
// upsert_repeatable, pause_repeatable, resume_repeatable and list_repeatables write it.
#include "args.hpp"
#include "clock.hpp"
#include "cron_sql.hpp"
#include "python_numbers.hpp"
#include "scheduler_state.hpp"
#include "statement.hpp"

#include <cmath>

extern "C" {
#include "utils/datum.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(asyncmq_upsert_repeatable);
PG_FUNCTION_INFO_V1(asyncmq_pause_repeatable);
PG_FUNCTION_INFO_V1(asyncmq_resume_repeatable);
PG_FUNCTION_INFO_V1(asyncmq_list_repeatables);
}

namespace asyncmq {
namespace {

// AsyncMQ's job_def normalisation: the keys of one job's identity and schedule dropped, null
// values dropped, task renamed task_id. Also what upsert checks: the types of task_id, every
// and cron, and whether both task and task_id were given.
enum NormalisedColumn {
    norm_def = 1,
    norm_task_type,
    norm_every_type,
    norm_every,
    norm_cron_type,
    norm_cron,
    norm_both
};
const Statement normalise = {{R"(
WITH d AS (
  SELECT COALESCE(pg_catalog.jsonb_object_agg(CASE WHEN e.k = 'task' THEN 'task_id' ELSE e.k END, e.v),
                  '{}'::pg_catalog.jsonb) AS def
  FROM pg_catalog.jsonb_each($def) AS e(k, v)
  WHERE pg_catalog.jsonb_typeof(e.v) <> 'null'
    AND e.k <> ALL ('{id,status,queue,queue_name,next_run,paused,repeat_id,_last_run}'::pg_catalog.text[]))
SELECT d.def, pg_catalog.jsonb_typeof(d.def->'task_id'), pg_catalog.jsonb_typeof(d.def->'every'), d.def->>'every',
       pg_catalog.jsonb_typeof(d.def->'cron'), d.def->>'cron',
       COALESCE(pg_catalog.jsonb_typeof($def->'task') <> 'null' AND pg_catalog.jsonb_typeof($def->'task_id') <> 'null',
                false)
FROM d)"},
                             {{"def", JSONBOID}},
                             SPI_OK_SELECT,
                             true};

// upsert_repeatable: keyed on (queue_name, job_def); again, it moves next_run and clears paused.
const Statement upsert_stmt = {{R"(
INSERT INTO {repeatables} AS r (queue_name, job_def, next_run, paused)
VALUES ($queue, $def, pg_catalog.to_timestamp($next_run), false)
ON CONFLICT (queue_name, job_def) DO UPDATE SET next_run = EXCLUDED.next_run, paused = false)"},
                               {{"queue", TEXTOID}, {"def", JSONBOID}, {"next_run", FLOAT8OID}},
                               SPI_OK_INSERT};

const Statement pause_stmt = {
    {R"(UPDATE {repeatables} AS r SET paused = true WHERE r.queue_name = $queue AND r.job_def = $def)"},
    {{"queue", TEXTOID}, {"def", JSONBOID}},
    SPI_OK_UPDATE};

const Statement resume_stmt = {{R"(
UPDATE {repeatables} AS r SET paused = false, next_run = pg_catalog.to_timestamp($next_run)
WHERE r.queue_name = $queue AND r.job_def = $def)"},
                               {{"queue", TEXTOID}, {"def", JSONBOID}, {"next_run", FLOAT8OID}},
                               SPI_OK_UPDATE};

const Statement list_stmt = {{R"(
SELECT r.job_def, pg_catalog.date_part('epoch', r.next_run), r.paused FROM {repeatables} AS r
WHERE r.queue_name = $queue ORDER BY r.next_run, r.job_def)"},
                             {{"queue", TEXTOID}},
                             SPI_OK_SELECT,
                             true};

// A repeatable's definition as AsyncMQ stores it, and its next run from now.
struct Repeatable {
    Datum def; // normalised jsonb
    double next_run;
};

Repeatable normalise_repeatable(const Call &call, FunctionCallInfo fcinfo, int i) {
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job_def must not be null")));
    Jsonb *def = PG_GETARG_JSONB_P(i);
    if (!JB_ROOT_IS_OBJECT(def))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def must be a JSON object"),
                        errhint("Write it as '{\"task_id\": \"app.tasks.report\", \"every\": 60}'::jsonb.")));
    Datum args[1] = {JsonbPGetDatum(def)};
    run(call, normalise, args);
    bool isnull;
    Repeatable r;
    r.def = column(norm_def, &isnull);
    const char *task_type = text_column(0, norm_task_type);
    const char *every_type = text_column(0, norm_every_type);
    const char *every = text_column(0, norm_every);
    const char *cron_type = text_column(0, norm_cron_type);
    const char *cron = text_column(0, norm_cron);
    if (bool_column(norm_both))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def has both task and task_id"),
                        errdetail("AsyncMQ stores task as task_id, so the two would collide."),
                        errhint("Name the task once, as task_id.")));
    if (task_type == nullptr || strcmp(task_type, "string") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def must name its task in task_id"),
                        errdetail("A repeatable runs the task that task_id (or task) names, a string.")));
    if ((every_type == nullptr) == (cron_type == nullptr))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("job_def must have either every or cron"),
                        errdetail("every is the interval in seconds; cron is a cron expression, as croniter reads it."),
                        errhint("Give exactly one of them.")));
    double now = epoch_now();
    if (every_type != nullptr) {
        double seconds = strcmp(every_type, "number") == 0 ? float_of(every) : -1;
        if (!(seconds > 0 && std::isfinite(seconds)))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("every must be a number of seconds greater than 0")));
        r.next_run = now + seconds;
    } else {
        if (strcmp(cron_type, "string") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("cron must be a string")));
        r.next_run = (double)cron_after(cron, (int64)std::floor(now)); // croniter floors the start
    }
    r.def = datumCopy(r.def, false, -1); // survives SPI_freetuptable of later statements
    return r;
}

// A call on the repeatables table with the queue (argument 0) and the normalised definition
// (argument 1): the statement's parameters are the queue, the definition and its next run.
uint64 run_on_repeatable(FunctionCallInfo fcinfo, const Statement &stmt, double *next_run) {
    const char *queue = queue_arg(fcinfo, 0);
    Call call;
    begin_call_needing(&call, TableKind::repeatables, nullptr);
    Repeatable r = normalise_repeatable(call, fcinfo, 1);
    Datum args[3] = {CStringGetTextDatum(queue), r.def, Float8GetDatum(r.next_run)};
    uint64 n = run(call, stmt, args);
    end_call(&call);
    *next_run = r.next_run;
    return n;
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_upsert_repeatable(PG_FUNCTION_ARGS) {
    double next_run;
    run_on_repeatable(fcinfo, upsert_stmt, &next_run);
    wake_scheduler_at_commit(); // its next run may come before the scheduler's next tick
    PG_RETURN_FLOAT8(next_run);
}

extern "C" Datum asyncmq_pause_repeatable(PG_FUNCTION_ARGS) {
    double next_run;
    PG_RETURN_BOOL(run_on_repeatable(fcinfo, pause_stmt, &next_run) > 0);
}

extern "C" Datum asyncmq_resume_repeatable(PG_FUNCTION_ARGS) {
    double next_run;
    if (run_on_repeatable(fcinfo, resume_stmt, &next_run) == 0)
        PG_RETURN_NULL();
    wake_scheduler_at_commit();
    PG_RETURN_FLOAT8(next_run);
}

extern "C" Datum asyncmq_list_repeatables(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    InitMaterializedSRF(fcinfo, 0);
    Call call;
    begin_call_needing(&call, TableKind::repeatables, nullptr);
    Datum args[1] = {CStringGetTextDatum(queue)};
    run(call, list_stmt, args);
    return_rows((ReturnSetInfo *)fcinfo->resultinfo, 3);
    end_call(&call);
    return (Datum)0;
}
