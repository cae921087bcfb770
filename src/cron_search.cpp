// See cron.hpp. The search follows croniter 1.3.5's _calc (croniter/croniter.py) step by step: the
// same steps in the same order, so that where croniter's search skips a match (after 3 February,
// `0 0 2,31 * *` gives 31 March: the step to the 31st overshoots 2 March), this one skips it too.
// Times are whole seconds in 64-bit integers, so every result is exact.
#include "cron.hpp"

namespace asyncmq {
namespace {

// Days since 1970-01-01 to a civil date and back (H. Hinnant's algorithms), proleptic Gregorian.
void civil_from_days(std::int64_t z, std::int64_t *y, int *m, int *d) {
    z += 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    std::int64_t yoe = y - era * 400;
    std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int weekday_of(std::int64_t day) { // Sunday 0; 1970-01-01 was a Thursday
    return static_cast<int>(day - floor_div(day + 4, 7) * 7 + 4);
}

int month_days(std::int64_t y, int m) {
    static constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = y % 400 == 0 || (y % 4 == 0 && y % 100 != 0);
    return days[m - 1] + (m == 2 && leap);
}

// croniter's _get_next_nearest_diff: the distance from x to the first value at or after it, or
// around the range to the first value.
int nearest(int x, std::uint64_t bits, int range) {
    std::uint64_t above = bits & ~((std::uint64_t(1) << x) - 1);
    if (above)
        return __builtin_ctzll(above) - x;
    return __builtin_ctzll(bits) - x + range;
}

// The same for the day of the month, whose list ends with L, read as the month's last day.
int nearest_day(int x, std::uint64_t bits, bool last, int month_len) {
    std::uint64_t above = bits & ~((std::uint64_t(1) << x) - 1);
    if (above)
        return __builtin_ctzll(above) - x;
    if (last)
        return month_len - x;
    return __builtin_ctzll(bits) - x + month_len;
}

// croniter's proc_day_of_week_nth: the days from day d to the first w#n or Lw of its month, or
// -1 when none is left in the month.
int nearest_nth(const CronSpec &s, std::int64_t y, int m, int d, int month_len) {
    int first_weekday = weekday_of(days_from_civil(y, m, 1));
    int best = -1;
    for (int w = 0; w < 7; w++) {
        if (!s.nth[w])
            continue;
        int first = 1 + (w - first_weekday + 7) % 7;
        int count = (month_len - first) / 7 + 1;
        for (int n = 1; n <= 6; n++) {
            if (!(s.nth[w] & (1u << (n - 1))))
                continue;
            int k = n == 6 ? count : n; // bit 5: the last
            if (k > count)
                continue;
            int candidate = first + 7 * (k - 1);
            if (d <= candidate && (best < 0 || candidate < best))
                best = candidate;
        }
    }
    return best < 0 ? -1 : best - d;
}

// croniter's _calc, forward: from the start, each field in turn moves the time to its next
// match and the search begins again, until every field matches or 50 years have gone by.
bool calc(const CronSpec &s, bool dom_star, bool dow_star, std::int64_t now, std::int64_t *out) {
    std::int64_t t = now + (s.six_fields ? 1 : 60);
    std::int64_t start_year;
    int m, d;
    civil_from_days(floor_div(t, 86400), &start_year, &m, &d);
    while (true) {
        std::int64_t day = floor_div(t, 86400), y;
        civil_from_days(day, &y, &m, &d);
        if (y - start_year > cron_search_years)
            return false;
        std::int64_t midnight = day * 86400;
        int of_day = static_cast<int>(t - midnight);
        int hour = of_day / 3600, minute = of_day / 60 % 60, second = of_day % 60;
        if (!s.star[cron_month]) {
            int diff = nearest(m, s.months, 12);
            if (diff != 0) {
                int to = m + diff;
                t = (to > 12 ? days_from_civil(y + 1, to - 12, 1) : days_from_civil(y, to, 1)) * 86400;
                continue;
            }
        }
        int month_len = month_days(y, m);
        if (!dom_star && !(s.last_day && d == month_len)) {
            int diff = nearest_day(d, s.days, s.last_day, month_len);
            if (diff != 0) {
                t = midnight + diff * std::int64_t(86400);
                continue;
            }
        }
        if (s.has_nth) {
            int diff = nearest_nth(s, y, m, d, month_len);
            if (diff != 0) {
                t = midnight + (diff < 0 ? month_len - d + 1 : diff) * std::int64_t(86400);
                continue;
            }
        } else if (!dow_star) {
            int diff = nearest(weekday_of(day), s.weekdays, 7);
            if (diff != 0) {
                t = midnight + diff * std::int64_t(86400);
                continue;
            }
        }
        if (!s.star[cron_hour]) {
            int diff = nearest(hour, s.hours, 24);
            if (diff != 0) {
                t = midnight + (hour + diff) * std::int64_t(3600);
                continue;
            }
        }
        if (!s.star[cron_minute]) {
            int diff = nearest(minute, s.minutes, 60);
            if (diff != 0) {
                t = midnight + hour * std::int64_t(3600) + (minute + diff) * std::int64_t(60);
                continue;
            }
        }
        if (!s.six_fields) {
            t -= second;
        } else if (!s.star[cron_second]) {
            int diff = nearest(second, s.seconds, 60);
            if (diff != 0) {
                t += diff;
                continue;
            }
        }
        *out = t;
        return true;
    }
}

} // namespace

bool cron_next(const CronSpec &spec, std::int64_t after, std::int64_t *next) noexcept {
    if (spec.star[cron_day_of_month] || spec.star[cron_day_of_week])
        return calc(spec, spec.star[cron_day_of_month], spec.star[cron_day_of_week], after, next);
    // croniter's day_or: the first time matching the day of the month, every day of the week
    // allowed, or the day of the week, every day of the month allowed; nothing if either finds none.
    std::int64_t by_day, by_weekday;
    if (!calc(spec, false, true, after, &by_day) || !calc(spec, true, false, after, &by_weekday))
        return false;
    *next = by_day < by_weekday ? by_day : by_weekday;
    return true;
}

} // namespace asyncmq
