// See cron.hpp.
#include "cron.hpp"

#include "excerpt.hpp"

#include <cstdio>
#include <cstring>

namespace asyncmq {
namespace {

struct Field {
    const char *name;
    int min, max;
};

constexpr Field fields[5] = {
    {"minute", 0, 59}, {"hour", 0, 23}, {"day of the month", 1, 31}, {"month", 1, 12}, {"day of the week", 0, 7}};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Reads a number of at most 9 digits (the caller checks its range); false when there is none.
bool read_int(const char **s, const char *end, int *out) {
    int n = 0, digits = 0;
    for (; *s < end && **s >= '0' && **s <= '9'; ++*s) {
        if (++digits > 9)
            return false;
        n = n * 10 + (**s - '0');
    }
    *out = n;
    return digits > 0;
}

// One field, [begin, end): a list of items; sets the bits of the values it matches.
bool parse_field(const char *begin, const char *end, const Field &f, std::uint64_t *bits, ClipFn clip, char *problem,
                 std::size_t problem_size) {
    *bits = 0;
    const char *s = begin;
    char text[excerpt_size];
    excerpt(begin, static_cast<std::size_t>(end - begin), clip, text);
    while (true) {
        int lo, hi, step = 1;
        bool item_star = false, ranged = false;
        if (s < end && *s == '*') {
            lo = f.min;
            hi = f.max;
            item_star = true;
            s++;
        } else {
            if (!read_int(&s, end, &lo)) {
                std::snprintf(problem, problem_size, "The %s field \"%s\" has no number where one is expected.", f.name,
                              text);
                return false;
            }
            hi = lo;
            if (s < end && *s == '-') {
                s++;
                ranged = true;
                if (!read_int(&s, end, &hi)) {
                    std::snprintf(problem, problem_size, "The %s field \"%s\" has a range without an end.", f.name,
                                  text);
                    return false;
                }
            }
        }
        if (s < end && *s == '/') {
            s++;
            if (!read_int(&s, end, &step) || step == 0) {
                std::snprintf(problem, problem_size, "The %s field \"%s\" has a step that is not a positive number.",
                              f.name, text);
                return false;
            }
            if (!item_star && !ranged)
                hi = f.max; // "a/n": from a to the field's maximum, as croniter reads it
        }
        if (s < end && *s != ',') {
            unsigned char c = static_cast<unsigned char>(*s);
            if (c >= 0x21 && c < 0x7f)
                std::snprintf(problem, problem_size, "The %s field \"%s\" has an unexpected \"%c\".", f.name, text, c);
            else // a byte of a character that is not ASCII
                std::snprintf(problem, problem_size, "The %s field \"%s\" has an unexpected character.", f.name, text);
            return false;
        }
        if (lo < f.min || hi > f.max || lo > hi) {
            std::snprintf(problem, problem_size,
                          "The %s field \"%s\" is outside %d-%d or has a range that runs backwards.", f.name, text,
                          f.min, f.max);
            return false;
        }
        for (int v = lo; v <= hi; v += step)
            *bits |= std::uint64_t(1) << v;
        if (s == end)
            return true;
        s++; // ','
        if (s == end) {
            std::snprintf(problem, problem_size, "The %s field \"%s\" ends with a comma.", f.name, text);
            return false;
        }
    }
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), proleptic Gregorian, UTC.
void civil_from_days(std::int64_t z, int *y, int *m, int *d) {
    z += 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

} // namespace

bool cron_parse(const char *expr, ClipFn clip, CronSpec *out, char *problem, std::size_t problem_size) noexcept {
    problem[0] = '\0';
    char text[excerpt_size];
    excerpt(expr, std::strlen(expr), clip, text);
    const char *begin[6], *end[6];
    int n = 0;
    const char *s = expr;
    while (true) {
        while (is_space(*s))
            s++;
        if (*s == '\0')
            break;
        if (n == 5) {
            std::snprintf(problem, problem_size,
                          "A cron expression has five fields (minute hour day month weekday); \"%s\" has more.", text);
            return false;
        }
        begin[n] = s;
        while (*s != '\0' && !is_space(*s))
            s++;
        end[n++] = s;
    }
    if (n != 5) {
        std::snprintf(problem, problem_size,
                      "A cron expression has five fields (minute hour day month weekday); \"%s\" has %d.", text, n);
        return false;
    }
    std::uint64_t bits[5];
    for (int i = 0; i < 5; i++)
        if (!parse_field(begin[i], end[i], fields[i], &bits[i], clip, problem, problem_size))
            return false;
    out->minutes = bits[0];
    out->hours = static_cast<std::uint32_t>(bits[1]);
    out->days = static_cast<std::uint32_t>(bits[2]);
    out->months = static_cast<std::uint32_t>(bits[3]);
    std::uint32_t weekdays = static_cast<std::uint32_t>(bits[4]);
    if (weekdays & (1u << 7))
        weekdays = (weekdays | 1u) & ~(1u << 7); // 7 is Sunday
    out->weekdays = weekdays;
    // As croniter: a field that covers every value is unrestricted, however it is written.
    out->days_star = out->days == 0xFFFFFFFEu;   // 1-31
    out->weekdays_star = out->weekdays == 0x7Fu; // 0-6

    return true;
}

bool cron_next(const CronSpec &spec, std::int64_t after, std::int64_t *next) noexcept {
    std::int64_t start = (floor_div(after, 60) + 1) * 60; // the next whole minute
    std::int64_t day = floor_div(start, 86400);
    int minute_of_day = static_cast<int>((start - day * 86400) / 60);
    for (std::int64_t i = 0; i < 400 * 366; i++, day++, minute_of_day = 0) {
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        (void)y;
        if (!(spec.months & (1u << m)))
            continue;
        int weekday = static_cast<int>(((day % 7) + 7 + 4) % 7); // 1970-01-01 was a Thursday
        bool dom = (spec.days >> d) & 1u, dow = (spec.weekdays >> weekday) & 1u;
        bool day_ok = spec.days_star || spec.weekdays_star ? dom && dow : dom || dow;
        if (!day_ok)
            continue;
        for (int h = minute_of_day / 60; h < 24; h++) {
            if (!((spec.hours >> h) & 1u))
                continue;
            for (int mi = h == minute_of_day / 60 ? minute_of_day % 60 : 0; mi < 60; mi++)
                if ((spec.minutes >> mi) & 1u) {
                    *next = day * 86400 + h * 3600 + mi * 60;
                    return true;
                }
        }
    }
    return false;
}

} // namespace asyncmq
