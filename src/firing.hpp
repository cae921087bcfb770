// Firing due repeatables: the job AsyncMQ's build_repeatable_job builds from each due definition,
// enqueued, and next_run advanced as AsyncMQ's compute_next_run does, in one transaction.
#pragma once

#include "statement.hpp"

namespace asyncmq {

// Fires every due, unpaused repeatable of every queue whose scheduler lock
// (hashtext('asyncmq:<queue>:repeatable-scheduler'), AsyncMQ's) this transaction can take; a queue
// whose lock another session holds is left to it. A definition that cannot be built is reported
// (a WARNING, at most once a minute for one definition) and skipped. Returns how many fired.
int64 fire_due_repeatables(const Call &call);

// The earliest next_run (epoch seconds) of an unpaused repeatable; false when there is none.
bool next_repeatable_run(const Call &call, double *at);

} // namespace asyncmq
