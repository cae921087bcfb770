// Queue.add's deduplication: jobs added with one deduplication id share a window, in which only
// the first (the owner) is stored.
#pragma once

#include "new_job.hpp"
#include "statement.hpp"

namespace asyncmq {

// Reads a deduplication option (jsonb) into the job, as AsyncMQ normalises it: a non-empty
// string id, a ttl above 0 or none, extend and replace. Only the modes whose behaviour the
// fixtures show are taken: throttle (a ttl) and simple (none). where prefixes the messages.
void read_dedup(const Call &call, Datum option, const char *where, NewJob *job);

// The deduplication object AsyncMQ stores: {id, ttl (a float or null), extend, replace, delay
// (the job's delay or null), mode, expires_at (now + ttl or null)}.
Datum dedup_object(const NewJob &job, double now);

// The id of the job that owns the job's deduplication window, or nullptr (copied into out).
// The caller holds the job's add locks (lock_adds): of two adds at once, the second waits and
// then finds the first's job.
char *dedup_owner(const Call &call, const char *queue, const NewJob &job, MemoryContext out);

} // namespace asyncmq
