// Retention: finished jobs, markers of jobs that are gone and long-silent worker rows deleted
// in bounded batches (README.md, Scheduler). AsyncMQ itself keeps them all.
#pragma once

#include "settings.hpp"
#include "statement.hpp"

namespace asyncmq {

// One batch of each kind that the settings do not keep: at most retention_batch rows each.
// Returns the rows deleted; *more is set when a batch was full (there may be more to delete).
int64 delete_retained(const Call &call, const SchedulerSettings &s, bool *more);

} // namespace asyncmq
