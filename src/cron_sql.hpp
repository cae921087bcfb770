// Cron expressions in the server: asyncmq_cron_next() and the next run of a cron repeatable.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// The first time after `after` (whole epoch seconds) that the cron expression matches, in whole
// epoch seconds; ERROR 22023 when the expression is invalid or matches no time, 22008 when that
// time is past the last one PostgreSQL can hold.
int64 cron_after(const char *cron, int64 after);

} // namespace asyncmq
