// The lifecycle's SQL and its plan cache; see plans.hpp.
//
// Table names reach the SQL only through Target::qualified (quote_qualified_identifier); every
// value is a parameter. Functions are named with pg_catalog so that search_path cannot redirect
// them when PostgreSQL replans.
#include "plans.hpp"

#include "table_check.hpp"
#include "targets.hpp"

extern "C" {
#include "storage/bufmgr.h"
}

namespace asyncmq {
namespace {

struct StmtSpec {
    Stmt stmt;
    const char *sql; // {J} jobs, {C} cancelled jobs, {P} paused queues, {K} the jobs table's key,
                     // {R} repeatables, {W} workers heartbeat, {Q} "AND the queue $1 is not paused"
                     // (nothing before layout 0.9, which has no paused queues)
    int nargs;
    Oid types[15];
};

// Releasing dependants (resolve_dependency): the parents ($2, a text[] of job ids) leave each
// list; an emptied list loses its key and the job becomes waiting. A plain UPDATE, so concurrent
// resolutions of two parents of one child serialize on the row and each sees the other's result.
// Only jobs that can still wait are read (dequeue takes no job whose list is not empty, so a
// finished job holds no dependency): the status index then bounds the scan by the queue's
// backlog, not by its history. The jsonpath clause (depends_on is an array with a first element)
// is the predicate of the index asyncmq.dependants_index makes, so that with it the search reads
// only jobs that wait for a parent. RESOLVE_READY is true for a job the release made runnable.
#define RESOLVE_SET                                                                                                    \
    "status = CASE WHEN (j.data->'depends_on') - $2 = '[]'::pg_catalog.jsonb THEN 'waiting' ELSE j.status END, "       \
    "updated_at = pg_catalog.now(), "                                                                                  \
    "data = CASE WHEN (j.data->'depends_on') - $2 = '[]'::pg_catalog.jsonb "                                           \
    "  THEN (j.data - 'depends_on') || '{\"status\": \"waiting\"}'::pg_catalog.jsonb "                                 \
    "  ELSE j.data || pg_catalog.jsonb_build_object('depends_on', (j.data->'depends_on') - $2) END"
#define RESOLVE_WHERE                                                                                                  \
    "j.status IN ('waiting', 'delayed') AND j.data @? 'strict $.depends_on[0]'::pg_catalog.jsonpath "                  \
    "AND (j.data->'depends_on') ?| $2"
#define RESOLVE_READY "j.status = 'waiting' AND NOT (j.data ? 'depends_on')"
// The release of the parents' ($2) dependants as a CTE named released, run when the CTE done
// (the completion) returned a row; then whether it did and how many dependants became runnable.
#define RELEASE_AFTER_DONE                                                                                             \
    "released AS ("                                                                                                    \
    "  UPDATE {J} AS j SET " RESOLVE_SET " WHERE j.queue_name = $1 AND " RESOLVE_WHERE                                 \
    "  AND EXISTS (SELECT 1 FROM done) RETURNING " RESOLVE_READY " AS ready) "                                         \
    "SELECT EXISTS (SELECT 1 FROM done), (SELECT pg_catalog.count(*) FROM released AS r WHERE r.ready)"
// complete_active_job's row as the worker's success path leaves it (handle_job in
// asyncmq/workers.py): status, result ($R), delay_until null in data and column, last_error and
// error_traceback null, the heartbeat removed, last_attempt the start of this run (active_since).
#define COMPLETE_SET(R)                                                                                                \
    "status = 'completed', delay_until = NULL, updated_at = pg_catalog.now(), "                                        \
    "data = (j.data - 'heartbeat') || pg_catalog.jsonb_build_object('status', 'completed', 'result', " R ", "          \
    "'delay_until', NULL, 'last_error', NULL, 'error_traceback', NULL, "                                               \
    "'last_attempt', j.data->'active_since')"

// The parts of the dequeue: the queue's waiting rows that have a cancellation marker deleted (a CTE
// named gone); the next runnable rows, up to N, locked (w.id); the claim of a row (j).
#define DEQUEUE_GONE                                                                                                   \
    "gone AS (DELETE FROM {J} AS j USING {C} AS c "                                                                    \
    "  WHERE j.queue_name = $1 AND j.status = 'waiting' AND c.queue_name = j.queue_name AND c.job_id = j.job_id {Q})"
#define DEQUEUE_PICK(N)                                                                                                \
    "SELECT w.id FROM {J} AS w "                                                                                       \
    "WHERE w.queue_name = $1 AND w.status = 'waiting' "                                                                \
    "  AND COALESCE(w.data->'depends_on', '[]'::pg_catalog.jsonb) = '[]'::pg_catalog.jsonb "                           \
    "  AND NOT EXISTS (SELECT 1 FROM {C} AS c WHERE c.queue_name = w.queue_name AND c.job_id = w.job_id) {Q} "         \
    "ORDER BY COALESCE((w.data->>'priority')::pg_catalog.int4, 5), w.created_at, w.id "                                \
    "LIMIT " N " FOR UPDATE OF w SKIP LOCKED"
#define DEQUEUE_SET                                                                                                    \
    "status = 'active', "                                                                                              \
    "data = j.data || pg_catalog.jsonb_build_object('status', 'active', 'active_since', $3::pg_catalog.numeric)"

// Times in the payload are epoch seconds computed by the caller (the wall clock at the call, as
// AsyncMQ's time.time()) and passed as numeric, so that they keep the spelling jobs.cpp gives them.
const StmtSpec specs[] = {
    {Stmt::job_exists,
     "SELECT 1 FROM {J} AS j WHERE j.queue_name = $1 AND j.job_id = $2 AND j.status IS DISTINCT FROM 'cancelled'",
     2,
     {TEXTOID, TEXTOID}},
    // AsyncMQ's store upsert (contract §4): data and the status column, updated_at on conflict. The
    // WHERE keeps the key of layouts 0.1 to 0.7 (ids unique across queues) from overwriting another
    // queue's job: no row comes back and the caller raises an error instead.
    // The created_at column is written with data.created_at's instant (as the column's default
    // would, in the session's time zone) instead of the transaction's start: jobs made in one
    // transaction then keep their order in it, and a dequeue reading an index on (queue_name,
    // priority, created_at) finds the next job at once instead of sorting a batch that shares one
    // created_at. An upsert of an existing job still leaves the column alone.
    {Stmt::upsert,
     "INSERT INTO {J} AS j (queue_name, job_id, data, status, created_at) "
     "SELECT $1, v.id, pg_catalog.jsonb_build_object("
     "'id', v.id, 'task', $3, 'args', $4, 'kwargs', $5, 'retries', 0, 'max_retries', $6, "
     "'backoff', $7, 'ttl', $8, 'created_at', $9, 'last_attempt', NULL, 'status', $10, 'result', NULL, "
     "'last_error', NULL, 'error_traceback', NULL, 'delay_until', $11, 'priority', $12, "
     "'depends_on', pg_catalog.to_jsonb($13), 'repeat_every', $14, 'deduplication', $15), $10, "
     "pg_catalog.to_timestamp($9::pg_catalog.float8)::pg_catalog.timestamp "
     "FROM (SELECT COALESCE($2, pg_catalog.gen_random_uuid()::pg_catalog.text) AS id) AS v "
     "ON CONFLICT ({K}) DO UPDATE SET data = EXCLUDED.data, status = EXCLUDED.status, updated_at = pg_catalog.now() "
     "WHERE j.queue_name = EXCLUDED.queue_name "
     "RETURNING j.job_id",
     15,
     // $14 repeat_every, $15 the deduplication object.
     {TEXTOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID, INT4OID, NUMERICOID, NUMERICOID, NUMERICOID, TEXTOID, NUMERICOID,
      INT4OID, TEXTARRAYOID, NUMERICOID, JSONBOID}},
    // asyncmq_enqueue_many's jobs when none has a job id, a deduplication id or a parent: one
    // INSERT of the arrays, element i of each being job i's value of Stmt::upsert's parameter ($2:
    // the generated ids). No conflict can arise, so it is a plain insert, in the jobs' order.
    {Stmt::insert_many,
     "INSERT INTO {J} AS j (queue_name, job_id, data, status, created_at) "
     "SELECT $1, u.id, pg_catalog.jsonb_build_object("
     "'id', u.id, 'task', u.task, 'args', u.args, 'kwargs', u.kwargs, 'retries', 0, 'max_retries', u.max_retries, "
     "'backoff', u.backoff, 'ttl', u.ttl, 'created_at', u.created, 'last_attempt', NULL, 'status', u.status, "
     "'result', NULL, 'last_error', NULL, 'error_traceback', NULL, 'delay_until', u.delay_until, "
     "'priority', u.priority, 'depends_on', '[]'::pg_catalog.jsonb, 'repeat_every', u.repeat_every, "
     "'deduplication', NULL), u.status, pg_catalog.to_timestamp(u.created::pg_catalog.float8)::pg_catalog.timestamp "
     "FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5), "
     "  pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9), "
     "  pg_catalog.unnest($10), pg_catalog.unnest($11), pg_catalog.unnest($12), pg_catalog.unnest($14)) "
     "WITH ORDINALITY AS u(id, task, args, kwargs, max_retries, backoff, ttl, created, status, delay_until, "
     "  priority, repeat_every, ord) "
     "ORDER BY u.ord",
     14,
     // $13 (depends_on) is not read: the jobs have none.
     {TEXTOID, TEXTARRAYOID, TEXTARRAYOID, JSONBARRAYOID, JSONBARRAYOID, INT4ARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID,
      NUMERICARRAYOID, TEXTARRAYOID, NUMERICARRAYOID, INT4ARRAYOID, TEXTARRAYOID, NUMERICARRAYOID}},
    {Stmt::many_items,
     "SELECT e.ord::pg_catalog.int4, pg_catalog.jsonb_typeof(e.v), "
     "(SELECT pg_catalog.string_agg(k, ', ' ORDER BY k) FROM pg_catalog.jsonb_object_keys("
     "  CASE WHEN pg_catalog.jsonb_typeof(e.v) = 'object' THEN e.v ELSE '{}'::pg_catalog.jsonb END) AS k "
     "  WHERE k <> ALL "
     "('{task,args,kwargs,job_id,priority,max_retries,backoff,ttl,delay,depends_on,repeat_every,deduplication}'"
     "::pg_catalog.text[])), "
     "pg_catalog.jsonb_typeof(e.v->'task'), e.v->>'task', e.v->'args', e.v->'kwargs', "
     "pg_catalog.jsonb_typeof(e.v->'job_id'), e.v->>'job_id', "
     "pg_catalog.jsonb_typeof(e.v->'priority'), e.v->>'priority', "
     "pg_catalog.jsonb_typeof(e.v->'max_retries'), e.v->>'max_retries', "
     "pg_catalog.jsonb_typeof(e.v->'backoff'), e.v->>'backoff', "
     "pg_catalog.jsonb_typeof(e.v->'ttl'), e.v->>'ttl', "
     "pg_catalog.jsonb_typeof(e.v->'delay'), e.v->>'delay', "
     "pg_catalog.jsonb_typeof(e.v->'depends_on'), "
     "CASE WHEN pg_catalog.jsonb_typeof(e.v->'depends_on') = 'array' THEN "
     "  ARRAY(SELECT x FROM pg_catalog.jsonb_array_elements_text(e.v->'depends_on') AS x) END, "
     "CASE WHEN pg_catalog.jsonb_typeof(e.v->'depends_on') = 'array' THEN "
     "  (SELECT COALESCE(pg_catalog.bool_and(pg_catalog.jsonb_typeof(x) = 'string'), true) "
     "   FROM pg_catalog.jsonb_array_elements(e.v->'depends_on') AS x) END, "
     "pg_catalog.jsonb_typeof(e.v->'repeat_every'), e.v->>'repeat_every', e.v->'deduplication' "
     "FROM pg_catalog.jsonb_array_elements($1) WITH ORDINALITY AS e(v, ord) ORDER BY e.ord",
     1,
     {JSONBOID}},
    // Queue.add's deduplication lookup: the newest job of the queue that owns the id. A window
    // with expires_at lasts until then, even after the job finished; one without (simple mode)
    // lasts while the job is not completed, failed or expired.
    {Stmt::dedup_owner,
     "SELECT j.job_id FROM {J} AS j WHERE j.queue_name = $1 AND j.data->'deduplication'->>'id' = $2 "
     "AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'deduplication'->'expires_at') = 'number' "
     "  THEN (j.data->'deduplication'->>'expires_at')::pg_catalog.float8 > $3 "
     "  ELSE j.status NOT IN ('completed', 'failed', 'expired') END "
     "ORDER BY (j.data->>'created_at')::pg_catalog.float8 DESC NULLS LAST, j.id DESC LIMIT 1",
     3,
     {TEXTOID, TEXTOID, FLOAT8OID}},
    // The fields of a deduplication option and the keys AsyncMQ does not read.
    {Stmt::dedup_fields,
     "SELECT pg_catalog.jsonb_typeof($1), "
     "(SELECT pg_catalog.string_agg(k, ', ' ORDER BY k) FROM pg_catalog.jsonb_object_keys("
     "  CASE WHEN pg_catalog.jsonb_typeof($1) = 'object' THEN $1 ELSE '{}'::pg_catalog.jsonb END) AS k "
     "  WHERE k <> ALL ('{id,ttl,extend,replace}'::pg_catalog.text[])), "
     "pg_catalog.jsonb_typeof($1->'id'), $1->>'id', pg_catalog.jsonb_typeof($1->'ttl'), $1->>'ttl', "
     "pg_catalog.jsonb_typeof($1->'extend'), $1->>'extend', pg_catalog.jsonb_typeof($1->'replace'), $1->>'replace'",
     1,
     {JSONBOID}},
    // ack: the row deleted when data.result is null or absent.
    {Stmt::ack,
     "DELETE FROM {J} AS j WHERE j.queue_name = $1 AND j.job_id = $2 "
     "AND COALESCE(pg_catalog.jsonb_typeof(j.data->'result'), 'null') = 'null'",
     2,
     {TEXTOID, TEXTOID}},
    // list_delayed: every row of the queue with a data.delay_until, whatever its status, by run time.
    {Stmt::list_delayed,
     "SELECT j.job_id, (j.data->>'delay_until')::pg_catalog.float8, j.data FROM {J} AS j "
     "WHERE j.queue_name = $1 AND pg_catalog.jsonb_typeof(j.data->'delay_until') = 'number' "
     "ORDER BY (j.data->>'delay_until')::pg_catalog.float8, j.id",
     1,
     {TEXTOID}},
    {Stmt::queue_paused, "SELECT EXISTS (SELECT 1 FROM {P} AS p WHERE p.queue_name = $1)", 1, {TEXTOID}},
    // AsyncMQ's dequeue (contract §4) for up to $2 jobs in one statement: marked waiting rows
    // deleted, then runnable rows claimed by priority, then the created_at column, then insertion
    // order (the serial id) for rows made in one transaction. A paused queue is left as it is (the
    // worker's check before it dequeues).
    // clang-format off
    {Stmt::dequeue,
     "WITH " DEQUEUE_GONE ", "
     "picked AS (" DEQUEUE_PICK("$2") "), "
     "claimed AS ("
     "  UPDATE {J} AS j SET " DEQUEUE_SET " FROM picked WHERE j.id = picked.id "
     "  RETURNING j.data, COALESCE((j.data->>'priority')::pg_catalog.int4, 5) AS priority, j.created_at, j.id) "
     "SELECT c.data FROM claimed AS c ORDER BY c.priority, c.created_at, c.id",
     // clang-format on
     3,
     {TEXTOID, INT4OID, NUMERICOID}},
    // The same for one job, as most workers ask. Its LIMIT is a constant, so that PostgreSQL's
    // plan cache settles on one generic plan: with LIMIT $2 a custom plan (which knows the limit)
    // always looks cheaper than a generic one over a large backlog, and the statement was planned
    // afresh on every call.
    {Stmt::dequeue_one,
     "WITH " DEQUEUE_GONE " "
     "UPDATE {J} AS j SET " DEQUEUE_SET " WHERE j.id = (" DEQUEUE_PICK("1") ") RETURNING j.data",
     3,
     {TEXTOID, INT4OID, NUMERICOID}},
    {Stmt::lock_job,
     "SELECT j.id, j.status, COALESCE((j.data->>'retries')::pg_catalog.numeric::pg_catalog.int4, 0), "
     "COALESCE((j.data->>'max_retries')::pg_catalog.numeric::pg_catalog.int4, 3), "
     "pg_catalog.jsonb_typeof(j.data->'backoff'), j.data->>'backoff' "
     "FROM {J} AS j WHERE j.queue_name = $1 AND j.job_id = $2 FOR UPDATE OF j",
     2,
     {TEXTOID, TEXTOID}},
    {Stmt::marked,
     "SELECT EXISTS (SELECT 1 FROM {C} AS c WHERE c.queue_name = $1 AND c.job_id = $2)",
     2,
     {TEXTOID, TEXTOID}},
    {Stmt::delete_row, "DELETE FROM {J} AS j WHERE j.id = $1", 1, {INT4OID}},
    // The common completion in one statement: an active job of the queue without a cancellation
    // marker is completed and its dependants released. A cancel that committed before the
    // statement began left a marker it sees; one that holds the row's lock makes it wait, and
    // then the row it re-reads is no longer active (cancel deletes the row or sets status
    // cancelled). Whatever it does not complete goes to Stmt::complete. The status test is
    // written so that no index serves it: the row comes by its key, never by a scan of the status
    // index over every active job.
    // clang-format off
    {Stmt::complete_active,
     "WITH done AS ("
     "  UPDATE {J} AS j SET " COMPLETE_SET("$3") " "
     "  WHERE j.queue_name = $1 AND j.job_id = ($2)[1] AND (j.status = 'active') IS TRUE "
     "  AND NOT EXISTS (SELECT 1 FROM {C} AS c WHERE c.queue_name = $1 AND c.job_id = ($2)[1]) RETURNING j.id), "
     RELEASE_AFTER_DONE,
     // clang-format on
     3,
     {TEXTOID, TEXTARRAYOID, JSONBOID}},
    // complete_active_job after lock_job, for any job: one with a cancellation marker loses its row
    // (the marker is read here, with a snapshot taken after the row lock, so a cancel that
    // committed meanwhile is seen); an active one is completed as above and its dependants
    // released. Whether the job is active comes from lock_job ($5): the lock keeps it so, and a
    // clause on the status column could lead the planner to the status index instead of the row's
    // id.
    // clang-format off
    {Stmt::complete,
     "WITH m AS (SELECT EXISTS (SELECT 1 FROM {C} AS c WHERE c.queue_name = $1 AND c.job_id = ($2)[1]) AS marked), "
     "gone AS (DELETE FROM {J} AS j USING m WHERE j.id = $3 AND m.marked), "
     "done AS ("
     "  UPDATE {J} AS j SET " COMPLETE_SET("$4") " "
     "  FROM m WHERE j.id = $3 AND NOT m.marked AND $5 RETURNING j.id), "
     RELEASE_AFTER_DONE,
     // clang-format on
     5,
     {TEXTOID, TEXTARRAYOID, INT4OID, JSONBOID, BOOLOID}},
    // asyncmq_complete_many in one statement: the rows locked in id order (so two calls with the
    // same ids in other orders cannot deadlock), a job with a cancellation marker deleted, the
    // active ones completed as Stmt::complete completes one; returns the completed ids.
    {Stmt::complete_many,
     "WITH locked AS ("
     "  SELECT j.id, j.status, EXISTS (SELECT 1 FROM {C} AS c "
     "    WHERE c.queue_name = j.queue_name AND c.job_id = j.job_id) AS marked "
     "  FROM {J} AS j WHERE j.queue_name = $1 AND j.job_id = ANY ($2) ORDER BY j.id FOR UPDATE OF j), "
     "gone AS (DELETE FROM {J} AS j USING locked AS l WHERE j.id = l.id AND l.marked), "
     // clang-format off
     "done AS ("
     "  UPDATE {J} AS j SET " COMPLETE_SET("$3") " "
     "  FROM locked AS l WHERE j.id = l.id AND NOT l.marked AND l.status = 'active' RETURNING j.job_id) "
     "SELECT pg_catalog.array_agg(d.job_id) FROM done AS d",
     // clang-format on
     3,
     {TEXTOID, TEXTARRAYOID, JSONBOID}},
    // retry_active_job (status delayed, a run time in data and column) or fail_active_job.
    {Stmt::fail,
     "UPDATE {J} AS j SET status = $2, delay_until = $5::pg_catalog.float8, updated_at = pg_catalog.now(), "
     "data = (j.data - 'heartbeat') || pg_catalog.jsonb_build_object('status', $2, 'retries', $3, "
     "'last_error', $4, 'error_traceback', $4, 'delay_until', $5, 'last_attempt', j.data->'active_since') "
     "WHERE j.id = $1",
     5,
     {INT4OID, TEXTOID, INT4OID, TEXTOID, NUMERICOID}},
    {Stmt::resolve,
     "UPDATE {J} AS j SET " RESOLVE_SET " WHERE j.queue_name = $1 AND " RESOLVE_WHERE " RETURNING " RESOLVE_READY,
     2,
     {TEXTOID, TEXTARRAYOID}},
    {Stmt::mark_cancelled,
     "INSERT INTO {C} AS c (queue_name, job_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
     2,
     {TEXTOID, TEXTOID}},
    {Stmt::cancel_active,
     "UPDATE {J} AS j SET status = 'cancelled', delay_until = NULL, updated_at = pg_catalog.now(), "
     "data = j.data || pg_catalog.jsonb_build_object('status', 'cancelled', 'cancelled_at', $2::pg_catalog.numeric) "
     "WHERE j.id = $1",
     2,
     {INT4OID, NUMERICOID}},
    // retry_job: any status but active (a running job would run twice); keys of the last outcome
    // removed, updated_at added, retries kept.
    {Stmt::retry,
     "UPDATE {J} AS j SET status = 'waiting', updated_at = pg_catalog.now(), "
     "data = (j.data - 'result' - 'last_error' - 'error_traceback' - 'failed_at' - 'completed_at') "
     "  || pg_catalog.jsonb_build_object('status', 'waiting', 'delay_until', NULL, 'updated_at', "
     "$3::pg_catalog.numeric) "
     "WHERE j.queue_name = $1 AND j.job_id = $2 AND j.status IS DISTINCT FROM 'active' RETURNING j.id",
     3,
     {TEXTOID, TEXTOID, NUMERICOID}},
    {Stmt::remove_job, "DELETE FROM {J} AS j WHERE j.queue_name = $1 AND j.job_id = $2", 2, {TEXTOID, TEXTOID}},
    {Stmt::remove_markers, "DELETE FROM {C} AS c WHERE c.queue_name = $1 AND c.job_id = $2", 2, {TEXTOID, TEXTOID}},
    {Stmt::pause,
     "INSERT INTO {P} AS p (queue_name) VALUES ($1) "
     "ON CONFLICT (queue_name) DO UPDATE SET paused_at = pg_catalog.now()",
     1,
     {TEXTOID}},
    {Stmt::resume, "DELETE FROM {P} AS p WHERE p.queue_name = $1", 1, {TEXTOID}},
    {Stmt::heartbeat,
     "UPDATE {J} AS j SET data = j.data || pg_catalog.jsonb_build_object('heartbeat', $3::pg_catalog.numeric) "
     "WHERE j.queue_name = $1 AND j.job_id = $2",
     3,
     {TEXTOID, TEXTOID, NUMERICOID}},
    // promote_due_delayed: due rows back to waiting under SKIP LOCKED, delay_until null in both places.
    {Stmt::promote,
     "WITH due AS ("
     "  SELECT j.id FROM {J} AS j WHERE j.queue_name = $1 AND j.status = 'delayed' "
     "  AND (j.data->>'delay_until')::pg_catalog.float8 <= $2::pg_catalog.float8 FOR UPDATE OF j SKIP LOCKED), "
     "moved AS ("
     "  UPDATE {J} AS j SET status = 'waiting', delay_until = NULL, updated_at = pg_catalog.now(), "
     "  data = j.data || '{\"status\": \"waiting\", \"delay_until\": null}'::pg_catalog.jsonb "
     "  FROM due WHERE j.id = due.id RETURNING j.data, j.created_at, j.id) "
     "SELECT m.data FROM moved AS m ORDER BY m.created_at, m.id",
     2,
     {TEXTOID, NUMERICOID}},
    // fetch_stalled_jobs + reenqueue_stalled in one statement: rows locked by a transaction that is
    // completing or failing them are skipped, rows changed meanwhile are re-checked.
    {Stmt::stalled,
     "WITH stalled AS ("
     "  SELECT j.id FROM {J} AS j WHERE j.status = 'active' "
     "  AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'heartbeat') = 'number' "
     "    THEN (j.data->>'heartbeat')::pg_catalog.float8 < $1 "
     "    ELSE (j.data->>'active_since')::pg_catalog.float8 < $1 END "
     "  AND NOT EXISTS (SELECT 1 FROM {C} AS c WHERE c.queue_name = j.queue_name AND c.job_id = j.job_id) "
     "  FOR UPDATE OF j SKIP LOCKED), "
     "moved AS ("
     "  UPDATE {J} AS j SET status = 'waiting', delay_until = NULL, updated_at = pg_catalog.now(), "
     "  data = (j.data - 'heartbeat' - 'active_since' - 'updated_at') || '{\"status\": \"waiting\"}'::pg_catalog.jsonb "
     "  FROM stalled WHERE j.id = stalled.id RETURNING j.queue_name, j.data, j.id) "
     "SELECT m.queue_name, m.data FROM moved AS m ORDER BY m.queue_name, m.id",
     1,
     {FLOAT8OID}},
    {Stmt::stats,
     "SELECT pg_catalog.count(*) FILTER (WHERE j.status = 'waiting'), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'waiting' "
     "  AND COALESCE(j.data->'depends_on', '[]'::pg_catalog.jsonb) <> '[]'::pg_catalog.jsonb), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'delayed'), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'active'), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'completed'), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'failed'), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'expired'), "
     "pg_catalog.count(*) FILTER (WHERE j.status = 'cancelled') "
     "FROM {J} AS j WHERE j.queue_name = $1",
     1,
     {TEXTOID}},
    // expire_active_job: status expired, delay_until null in data and column, heartbeat removed
    // (the worker's payload is Job.to_dict(), which has none); last_attempt is left as it was.
    {Stmt::expire,
     "UPDATE {J} AS j SET status = 'expired', delay_until = NULL, updated_at = pg_catalog.now(), "
     "data = (j.data - 'heartbeat') || '{\"status\": \"expired\", \"delay_until\": null}'::pg_catalog.jsonb "
     "WHERE j.id = $1",
     1,
     {INT4OID}},
    // pop_due_delayed (Queue.get_due_delayed): due delayed rows deleted and returned as stored.
    {Stmt::pop_due,
     "WITH due AS ("
     "  SELECT j.id FROM {J} AS j WHERE j.queue_name = $1 AND j.status = 'delayed' "
     "  AND (j.data->>'delay_until')::pg_catalog.float8 <= $2::pg_catalog.float8 FOR UPDATE OF j SKIP LOCKED), "
     "gone AS (DELETE FROM {J} AS j USING due WHERE j.id = due.id RETURNING j.data, j.created_at, j.id) "
     "SELECT g.data FROM gone AS g ORDER BY g.created_at, g.id",
     2,
     {TEXTOID, NUMERICOID}},
    // move_to_dlq: status failed in data and column, data.delay_until null; the delay_until column
    // is not written (AsyncMQ's store upsert does not), so it keeps a retry's run time.
    {Stmt::move_to_dlq,
     "UPDATE {J} AS j SET status = 'failed', updated_at = pg_catalog.now(), "
     "data = j.data || '{\"status\": \"failed\", \"delay_until\": null}'::pg_catalog.jsonb "
     "WHERE j.queue_name = $1 AND j.job_id = $2 RETURNING j.id",
     2,
     {TEXTOID, TEXTOID}},
    // register_worker: one row a worker, its queue as a one-element array.
    {Stmt::worker_register,
     "INSERT INTO {W} AS w (worker_id, queues, concurrency, heartbeat) VALUES ($1, ARRAY[$2], $3, $4) "
     "ON CONFLICT (worker_id) DO UPDATE SET queues = EXCLUDED.queues, concurrency = EXCLUDED.concurrency, "
     "heartbeat = EXCLUDED.heartbeat",
     4,
     {TEXTOID, TEXTOID, INT4OID, FLOAT8OID}},
    {Stmt::worker_list,
     "SELECT w.worker_id, w.queues[1], w.concurrency, w.heartbeat FROM {W} AS w WHERE w.heartbeat >= $1 "
     "ORDER BY w.worker_id",
     1,
     {FLOAT8OID}},
    {Stmt::worker_deregister, "DELETE FROM {W} AS w WHERE w.worker_id = $1", 1, {TEXTOID}},
    // AsyncMQ's job_def normalisation: the keys of one job's identity and schedule dropped, null
    // values dropped, task renamed task_id. Also what upsert checks: the types of task_id, every
    // and cron, and whether both task and task_id were given.
    {Stmt::rep_normalise,
     "WITH d AS ("
     "  SELECT COALESCE(pg_catalog.jsonb_object_agg(CASE WHEN e.k = 'task' THEN 'task_id' ELSE e.k END, e.v), "
     "    '{}'::pg_catalog.jsonb) AS def "
     "  FROM pg_catalog.jsonb_each($1) AS e(k, v) "
     "  WHERE pg_catalog.jsonb_typeof(e.v) <> 'null' "
     "  AND e.k <> ALL ('{id,status,queue,queue_name,next_run,paused,repeat_id,_last_run}'::pg_catalog.text[])) "
     "SELECT d.def, pg_catalog.jsonb_typeof(d.def->'task_id'), pg_catalog.jsonb_typeof(d.def->'every'), "
     "d.def->>'every', pg_catalog.jsonb_typeof(d.def->'cron'), d.def->>'cron', "
     "COALESCE(pg_catalog.jsonb_typeof($1->'task') <> 'null' AND pg_catalog.jsonb_typeof($1->'task_id') <> 'null', "
     "false) FROM d",
     1,
     {JSONBOID}},
    // upsert_repeatable: keyed on (queue_name, job_def); again, it moves next_run and clears paused.
    {Stmt::rep_upsert,
     "INSERT INTO {R} AS r (queue_name, job_def, next_run, paused) "
     "VALUES ($1, $2, pg_catalog.to_timestamp($3), false) "
     "ON CONFLICT (queue_name, job_def) DO UPDATE SET next_run = EXCLUDED.next_run, paused = false",
     3,
     {TEXTOID, JSONBOID, FLOAT8OID}},
    {Stmt::rep_pause,
     "UPDATE {R} AS r SET paused = true WHERE r.queue_name = $1 AND r.job_def = $2",
     2,
     {TEXTOID, JSONBOID}},
    {Stmt::rep_resume,
     "UPDATE {R} AS r SET paused = false, next_run = pg_catalog.to_timestamp($3) "
     "WHERE r.queue_name = $1 AND r.job_def = $2",
     3,
     {TEXTOID, JSONBOID, FLOAT8OID}},
    {Stmt::rep_list,
     "SELECT r.job_def, pg_catalog.date_part('epoch', r.next_run), r.paused FROM {R} AS r "
     "WHERE r.queue_name = $1 ORDER BY r.next_run, r.job_def",
     1,
     {TEXTOID}},
};

struct PlanSet {
    char *key;
    BlockNumber jobs_blocks; // the jobs table's size when the plans were made
    SPIPlanPtr plans[static_cast<int>(Stmt::count_)];
    PlanSet *next;
};

PlanSet *plan_sets = nullptr;

char *expand(const char *sql, const JobTables &t) {
    StringInfoData out;
    initStringInfo(&out);
    for (const char *s = sql; *s; s++) {
        if (s[0] == '{' && s[1] == 'Q' && s[2] == '}') {
            if (t.paused != nullptr)
                appendStringInfo(&out, "AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE p.queue_name = $1)", t.paused);
            s += 2;
        } else if (s[0] == '{' && s[1] != '\0' && s[2] == '}' && strchr("JCPKRW", s[1]) != nullptr) {
            const char *name = s[1] == 'J'   ? t.jobs
                               : s[1] == 'C' ? t.cancelled
                               : s[1] == 'P' ? t.paused
                               : s[1] == 'R' ? t.repeatables.qualified
                               : s[1] == 'W' ? t.workers.qualified
                                             : t.key;
            if (name == nullptr)
                elog(ERROR, "asyncmq: statement needs a table the layout does not have");
            appendStringInfoString(&out, name);
            s += 2;
        } else {
            appendStringInfoChar(&out, *s);
        }
    }
    return out.data;
}

const Target *find(const Targets &targets, TableKind kind) {
    for (int i = 0; i < targets.count; i++)
        if (targets.items[i].kind == kind)
            return &targets.items[i];
    return nullptr;
}

// The lifecycle's statements need ordinary tables, as install makes them: a view's rules or
// triggers could turn an UPDATE into anything, and the row locks would lock nothing.
void require_ordinary(Oid relid, const char *qualified, const char *setting) {
    char relkind = get_rel_relkind(relid);
    if (relkind != RELKIND_RELATION)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("%s is not a table", qualified),
                        errdetail("It is %s; AsyncMQ's statements need an ordinary table.", relkind_words(relkind)),
                        setting ? errhint("Point %s at a table made by asyncmq_install().", setting)
                                : errhint("Make AsyncMQ's tables with SELECT asyncmq_install().")));
}

