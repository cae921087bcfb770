// See deduplication.hpp.
#include "deduplication.hpp"

#include "clock.hpp"
#include "python_numbers.hpp"

#include <cmath>
#include <initializer_list>

extern "C" {
#include "utils/json.h"
#include "utils/jsonb.h"
}

namespace asyncmq {
namespace {

// The fields of a deduplication option and the keys AsyncMQ does not read.
enum OptionColumn {
    opt_type = 1,
    opt_unknown,
    opt_id_type,
    opt_id,
    opt_ttl_type,
    opt_ttl,
    opt_extend_type,
    opt_extend,
    opt_replace_type,
    opt_replace
};
const Statement option_fields = {{R"(
SELECT pg_catalog.jsonb_typeof($option),
       (SELECT pg_catalog.string_agg(k, ', ' ORDER BY k)
        FROM pg_catalog.jsonb_object_keys(
               CASE WHEN pg_catalog.jsonb_typeof($option) = 'object' THEN $option ELSE '{}'::pg_catalog.jsonb END) AS k
        WHERE k <> ALL ('{id,ttl,extend,replace}'::pg_catalog.text[])),
       pg_catalog.jsonb_typeof($option->'id'), $option->>'id',
       pg_catalog.jsonb_typeof($option->'ttl'), $option->>'ttl',
       pg_catalog.jsonb_typeof($option->'extend'), $option->>'extend',
       pg_catalog.jsonb_typeof($option->'replace'), $option->>'replace')"},
                                 {{"option", JSONBOID}},
                                 SPI_OK_SELECT,
                                 true};

// Whether the job j owns the deduplication id $id of queue $queue at $now (epoch seconds): the
// newest such job owns it (the lookup's order). Cancelled jobs own nothing: AsyncMQ's inspection
// of the queue (asyncmq/backends/base.py, _inspect_all_jobs) reads every status but cancelled. A
// window with expires_at lasts until then, even after the job finished; one without (simple
// mode) lasts while the job is not completed, failed or expired (is_deduplication_active).
constexpr char owns_id[] = R"(
j.queue_name = $queue AND j.data->'deduplication'->>'id' = $id AND j.status IS DISTINCT FROM 'cancelled'
  AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'deduplication'->'expires_at') = 'number'
    THEN (j.data->'deduplication'->>'expires_at')::pg_catalog.float8 > $now
    ELSE j.status NOT IN ('completed', 'failed', 'expired') END)";

// Whether replace may evict the job: it is delayed and has no pending parents
// (can_replace_deduplicated_job, which reads the payload's state; the inspection found it among
// the delayed rows).
constexpr char replaceable[] = R"(
(j.status = 'delayed' AND j.data->>'status' = 'delayed'
 AND (pg_catalog.jsonb_typeof(j.data->'depends_on') IS DISTINCT FROM 'array'
      OR j.data->'depends_on' = '[]'::pg_catalog.jsonb)) IS TRUE)";

enum OwnerColumn { own_row = 1, own_job_id, own_replaceable, own_expires_at };
const Statement owner = {{"SELECT j.id, j.job_id, ", replaceable, R"(,
       CASE WHEN pg_catalog.jsonb_typeof(j.data->'deduplication'->'expires_at') = 'number'
         THEN (j.data->'deduplication'->'expires_at')::pg_catalog.text END
FROM {jobs} AS j WHERE )",
                          owns_id, R"(
ORDER BY (j.data->>'created_at')::pg_catalog.float8 DESC NULLS LAST, j.id DESC LIMIT 1)"},
                         {{"queue", TEXTOID}, {"id", TEXTOID}, {"now", FLOAT8OID}},
                         SPI_OK_SELECT};

// remove_job of the owner: its row and its cancellation marker, if the row still owns the id and
// may be replaced. The row is not locked by the lookup, so that a waiting owner stays free for a
// dequeue; a dequeue, promotion or completion that holds it makes this wait, and then the row it
// re-reads decides. Returns the number of rows deleted.
const Statement remove_owner = {{R"(
WITH gone AS (DELETE FROM {jobs} AS j WHERE j.id = $row AND )",
                                 owns_id, " AND ", replaceable, R"( RETURNING j.job_id),
markers AS (DELETE FROM {cancelled} AS c USING gone AS g WHERE c.queue_name = $queue AND c.job_id = g.job_id)
SELECT pg_catalog.count(*) FROM gone)"},
                                {{"row", INT4OID}, {"queue", TEXTOID}, {"id", TEXTOID}, {"now", FLOAT8OID}},
                                SPI_OK_SELECT};

// extend: the owner's window renewed (with_updated_deduplication_window) and the payload written
// back as the store's upsert writes it, with the status column from the payload. The row is read
// here, under its lock, rather than as the lookup saw it. Nothing when the row no longer owns the
// id.
const Statement renew_owner = {{R"(
UPDATE {jobs} AS j SET
  data = pg_catalog.jsonb_set(j.data, '{deduplication}', (j.data->'deduplication') ||
           pg_catalog.jsonb_build_object('ttl', $ttl, 'expires_at', $expires_at)),
  status = j.data->>'status', updated_at = pg_catalog.now()
WHERE j.id = $row AND )",
                                owns_id},
                               {{"row", INT4OID},
                                {"queue", TEXTOID},
                                {"id", TEXTOID},
                                {"now", FLOAT8OID},
                                {"ttl", NUMERICOID},
                                {"expires_at", NUMERICOID}},
                               SPI_OK_UPDATE};

