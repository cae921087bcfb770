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

// The newest job of the queue that owns the id. A window with expires_at lasts until then, even
// after the job finished; one without (simple mode) lasts while the job is not completed, failed
// or expired.
const Statement owner = {{R"(
SELECT j.job_id FROM {jobs} AS j
WHERE j.queue_name = $queue AND j.data->'deduplication'->>'id' = $id
  AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'deduplication'->'expires_at') = 'number'
    THEN (j.data->'deduplication'->>'expires_at')::pg_catalog.float8 > $now
    ELSE j.status NOT IN ('completed', 'failed', 'expired') END
ORDER BY (j.data->>'created_at')::pg_catalog.float8 DESC NULLS LAST, j.id DESC LIMIT 1)"},
                         {{"queue", TEXTOID}, {"id", TEXTOID}, {"now", FLOAT8OID}},
                         SPI_OK_SELECT};

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
        double ttl = strcmp(ttl_type, "number") == 0
                         ? DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(text_column(0, opt_ttl))))
                         : -1;
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
                            errmsg("%sdeduplication %s must be a boolean", where, key)));
        if (type != nullptr && strcmp(text_column(0, col + 1), "true") == 0)
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("%sdeduplication with %s is not supported", where, key),
                            errdetail("%s", col == opt_extend_type
                                                ? "AsyncMQ's extend renews the owner's window when a duplicate is "
                                                  "added, which the AsyncMQ 0.9.1 fixtures do not show."
                                                : "AsyncMQ's replace and debounce modes replace a delayed owner with "
                                                  "the new job, which the AsyncMQ 0.9.1 fixtures do not show."),
                            errhint("Use the simple mode (an id alone) or the throttle mode (an id and a ttl).")));
    }
}

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

char *dedup_owner(const Call &call, const char *queue, const NewJob &job, MemoryContext out) {
    Datum look[3] = {CStringGetTextDatum(queue), CStringGetTextDatum(job.dedup_id), Float8GetDatum(epoch_now())};
    if (run(call, owner, look) == 0)
        return nullptr;
    return MemoryContextStrdup(out, text_column(0, 1));
}

} // namespace asyncmq
