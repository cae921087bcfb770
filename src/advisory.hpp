// AsyncMQ's advisory locks: a name ("asyncmq:<...>", as AsyncMQ's Queue.add names its locks)
// hashed to one key.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// Waits for and holds the named lock until the transaction ends.
void advisory_xact_lock(const char *name);

// Takes the named lock until the transaction ends if no one holds it; whether it did. The key is
// the one AsyncMQ's session locks take, so it also fails while AsyncMQ holds the lock.
bool advisory_xact_try_lock(const char *name);

} // namespace asyncmq
