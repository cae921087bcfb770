// See cron.hpp. The parser follows croniter 1.3.5's _expand step by step, and the search its _calc
// (croniter/croniter.py): the same steps in the same order, so that where croniter's search skips
// a match (after 3 February, `0 0 2,31 * *` gives 31 March: the step to the 31st overshoots 2
// March), this one skips it too.
#include "cron.hpp"

#include "excerpt.hpp"

#include <cstdio>
#include <cstring>

namespace asyncmq {
namespace {

enum FieldIndex { minute_f, hour_f, dom_f, month_f, dow_f, second_f };

struct Field {
    const char *name;
    int min, max;
    int all; // croniter's LEN_MEANS_ALL: this many values make the field `*`
};

constexpr Field fields[6] = {{"minute", 0, 59, 60}, {"hour", 0, 23, 24},          {"day of the month", 1, 31, 31},
                             {"month", 1, 12, 12},  {"day of the week", 0, 7, 7}, {"second", 0, 59, 60}};

constexpr const char *month_names[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char *day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// croniter's macros, matched against the whole expression in any case (no space around).
struct Macro {
    const char *name, *expr;
};
constexpr Macro macros[7] = {{"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},
                             {"@weekly", "0 0 * * 0"},   {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
                             {"@annually", "0 0 1 1 *"}};

// Python's str.split() separators, as far as ASCII goes.
bool is_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
// Python's \w, as far as ASCII goes.
bool is_word(char c) {
    char l = lower(c);
    return is_digit(c) || (l >= 'a' && l <= 'z') || c == '_';
}
bool all_digits(const char *b, const char *e) {
    if (b == e)
        return false;
    for (; b < e; b++)
        if (!is_digit(*b))
            return false;
    return true;
}
// Digits as Python's int() reads them, any number of them: saturates far above every field's range.
long long digits_value(const char *b, const char *e) {
    long long v = 0;
    for (; b < e; b++) {
        v = v * 10 + (*b - '0');
        if (v > 1000000000)
            v = 1000000000;
    }
    return v;
}
// [b, e) equals word (lower case), in any case.
bool equals(const char *b, const char *e, const char *word) {
    std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(e - b) != n)
        return false;
    for (std::size_t i = 0; i < n; i++)
        if (lower(b[i]) != word[i])
            return false;
    return true;
}

enum class Value { number, last, bad };

// A value of the field: digits, or a name croniter's _alphaconv knows there (month and day names,
// and L in the day of the month).
Value read_value(int field, const char *b, const char *e, long long *v) {
    if (all_digits(b, e)) {
        *v = digits_value(b, e);
        return Value::number;
    }
    if (field == month_f)
        for (int i = 0; i < 12; i++)
            if (equals(b, e, month_names[i])) {
                *v = i + 1;
                return Value::number;
            }
    if (field == dow_f)
        for (int i = 0; i < 7; i++)
            if (equals(b, e, day_names[i])) {
                *v = i;
                return Value::number;
            }
    if (field == dom_f && equals(b, e, "l"))
        return Value::last;
    return Value::bad;
}

// One field being read, and where its problems go.
struct FieldParser {
    int field;
    bool six;
    char *problem;
    std::size_t problem_size;
    char text[excerpt_size];
    std::uint64_t bits = 0;
    bool star_item = false, last = false, any_nth = false;
    std::uint8_t nth[7] = {};

    // Writes "The <field> field "<text>" " followed by what, and returns false.
    bool fail(const char *what) {
        std::snprintf(problem, problem_size, "The %s field \"%s\" %s", fields[field].name, text, what);
        return false;
    }
    bool fail_range() {
        char what[96];
        std::snprintf(what, sizeof what, "is outside %d-%d or has a range that runs backwards.", fields[field].min,
                      fields[field].max);
        return fail(what);
    }
    bool fail_value(const char *b, const char *e) {
        if (equals(b, e, "*")) // where a range starts (*-5)
            return fail("has an unexpected \"-\".");
        if (field == dom_f && equals(b, e, "l"))
            return fail("has L where a range starts: L stands alone or ends a range (20-L).");
        for (const char *p = b; p < e; p++)
            if (!is_word(*p) || is_digit(*p))
                return fail("has no number where one is expected.");
        if (b == e)
            return fail("has no number where one is expected.");
        if (field == month_f)
            return fail("has a name that is not a month (jan-dec).");
        if (field == dow_f)
            return fail("has a name that is not a day of the week (sun-sat).");
        return fail("has a name where only numbers are read.");
    }

    // A value from a single item or a range, as croniter's LOWMAP and range check take it.
    bool add(long long v) {
        if (field == dow_f && v == 7) {
            if (six)
                return fail("has 7, which croniter reads as Sunday only in five-field expressions: write 0.");
            v = 0;
        }
        if (field == dom_f && v == 0 && six)
            return fail("has day 0, which croniter reads as day 1 in six-field expressions: write 1.");
        if (v < fields[field].min || v > fields[field].max)
            return fail_range();
        bits |= std::uint64_t(1) << v;
        return true;
    }

    // low-high/step, from croniter's step_search_re; high_zero: high is written "0" or "sun".
    bool range(long long low, long long high, bool high_zero, long long step) {
        if (low > high) {
            if (!(field == dow_f && high_zero))
                return fail_range();
            high = 7; // croniter reads 5-0 (or fri-sun) as 5-7
        }
        if (low > fields[field].max || high > fields[field].max)
            return fail_range();
        if (step == 0)
            return fail("has a step that is not a positive number.");
        for (long long v = low; v <= high; v += step)
            if (!add(v))
                return false;
        return true;
    }

    bool range_text(const char *lb, const char *le, const char *hb, const char *he, long long step) {
        long long low, high;
        if (read_value(field, lb, le, &low) != Value::number)
            return fail_value(lb, le);
        bool high_zero = equals(hb, he, "0");
        if (field == dom_f && equals(hb, he, "l"))
            high = 31;
        else if (equals(hb, he, "*"))
            return fail("has a range that ends in *.");
        else if (read_value(field, hb, he, &high) != Value::number)
            return fail_value(hb, he);
        else if (field == dow_f && high == 0 && !all_digits(hb, he))
            high_zero = true; // "sun": croniter compares the name's number as text
        return range(low, high, high_zero, step);
    }

    // `w#n` and `Lw` in the day of the week: the value part [b, e) and the bit of n.
    bool nth_item(const char *b, const char *e, unsigned bit) {
        long long v;
        if (read_value(field, b, e, &v) != Value::number)
            return fail_value(b, e);
        if (!add(v))
            return false;
        int w = v == 7 ? 0 : static_cast<int>(v);
        nth[w] = static_cast<std::uint8_t>(nth[w] | bit);
        any_nth = true;
        return true;
    }

    bool item(const char *b, const char *e) {
        if (b == e)
            return fail("has no number where one is expected.");
        if (field == dow_f) {
            const char *p = b;
            while (p < e && is_word(*p))
                p++;
            if (p > b && p + 1 < e && *p == '#' && is_digit(p[1])) {
                const char *q = p + 1;
                while (q < e && is_digit(*q))
                    q++;
                if (q != e)
                    return fail("has something after \"#n\", which croniter would ignore.");
                long long n = digits_value(p + 1, q);
                if (n < 1 || n > 5)
                    return fail("asks for a week of the month other than #1 to #5.");
                return nth_item(b, p, 1u << (n - 1));
            }
            if (lower(*b) == 'l' && all_digits(b + 1, e))
                return nth_item(b + 1, e, 1u << 5);
        }
        const Field &f = fields[field];
        if (e - b > 2 && b[0] == '*' && b[1] == '/') { // croniter reads */n as min-max/n
            if (!all_digits(b + 2, e))
                return fail("has a step that is not a positive number.");
            return range(f.min, f.max, false, digits_value(b + 2, e));
        }
        const char *dash = static_cast<const char *>(std::memchr(b, '-', static_cast<std::size_t>(e - b)));
        if (dash != nullptr) {
            if (dash == b)
                return fail("has no number where one is expected.");
            const char *he = dash + 1;
            while (he < e && *he != '-' && *he != '/')
                he++;
            if (he == dash + 1)
                return fail("has a range without an end.");
            long long step = 1;
            if (he < e) {
                if (*he == '-')
                    return fail("has an unexpected \"-\".");
                if (!all_digits(he + 1, e))
                    return fail("has a step that is not a positive number.");
                step = digits_value(he + 1, e);
            }
            return range_text(b, dash, dash + 1, he, step);
        }
        const char *slash = nullptr;
        for (const char *p = b; p < e; p++)
            if (*p == '/')
                slash = p;
        if (slash != nullptr) { // a/n: croniter reads a-max/n
            if (!all_digits(slash + 1, e))
                return fail("has a step that is not a positive number.");
            long long low;
            if (read_value(field, b, slash, &low) != Value::number)
                return fail_value(b, slash);
            return range(low, f.max, false, digits_value(slash + 1, e));
        }
        if (e - b == 1 && *b == '*') {
            star_item = true;
            return true;
        }
        long long v;
        switch (read_value(field, b, e, &v)) {
        case Value::number:
            return add(v);
        case Value::last:
            last = true;
            return true;
        case Value::bad:
            break;
        }
        return fail_value(b, e);
    }

    bool parse(const char *b, const char *e) {
        for (const char *p = b; p < e; p++)
            if (static_cast<unsigned char>(*p) < 0x21 || *p == '\x7f')
                return fail("has an unexpected character.");
        // croniter's hashed (H) and random (R) values: H(a-b), H/n, H(a-b)/n, and R the same.
        char kind = lower(*b);
        if (kind == 'h' || kind == 'r') {
            const char *p = b + 1;
            if (p < e && *p == '(') {
                const char *q = p + 1;
                while (q < e && is_digit(*q))
                    q++;
                if (q > p + 1 && q < e && *q == '-') {
                    const char *r = q + 1;
                    while (r < e && is_digit(*r))
                        r++;
                    if (r > q + 1 && r < e && *r == ')')
                        p = r + 1;
                }
            }
            if (p < e && *p == '/' && all_digits(p + 1, e))
                p = e;
            if (p == e)
                return fail(kind == 'h' ? "has H, a hashed value, which needs an id AsyncMQ does not give croniter."
                                        : "has R, a random value, which croniter draws anew each time it is asked.");
        }
        const char *s = b;
        while (true) {
            const char *comma = static_cast<const char *>(std::memchr(s, ',', static_cast<std::size_t>(e - s)));
            const char *end = comma != nullptr ? comma : e;
            if (!item(s, end))
                return false;
            if (comma == nullptr)
                break;
            s = comma + 1;
            if (s == e)
                return fail("ends with a comma.");
        }
        int count = __builtin_popcountll(bits) + last + star_item;
        bool all = count == fields[field].all || (count == 1 && star_item); // croniter's ['*']
        if (any_nth && !all) {
            std::uint32_t keys = 0;
            for (int w = 0; w < 7; w++)
                if (nth[w])
                    keys |= 1u << w;
            if (bits & ~std::uint64_t(keys))
                return fail("mixes days with w#n or Lw, which croniter does not support.");
        }
        return true;
    }

    bool star() const { return star_item || __builtin_popcountll(bits) + last + star_item == fields[field].all; }
};

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
        if (!s.star[month_f]) {
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
        if (!s.star[hour_f]) {
            int diff = nearest(hour, s.hours, 24);
            if (diff != 0) {
                t = midnight + (hour + diff) * std::int64_t(3600);
                continue;
            }
        }
        if (!s.star[minute_f]) {
            int diff = nearest(minute, s.minutes, 60);
            if (diff != 0) {
                t = midnight + hour * std::int64_t(3600) + (minute + diff) * std::int64_t(60);
                continue;
            }
        }
        if (!s.six_fields) {
            t -= second;
        } else if (!s.star[second_f]) {
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

bool cron_parse(const char *expr, ClipFn clip, CronSpec *out, char *problem, std::size_t problem_size) noexcept {
    problem[0] = '\0';
    char text[excerpt_size];
    std::size_t len = std::strlen(expr);
    excerpt(expr, len, clip, text);
    for (const char *p = expr; *p != '\0'; p++)
        if (static_cast<unsigned char>(*p) >= 0x80) {
            std::snprintf(
                problem, problem_size,
                "\"%s\" has a character that is not ASCII; this parser reads ASCII only (croniter would also take "
                "other scripts' digits and spaces).",
                text);
            return false;
        }
    for (const Macro &m : macros)
        if (equals(expr, expr + len, m.name)) {
            expr = m.expr;
            break;
        }
    const char *begin[6], *end[6];
    int n = 0;
    for (const char *s = expr;;) {
        while (is_space(*s))
            s++;
        if (*s == '\0')
            break;
        if (n == 6) {
            std::snprintf(problem, problem_size,
                          "A cron expression has five fields (minute hour day month weekday) or six (and second); "
                          "\"%s\" has more.",
                          text);
            return false;
        }
        begin[n] = s;
        while (*s != '\0' && !is_space(*s))
            s++;
        end[n++] = s;
    }
    if (n == 1 && *begin[0] == '@') {
        std::snprintf(problem, problem_size,
                      "\"%s\" is not one of croniter's macros @yearly, @annually, @monthly, @weekly, @daily, "
                      "@midnight and @hourly, written alone.",
                      text);
        return false;
    }
    if (n != 5 && n != 6) {
        std::snprintf(problem, problem_size,
                      "A cron expression has five fields (minute hour day month weekday) or six (and second); "
                      "\"%s\" has %d.",
                      text, n);
        return false;
    }
    *out = CronSpec{};
    out->six_fields = n == 6;
    out->star[second_f] = true;
    for (int i = 0; i < n; i++) {
        FieldParser f;
        f.field = i;
        f.six = n == 6;
        f.problem = problem;
        f.problem_size = problem_size;
        excerpt(begin[i], static_cast<std::size_t>(end[i] - begin[i]), clip, f.text);
        if (!f.parse(begin[i], end[i]))
            return false;
        out->star[i] = f.star();
        switch (i) {
        case minute_f:
            out->minutes = f.bits;
            break;
        case hour_f:
            out->hours = static_cast<std::uint32_t>(f.bits);
            break;
        case dom_f:
            out->days = static_cast<std::uint32_t>(f.bits);
            out->last_day = f.last;
            break;
        case month_f:
            out->months = static_cast<std::uint32_t>(f.bits);
            break;
        case dow_f:
            out->weekdays = static_cast<std::uint32_t>(f.bits);
            std::memcpy(out->nth, f.nth, sizeof out->nth);
            out->has_nth = f.any_nth;
            break;
        default:
            out->seconds = f.bits;
            break;
        }
    }
    return true;
}

bool cron_next(const CronSpec &spec, std::int64_t after, std::int64_t *next) noexcept {
    if (spec.star[dom_f] || spec.star[dow_f])
        return calc(spec, spec.star[dom_f], spec.star[dow_f], after, next);
    // croniter's day_or: the first time matching the day of the month, every day of the week
    // allowed, or the day of the week, every day of the month allowed; nothing if either finds none.
    std::int64_t by_day, by_weekday;
    if (!calc(spec, false, true, after, &by_day) || !calc(spec, true, false, after, &by_weekday))
        return false;
    *next = by_day < by_weekday ? by_day : by_weekday;
    return true;
}

} // namespace asyncmq
