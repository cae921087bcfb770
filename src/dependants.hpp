// Releasing dependants (AsyncMQ's resolve_dependency): the jobs that wait for a parent are
// released when it completes.
#pragma once

#include "statement.hpp"

namespace asyncmq {

// The release of the dependants of $parents (a text[] of job ids) of the queue $queue, as the
// end of a statement that has already opened a WITH and defined a CTE named done: it runs when
// done returned a row, and the statement returns whether it did and how many dependants became
// runnable.
//
// The parents leave each list; an emptied list loses its key and the job becomes waiting. A
// plain UPDATE, so concurrent resolutions of two parents of one child serialize on the row and
// each sees the other's result. Only jobs that can still wait are read (dequeue takes no job
// whose list is not empty, so a finished job holds no dependency): the status index then bounds
// the scan by the queue's backlog, not by its history. The jsonpath clause (depends_on is an
// array with a first element) is the predicate of the index asyncmq.dependants_index makes, so
// that with it the search reads only jobs that wait for a parent.
inline constexpr char release_after_done[] = R"(
released AS (
  UPDATE {jobs} AS j SET
    status = CASE WHEN (j.data->'depends_on') - $parents = '[]'::pg_catalog.jsonb THEN 'waiting' ELSE j.status END,
    updated_at = pg_catalog.now(),
    data = CASE WHEN (j.data->'depends_on') - $parents = '[]'::pg_catalog.jsonb
      THEN (j.data - 'depends_on') || '{"status": "waiting"}'::pg_catalog.jsonb
      ELSE j.data || pg_catalog.jsonb_build_object('depends_on', (j.data->'depends_on') - $parents) END
  WHERE j.queue_name = $queue AND j.status IN ('waiting', 'delayed')
    AND j.data @? 'strict $.depends_on[0]'::pg_catalog.jsonpath AND (j.data->'depends_on') ?| $parents
    AND EXISTS (SELECT 1 FROM done)
  RETURNING j.status = 'waiting' AND NOT (j.data ? 'depends_on') AS ready)
SELECT EXISTS (SELECT 1 FROM done), (SELECT pg_catalog.count(*) FROM released AS r WHERE r.ready))";

// Reads what a statement ending in release_after_done returned: whether done returned a row.
// Wakes the queue when a dependant became runnable.
bool released_after(const char *queue);

// Releases the dependants of the parents (a text[] of job ids); returns how many became runnable.
int64 release_dependants(const Call &call, const char *queue, Datum parents);

} // namespace asyncmq
