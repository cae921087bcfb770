// A job's row locked for the rest of the transaction, and its cancellation marker: how every call
// that changes one job's state decides under the row's lock, as AsyncMQ decides it.
#pragma once

#include "statement.hpp"

namespace asyncmq {

struct LockedJob {
    bool found;
    int32 row;    // the jobs table's id
    char *status; // nullptr: the status column is NULL
    int32 retries;
    int32 max_retries;
    bool has_backoff;
    double backoff;
};

LockedJob lock_job(const Call &call, const char *queue, const char *job_id);

// Whether the locked job's status column holds this status (never when it is NULL).
bool has_status(const LockedJob &job, const char *status);

// Whether the job has a cancellation marker; read after the row lock, with a snapshot that sees
// every marker committed before it.
bool is_marked(const Call &call, const char *queue, const char *job_id);

void delete_row(const Call &call, int32 row);

// The common start of a call on an active job: the job locked and active, or false. A job with a
// cancellation marker loses its row instead, as in AsyncMQ (fixture 09).
bool lock_active(const Call &call, const char *queue, const char *job_id, LockedJob *job);

} // namespace asyncmq
