-- asyncmq_cron_next: the cron parser (src/cron.cpp) that computes the next run of repeatables, as
-- croniter reads five-field expressions, in UTC. Each answer is the first matching minute
-- strictly after `after`.
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
-- The session's time zone changes how the answer prints, not when it is.
SET TimeZone = 'Asia/Tokyo';
SELECT asyncmq_cron_next('0 9 * * *', '2026-11-25 12:00:00+00') AS tokyo,
       asyncmq_cron_next('0 9 * * *', '2026-11-25 12:00:00+00') = '2026-11-26 09:00:00+00' AS "09:00 UTC";
SET TimeZone = 'UTC';
-- Without after: from now; NULL gives NULL (strict).
SELECT asyncmq_cron_next('* * * * *') > now() AS after_now, asyncmq_cron_next(NULL) IS NULL AS null_cron,
       asyncmq_cron_next('* * * * *', NULL) IS NULL AS null_after;

-- What the parser refuses (22023), each with the reason: among them the names, L and # that some
-- cron dialects read.
SELECT asyncmq_cron_next('* * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 * * * * *', '2026-01-01');
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
SELECT asyncmq_cron_next('0 0 * * MON', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 ? * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('99999 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 * * 1#2', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 L * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('*-5 * * * *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 30 2 *', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * * * *', 'infinity');
\echo :LAST_ERROR_SQLSTATE