// A column's JSON type, nullptr for a JSON null or no such key.
const char *json_type(int col) {
    const char *type = text_column(0, col);
    return type == nullptr || strcmp(type, "null") == 0 ? nullptr : type;
}

} // namespace

void read_dedup(const Call &call, Datum option, const char *where, NewJob *job) {
    Datum arg[1] = {option};
    run(call, option_fields, arg);
    if (strcmp(text_column(0, opt_type), "object") != 0)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sdeduplication must be a JSON object", where),
                 errhint("Write it as '{\"id\": \"report-2026\", \"ttl\": 60}'::jsonb.")));
    if (text_column(0, opt_unknown) != nullptr)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%sunknown key in deduplication: %s", where, text_column(0, opt_unknown)),
                        errhint("The keys are id, ttl, extend and replace.")));
    const char *id_type = json_type(opt_id_type);
    if (id_type == nullptr || strcmp(id_type, "string") != 0 || text_column(0, opt_id)[0] == '\0')
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sdeduplication needs a non-empty string id", where),
                 errdetail("Jobs added with the same deduplication id share one window.")));
    job->dedup_id = text_column(0, opt_id);
    const char *ttl_type = json_type(opt_ttl_type);
    if ((job->has_dedup_ttl = ttl_type != nullptr)) {
        double ttl = strcmp(ttl_type, "number") == 0 ? float_of(text_column(0, opt_ttl)) : -1;
        if (!(ttl > 0 && std::isfinite(ttl)))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%sdeduplication ttl must be a number of seconds greater than 0", where),
                            errhint("Leave ttl out for a window that lasts until the job finishes.")));
        job->dedup_ttl = ttl;
    }
    for (int col : {opt_extend_type, opt_replace_type}) {
        const char *key = col == opt_extend_type ? "extend" : "replace";
        const char *type = json_type(col);
        if (type != nullptr && strcmp(type, "boolean") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%sdeduplication %s must be a boolean", where, key),
                            errhint("Write \"%s\": true, or leave it out for false.", key)));
        bool value = type != nullptr && strcmp(text_column(0, col + 1), "true") == 0;
        *(col == opt_extend_type ? &job->dedup_extend : &job->dedup_replace) = value;
    }
}

Datum dedup_object(const NewJob &job, double now) {
    // normalize_deduplication_options (asyncmq/core/deduplication.py).
    const char *mode = job.dedup_replace   ? (job.has_delay ? "debounce" : "replace")
                       : job.has_dedup_ttl ? "throttle"
                                           : "simple";
    const char *expires_at = !job.has_dedup_ttl                   ? "null"
                             : job.dedup_expires_spelt != nullptr ? job.dedup_expires_spelt
                                                                  : numeric_text(float_number(now + job.dedup_ttl));
    StringInfoData json;
    initStringInfo(&json);
    appendStringInfoString(&json, "{\"id\": ");
    escape_json(&json, job.dedup_id);
    appendStringInfo(&json,
                     ", \"ttl\": %s, \"extend\": %s, \"replace\": %s, \"delay\": %s, \"mode\": \"%s\", "
                     "\"expires_at\": %s}",
                     job.has_dedup_ttl ? numeric_text(float_number(job.dedup_ttl)) : "null",
                     job.dedup_extend ? "true" : "false", job.dedup_replace ? "true" : "false",
                     job.has_delay ? numeric_text(int_or_float_number(job.delay)) : "null", mode, expires_at);
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
}

char *settle_dedup(const Call &call, const char *queue, NewJob *job, MemoryContext out) {
    // Queue.add (asyncmq/queues.py) once it has found an owner. Each turn looks again after a
    // concurrent change took the owner away between the lookup and the write.
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        double now = epoch_now();
        Datum look[3] = {CStringGetTextDatum(queue), CStringGetTextDatum(job->dedup_id), Float8GetDatum(now)};
        if (run(call, owner, look) == 0)
            return nullptr;
        bool isnull;
        Datum row = column(own_row, &isnull);
        char *owner_id = text_column(0, own_job_id);
        bool can_replace = bool_column(own_replaceable);
        char *owner_expires_at = text_column(0, own_expires_at);
        if (job->dedup_replace && can_replace) {
            Datum key[4] = {row, look[0], look[1], look[2]};
            run(call, remove_owner, key);
            if (DatumGetInt64(column(1, &isnull)) == 0)
                continue;
            // The window does not move, unless the add extends it (then it is now + ttl).
            if (job->has_dedup_ttl && !job->dedup_extend)
                job->dedup_expires_spelt = owner_expires_at;
            return nullptr;
        }
        if (job->has_dedup_ttl && job->dedup_extend) {
            Datum renew[6] = {row,
                              look[0],
                              look[1],
                              look[2],
                              float_number(job->dedup_ttl),
                              float_number(epoch_now() + job->dedup_ttl)};
            if (run(call, renew_owner, renew) == 0)
                continue;
        }
        return MemoryContextStrdup(out, owner_id);
    }
}

} // namespace asyncmq
