#!/usr/bin/python3
"""Cron expressions and start times with croniter's answers, for test/shell/croniter_compare.sh.

Writes one line a (expression, start) pair: the expression in hex, the start in microseconds since
1970-01-01 UTC, croniter's next time in epoch seconds or "refused", and the choice (below) that
makes asyncmq refuse the expression although croniter reads it, or "-". The expressions come from
a fixed seed and cover every form croniter reads: lists, ranges, steps, names, the @ macros, L, #,
six fields (seconds), and text it refuses (?, W, out of range, junk).

The start is given to croniter as AsyncMQ gives it (asyncmq/schedulers.py): epoch seconds as a
float, so croniter reads it in UTC.
"""
import random
import re
import sys
from datetime import datetime, timezone

from croniter import croniter

SEED = 20261203
rng = random.Random(SEED)

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (low, high) of each field: minute, hour, day of the month, month, day of the week, second.
RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7), (0, 59)]


def case(name):
    return rng.choice([name, name.upper(), name.capitalize()])


def value(i):
    lo, hi = RANGES[i]
    v = rng.randint(lo, hi)
    if i == 3 and rng.random() < 0.4:
        return case(MONTHS[v - 1])
    if i == 4 and rng.random() < 0.4 and v < 7:
        return case(DAYS[v])
    if rng.random() < 0.05:
        return "0" + str(v)  # a leading zero
    return str(v)


def item(i, six):
    """One list item of field i, valid in croniter."""
    lo, hi = RANGES[i]
    k = rng.random()
    if k < 0.30:
        return value(i)
    if k < 0.45:
        a, b = sorted(rng.sample(range(lo, hi + 1), 2))
        return f"{a}-{b}"
    if k < 0.55:
        return f"*/{rng.choice([1, 2, 3, 4, 5, 6, 7, 10, 13, 15, 20, 30, 45, 90])}"
    if k < 0.65:
        a, b = sorted(rng.sample(range(lo, hi + 1), 2))
        return f"{a}-{b}/{rng.randint(1, 12)}"
    if k < 0.72:
        return f"{rng.randint(lo, hi)}/{rng.randint(1, 12)}"
    if i == 3 and k < 0.82:
        a, b = sorted(rng.sample(range(12), 2))
        return f"{case(MONTHS[a])}-{case(MONTHS[b])}"
    if i == 4 and k < 0.80:
        a, b = sorted(rng.sample(range(7), 2))
        return f"{case(DAYS[a])}-{case(DAYS[b])}"
    if i == 4 and k < 0.84:
        return f"{rng.randint(1, 6)}-{rng.choice(['0', 'sun', 'SUN'])}"  # wraps round to Sunday
    if i == 4 and k < 0.90:
        return f"{rng.choice([str(rng.randint(0, 7)), case(rng.choice(DAYS))])}#{rng.randint(1, 5)}"
    if i == 4 and k < 0.94:
        return f"{rng.choice(['L', 'l'])}{rng.randint(0, 7)}"
    if i == 2 and k < 0.82:
        return rng.choice(["L", "l"])
    if i == 2 and k < 0.90:
        return f"{rng.randint(1, 31)}-L"
    return "*"


def field(i, six):
    if rng.random() < 0.35:
        return "*"
    return ",".join(item(i, six) for _ in range(rng.choice([1, 1, 1, 2, 2, 3])))


def expression():
    six = rng.random() < 0.25
    n = 6 if six else 5
    return " ".join(field(i, six) for i in range(n))


def broken():
    """An expression with one part croniter refuses (or, rarely, one it reads after all)."""
    fields = expression().split(" ")
    i = rng.randrange(len(fields))
    fields[i] = rng.choice([
        "?", "W", "15W", "LW", "5L", "L-5", "*/0", "1-", "-5", "*-5", "5-1", "1,", ",1", "1,,2", "60", "24",
        "32", "13", "8", "0", "foo", "mon", "jan", "1#6", "1#0", "1#", "#2", "L8", "**", "*/", "/5", "5/",
        "1-5-7", "1/2/3", "99999999999999999999", "0-0", "00", "7-7", "5-00", "h", "H/5", "1-5/0",
        "mon-fri/2", "jan/3", "L/2", "5-L/3", "*/L", "2-sat", "sat-2", "1#2,3", "*,1#2", "1#2,1",
        "0-6,1#2", "L5,5", "*,*", "*,5", "1-30,L", "1-31,L",
    ])
    if rng.random() < 0.1:
        fields.append(rng.choice(["*", "0", "1 2"]))
    return " ".join(fields)


def junk():
    alphabet = "0123456789*/-,#LlW?jJaAnNmMoO \t"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))


