// The scheduler: a background worker in one database that ticks every registered table set
// (README.md, Scheduler). Each task of each set is a transaction of its own, run as the role
// that registered the set; a failure is logged (once a minute for one set and task) and the
// others go on. It sleeps until the next tick, the next repeatable or delayed job falls due, or
// a commit that gave it work sets its latch.
#include "registry.hpp"
#include "scheduler_state.hpp"
#include "tick.hpp"
#include "vacuum.hpp"

#include "clock.hpp"

#include <cmath>
#include <initializer_list>

extern "C" {
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PGDLLEXPORT void asyncmq_scheduler_main(Datum arg);
}

namespace asyncmq {
namespace {

SchedulerSlot *slot = nullptr;
double last_stalled_check = 0;

void set_state(const char *state) {
    SpinLockAcquire(&scheduler_state()->mutex);
    strlcpy(slot->state, state, sizeof slot->state);
    SpinLockRelease(&scheduler_state()->mutex);
    pgstat_report_activity(STATE_RUNNING, state);
}

void claim_slot(Oid dboid) {
    SchedulerShared *shared = scheduler_state();
    SpinLockAcquire(&shared->mutex);
    for (SchedulerSlot &s : shared->slots)
        if (s.dboid == dboid || (slot == nullptr && !OidIsValid(s.dboid)))
            slot = &s;
    if (slot != nullptr) {
        memset(slot, 0, sizeof *slot);
        slot->dboid = dboid;
        slot->pid = MyProcPid;
        slot->pgprocno = MyProc->pgprocno;
        slot->started = GetCurrentTimestamp();
    }
    SpinLockRelease(&shared->mutex);
    if (slot == nullptr)
        ereport(ERROR, (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
                        errmsg("asyncmq: no more than %d databases can have a scheduler", max_schedulers)));
}

void release_slot(int, Datum) {
    SpinLockAcquire(&scheduler_state()->mutex);
    slot->pid = 0;
    SpinLockRelease(&scheduler_state()->mutex);
    wake_launcher();
}

// Logs a failure of a task on a set at most once a minute (else at DEBUG1), and records it.
void report_failure(const char *what, const ErrorData *error) {
    static HTAB *reported = nullptr;
    if (reported == nullptr) {
        HASHCTL ctl = {};
        ctl.keysize = NAMEDATALEN * 4;
        ctl.entrysize = NAMEDATALEN * 4 + sizeof(TimestampTz);
        reported = hash_create("asyncmq scheduler failures", 64, &ctl, HASH_ELEM | HASH_STRINGS);
    }
    char key[NAMEDATALEN * 4] = {};
    strlcpy(key, what, sizeof key);
    bool found;
    char *entry = (char *)hash_search(reported, key, HASH_ENTER, &found);
    TimestampTz *last = (TimestampTz *)(entry + sizeof key);
    TimestampTz now = GetCurrentTimestamp();
    bool log_now = !found || TimestampDifferenceExceeds(*last, now, 60 * 1000);
    if (log_now)
        *last = now;
    ereport(log_now ? LOG : DEBUG1,
            (errcode(error->sqlerrcode), errmsg("asyncmq scheduler: %s failed: %s", what, error->message),
             error->detail ? errdetail("%s", error->detail) : 0,
             errhint("%s%sThe scheduler goes on with the other tasks and table sets, and tries again at the next "
                     "tick; this message comes at most once a minute.",
                     error->hint ? error->hint : "", error->hint ? " " : "")));
    SpinLockAcquire(&scheduler_state()->mutex);
    snprintf(slot->last_error, sizeof slot->last_error, "%s: %s", what, error->message);
    slot->last_error_at = now;
    SpinLockRelease(&scheduler_state()->mutex);
}

// Runs fn; a failure is reported and its transaction aborted. False when it failed.
template <typename Fn> bool guarded(const char *what, Fn fn) {
    MemoryContext context = CurrentMemoryContext;
    volatile bool ok = true;
    PG_TRY();
    { fn(); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        ErrorData *error = CopyErrorData();
        FlushErrorState();
        AbortCurrentTransaction();
        report_failure(what, error);
        FreeErrorData(error);
        ok = false;
    }
    PG_END_TRY();
    MemoryContextSwitchTo(context);
    return ok;
}

// Makes the set's owner the current user, in a transaction: never more rights than the owner
// has, no SET ROLE, no temporary objects.
void become_owner(const RegisteredSet &set, int sec) {
    if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(set.owner)))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("the role that registered the tables is gone"),
                        errhint("Unregister the tables, or register them again as another role.")));
    SetUserIdAndSecContext(set.owner, sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
}

// Runs fn on the set as its owner, in a transaction of its own; false when it failed.
template <typename Fn> bool as_owner(const RegisteredSet &set, const char *what, Fn fn) {
    return guarded(what, [&] {
        StartTransactionCommand();
        PushActiveSnapshot(GetTransactionSnapshot());
        Oid user;
        int sec;
        GetUserIdAndSecContext(&user, &sec);
        become_owner(set, sec);
        int nest = enter_set(set);
        fn();
        leave_set(nest);
        SetUserIdAndSecContext(user, sec); // an abort restores the user too
        PopActiveSnapshot();
        CommitTransactionCommand();
    });
}

