// Cron expressions as AsyncMQ's repeatables read them: AsyncMQ passes them to croniter
// (asyncmq/schedulers.py: `croniter(cron, now).get_next(float)`), so this module reads them as
// croniter 1.3.5 does and finds the same next times, by the same search.
//
// Five fields, minute hour day-of-month month day-of-week, or six with seconds last; or one of
// croniter's macros (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly). A field
// is a comma-separated list of `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from a
// to the field's end); values are numbers, month names (jan-dec) and day names (sun-sat), any
// case. The day of the month also takes `L` (its last day) and ranges ending in it (`20-L`); the
// day of the week takes `w#n` (the n-th such weekday of the month, n 1-5) and `Lw` (its last).
// Times are in UTC, as croniter reads AsyncMQ's epoch seconds.
//
// Refused although croniter reads them, because what croniter does with them is not a schedule:
// `R` in any form (croniter picks a new random value each time it is asked), characters that
// are not ASCII (croniter takes any Unicode digit or space), text after `#n` (croniter ignores
// it), and in six-field expressions a day of the month 0 (croniter reads day 1) and a day of the
// week 7 (croniter does not read it as Sunday there, and it then never matches).
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "excerpt.hpp"

namespace asyncmq {

// The fields, in the order CronSpec::star holds them: the five of every expression, then seconds.
enum CronField { cron_minute, cron_hour, cron_day_of_month, cron_month, cron_day_of_week, cron_second };

struct CronSpec {
    std::uint64_t minutes;  // bit m: minute m (0-59)
    std::uint64_t seconds;  // bit s: second s (0-59), with six fields
    std::uint32_t hours;    // bit h: hour h (0-23)
    std::uint32_t days;     // bit d: day of the month d (1-31)
    std::uint32_t months;   // bit m: month m (1-12)
    std::uint32_t weekdays; // bit w: day of the week w (0-6, Sunday 0)
    std::uint8_t nth[7];    // per day of the week: bit n-1 for `w#n`, bit 5 for `Lw`
    bool has_nth;           // some `w#n` or `Lw`: the day of the week is read from nth alone
    bool last_day;          // `L` in the day of the month
    bool six_fields;        // a seconds field: the search steps by seconds, not minutes
    // croniter's `*`: the field has a `*` item or as many values as it can hold (L counting as one
    // more day); such a field is not searched, and the two day fields are OR-ed only when
    // neither is one.
    bool star[6];
};

// Reads an expression. On failure returns false and writes a sentence for errdetail into problem
// (always NUL-terminated), quoting the expression as clip cuts it.
bool cron_parse(const char *expr, ClipFn clip, CronSpec *out, char *problem, std::size_t problem_size) noexcept;

// How far croniter looks for a match: 50 years from the start of the search, counted in calendar
// years (croniter's max_years_between_matches default).
constexpr int cron_search_years = 50;

// The first time strictly after `after` (whole epoch seconds, UTC; croniter floors the fraction)
// that the expression matches, as epoch seconds: a whole minute with five fields, a whole second
// with six. When both day fields are restricted, a day matching either runs (croniter's day_or,
// on by default and left so by AsyncMQ). False when croniter would find nothing: no match within
// cron_search_years. Exact for every `after` within +-2^40 seconds (PostgreSQL's timestamps lie
// well inside).
bool cron_next(const CronSpec &spec, std::int64_t after, std::int64_t *next) noexcept;

} // namespace asyncmq
