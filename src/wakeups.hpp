// Wakeups: a NOTIFY on the queue's channel when its jobs become ready (README, Wakeups).
#pragma once

#include "pg.hpp"

namespace asyncmq {

// The NOTIFY channel of a queue.
char *queue_channel(const char *queue);

// Wakes the queue's listeners at commit when asyncmq.wakeups is on. PostgreSQL folds identical
// notifications of one transaction into one, so a queue gets at most one per transaction however
// many calls make it.
void wake_queue(const char *queue);

} // namespace asyncmq
