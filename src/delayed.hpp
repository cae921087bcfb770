// Delayed jobs whose run time has come, as the scheduler promotes them.
#pragma once

#include "statement.hpp"

namespace asyncmq {

// AsyncMQ's promote_due_delayed in every queue at once: the due delayed jobs wait again (rows
// another transaction holds are skipped); each queue that got jobs back is woken. Returns how
// many jobs were promoted.
uint64 promote_due_everywhere(const Call &call);

} // namespace asyncmq
