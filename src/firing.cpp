// See firing.hpp. AsyncMQ's scheduler (asyncmq/schedulers.py, _process_backend_repeatables) reads
// the due rows under its lock, enqueues build_repeatable_job(job_def) (asyncmq/core/repeatables.py)
// and calls advance_repeatable (asyncmq/backends/postgres.py); here the three are one transaction.
#include "firing.hpp"

#include "advisory.hpp"
#include "clock.hpp"
#include "cron_sql.hpp"
#include "enqueue.hpp"
#include "python_numbers.hpp"

#include <cmath>

extern "C" {
#include "access/xact.h"
#include "common/hashfn.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
}

namespace asyncmq {
namespace {

const Statement due_queues = {{R"(
SELECT DISTINCT r.queue_name FROM {repeatables} AS r
WHERE NOT r.paused AND r.next_run <= pg_catalog.to_timestamp($now) ORDER BY r.queue_name)"},
                              {{"now", FLOAT8OID}},
                              SPI_OK_SELECT};

// get_due_repeatables, with the rows locked: one that an upsert or a pause holds is left for
// the next tick rather than waited for.
const Statement due_definitions = {{R"(
SELECT r.job_def FROM {repeatables} AS r
WHERE r.queue_name = $queue AND NOT r.paused AND r.next_run <= pg_catalog.to_timestamp($now)
ORDER BY r.next_run, r.job_def FOR UPDATE OF r SKIP LOCKED)"},
                                   {{"queue", TEXTOID}, {"now", FLOAT8OID}},
                                   SPI_OK_SELECT};

// What build_repeatable_job and compute_next_run read of a definition, a JSON null read as
// absent (normalize_repeatable_job_def drops nulls): each value's JSON type and its text.
enum DefColumn {
    def_task_type = 1,
    def_task,
    def_args,
    def_kwargs,
    def_retries_type,
    def_retries,
    def_backoff_type,
    def_backoff,
    def_ttl_type,
    def_ttl,
    def_priority_type,
    def_priority,
    def_every_type,
    def_every,
    def_cron_type,
    def_cron
};
const Statement read_definition = {{R"(
WITH d AS (SELECT $def AS d),
v AS (SELECT NULLIF(d.d->'task_id', 'null'::pg_catalog.jsonb) AS task, NULLIF(d.d->'args', 'null'::pg_catalog.jsonb) AS args,
             NULLIF(d.d->'kwargs', 'null'::pg_catalog.jsonb) AS kwargs,
             COALESCE(NULLIF(d.d->'retries', 'null'::pg_catalog.jsonb), NULLIF(d.d->'max_retries', 'null'::pg_catalog.jsonb)) AS retries,
             NULLIF(d.d->'backoff', 'null'::pg_catalog.jsonb) AS backoff, NULLIF(d.d->'ttl', 'null'::pg_catalog.jsonb) AS ttl,
             NULLIF(d.d->'priority', 'null'::pg_catalog.jsonb) AS priority, NULLIF(d.d->'every', 'null'::pg_catalog.jsonb) AS every,
             NULLIF(d.d->'cron', 'null'::pg_catalog.jsonb) AS cron FROM d)
SELECT pg_catalog.jsonb_typeof(v.task), v.task #>> '{}', COALESCE(v.args, '[]'), COALESCE(v.kwargs, '{}'),
       pg_catalog.jsonb_typeof(v.retries), v.retries #>> '{}', pg_catalog.jsonb_typeof(v.backoff), v.backoff #>> '{}',
       pg_catalog.jsonb_typeof(v.ttl), v.ttl #>> '{}', pg_catalog.jsonb_typeof(v.priority), v.priority #>> '{}',
       pg_catalog.jsonb_typeof(v.every), v.every #>> '{}', pg_catalog.jsonb_typeof(v.cron), v.cron #>> '{}'
FROM v)"},
                                   {{"def", JSONBOID}},
                                   SPI_OK_SELECT,
                                   true};

// advance_repeatable: next_run moved, paused cleared, the row found by (queue_name, job_def).
const Statement advance = {{R"(
UPDATE {repeatables} AS r SET next_run = pg_catalog.to_timestamp($next_run), paused = false
WHERE r.queue_name = $queue AND r.job_def = $def)"},
                           {{"queue", TEXTOID}, {"def", JSONBOID}, {"next_run", FLOAT8OID}},
                           SPI_OK_UPDATE};

const Statement earliest = {{R"(
SELECT pg_catalog.date_part('epoch', pg_catalog.min(r.next_run)) FROM {repeatables} AS r WHERE NOT r.paused)"},
                            {},
                            SPI_OK_SELECT,
                            true};

[[noreturn]] void refuse(const char *problem) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", problem)));
}

bool is(const char *type, const char *want) {
    return type != nullptr && strcmp(type, want) == 0;
}

// Python's int(x or default) of a JSON number: truncated, and a 0 (false) gives the default.
int32 int_of(const char *type, const char *text, int32 absent, int32 zero, const char *name) {
    if (type == nullptr)
        return absent;
    if (!is(type, "number"))
        refuse(psprintf("%s must be a number", name));
    double x = std::trunc(float_of(text));
    if (!(x >= PG_INT32_MIN && x <= PG_INT32_MAX))
        refuse(psprintf("%s is out of range", name));
    return x == 0 ? zero : (int32)x;
}

// Builds the definition's job, enqueues it and advances next_run; ERROR when it cannot.
void fire_one(const Call &call, const char *queue, Datum def) {
    Datum args[1] = {def};
    run(call, read_definition, args);
    NewJob job = {};
    const char *task_type = text_column(0, def_task_type);
    if (!is(task_type, "string"))
        refuse("job_def has no task_id string");
    job.task = text_column(0, def_task);
    bool isnull;
    job.args = datumCopy(column(def_args, &isnull), false, -1);
    job.kwargs = datumCopy(column(def_kwargs, &isnull), false, -1);
    job.max_retries = int_of(text_column(0, def_retries_type), text_column(0, def_retries), 0, 0, "retries");
    job.priority = int_of(text_column(0, def_priority_type), text_column(0, def_priority), 5, 5, "priority");
    const char *backoff_type = text_column(0, def_backoff_type);
    if ((job.has_backoff = backoff_type != nullptr)) {
        if (!is(backoff_type, "number"))
            refuse("backoff must be a number");
        job.backoff_spelt = text_column(0, def_backoff);
        job.backoff = float_of(job.backoff_spelt);
    }
    const char *ttl_type = text_column(0, def_ttl_type);
    if ((job.has_ttl = ttl_type != nullptr)) {
        if (!is(ttl_type, "number"))
            refuse("ttl must be a number");
        job.ttl_spelt = text_column(0, def_ttl);
        job.ttl = float_of(job.ttl_spelt);
    }
    job.depends_on = PointerGetDatum(construct_empty_array(TEXTOID));
    const char *every_type = text_column(0, def_every_type);
    const char *every = text_column(0, def_every);
    const char *cron_type = text_column(0, def_cron_type);
    const char *cron = text_column(0, def_cron);
    check_job(job, "job_def: ");
    // compute_next_run: cron first, else every, from the time of the firing.
    double now = epoch_now();
    double next_run;
    if (cron_type != nullptr) {
        if (!is(cron_type, "string"))
            refuse("cron must be a string");
        next_run = (double)cron_after(cron, (int64)std::floor(now)); // croniter floors the start
    } else if (every_type != nullptr) {
        double seconds = is(every_type, "number") ? float_of(every) : -1;
        if (!(seconds > 0 && std::isfinite(seconds)))
            refuse("every must be a number of seconds greater than 0");
        next_run = now + seconds;
    } else {
        refuse("job_def has neither cron nor every");
    }
    enqueue_one(call, queue, job, CurrentMemoryContext);
    Datum values[3] = {CStringGetTextDatum(queue), def, Float8GetDatum(next_run)};
    if (run(call, advance, values) != 1)
        elog(ERROR, "asyncmq: the repeatable to advance is gone");
}

char *def_text(Datum def) {
    return JsonbToCString(nullptr, &DatumGetJsonbP(def)->root, 0);
}

// A definition's last report: the hash of its queue and text, and when. A struct, so that the
// time is aligned as a TimestampTz must be.
struct Reported {
    uint32 key;
    TimestampTz last;
};

// Whether a failure of this definition was not reported in the last minute (per process).
bool report_now(const char *queue, Datum def) {
    static HTAB *reported = nullptr;
    if (reported == nullptr) {
        HASHCTL ctl = {};
        ctl.keysize = sizeof(uint32);
        ctl.entrysize = sizeof(Reported);
        reported = hash_create("asyncmq reported repeatables", 64, &ctl, HASH_ELEM | HASH_BLOBS);
    }
    char *key_text = psprintf("%s\n%s", queue, def_text(def));
    uint32 key = DatumGetUInt32(hash_any((const unsigned char *)key_text, strlen(key_text)));
    bool found;
    Reported *entry = (Reported *)hash_search(reported, &key, HASH_ENTER, &found);
    TimestampTz now = GetCurrentTimestamp();
    if (found && !TimestampDifferenceExceeds(entry->last, now, 60 * 1000))
        return false;
    entry->last = now;
    return true;
}

// fire_one in a subtransaction: a definition that fails is rolled back alone and reported.
bool fire_guarded(const Call &call, const char *queue, Datum def) {
    MemoryContext context = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    volatile bool fired = false;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(context);
    PG_TRY();
    {
        fire_one(call, queue, def);
        ReleaseCurrentSubTransaction();
        fired = true;
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        ErrorData *error = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
        if (report_now(queue, def))
            ereport(WARNING,
                    (errcode(error->sqlerrcode),
                     errmsg("asyncmq: a repeatable of queue \"%s\" cannot fire: %s", queue, error->message),
                     errdetail("The definition is %s; it is skipped until it is fixed or removed.", def_text(def)),
                     errhint("Correct it with asyncmq_upsert_repeatable(), or delete its row.")));
        FreeErrorData(error);
    }
    PG_END_TRY();
    MemoryContextSwitchTo(context);
    CurrentResourceOwner = owner;
    return fired;
}

} // namespace

