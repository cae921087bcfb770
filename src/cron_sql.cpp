// See cron_sql.hpp; the parser and the search are the pure cron module. Times cross this boundary
// as whole seconds in int64, never as a double: a double holds microseconds exactly only up to
// the year 2255 or so, and PostgreSQL's timestamps run to 294276.
#include "cron_sql.hpp"

#include "cron.hpp"
#include "messages.hpp"

extern "C" {
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(asyncmq_cron_next);
}

namespace asyncmq {
namespace {

// Seconds from 1970-01-01 (epoch seconds) to 2000-01-01 (PostgreSQL's epoch).
constexpr int64 pg_epoch_seconds = (int64)(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

int64 floor_div(int64 a, int64 b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

} // namespace

int64 cron_after(const char *cron, int64 after) {
    CronSpec spec;
    char problem[256];
    if (!cron_parse(cron, pg_mbcliplen, &spec, problem, sizeof problem))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("invalid cron expression \"%s\"", excerpt_of(cron)), errdetail("%s", problem),
                        errhint("Write five fields, minute hour day month weekday, such as \"*/5 * * * *\".")));
    int64 next;
    if (!cron_next(spec, after, &next))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("cron expression \"%s\" matches no time", excerpt_of(cron)),
                        errdetail("No time within %d years of the start matches it, as far as croniter looks.",
                                  cron_search_years)));
    // END_TIMESTAMP is a whole number of seconds: the last second PostgreSQL holds is one before.
    if (next - pg_epoch_seconds >= END_TIMESTAMP / USECS_PER_SEC)
        ereport(ERROR,
                (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range"),
                 errdetail("The next time cron expression \"%s\" matches is past 294276-12-31 23:59:59.999999 UTC, "
                           "the last time PostgreSQL holds.",
                           excerpt_of(cron))));
    return next;
}

} // namespace asyncmq

// The next time after `after` that a cron expression matches, in UTC, as the repeatables compute it.
extern "C" Datum asyncmq_cron_next(PG_FUNCTION_ARGS) {
    const char *cron = text_to_cstring(PG_GETARG_TEXT_PP(0));
    TimestampTz after = PG_GETARG_TIMESTAMPTZ(1);
    if (TIMESTAMP_NOT_FINITE(after))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("after must be a finite time")));
    // croniter floors the start to a whole second; exact integers from here on.
    int64 next = asyncmq::cron_after(cron, asyncmq::floor_div(after, USECS_PER_SEC) + asyncmq::pg_epoch_seconds);
    PG_RETURN_TIMESTAMPTZ((next - asyncmq::pg_epoch_seconds) * USECS_PER_SEC);
}
