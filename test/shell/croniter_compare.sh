#!/usr/bin/env bash
# asyncmq_cron_next against croniter itself (Debian's python3-croniter 1.3.5, what AsyncMQ calls):
# a few hundred expressions from a fixed seed (test/helpers/croniter_reference.py), each from
# every start time, give croniter's next time, or are refused (22023) where croniter refuses them.
# Expressions croniter reads that asyncmq refuses must be one of README's listed choices; they are
# counted apart.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
tmp=$(mktemp -d /tmp/croniter-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

expect_eq "croniter is 1.3.5" "1.3.5" \
    "$(/usr/bin/python3 -c 'import importlib.metadata as m; print(m.version("croniter"))' 2>&1)"
if ! /usr/bin/python3 test/helpers/croniter_reference.py >"$tmp/cases.tsv" 2>"$tmp/python.err"; then
    echo "not ok - croniter gives its answers"
    sed 's/^/#   /' "$tmp/python.err"
    exit 1
fi

out=$(test/helpers/with-cluster psql -X -At -F ' ' -v ON_ERROR_STOP=1 2>&1 <<SQL | grep -v '^Creating new\|^Dropping cluster'
SET client_min_messages = warning;
CREATE EXTENSION asyncmq;
CREATE TEMP TABLE cases (expr_hex text, start_us bigint, croniter text, choice text);
\copy cases FROM '$tmp/cases.tsv'
-- Only 22023 counts as a refusal: any other error stops the test.
CREATE FUNCTION pg_temp.ours(c text, after timestamptz) RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN
    RETURN extract(epoch FROM asyncmq_cron_next(c, after))::bigint::text;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN 'refused';
END \$\$;
CREATE TEMP TABLE compared AS
SELECT convert_from(decode(expr_hex, 'hex'), 'UTF8') AS expr, start_us, croniter, choice,
       pg_temp.ours(convert_from(decode(expr_hex, 'hex'), 'UTF8'),
                    'epoch'::timestamptz + (start_us || ' microseconds')::interval) AS ours
FROM cases;
-- A difference: croniter's answer not given (time or refusal), or a listed choice not refused.
CREATE TEMP VIEW differences AS
SELECT * FROM compared WHERE CASE WHEN choice = '-' THEN ours <> croniter ELSE ours <> 'refused' END;
SELECT 'summary', count(DISTINCT expr) || ' expressions, ' || count(DISTINCT start_us) || ' start times, '
       || (SELECT count(*) FROM differences) || ' differences' FROM compared;
SELECT 'choices', coalesce(string_agg(choice || ': ' || n, ', ' ORDER BY choice), 'none')
FROM (SELECT choice, count(DISTINCT expr) AS n FROM compared WHERE choice <> '-' GROUP BY choice) AS c;
SELECT 'times', count(*) FILTER (WHERE croniter <> 'refused' AND choice = '-'),
       count(DISTINCT expr) FILTER (WHERE croniter = 'refused' AND choice = '-')
FROM compared;
-- Every form is compared on answers croniter gives, not only on refusals.
SELECT 'forms', string_agg(form || ' ' || n, ', ' ORDER BY form), bool_and(n > 0)
FROM (SELECT form, count(DISTINCT expr) FILTER (WHERE expr ~* pattern) AS n
      FROM compared CROSS JOIN (VALUES ('lists', ','), ('ranges', '\d-\d'), ('steps', '/'),
                                       ('names', '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)'),
                                       ('macros', '^@'), ('last day', '^\S+\s+\S+\s+\S*L'), ('nth weekday', '#'),
                                       ('last weekday', '^(\S+\s+){4}(\S*,)?L[0-7]'),
                                       ('six fields', '^\s*(\S+\s+){5}\S+\s*$')) AS f(form, pattern)
      WHERE croniter <> 'refused' AND choice = '-'
      GROUP BY form) AS counts;
SELECT 'difference', expr, start_us, croniter, ours, choice FROM differences ORDER BY expr, start_us LIMIT 20;
SQL
)
line() { sed -n "s/^$1 //p" <<<"$out"; }
summary=$(line summary)
echo "# croniter_compare: $summary"
echo "# refused by choice (README, asyncmq_cron_next): $(line choices)"
read -r times refused <<<"$(line times)"
echo "# compared: $times next times croniter gives, $refused expressions it refuses"
read -r forms <<<"$(line forms)"
echo "# forms with croniter answers: ${forms% *}"
line difference | sed 's/^/#   differs: /'
if [ -z "$summary" ]; then
    echo "not ok - asyncmq_cron_next answers every case"
    sed 's/^/#   /' <<<"$out"
    exit 1
fi
expect_match "asyncmq_cron_next gives croniter's answer for every expression and start time" \
    '^[0-9]+ expressions, [0-9]+ start times, 0 differences$' "$summary"
expect_match "every syntax form is compared on croniter's answers" ' t$' "$forms"
expect_match "thousands of next times are compared" '^[0-9]{4,}$' "$times"
