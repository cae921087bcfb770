// Queue.add's deduplication (asyncmq/queues.py, asyncmq/core/deduplication.py): jobs added with
// one deduplication id share a window, which one job (the owner) holds; a later add returns the
// owner's id, renews its window (extend) or replaces a delayed owner (replace, debounce).
#pragma once

#include "new_job.hpp"
#include "statement.hpp"

namespace asyncmq {

// Reads a deduplication option (jsonb) into the job, as AsyncMQ normalises it: a non-empty
// string id, a ttl above 0 or none, extend and replace (false when absent or null). where
// prefixes the messages.
void read_dedup(const Call &call, Datum option, const char *where, NewJob *job);

// The deduplication object AsyncMQ stores: {id, ttl (a float or null), extend, replace, delay
// (the job's delay or null), mode, expires_at (now + ttl, an inherited value, or null)}. The mode
// is fixed by this add's options: replace (replace, no delay), debounce (replace and a delay),
// throttle (a ttl) or simple.
Datum dedup_object(const NewJob &job, double now);

// Takes the lock AsyncMQ's Queue.add holds while it looks the owner up (a session lock there),
// hashtext('asyncmq:<queue>:dedup:<id>'): of two adds of one id at once, the second waits and
// then finds the first's job.
void lock_dedup(const char *queue, const NewJob &job);

// Settles an add with deduplication under that lock, as Queue.add does once the job id is known
// to be free. No owner: returns nullptr, and the job is to be stored. An add with replace and a
// delayed owner: deletes the owner's row and its cancellation marker, sets the expires_at the
// new job inherits (with a ttl and no extend), and returns nullptr. Otherwise returns the
// owner's id (copied into out), the job is not stored, and an add with a ttl and extend first
// renews the owner's window: deduplication.ttl = this ttl, expires_at = now + ttl, the row
// written back with the status its payload holds.
char *settle_dedup(const Call &call, const char *queue, NewJob *job, MemoryContext out);

} // namespace asyncmq
