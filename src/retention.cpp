// See retention.hpp.
#include "retention.hpp"

#include "clock.hpp"

namespace asyncmq {
namespace {

// A job's age is that of its last attempt, or, never run, of its creation: data's epoch
// seconds, which mean the same in every time zone (the updated_at column does not). Rows held
// by another transaction are left for the next pass.
const Statement old_jobs = {{R"(
WITH old AS (
  SELECT j.id FROM {jobs} AS j
  WHERE j.status = $status
    AND CASE WHEN pg_catalog.jsonb_typeof(j.data->'last_attempt') = 'number'
      THEN (j.data->>'last_attempt')::pg_catalog.float8 < $cutoff
      WHEN pg_catalog.jsonb_typeof(j.data->'created_at') = 'number'
      THEN (j.data->>'created_at')::pg_catalog.float8 < $cutoff END
  LIMIT $batch FOR UPDATE OF j SKIP LOCKED)
DELETE FROM {jobs} AS j USING old WHERE j.id = old.id)"},
                            {{"status", TEXTOID}, {"cutoff", FLOAT8OID}, {"batch", INT4OID}},
                            SPI_OK_DELETE};

// Cancellation markers whose job row is gone (AsyncMQ never deletes them but in remove_job).
const Statement orphan_markers = {{R"(
WITH gone AS (
  SELECT c.queue_name, c.job_id FROM {cancelled} AS c
  WHERE NOT EXISTS (SELECT 1 FROM {jobs} AS j WHERE j.queue_name = c.queue_name AND j.job_id = c.job_id)
  LIMIT $batch FOR UPDATE OF c SKIP LOCKED)
DELETE FROM {cancelled} AS c USING gone WHERE c.queue_name = gone.queue_name AND c.job_id = gone.job_id)"},
                                  {{"batch", INT4OID}},
                                  SPI_OK_DELETE};

const Statement silent_workers = {{R"(
WITH old AS (
  SELECT w.worker_id FROM {workers} AS w WHERE w.heartbeat < $cutoff LIMIT $batch FOR UPDATE OF w SKIP LOCKED)
DELETE FROM {workers} AS w USING old WHERE w.worker_id = old.worker_id)"},
                                  {{"cutoff", FLOAT8OID}, {"batch", INT4OID}},
                                  SPI_OK_DELETE};

} // namespace

int64 delete_retained(const Call &call, const SchedulerSettings &s, bool *more) {
    double now = epoch_now();
    Datum batch = Int32GetDatum(s.retention_batch);
    int64 deleted = 0;
    auto count = [&](uint64 n) {
        deleted += (int64)n;
        if (n >= (uint64)s.retention_batch)
            *more = true;
    };
    struct {
        const char *status;
        double keep;
    } kinds[] = {
        {"completed", s.retention_completed}, {"failed", s.retention_failed}, {"expired", s.retention_expired}};
    for (const auto &kind : kinds) {
        if (kind.keep < 0)
            continue;
        Datum args[3] = {CStringGetTextDatum(kind.status), Float8GetDatum(now - kind.keep), batch};
        count(run(call, old_jobs, args));
    }
    Datum args[1] = {batch};
    count(run(call, orphan_markers, args));
    const Table *workers = find_table(call.tables, TableKind::workers_heartbeat);
    if (s.retention_workers >= 0 && workers != nullptr && OidIsValid(workers->relid)) {
        Datum wargs[2] = {Float8GetDatum(now - s.retention_workers), batch};
        count(run(call, silent_workers, wargs));
    }
    return deleted;
}

} // namespace asyncmq