const char *require(const Target *target) {
    if (!OidIsValid(target->relid))
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("table %s does not exist", target->qualified),
                 target->setting
                     ? errdetail("%s is \"%s\".", target->setting, GetConfigOption(target->setting, false, false))
                     : 0,
                 errhint("Make AsyncMQ's tables with SELECT asyncmq_install(), or check the asyncmq.* settings.")));
    require_ordinary(target->relid, target->qualified, target->setting);
    return target->qualified;
}

OptionalTable optional(const Target *target) {
    OptionalTable table = {};
    if (target != nullptr) {
        table.qualified = target->qualified;
        table.exists = OidIsValid(target->relid);
        table.relid = target->relid;
        table.setting = target->setting;
    }
    return table;
}

} // namespace

void require_table(const OptionalTable &table) {
    if (!table.exists)
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("table %s does not exist", table.qualified),
                 errdetail("%s is \"%s\".", table.setting, GetConfigOption(table.setting, false, false)),
                 errhint("Make AsyncMQ's tables with SELECT asyncmq_install(), or check the asyncmq.* settings.")));
    require_ordinary(table.relid, table.qualified, table.setting);
}

void job_tables(JobTables *t) {
    Targets targets;
    read_targets(&targets);
    resolve(&targets);
    t->layout = targets.layout;
    const Target *jobs = find(targets, TableKind::jobs);
    t->jobs = require(jobs);
    t->jobs_relid = jobs->relid;
    t->cancelled = require(find(targets, TableKind::cancelled_jobs));
    const Target *paused = find(targets, TableKind::paused_queues);
    t->paused = paused ? require(paused) : nullptr;
    t->key = jobs->spec->nkey == 2 ? psprintf("%s, %s", jobs->spec->key[0], jobs->spec->key[1]) : jobs->spec->key[0];
    t->repeatables = optional(find(targets, TableKind::repeatables));
    t->workers = optional(find(targets, TableKind::workers_heartbeat));
    t->cache_key =
        psprintf("%s|%s|%s|%s|%s|%s", layout_name(t->layout), t->jobs, t->cancelled, t->paused ? t->paused : "",
                 t->repeatables.qualified, t->workers.qualified ? t->workers.qualified : "");
}

