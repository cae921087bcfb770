// See cron_sql.hpp; the parser and the search are the pure cron module.
#include "cron_sql.hpp"

#include "clock.hpp"
#include "cron.hpp"
#include "messages.hpp"

#include <cmath>

extern "C" {
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(asyncmq_cron_next);
}

namespace asyncmq {

double cron_after(const char *cron, double after) {
    CronSpec spec;
    char problem[256];
    if (!cron_parse(cron, pg_mbcliplen, &spec, problem, sizeof problem))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("invalid cron expression \"%s\"", excerpt_of(cron)), errdetail("%s", problem),
                        errhint("Write five fields, minute hour day month weekday, such as \"*/5 * * * *\".")));
    int64 next;
    if (!cron_next(spec, (int64)std::floor(after), &next))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("cron expression \"%s\" matches no time", excerpt_of(cron)),
                        errdetail("No minute of the next 400 years matches it.")));
    return (double)next;
}

} // namespace asyncmq

// The next time after `after` that a cron expression matches, in UTC, as the repeatables compute it.
extern "C" Datum asyncmq_cron_next(PG_FUNCTION_ARGS) {
    const char *cron = text_to_cstring(PG_GETARG_TEXT_PP(0));
    TimestampTz after = PG_GETARG_TIMESTAMPTZ(1);
    if (TIMESTAMP_NOT_FINITE(after))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("after must be a finite time")));
    double next = asyncmq::cron_after(cron, asyncmq::epoch_of(after));
    PG_RETURN_TIMESTAMPTZ((TimestampTz)(next * 1e6) - (int64)(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}
