// AsyncMQ's advisory locks: a name ("asyncmq:<...>", as AsyncMQ's Queue.add names its locks)
// hashed to one key.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// The key of a named lock: hashtext(name), as AsyncMQ's pg_advisory_lock(hashtext($1)).
int64 advisory_key(const char *name);

// Waits for and holds the lock until the transaction ends; shared holders do not exclude each
// other. Taking a lock the transaction holds already costs no room in the lock table.
void advisory_xact_lock(int64 key, bool shared = false);
void advisory_xact_lock(const char *name);

// Takes the named lock until the transaction ends if no one holds it; whether it did. The key is
// the one AsyncMQ's session locks take, so it also fails while AsyncMQ holds the lock.
bool advisory_xact_try_lock(const char *name);

} // namespace asyncmq
