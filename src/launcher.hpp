// The launcher: one background worker for the cluster, which keeps a scheduler running in each
// database that asyncmq.database_names names (README.md, Scheduler).
#pragma once

#include "pg.hpp"

namespace asyncmq {

// Registers the launcher, the shared state and the DROP DATABASE guard; from _PG_init, only
// when the library is preloaded.
void register_scheduling();

} // namespace asyncmq
