// asyncmq_enqueue_many(queue, jobs): a batch of jobs from a JSON array, every element checked
// before the first is written; plain jobs are written in one INSERT.
#include "args.hpp"
#include "deduplication.hpp"
#include "enqueue.hpp"
#include "python_numbers.hpp"

#include <cmath>

extern "C" {
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(asyncmq_enqueue_many);
}

namespace asyncmq {
namespace {

// The fields of each element, with their JSON types, and the keys the function does not read.
enum ItemColumn {
    item_ord = 1,
    item_type,
    item_unknown,
    task_type,
    task,
    args,
    kwargs,
    job_id_type,
    job_id,
    priority_type,
    priority,
    max_retries_type,
    max_retries,
    backoff_type,
    backoff,
    ttl_type,
    ttl,
    delay_type,
    delay,
    depends_on_type,
    depends_on,
    depends_on_strings,
    repeat_every_type,
    repeat_every,
    deduplication
};
const Statement items = {{R"(
SELECT e.ord::pg_catalog.int4, pg_catalog.jsonb_typeof(e.v),
       (SELECT pg_catalog.string_agg(k, ', ' ORDER BY k)
        FROM pg_catalog.jsonb_object_keys(
               CASE WHEN pg_catalog.jsonb_typeof(e.v) = 'object' THEN e.v ELSE '{}'::pg_catalog.jsonb END) AS k
        WHERE k <> ALL ('{task,args,kwargs,job_id,priority,max_retries,backoff,ttl,delay,depends_on,repeat_every,deduplication}'::pg_catalog.text[])),
       pg_catalog.jsonb_typeof(e.v->'task'), e.v->>'task', e.v->'args', e.v->'kwargs',
       pg_catalog.jsonb_typeof(e.v->'job_id'), e.v->>'job_id',
       pg_catalog.jsonb_typeof(e.v->'priority'), e.v->>'priority',
       pg_catalog.jsonb_typeof(e.v->'max_retries'), e.v->>'max_retries',
       pg_catalog.jsonb_typeof(e.v->'backoff'), e.v->>'backoff',
       pg_catalog.jsonb_typeof(e.v->'ttl'), e.v->>'ttl',
       pg_catalog.jsonb_typeof(e.v->'delay'), e.v->>'delay',
       pg_catalog.jsonb_typeof(e.v->'depends_on'),
       CASE WHEN pg_catalog.jsonb_typeof(e.v->'depends_on') = 'array' THEN
         ARRAY(SELECT x FROM pg_catalog.jsonb_array_elements_text(e.v->'depends_on') AS x) END,
       CASE WHEN pg_catalog.jsonb_typeof(e.v->'depends_on') = 'array' THEN
         (SELECT COALESCE(pg_catalog.bool_and(pg_catalog.jsonb_typeof(x) = 'string'), true)
          FROM pg_catalog.jsonb_array_elements(e.v->'depends_on') AS x) END,
       pg_catalog.jsonb_typeof(e.v->'repeat_every'), e.v->>'repeat_every', e.v->'deduplication'
FROM pg_catalog.jsonb_array_elements($jobs) WITH ORDINALITY AS e(v, ord) ORDER BY e.ord)"},
                         {{"jobs", JSONBOID}},
                         SPI_OK_SELECT};

double number_field(const char *type, const char *text, const char *where, const char *key) {
    if (strcmp(type, "number") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s%s must be a number", where, key)));
    return float_of(text);
}

int32 int_field(const char *type, const char *text, const char *where, const char *key) {
    double v = number_field(type, text, where, key);
    if (v != std::trunc(v) || strpbrk(text, ".eE") != nullptr || v < PG_INT32_MIN || v > PG_INT32_MAX)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s%s must be an integer", where, key),
                        errdetail("AsyncMQ reads %s with an integer cast; %s would make it fail.", key, text)));
    return (int32)v;
}

// Reads element `row` of items' result (SPI connected) into a job, checked.
void read_item(const Call &call, SPITupleTable *rows, uint64 row, NewJob *job) {
    HeapTuple tuple = rows->vals[row];
    TupleDesc desc = rows->tupdesc;
    auto text = [&](int col) { return SPI_getvalue(tuple, desc, col); };
    auto type = [&](int col) {
        const char *ty = SPI_getvalue(tuple, desc, col);
        return ty == nullptr || strcmp(ty, "null") == 0 ? (const char *)nullptr : ty;
    };
    const char *where = psprintf("jobs[%s]: ", text(item_ord));
    if (strcmp(text(item_type), "object") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sa job must be a JSON object", where)));
    if (text(item_unknown) != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sunknown key: %s", where, text(item_unknown)),
                 errhint("The keys are task, args, kwargs, job_id, priority, max_retries, backoff, ttl, "
                         "delay, depends_on, repeat_every and deduplication.")));
    if (type(task_type) == nullptr || strcmp(type(task_type), "string") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%stask must be a string", where)));
    job->task = text(task);
    bool isnull;
    Datum args_value = SPI_getbinval(tuple, desc, args, &isnull);
    job->args = isnull ? DirectFunctionCall1(jsonb_in, CStringGetDatum("[]")) : args_value;
    Datum kwargs_value = SPI_getbinval(tuple, desc, kwargs, &isnull);
    job->kwargs = isnull ? DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")) : kwargs_value;
    if (type(job_id_type) != nullptr && strcmp(type(job_id_type), "string") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sjob_id must be a string", where)));
    job->job_id = type(job_id_type) ? text(job_id) : nullptr;
    job->priority = type(priority_type) ? int_field(type(priority_type), text(priority), where, "priority") : 5;
    job->max_retries =
        type(max_retries_type) ? int_field(type(max_retries_type), text(max_retries), where, "max_retries") : 0;
    // A JSON backoff keeps its spelling, as AsyncMQ's json.dumps keeps Job(backoff=2)'s 2.
    if ((job->has_backoff = type(backoff_type) != nullptr)) {
        job->backoff = number_field(type(backoff_type), text(backoff), where, "backoff");
        job->backoff_spelt = text(backoff);
    }
    if ((job->has_ttl = type(ttl_type) != nullptr))
        job->ttl = number_field(type(ttl_type), text(ttl), where, "ttl");
    if ((job->has_delay = type(delay_type) != nullptr))
        job->delay = number_field(type(delay_type), text(delay), where, "delay");
    if (type(depends_on_type) == nullptr) {
        job->depends_on = PointerGetDatum(construct_empty_array(TEXTOID));
    } else {
        Datum strings = SPI_getbinval(tuple, desc, depends_on_strings, &isnull);
        if (strcmp(type(depends_on_type), "array") != 0 || !DatumGetBool(strings))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%sdepends_on must be a JSON array of job ids (strings)", where)));
        job->depends_on = SPI_getbinval(tuple, desc, depends_on, &isnull);
    }
    if ((job->has_repeat_every = type(repeat_every_type) != nullptr))
        job->repeat_every = number_field(type(repeat_every_type), text(repeat_every), where, "repeat_every");
    check_job(*job, where);
    Datum dedup = SPI_getbinval(tuple, desc, deduplication, &isnull);
    if (!isnull && type(deduplication) != nullptr) // a JSON null: no deduplication
        read_dedup(call, dedup, where, job);
}

bool is_plain(const NewJob &job) {
    ArrayType *parents = DatumGetArrayTypeP(job.depends_on);
    return job.job_id == nullptr && job.dedup_id == nullptr &&
           ArrayGetNItems(ARR_NDIM(parents), ARR_DIMS(parents)) == 0;
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_enqueue_many(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("jobs must not be null")));
    Jsonb *jobs = PG_GETARG_JSONB_P(1);
    if (!JB_ROOT_IS_ARRAY(jobs) || JB_ROOT_IS_SCALAR(jobs))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("jobs must be a JSON array of objects"),
                        errhint("Write jobs as '[{\"task\": \"app.tasks.add\", \"args\": [1, 2]}]'::jsonb.")));
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    MemoryContext caller = CurrentMemoryContext;
    Call call;
    begin_call(&call);
    Datum arg[1] = {JsonbPGetDatum(jobs)};
    uint64 n = run(call, items, arg);
    SPITupleTable *rows = SPI_tuptable;
    NewJob *parsed = (NewJob *)palloc0(sizeof(NewJob) * (n > 0 ? n : 1));
    bool plain = n > 0;
    for (uint64 i = 0; i < n; i++) {
        read_item(call, rows, i, &parsed[i]);
        plain &= is_plain(parsed[i]);
    }
    if (!plain)
        lock_adds(queue, parsed, (int)n);
    Datum *ids = plain ? insert_plain_jobs(call, queue, parsed, (int)n) : nullptr;
    for (uint64 i = 0; i < n; i++) {
        Datum id = plain ? ids[i] : CStringGetTextDatum(enqueue_one(call, queue, parsed[i], caller));
        bool isnull = false;
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &id, &isnull);
    }
    end_call(&call);
    return (Datum)0;
}