# asyncmq refuses these although croniter reads them; README ("asyncmq_cron_next") says why.
def choice(expr):
    if any(ord(c) > 127 for c in expr):
        return "not ASCII"
    fields = expr.lower().split()
    if any(re.match(r"^r(\(\d+-\d+\))?(/\d+)?$", f) for f in fields):
        return "R"
    if len(fields) in (5, 6):
        for it in fields[4].split(","):
            m = re.match(r"^(\w+)#(\d+)", it)
            if m and m.group(0) != it:
                return "text after #n"
    if len(fields) == 6:
        for it in fields[2].split(","):
            if re.match(r"^0+($|[-/])", it):
                return "six fields: day 0"
        for it in fields[4].split(","):
            try:  # croniter's reading of the item alone, before seven days become "*"
                expanded, nth = Uncollapsed.expand(f"0 0 1 1 {it} 0")
            except Exception:
                continue
            if 7 in expanded[4] or 7 in nth:
                return "six fields: weekday 7"
    return None


class Uncollapsed(croniter):
    LEN_MEANS_ALL = (60, 24, 31, 12, 99, 60)


def chosen():
    """Expressions croniter reads that asyncmq refuses by choice."""
    return [
        "r * * * *", "R R * * *", "0 r(0-0) * * *", "r(5-5) * * * *", "*/5 * * * * r/10",
        "\u0661 * * * *", "0 0\u00a0* * *", "0 0 * * 1#2x", "0 0 * * mon#1-3",
        "0 0 0 * * *", "0 0 0-5 * * 0", "0 0 * * 7 0", "0 0 * * 1-7 30", "0 0 * * */1 0", "0 0 13 * 7#2 0",
    ]


def fixed():
    """Expressions that every run checks, whatever the seed draws."""
    return [
        "*/5 * * * *", "0 9 * * *", "0 9 * * 1-5", "0 0 13 * 5", "0 0 */10 * 1", "0 0 1-31 * 1",
        "0 0 13 * 0-6", "0 0 29 2 *", "0 0 30 2 *", "0 0 31 2 *", "0 0 30 2 1", "0 0 2,31 * *",
        "0 0 L * *", "0 0 L 2 *", "0 0 15,L * *", "0 0 20-L/3 * *", "0 0 * * 1#2", "0 0 * * L5",
        "0 0 * * 5#5", "0 0 13 * 5#2", "0 0 L * L1", "0 0 * 2 5#5",
        "0 0 * * MON-FRI", "0 0 1 JAN-MAR *", "0 0 * * sat-sun", "0 0 * * 5-0", "0 0 * * fri/2",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@HOURLY",
        " @hourly", "@hourly ", "@every_minute",
        "* * * * * *", "* * * * * 30", "0 0 * * * */15", "*/7 * * * * 5-10", "0 12 1 * * 0",
        "  0   12 * *  *  ", "0\t12\n* * *", "0 0 ? * *", "0 0 15W * *", "0 0 * * 1L",
        "0 0 1-30,L * 1", "0 0 1-31,L * 1", "0 0 * * 0-6,1#2", "0 0 * * *,1#2", "0 0 * * 1#2,2",
        "0 0 * * 0-7/1", "00005 * * * *", "*/99999999999999999999 * * * *",
    ]


def starts():
    """Start times, microseconds since 1970-01-01 UTC."""
    def us(*args, micro=0):
        return int(datetime(*args, tzinfo=timezone.utc).timestamp()) * 10**6 + micro

    out = [
        us(2026, 11, 25, 12, 45, 54, micro=547749), us(2024, 2, 28, 23, 59, 59, micro=999999),
        us(2023, 2, 3), us(2099, 12, 31, 23, 59, 30), us(2100, 2, 28, 12), us(1969, 12, 31, 23, 59, 59, micro=500000),
        us(1900, 3, 1), us(2000, 2, 29), us(2038, 1, 19, 3, 14, 7), us(2026, 1, 31, 23, 59),
        us(2026, 12, 31, 23, 59, 59), us(2027, 6, 30, 9, 0),
    ]
    while len(out) < 16:
        out.append(rng.randint(us(1971, 1, 1), us(2200, 1, 1)))
    return out


def main():
    exprs = fixed() + chosen()
    while len(exprs) < 260:
        exprs.append(expression())
    while len(exprs) < 350:
        exprs.append(broken())
    while len(exprs) < 400:
        exprs.append(junk())
    times = starts()
    for e in exprs:
        why = choice(e) or "-"
        for t in times:
            try:
                answer = str(int(croniter(e, t / 10**6).get_next(float)))
            except Exception:
                answer = "refused"
            sys.stdout.write(f"{e.encode().hex()}\t{t}\t{answer}\t{why}\n")


if __name__ == "__main__":
    main()
