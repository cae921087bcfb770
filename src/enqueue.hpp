// Writing new jobs: what asyncmq_enqueue does for one job and asyncmq_enqueue_many for each.
#pragma once

#include "new_job.hpp"
#include "statement.hpp"

namespace asyncmq {

// The locks that keep concurrent adds of one custom job id, or of one deduplication id, apart.
// AsyncMQ's Queue.add holds hashtext('asyncmq:<queue>:job-id:<id>') while it looks the id up
// and hashtext('asyncmq:<queue>:dedup:<id>') while it looks the window's owner up
// (asyncmq/queues.py); an add of these jobs takes the same locks, all of them at once, in key
// order and each once, so that two adds cannot deadlock on them, after the queue's adds lock
// (hashtext('asyncmq:<queue>:adds')) in shared mode. A batch with more such keys than half of
// max_locks_per_transaction takes the queue's adds lock alone, exclusively: the lock table
// cannot overflow, and every other add of the queue with a custom id or a deduplication id
// waits for the batch to end.
void lock_adds(const char *queue, const NewJob *jobs, int n);

// Queue.add, under lock_adds: a custom id that names a job (in any status but cancelled) returns
// that id and writes nothing; so does a job whose deduplication window has an owner, which it
// returns (see settle_dedup for extend and replace); otherwise AsyncMQ's upsert writes the
// payload Job.to_dict() would. Returns the job's id, allocated in out.
char *enqueue_one(const Call &call, const char *queue, const NewJob &job, MemoryContext out);

// The jobs of a batch when none has a job id, a deduplication id or a parent: what enqueue_one
// would write for each, in one statement. Returns the ids, in the jobs' order.
Datum *insert_plain_jobs(const Call &call, const char *queue, const NewJob *jobs, int n);

} // namespace asyncmq
