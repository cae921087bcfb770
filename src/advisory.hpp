// AsyncMQ's advisory locks: a name ("asyncmq:<...>", as AsyncMQ's Queue.add names its locks)
// hashed to one key.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// Waits for and holds the named lock until the transaction ends.
void advisory_xact_lock(const char *name);

} // namespace asyncmq
