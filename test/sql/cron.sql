-- asyncmq_cron_next: the cron parser (src/cron.cpp) that computes the next run of repeatables, as
-- croniter 1.3.5 reads expressions, in UTC. Each answer is the first matching minute (second, with
-- six fields) strictly after `after`; every answer below is croniter's.
SET TimeZone = 'UTC';
CREATE FUNCTION pg_temp.next(cron text, after timestamptz) RETURNS text LANGUAGE sql AS $$
    SELECT to_char(asyncmq_cron_next(cron, after), 'Dy YYYY-MM-DD HH24:MI:SS')
$$;
SELECT c AS cron, a AS after, pg_temp.next(c, a) AS next
FROM (VALUES
  -- fixture 13's expressions: every 5 minutes, and 09:00 daily
  ('*/5 * * * *', '2026-11-25 12:45:54.547749+00'::timestamptz),
  ('0 9 * * *', '2026-11-25 12:45:54.554716+00'),
  -- strictly after: a matching instant gives the next one; seconds are ignored
  ('0 9 * * *', '2026-11-26 09:00:00+00'),
  ('* * * * *', '2026-11-25 12:00:00+00'),
  ('* * * * *', '2026-11-25 12:00:59.999999+00'),
  -- lists, ranges, steps over ranges, and a/n (from a to the end of the field)
  ('15,45 */6 * * *', '2026-11-25 12:20:00+00'),
  ('0-30/10 * * * *', '2026-11-25 12:31:00+00'),
  ('5/15 * * * *', '2026-11-25 12:36:00+00'),
  ('0 8-10 * * *', '2026-11-25 10:01:00+00'),
  ('0 0 1 3,6,9,12 *', '2026-11-25 00:00:00+00'),
  -- rollovers: hour, day, month, year; leap days
  ('0 * * * *', '2026-12-31 23:30:00+00'),
  ('0 0 1 1 *', '2026-06-15 00:00:00+00'),
  ('0 0 31 * *', '2026-11-25 00:00:00+00'),
  ('0 0 29 2 *', '2026-03-01 00:00:00+00'),
  -- days of the week: 0 and 7 are Sunday; ranges; when neither day field covers every value
  -- (croniter's test, so */10 restricts and 1-31 does not), a day matching either runs (Friday
  -- the 13th: any 13th or any Friday)
  ('0 0 * * 0', '2026-11-25 00:00:00+00'),
  ('0 0 * * 7', '2026-11-25 00:00:00+00'),
  ('30 9 * * 1-5', '2026-11-27 10:00:00+00'),
  ('0 0 13 * 5', '2026-11-25 00:00:00+00'),
  ('0 0 13 * 5', '2026-11-27 00:00:00+00'),
  ('0 0 */10 * 1', '2026-11-25 00:00:00+00'),
  ('0 0 1-31 * 1', '2026-11-25 00:00:00+00'),
  ('0 0 13 * 0-6', '2026-11-25 00:00:00+00'),
  -- whitespace between fields
  ('  0   12 * *  *  ', '2026-11-25 00:00:00+00')
) AS t(c, a);
-- The rest of croniter's syntax: names in any case, macros, L, #, six fields (seconds last).
SELECT c AS cron, a AS after, pg_temp.next(c, a) AS next
FROM (VALUES
  -- names of days and months, in lists and ranges; a range ending on Sunday (5-0) wraps round,
  -- and fri/2 runs from Friday to the end of the field (7, Sunday)
  ('0 0 * * MON', '2026-01-01 00:00:00+00'::timestamptz),
  ('0 0 * * mon-FRI', '2026-01-02 12:00:00+00'),
  ('0 0 1 JAN-MAR *', '2026-03-05 00:00:00+00'),
  ('0 0 1 feb,Aug *', '2026-03-05 00:00:00+00'),
  ('0 0 * * sat-sun', '2026-01-05 00:00:00+00'),
  ('0 0 * * 5-0', '2026-01-05 00:00:00+00'),
  ('0 0 * * fri/2', '2026-01-03 00:00:00+00'),
  -- the macros, alone and in any case
  ('@yearly', '2026-06-15 00:00:00+00'),
  ('@annually', '2026-06-15 00:00:00+00'),
  ('@monthly', '2026-06-15 00:00:00+00'),
  ('@weekly', '2026-06-15 00:00:00+00'),
  ('@daily', '2026-06-15 10:00:00+00'),
  ('@midnight', '2026-06-15 10:00:00+00'),
  ('@hourly', '2026-06-15 10:30:00+00'),
  ('@HOURLY', '2026-06-15 10:30:00+00'),
  -- L: the last day of the month (29 February in a leap year), in a list, ending a range
  ('0 0 L * *', '2026-01-01 00:00:00+00'),
  ('0 0 L 2 *', '2027-03-01 00:00:00+00'),
  ('0 0 15,L * *', '2026-04-16 00:00:00+00'),
  ('0 0 20-L/5 * *', '2026-02-26 00:00:00+00'),
  -- w#n, the n-th weekday of the month (a month without a fifth Friday is skipped); Lw, the last
  ('0 0 * * 1#2', '2026-01-01 00:00:00+00'),
  ('0 0 * * Mon#1', '2026-01-06 00:00:00+00'),
  ('0 0 * * 5#5', '2026-01-31 00:00:00+00'),
  ('0 0 * * L5', '2026-01-01 00:00:00+00'),
  ('0 0 * * l0,L6', '2026-01-01 00:00:00+00'),
  -- with a day of the month too, croniter takes the earlier of "the 13th that is the second
  -- Friday" and "the second Friday": the second Friday
  ('0 0 13 * 5#2', '2026-01-01 00:00:00+00'),
  -- six fields: seconds last, strictly after the whole second
  ('* * * * * *', '2026-01-01 00:00:00+00'),
  ('* * * * * *', '2026-01-01 00:00:00.999999+00'),
  ('* * * * * 30', '2026-01-01 00:00:30+00'),
  ('0 0 * * * */15', '2026-01-01 00:00:50+00'),
  ('30 9 * * 1-5 0', '2026-01-02 09:30:00+00'),
  -- croniter's search, step for step: after 3 February, the step to the 31st overshoots 2 March
  ('0 0 2,31 * *', '2023-02-03 00:00:00+00'),
  -- 1-31 is `*`, but 1-31,L (32 values to croniter) is not, so the day fields are OR-ed: every day
  ('0 0 1-31,L * 1', '2026-01-01 00:00:00+00'),
  -- leading zeros, a step longer than the field, tabs and newlines between fields
  ('00005 * * * *', '2026-01-01 00:00:00+00'),
  ('0 */99999999999999999999 * * *', '2026-01-01 00:00:00+00'),
  (E'0\t12\n* * *', '2026-01-01 00:00:00+00')
) AS t(c, a);
-- README's examples of the syntax beyond five plain fields.
SELECT asyncmq_cron_next('@weekly', '2026-11-25 12:45:54+00') AT TIME ZONE 'UTC' AS weekly,
       asyncmq_cron_next('0 9 L * *', '2026-11-25 12:45:54+00') AT TIME ZONE 'UTC' AS last_day_at_nine,
       asyncmq_cron_next('0 9 * * MON#1', '2026-11-25 12:45:54+00') AT TIME ZONE 'UTC' AS first_monday_at_nine;