int64 fire_due_repeatables(const Call &call) {
    Datum now[1] = {Float8GetDatum(epoch_now())};
    uint64 nqueues = run(call, due_queues, now);
    char **queues = (char **)palloc(sizeof(char *) * (nqueues > 0 ? nqueues : 1));
    for (uint64 i = 0; i < nqueues; i++)
        queues[i] = text_column(i, 1);
    int64 fired = 0;
    for (uint64 q = 0; q < nqueues; q++) {
        if (!advisory_xact_try_lock(psprintf("asyncmq:%s:repeatable-scheduler", queues[q])))
            continue;
        Datum args[2] = {CStringGetTextDatum(queues[q]), now[0]};
        uint64 n = run(call, due_definitions, args);
        Datum *defs = (Datum *)palloc(sizeof(Datum) * (n > 0 ? n : 1));
        for (uint64 i = 0; i < n; i++) {
            bool isnull;
            defs[i] = datumCopy(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull), false, -1);
        }
        for (uint64 i = 0; i < n; i++)
            fired += fire_guarded(call, queues[q], defs[i]) ? 1 : 0;
    }
    return fired;
}

bool next_repeatable_run(const Call &call, double *at) {
    run(call, earliest, nullptr);
    bool isnull;
    Datum value = column(1, &isnull);
    if (!isnull)
        *at = DatumGetFloat8(value);
    return !isnull;
}

} // namespace asyncmq
