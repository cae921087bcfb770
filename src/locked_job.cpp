// See locked_job.hpp.
#include "locked_job.hpp"
#include "job_row.hpp"
#include "python_numbers.hpp"

namespace asyncmq {
namespace {

// What fail needs of the row: retries and max_retries as Job.from_dict defaults them, and the
// backoff as stored.
enum LockColumn { lock_row = 1, lock_status, lock_retries, lock_max_retries, lock_backoff_type, lock_backoff };
const Statement lock_stmt = {{R"(
SELECT j.id, j.status,
       COALESCE((j.data->>'retries')::pg_catalog.numeric::pg_catalog.int4, 0),
       COALESCE((j.data->>'max_retries')::pg_catalog.numeric::pg_catalog.int4, 3),
       pg_catalog.jsonb_typeof(j.data->'backoff'), j.data->>'backoff'
FROM {jobs} AS j WHERE j.id = $row FOR UPDATE OF j)"},
                             {{"row", INT4OID}},
                             SPI_OK_SELECT};

const Statement marked_stmt = {
    {R"(SELECT EXISTS (SELECT 1 FROM {cancelled} AS c WHERE c.queue_name = $queue AND c.job_id = $job_id))"},
    {{"queue", TEXTOID}, {"job_id", TEXTOID}},
    SPI_OK_SELECT};

const Statement delete_row_stmt = {{R"(DELETE FROM {jobs} AS j WHERE j.id = $row)"}, {{"row", INT4OID}}, SPI_OK_DELETE};

} // namespace

LockedJob lock_job(const Call &call, const char *queue, const char *job_id) {
    LockedJob job = {};
    int32 row;
    if (!find_job_row(call, queue, job_id, &row))
        return job;
    Datum args[1] = {Int32GetDatum(row)};
    if (run(call, lock_stmt, args) == 0) // deleted meanwhile
        return job;
    bool isnull;
    job.found = true;
    job.row = DatumGetInt32(column(lock_row, &isnull));
    job.status = text_column(0, lock_status);
    job.retries = DatumGetInt32(column(lock_retries, &isnull));
    job.max_retries = DatumGetInt32(column(lock_max_retries, &isnull));
    const char *backoff_type = text_column(0, lock_backoff_type);
    if (backoff_type == nullptr) { // no backoff key: Job.from_dict's default
        job.has_backoff = true;
        job.backoff = 1.5;
    } else if (strcmp(backoff_type, "number") == 0) {
        job.has_backoff = true;
        job.backoff = float_of(text_column(0, lock_backoff));
    }
    return job;
}

bool has_status(const LockedJob &job, const char *status) {
    return job.status != nullptr && strcmp(job.status, status) == 0;
}

bool is_marked(const Call &call, const char *queue, const char *job_id) {
    Datum args[2] = {CStringGetTextDatum(queue), CStringGetTextDatum(job_id)};
    run(call, marked_stmt, args);
    return bool_column(1);
}

void delete_row(const Call &call, int32 row) {
    Datum args[1] = {Int32GetDatum(row)};
    run(call, delete_row_stmt, args);
}

bool lock_active(const Call &call, const char *queue, const char *job_id, LockedJob *job) {
    *job = lock_job(call, queue, job_id);
    if (!job->found)
        return false;
    if (is_marked(call, queue, job_id)) {
        delete_row(call, job->row);
        return false;
    }
    return has_status(*job, "active");
}

} // namespace asyncmq
