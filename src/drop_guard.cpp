// See drop_guard.hpp. Before the command runs, the database is marked so that the launcher
// starts no scheduler there, its scheduler is asked to exit (SIGTERM, as pg_terminate_backend)
// and awaited for up to ten seconds; the mark goes when the command ends, whatever its outcome.
#include "drop_guard.hpp"

#include "pg.hpp"

#include "scheduler_state.hpp"

#include <signal.h>

extern "C" {
#include "commands/dbcommands.h"
#include "nodes/parsenodes.h"
#include "storage/spin.h"
#include "tcop/utility.h"
}

namespace asyncmq {
namespace {

ProcessUtility_hook_type previous_utility = nullptr;

// The scheduler's pid in the database, or 0.
int scheduler_pid(Oid dboid) {
    SchedulerShared *shared = scheduler_state();
    int pid = 0;
    SpinLockAcquire(&shared->mutex);
    for (const SchedulerSlot &s : shared->slots)
        if (s.dboid == dboid && s.pid != 0)
            pid = s.pid;
    SpinLockRelease(&shared->mutex);
    return pid;
}

void forget_slot(Oid dboid) {
    SchedulerShared *shared = scheduler_state();
    SpinLockAcquire(&shared->mutex);
    for (SchedulerSlot &s : shared->slots)
        if (s.dboid == dboid && s.pid == 0)
            s.dboid = InvalidOid;
    SpinLockRelease(&shared->mutex);
}

void stop_scheduler(Oid dboid) {
    mark_dropping(dboid, true);
    wake_launcher();
    for (int i = 0; i < 1000; i++) {
        int pid = scheduler_pid(dboid);
        if (pid == 0)
            return;
        if (i % 50 == 0)
            (void)kill(pid, SIGTERM);
        CHECK_FOR_INTERRUPTS();
        pg_usleep(10 * 1000L);
    }
}

void guard(PlannedStmt *pstmt, const char *query, bool read_only_tree, ProcessUtilityContext context,
           ParamListInfo params, QueryEnvironment *env, DestReceiver *dest, QueryCompletion *qc) {
    Node *node = pstmt->utilityStmt;
    const char *dbname = nullptr;
    if (IsA(node, DropdbStmt))
        dbname = ((DropdbStmt *)node)->dbname;
    else if (IsA(node, RenameStmt) && ((RenameStmt *)node)->renameType == OBJECT_DATABASE)
        dbname = ((RenameStmt *)node)->subname;
    Oid dboid = dbname != nullptr ? get_database_oid(dbname, true) : InvalidOid;
    auto next = [&] {
        if (previous_utility)
            previous_utility(pstmt, query, read_only_tree, context, params, env, dest, qc);
        else
            standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc);
    };
    if (!OidIsValid(dboid)) {
        next();
        return;
    }
    stop_scheduler(dboid);
    PG_TRY();
    {
        next();
        // Dropped: its scheduler's slot goes too, and asyncmq_scheduler_status() forgets it.
        if (IsA(node, DropdbStmt))
            forget_slot(dboid);
    }
    PG_FINALLY();
    {
        mark_dropping(dboid, false);
        wake_launcher();
    }
    PG_END_TRY();
}

} // namespace

void install_drop_guard() {
    previous_utility = ProcessUtility_hook;
    ProcessUtility_hook = guard;
}

} // namespace asyncmq