SPIPlanPtr plan(const JobTables &t, Stmt stmt) {
    PlanSet *set = plan_sets;
    while (set != nullptr && strcmp(set->key, t.cache_key) != 0)
        set = set->next;
    if (set == nullptr) {
        set = (PlanSet *)MemoryContextAllocZero(TopMemoryContext, sizeof(PlanSet));
        set->key = MemoryContextStrdup(TopMemoryContext, t.cache_key);
        set->next = plan_sets;
        plan_sets = set;
    }
    // PostgreSQL keeps the generic plan it made on the first calls until the table is analyzed
    // again, and a plan made for a nearly empty table may read a queue's whole history: the
    // release of dependants, planned over a few rows, filtered the queue's every job by status
    // instead of reading the status from the index. So the plans are made again, from the
    // table's size now, each time the table has more than doubled since they were made.
    Relation jobs = table_open(t.jobs_relid, AccessShareLock);
    BlockNumber blocks = RelationGetNumberOfBlocks(jobs);
    table_close(jobs, NoLock);
    if (blocks > 2 * set->jobs_blocks + 8) {
        for (SPIPlanPtr &p : set->plans)
            if (p != nullptr) {
                SPI_freeplan(p);
                p = nullptr;
            }
        set->jobs_blocks = blocks;
    }
    int i = static_cast<int>(stmt);
    if (set->plans[i] != nullptr)
        return set->plans[i];
    const StmtSpec *spec = nullptr;
    for (const StmtSpec &s : specs)
        if (s.stmt == stmt)
            spec = &s;
    if (spec == nullptr)
        elog(ERROR, "asyncmq: no SQL for statement %d", i);
    char *sql = expand(spec->sql, t);
    SPIPlanPtr p = SPI_prepare(sql, spec->nargs, const_cast<Oid *>(spec->types));
    if (p == nullptr)
        elog(ERROR, "asyncmq: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), sql);
    if (SPI_keepplan(p) != 0)
        elog(ERROR, "asyncmq: SPI_keepplan failed");
    set->plans[i] = p;
    return p;
}

uint64 run(SPIPlanPtr p, const Datum *values, const char *nulls, bool read_only, int expected) {
    int rc = SPI_execute_plan(p, const_cast<Datum *>(values), nulls, read_only, 0);
    if (rc == SPI_OK_REWRITTEN && expected != SPI_OK_REWRITTEN)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("a rule rewrote a statement of asyncmq on one of AsyncMQ's tables"),
                        errdetail("The tables in force have DO INSTEAD rules, and AsyncMQ's statements then do not do "
                                  "what they say."),
                        errhint("Drop the rules, or point the asyncmq.* settings at tables without them.")));
    if (rc != expected)
        elog(ERROR, "asyncmq: SPI_execute_plan returned %s", SPI_result_code_string(rc));
    return SPI_processed;
}

uint64 run_by_index(SPIPlanPtr p, const Datum *values, const char *nulls, int expected, bool index_order) {
    // As a function's SET clause does it: the old values come back at the end, or at the abort
    // of the transaction when the statement fails.
    int nest = NewGUCNestLevel();
    auto off = [](const char *setting) {
        (void)set_config_option(setting, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    };
    off("enable_seqscan");
    if (index_order)
        off("enable_sort");
    // A plan that still scans a table or sorts carries the planner's penalty in its cost, far
    // above jit_above_cost: JIT would compile the statement on every call.
    off("jit");
    uint64 n = run(p, values, nulls, false, expected);
    AtEOXact_GUC(true, nest);
    return n;
}

} // namespace asyncmq
