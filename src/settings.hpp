// The asyncmq.* settings, all of them: table names, the AsyncMQ release whose layout to serve,
// the extra indexes, the wakeups and the scheduler.
#pragma once

#include "layout.hpp"
#include "sqlname.hpp"

namespace asyncmq {

// Defines the settings and reserves the asyncmq prefix; called once, from _PG_init.
void define_settings();

// The setting that names a table of this kind, or nullptr (the paused-queues table has none).
const char *table_setting_name(TableKind kind);

// The setting's value read as an SQL name; an invalid value is an ERROR (22023).
// The paused-queues table's fixed name is returned for its kind.
SqlName table_name_setting(TableKind kind);

// asyncmq.layout read as a layout; an invalid value is an ERROR (22023).
Layout layout_setting();

// asyncmq.dequeue_index: also make the index shaped for AsyncMQ's dequeue.
bool dequeue_index_setting();

// asyncmq.dependants_index: also make the index of the jobs that wait for a parent.
bool dependants_index_setting();

// asyncmq.indexes: which indexes the jobs table has (IndexSet in layout.hpp).
IndexSet indexes_setting();

// asyncmq.delete_completed: completing a job deletes its row instead of keeping it completed.
bool delete_completed_setting();

// asyncmq.wakeups: the lifecycle functions NOTIFY a queue's channel when its jobs become ready.
bool wakeups_setting();

// asyncmq.database_names, as written (a comma-separated list).
const char *database_names_setting();

// What the scheduler's tasks do, and when (README.md, Scheduler): the settings as they are now.
struct SchedulerSettings {
    double scan_interval; // seconds
    bool promote_delayed, fire_repeatables, stalled_check, retention;
    double stalled_threshold, stalled_check_interval;                                   // seconds
    double retention_completed, retention_failed, retention_expired, retention_workers; // seconds; -1 keeps
    int retention_batch;
    int vacuum_dead_rows; // 0: never
};
SchedulerSettings scheduler_settings();

// ERROR if the call that loaded this library found misspelt asyncmq.* settings: they were set
// before the prefix was reserved and PostgreSQL has just discarded them with a WARNING; or if it
// found a value of one of ours, set before, that PostgreSQL could not read and ignored.
void refuse_discarded_settings();

} // namespace asyncmq
