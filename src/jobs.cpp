// See jobs.hpp.
#include "jobs.hpp"

#include "job_rules.hpp"
#include "messages.hpp"

extern "C" {
#include "commands/async.h"
#include "common/md5.h"
#include "common/shortest_dec.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
}

#include <cmath>

namespace asyncmq {
namespace {

bool wakeups = false;

Datum numeric_from(const char *text) {
    return DirectFunctionCall3(numeric_in, CStringGetDatum(text), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

} // namespace

Datum float_number(double value) {
    char shortest[DOUBLE_SHORTEST_DECIMAL_LEN];
    double_to_shortest_decimal_buf(value, shortest);
    if (!std::isfinite(value))
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("%s is not a finite number", shortest),
                        errdetail("AsyncMQ writes its payload as JSON, which has no NaN or infinity.")));
    // jsonb keeps a numeric's digits as written but has no exponent: 1e+20 becomes
    // 100000000000000000000, which the ".0" keeps a float for json.loads.
    char *positional = DatumGetCString(DirectFunctionCall1(numeric_out, numeric_from(shortest)));
    size_t size = strlen(positional) + 3;
    char *spelt = (char *)palloc(size);
    if (!python_float_spelling(positional, spelt, size))
        elog(ERROR, "asyncmq: cannot spell %s as a float", positional);
    return numeric_from(spelt);
}

Datum int_or_float_number(double value) {
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15)
        return numeric_from(psprintf("%.0f", value));
    return float_number(value);
}

void check_job_id(const char *id, const char *where) {
    const char *problem = job_id_problem(id);
    if (problem != nullptr)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%sinvalid job id \"%s\"", where, excerpt_of(id)), errdetail("%s", problem),
                        errhint("Pass job_id => NULL to get a generated id (a UUID), as AsyncMQ does.")));
}

char *queue_channel(const char *queue) {
    if (channel_fits(queue, NAMEDATALEN - 1))
        return psprintf("%s%s", channel_prefix, queue);
    char hex[33];
    const char *err = nullptr;
    if (!pg_md5_hash(queue, strlen(queue), hex, &err))
        elog(ERROR, "asyncmq: md5 failed: %s", err ? err : "unknown error");
    return psprintf("%smd5:%s", channel_prefix, hex);
}

void wake_queue(const char *queue) {
    if (wakeups)
        Async_Notify(queue_channel(queue), queue);
}

void define_lifecycle_settings() {
    DefineCustomBoolVariable(
        "asyncmq.wakeups", "Whether the job lifecycle functions NOTIFY a queue's channel when its jobs become ready.",
        "Off by default: AsyncMQ's workers poll, and a transaction that notifies takes a database-wide lock at "
        "commit, so notifying transactions commit one at a time. Turn it on where workers LISTEN.",
        &wakeups, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

} // namespace asyncmq
