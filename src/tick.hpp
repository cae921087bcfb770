// One pass of the scheduler's tasks on the tables in force: asyncmq_tick() runs it in the calling
// session, the scheduler once a table set (README.md, Scheduler).
#pragma once

#include "registry.hpp"
#include "settings.hpp"

namespace asyncmq {

enum class Task { fire_repeatables, promote_delayed, recover_stalled, retention };
constexpr int task_count = 4;

const char *task_name(Task task);

// Whether the settings have the task on.
bool task_enabled(Task task, const SchedulerSettings &s);

struct TickCounts {
    int64 promoted, fired, recovered, cleaned;
};

// Runs the task on the tables in force, in the current transaction, and adds what it did to
// counts; true when it left work for another pass at once (a full retention batch).
bool run_task(Task task, const SchedulerSettings &s, TickCounts *counts);

// The earliest time (epoch seconds) when a repeatable or a delayed job of the tables in force
// falls due; false when none will.
bool next_due(double *at);

// Makes a registered set the tables in force (its names, layout and, for the fixed-name paused
// queues table, search_path) at a new setting nest level, which leave_set() closes.
int enter_set(const RegisteredSet &set);
void leave_set(int nest);

} // namespace asyncmq
