// See new_job.hpp.
#include "new_job.hpp"

#include "args.hpp"
#include "clock.hpp"
#include "deduplication.hpp"
#include "python_numbers.hpp"

#include <cmath>

extern "C" {
#include "utils/jsonb.h"
}

namespace asyncmq {

void check_job(const NewJob &job, const char *where) {
    auto refuse = [where](const char *problem) {
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s%s", where, problem)));
    };
    if (job.task[0] == '\0')
        refuse("task must not be empty");
    Jsonb *args = DatumGetJsonbP(job.args);
    if (!JB_ROOT_IS_ARRAY(args) || JB_ROOT_IS_SCALAR(args))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%sargs must be a JSON array", where),
                        errdetail("AsyncMQ passes args to the task as positional arguments."),
                        errhint("Write args as '[1, 2]'::jsonb.")));
    Jsonb *kwargs = DatumGetJsonbP(job.kwargs);
    if (!JB_ROOT_IS_OBJECT(kwargs))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%skwargs must be a JSON object", where),
                        errdetail("AsyncMQ passes kwargs to the task as keyword arguments."),
                        errhint("Write kwargs as '{\"label\": \"sum\"}'::jsonb.")));
    if (job.job_id != nullptr)
        check_job_id(job.job_id, where);
    if (job.max_retries < 0)
        refuse("max_retries must not be negative");
    if (job.has_backoff && !(job.backoff >= 0 && std::isfinite(job.backoff)))
        refuse("backoff must be a finite number, 0 or more");
    if (job.has_ttl && !(job.ttl >= 0 && std::isfinite(job.ttl)))
        refuse("ttl must be a finite number of seconds, 0 or more");
    if (job.has_delay && !(job.delay >= 0 && std::isfinite(job.delay)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%sdelay must be a finite number of seconds, 0 or more", where),
                        errhint("Pass delay => NULL for a job that may run at once.")));
    if (job.has_repeat_every && !(job.repeat_every > 0 && std::isfinite(job.repeat_every)))
        refuse("repeat_every must be a finite number of seconds greater than 0");
    ArrayType *deps = DatumGetArrayTypeP(job.depends_on);
    if (ARR_NDIM(deps) > 1 || array_contains_nulls(deps))
        refuse("depends_on must be a one-dimensional array of job ids without nulls");
}

void payload_values_of(const char *queue, const NewJob &job, Datum values[payload_values], char nulls[payload_values]) {
    memset(nulls, ' ', payload_values);
    auto none = [&](int i) {
        nulls[i] = 'n';
        return (Datum)0;
    };
    double created = epoch_now();
    // AsyncMQ computes expires_at just before the job's created_at.
    Datum dedup = job.dedup_id != nullptr ? dedup_object(job, created) : (Datum)0;
    values[pv_queue] = CStringGetTextDatum(queue);
    values[pv_job_id] = job.job_id ? CStringGetTextDatum(job.job_id) : none(pv_job_id);
    values[pv_task] = CStringGetTextDatum(job.task);
    values[pv_args] = job.args;
    values[pv_kwargs] = job.kwargs;
    values[pv_max_retries] = Int32GetDatum(job.max_retries);
    values[pv_backoff] = !job.has_backoff    ? none(pv_backoff)
                         : job.backoff_spelt ? numeric_from(job.backoff_spelt)
                                             : float_number(job.backoff);
    values[pv_ttl] = !job.has_ttl    ? none(pv_ttl)
                     : job.ttl_spelt ? numeric_from(job.ttl_spelt)
                                     : int_or_float_number(job.ttl);
    values[pv_created] = float_number(created);
    values[pv_status] = CStringGetTextDatum(job.has_delay ? "delayed" : "waiting");
    values[pv_delay_until] = job.has_delay ? float_number(created + job.delay) : none(pv_delay_until);
    values[pv_priority] = Int32GetDatum(job.priority);
    values[pv_depends_on] = job.depends_on;
    values[pv_repeat_every] = job.has_repeat_every ? int_or_float_number(job.repeat_every) : none(pv_repeat_every);
    values[pv_deduplication] = job.dedup_id != nullptr ? dedup : none(pv_deduplication);
}

char *random_uuid() {
    unsigned char b[16];
    if (!pg_strong_random(b, sizeof b))
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not generate random values")));
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    return psprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

} // namespace asyncmq
