// See cron.hpp. The parser follows croniter 1.3.5's _expand (croniter/croniter.py) step by step:
// the same checks in the same order, so that it accepts and refuses what croniter does, with the
// exceptions cron.hpp lists.
#include "cron.hpp"

#include "excerpt.hpp"

#include <cstdio>
#include <cstring>

namespace asyncmq {
namespace {

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
    if (field == cron_month)
        for (int i = 0; i < 12; i++)
            if (equals(b, e, month_names[i])) {
                *v = i + 1;
                return Value::number;
            }
    if (field == cron_day_of_week)
        for (int i = 0; i < 7; i++)
            if (equals(b, e, day_names[i])) {
                *v = i;
                return Value::number;
            }
    if (field == cron_day_of_month && equals(b, e, "l"))
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
        if (field == cron_day_of_month && equals(b, e, "l"))
            return fail("has L where a range starts: L stands alone or ends a range (20-L).");
        for (const char *p = b; p < e; p++)
            if (!is_word(*p) || is_digit(*p))
                return fail("has no number where one is expected.");
        if (b == e)
            return fail("has no number where one is expected.");
        if (field == cron_month)
            return fail("has a name that is not a month (jan-dec).");
        if (field == cron_day_of_week)
            return fail("has a name that is not a day of the week (sun-sat).");
        return fail("has a name where only numbers are read.");
    }

    // A value from a single item or a range, as croniter's LOWMAP and range check take it.
    bool add(long long v) {
        if (field == cron_day_of_week && v == 7) {
            if (six)
                return fail("has 7, which croniter reads as Sunday only in five-field expressions: write 0.");
            v = 0;
        }
        if (field == cron_day_of_month && v == 0 && six)
            return fail("has day 0, which croniter reads as day 1 in six-field expressions: write 1.");
        if (v < fields[field].min || v > fields[field].max)
            return fail_range();
        bits |= std::uint64_t(1) << v;
        return true;
    }

    // low-high/step, from croniter's step_search_re; high_zero: high is written "0" or "sun".
    bool range(long long low, long long high, bool high_zero, long long step) {
        if (low > high) {
            if (!(field == cron_day_of_week && high_zero))
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
        if (field == cron_day_of_month && equals(hb, he, "l"))
            high = 31;
        else if (equals(hb, he, "*"))
            return fail("has a range that ends in *.");
        else if (read_value(field, hb, he, &high) != Value::number)
            return fail_value(hb, he);
        else if (field == cron_day_of_week && high == 0 && !all_digits(hb, he))
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
        if (field == cron_day_of_week) {
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
    out->star[cron_second] = true;
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
        case cron_minute:
            out->minutes = f.bits;
            break;
        case cron_hour:
            out->hours = static_cast<std::uint32_t>(f.bits);
            break;
        case cron_day_of_month:
            out->days = static_cast<std::uint32_t>(f.bits);
            out->last_day = f.last;
            break;
        case cron_month:
            out->months = static_cast<std::uint32_t>(f.bits);
            break;
        case cron_day_of_week:
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

} // namespace asyncmq
