-- asyncmq_cron_next far from now: exact to the second up to PostgreSQL's last timestamp
-- (294276-12-31 23:59:59.999999 UTC), and 22008 when the next time is past it. The start's
-- fraction is dropped exactly (croniter floors it), however large the year.
SET TimeZone = 'UTC';
SELECT c AS cron, a AS after, asyncmq_cron_next(c, a) AS next
FROM (VALUES
  ('*/7 * * * *', '75040-06-15 12:34:56.789012+00'::timestamptz),
  ('* * * * *', '75040-06-15 12:34:59.999999+00'),
  ('* * * * * *', '75040-06-15 12:34:59.999999+00'),
  ('0 0 29 2 *', '200001-01-01 00:00:00+00'),
  ('0 0 * * 1#2', '294247-01-10 00:00:00+00'),
  ('0 0 L * *', '294247-01-10 00:00:00+00'),
  ('0 0 1 1 *', '294275-06-01 00:00:00+00'),
  ('* * * * *', '294276-12-31 23:58:30.5+00'),
  ('* * * * * *', '294276-12-31 23:59:58.999999+00'),
  ('59 23 31 12 *', '294276-12-30 00:00:00+00'),
  -- and far back: before 1970, before the Common Era (4713 BC is PostgreSQL's first day)
  ('0 0 * * 0', '1969-12-31 23:59:59.999999+00'),
  ('0 12 L 2 *', '0001-03-01 00:00:00+00 BC'),
  ('* * * * *', '4713-11-24 00:00:00+00 BC')
) AS t(c, a);
-- The next time is after PostgreSQL's last one: 22008, not a wrong time.
SELECT asyncmq_cron_next('* * * * *', '294276-12-31 23:59:00+00');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('* * * * * *', '294276-12-31 23:59:59+00');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('0 0 1 1 *', '294276-06-01 00:00:00+00');
\echo :LAST_ERROR_SQLSTATE
SELECT asyncmq_cron_next('@yearly', '294276-12-31 23:59:59.999999+00');
\echo :LAST_ERROR_SQLSTATE
-- A time that matches nothing within croniter's 50 years is still 22023, however far.
SELECT asyncmq_cron_next('0 0 30 2 *', '294270-01-01 00:00:00+00');
\echo :LAST_ERROR_SQLSTATE
