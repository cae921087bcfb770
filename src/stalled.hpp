// Stalled jobs, as asyncmq_recover_stalled and the scheduler put them back.
#pragma once

#include "statement.hpp"

namespace asyncmq {

// Makes the active jobs of every queue whose last sign of life is older than threshold (epoch
// seconds) wait again, and wakes their queues; the jobs are the last statement's rows (queue_name,
// job). Returns how many.
uint64 recover_stalled_jobs(const Call &call, double threshold);

} // namespace asyncmq