-- The session's time zone changes how the answer prints, not when it is.
SET TimeZone = 'Asia/Tokyo';
SELECT asyncmq_cron_next('0 9 * * *', '2026-11-25 12:00:00+00') AS tokyo,
       asyncmq_cron_next('0 9 * * *', '2026-11-25 12:00:00+00') = '2026-11-26 09:00:00+00' AS "09:00 UTC";
SET TimeZone = 'UTC';
-- Without after: from now; NULL gives NULL (strict).
SELECT asyncmq_cron_next('* * * * *') > now() AS after_now, asyncmq_cron_next(NULL) IS NULL AS null_cron,
       asyncmq_cron_next('* * * * *', NULL) IS NULL AS null_after;

-- What the parser refuses (22023), each with the reason: croniter refuses these too.
SELECT asyncmq_cron_next('* * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('60 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* 24 * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * 0 * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * * 13 *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * * * 8', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('5-1 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('1- * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('*/0 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('1, * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 ? * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('99999 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('*-5 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 30 2 *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * * * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('@every_minute', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next(' @hourly', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 15W * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 * * 5L', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 L-5 * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 * * MONDAY', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 JAN * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 * * 1#6', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 * * 1#2,2', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('H * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- croniter's day_or looks for the day of the month and the day of the week apart, and gives up
-- when either finds nothing (30 February), though Mondays come every week.
SELECT asyncmq_cron_next('0 0 30 2 1', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- Read by croniter, refused here: what croniter does with them is no schedule (README).
-- R, a random value: croniter draws a new one each time it is asked, even R(5-5).
SELECT asyncmq_cron_next('R * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 r(5-5) * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- croniter takes any Unicode digit (U+0661, ARABIC-INDIC DIGIT ONE) and any Unicode space.
SELECT asyncmq_cron_next(U&'\0661 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next(U&'0 0\00A0* * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- croniter ignores what follows #n.
SELECT asyncmq_cron_next('0 0 * * 1#2x', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- With six fields croniter reads day 0 as day 1, and 7 not as Sunday: alone it never matches,
-- and 1-7 is every day.
SELECT asyncmq_cron_next('0 0 0 * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 * * 7 0', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 13 * 1-7 0', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * * * *', 'infinity');
\echo :LAST_ERROR_SQLSTATE