// Vacuums the set's jobs table when it has gathered enough dead rows, as the set's owner. The
// check runs in a transaction; VACUUM outside one, in transactions of its own.
void vacuum_if_due(const RegisteredSet &set, int threshold) {
    Oid relid = InvalidOid;
    char *what = psprintf("vacuum on %s", set.names[0]);
    set_state(what);
    if (!as_owner(set, what, [&] { relid = jobs_table_to_vacuum(threshold); }) || !OidIsValid(relid))
        return;
    Oid user;
    int sec;
    GetUserIdAndSecContext(&user, &sec);
    set_state(psprintf("vacuuming %s", set.names[0]));
    (void)guarded(what, [&] {
        StartTransactionCommand();
        become_owner(set, sec);
        CommitTransactionCommand();
        vacuum_jobs_table(relid);
    });
    // Also after a failure: an abort of one of VACUUM's transactions restores the owner, who
    // was the current user when it began.
    SetUserIdAndSecContext(user, sec);
}

RegisteredSet *read_registry(int *count) {
    MemoryContext context = CurrentMemoryContext;
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    MemoryContext in_xact = MemoryContextSwitchTo(context);
    RegisteredSet *sets = registry_sets(count);
    MemoryContextSwitchTo(in_xact);
    PopActiveSnapshot();
    CommitTransactionCommand();
    MemoryContextSwitchTo(context);
    return sets;
}

// One tick: every task the settings have on, on every set; returns the seconds to sleep.
double tick_all() {
    SchedulerSettings s = scheduler_settings();
    set_state("reading the registry");
    int nsets;
    RegisteredSet *sets = read_registry(&nsets);
    double now = epoch_now();
    bool stalled_due = s.stalled_check && now - last_stalled_check >= s.stalled_check_interval;
    if (stalled_due)
        last_stalled_check = now;
    TickCounts counts = {};
    bool more = false;
    for (int i = 0; i < nsets; i++)
        for (Task task : {Task::fire_repeatables, Task::promote_delayed, Task::recover_stalled, Task::retention}) {
            if (!task_enabled(task, s) || (task == Task::recover_stalled && !stalled_due))
                continue;
            char *what = psprintf("%s on %s", task_name(task), sets[i].names[0]);
            set_state(what);
            as_owner(sets[i], what, [&] { more |= run_task(task, s, &counts); });
        }
    for (int i = 0; i < nsets && s.vacuum_dead_rows > 0; i++)
        vacuum_if_due(sets[i], s.vacuum_dead_rows);
    // Sleep until the next tick, or until something falls due sooner; what is due already and
    // was left (held by another session, or failing) waits for the next tick.
    double wait = more ? 0 : s.scan_interval;
    if (s.stalled_check)
        wait = std::min(wait, std::max(0.0, last_stalled_check + s.stalled_check_interval - now));
    for (int i = 0; i < nsets && wait > 0; i++) {
        double at;
        bool found = false;
        set_state(psprintf("looking for the next due time on %s", sets[i].names[0]));
        as_owner(sets[i], psprintf("looking for the next due time on %s", sets[i].names[0]),
                 [&] { found = next_due(&at); });
        double now_after = epoch_now();
        if (found && at > now_after)
            wait = std::min(wait, at - now_after);
    }
    SpinLockAcquire(&scheduler_state()->mutex);
    slot->last_tick = GetCurrentTimestamp();
    slot->ticks++;
    slot->promoted += counts.promoted;
    slot->fired += counts.fired;
    slot->recovered += counts.recovered;
    slot->cleaned += counts.cleaned;
    SpinLockRelease(&scheduler_state()->mutex);
    return wait;
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

// The scheduler of one database, started by the launcher; arg is the database's OID.
extern "C" void asyncmq_scheduler_main(Datum arg) {
    Oid dboid = DatumGetObjectId(arg);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    pqsignal(SIGINT, StatementCancelHandler);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
    pgstat_report_appname("asyncmq scheduler");
    claim_slot(dboid);
    before_shmem_exit(release_slot, 0);

    MemoryContext tick_context = AllocSetContextCreate(TopMemoryContext, "asyncmq tick", ALLOCSET_DEFAULT_SIZES);
    // An error outside a task (a cancel while idle, say) is reported and the loop goes on, as
    // PostgreSQL's own launchers recover: a cancel never stops the scheduler.
    sigjmp_buf recover;
    if (sigsetjmp(recover, 1) != 0) {
        HOLD_INTERRUPTS();
        EmitErrorReport();
        AbortCurrentTransaction();
        FlushErrorState();
        MemoryContextSwitchTo(TopMemoryContext);
        RESUME_INTERRUPTS();
        pg_usleep(1000 * 1000L); // an error that comes back at once is not logged in a loop
    }
    PG_exception_stack = &recover;
    for (;;) {
        MemoryContextSwitchTo(tick_context);
        MemoryContextReset(tick_context);
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
        }
        double wait = tick_all();
        char *state = psprintf("waiting %.3f s for the next tick", wait);
        set_state(state);
        pgstat_report_activity(STATE_IDLE, state);
        long ms = (long)std::ceil(wait * 1000);
        if (ms > 0)
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, ms, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
}
