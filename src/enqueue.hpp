// Writing new jobs: what asyncmq_enqueue does for one job and asyncmq_enqueue_many for each.
#pragma once

#include "new_job.hpp"
#include "statement.hpp"

namespace asyncmq {

// Queue.add: a custom id that names a job (in any status but cancelled) returns that id and
// writes nothing; so does a job whose deduplication window has an owner, which it returns (see
// settle_dedup for extend and replace); otherwise AsyncMQ's upsert writes the payload
// Job.to_dict() would. Returns the job's id, allocated in out.
char *enqueue_one(const Call &call, const char *queue, const NewJob &job, MemoryContext out);

// The jobs of a batch when none has a job id, a deduplication id or a parent: what enqueue_one
// would write for each, in one statement. Returns the ids, in the jobs' order.
Datum *insert_plain_jobs(const Call &call, const char *queue, const NewJob *jobs, int n);

} // namespace asyncmq
