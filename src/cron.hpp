// Cron expressions as AsyncMQ's repeatables read them (croniter): five fields, minute, hour, day
// of the month, month and day of the week, each `*`, a number, a range `a-b`, a step `*/n`,
// `a-b/n` or `a/n`, or a comma-separated list of these; the next time they match, in UTC.
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "excerpt.hpp"

namespace asyncmq {

struct CronSpec {
    std::uint64_t minutes;  // bit m: minute m (0-59)
    std::uint32_t hours;    // bit h: hour h (0-23)
    std::uint32_t days;     // bit d: day of the month d (1-31)
    std::uint32_t months;   // bit m: month m (1-12)
    std::uint32_t weekdays; // bit w: day of the week w (0-6, Sunday 0; 7 is read as Sunday too)
    bool days_star;         // the day-of-month field covers every day (`*`, `*/1`, `1-31`)
    bool weekdays_star;     // the day-of-week field covers every day (`*`, `0-6`, `1-7`)
};

// Reads a five-field expression. On failure returns false and writes a sentence for errdetail into
// problem (always NUL-terminated), quoting the expression as clip cuts it.
bool cron_parse(const char *expr, ClipFn clip, CronSpec *out, char *problem, std::size_t problem_size) noexcept;

// The first minute strictly after `after` (epoch seconds, UTC) that the expression matches, as
// epoch seconds. When both day fields are restricted (neither covers every value), a day matches
// if either does, as croniter reads them. False when nothing matches within 400 years (such as `0 0 30 2 *`).
bool cron_next(const CronSpec &spec, std::int64_t after, std::int64_t *next) noexcept;

} // namespace asyncmq
