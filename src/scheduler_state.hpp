// What the launcher and the schedulers share (README.md, Scheduler): one slot a scheduler, in
// shared memory that exists only when the library is preloaded.
#pragma once

#include "pg.hpp"

namespace asyncmq {

constexpr int max_schedulers = 32;
constexpr int max_dropping = 8;

struct SchedulerSlot {
    Oid dboid;    // InvalidOid: a free slot
    int pid;      // 0 once it has exited
    int pgprocno; // its latch, which commits that give it work set
    TimestampTz started, last_tick, last_error_at;
    int64 ticks, promoted, fired, recovered, cleaned;
    char state[128];
    char last_error[256];
};

struct SchedulerShared {
    slock_t mutex;
    int launcher_pid;
    int launcher_pgprocno;
    Oid dropping[max_dropping];            // databases a DROP DATABASE waits for: no scheduler starts there
    TimestampTz dropping_at[max_dropping]; // an entry older than a minute is stale (its session died)
    SchedulerSlot slots[max_schedulers];
};

// Asks for the shared memory and sets it up at startup; from _PG_init, when preloaded.
void request_scheduler_state();

// The shared state, or nullptr when the library is not preloaded.
SchedulerShared *scheduler_state();

// Whether a DROP DATABASE (or a rename) of this database is under way; mark and unmark it.
bool database_dropping(Oid dboid);
void mark_dropping(Oid dboid, bool on);

// Sets the latch of this database's scheduler when the current transaction commits: it made
// work the scheduler may not know of yet (an install, a repeatable upserted or resumed, a
// delayed job). Nothing without the shared state.
void wake_scheduler_at_commit();

// Sets the launcher's latch now (a scheduler exited).
void wake_launcher();

} // namespace asyncmq
