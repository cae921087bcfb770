// Cron expressions in the server: asyncmq_cron_next() and the next run of a cron repeatable.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// The next minute after `after` (epoch seconds) that the cron expression matches; ERROR 22023
// when the expression is invalid or matches no time.
double cron_after(const char *cron, double after);

} // namespace asyncmq
