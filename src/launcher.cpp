// See launcher.hpp. The launcher reads asyncmq.database_names at start and at each reload,
// starts a dynamic scheduler worker for each database it names that exists and accepts
// connections, stops one whose database left the list or is being dropped, and starts one again
// when it exited (at most once a second for one database).
#include "launcher.hpp"

#include "drop_guard.hpp"
#include "scheduler_state.hpp"
#include "settings.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "commands/dbcommands.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

PGDLLEXPORT void asyncmq_launcher_main(Datum arg);
}

namespace asyncmq {
namespace {

struct Running {
    Oid dboid;
    BackgroundWorkerHandle *handle; // nullptr: not started (or forgotten after it stopped)
    TimestampTz started;
};

Running running[max_schedulers];

void fill_worker(BackgroundWorker *w, const char *function, const char *type) {
    memset(w, 0, sizeof *w);
    w->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    w->bgw_start_time = BgWorkerStart_RecoveryFinished;
    strlcpy(w->bgw_library_name, "asyncmq", BGW_MAXLEN);
    strlcpy(w->bgw_function_name, function, BGW_MAXLEN);
    strlcpy(w->bgw_type, type, BGW_MAXLEN);
}

// The databases the setting names that exist and accept connections; logs the others, once
// a reload.
int wanted_databases(Oid *oids, bool complain) {
    char *raw = pstrdup(database_names_setting());
    List *names = NIL;
    if (!SplitIdentifierString(raw, ',', &names)) {
        if (complain)
            ereport(LOG, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                          errmsg("asyncmq launcher: asyncmq.database_names is not a list of names")));
        return 0;
    }
    int n = 0;
    // A heap scan of pg_database, as autovacuum's launcher reads it: without a database, the
    // launcher may read only the shared catalogs, and not through the catalog caches.
    StartTransactionCommand();
    (void)GetTransactionSnapshot();
    Relation rel = table_open(DatabaseRelationId, AccessShareLock);
    ListCell *lc;
    foreach (lc, names) {
        const char *name = (const char *)lfirst(lc);
        bool usable = false;
        Oid oid = InvalidOid;
        TableScanDesc scan = table_beginscan_catalog(rel, 0, nullptr);
        HeapTuple tuple;
        while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
            Form_pg_database db = (Form_pg_database)GETSTRUCT(tuple);
            if (strcmp(NameStr(db->datname), name) == 0) {
                oid = db->oid;
                usable = db->datallowconn;
            }
        }
        table_endscan(scan);
        if (!usable) {
            if (complain)
                ereport(LOG, (errcode(ERRCODE_UNDEFINED_DATABASE),
                              errmsg("asyncmq launcher: database \"%s\" of asyncmq.database_names does not exist or "
                                     "accepts no connections",
                                     name)));
            continue;
        }
        if (n < max_schedulers)
            oids[n++] = oid;
    }
    table_close(rel, AccessShareLock);
    CommitTransactionCommand();
    return n;
}

void start_scheduler(Running *r) {
    BackgroundWorker w;
    fill_worker(&w, "asyncmq_scheduler_main", "asyncmq scheduler");
    snprintf(w.bgw_name, BGW_MAXLEN, "asyncmq scheduler for database %u", r->dboid);
    w.bgw_restart_time = BGW_NEVER_RESTART; // the launcher starts it again
    w.bgw_main_arg = ObjectIdGetDatum(r->dboid);
    w.bgw_notify_pid = MyProcPid;
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    BackgroundWorkerHandle *handle = nullptr;
    bool ok = RegisterDynamicBackgroundWorker(&w, &handle);
    MemoryContextSwitchTo(old);
    r->started = GetCurrentTimestamp();
    if (!ok) {
        ereport(LOG, (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
                      errmsg("asyncmq launcher: could not start a scheduler: no background worker slot is free"),
                      errhint("Raise max_worker_processes.")));
        return;
    }
    r->handle = handle;
}

bool is_running(const Running &r) {
    pid_t pid;
    return r.handle != nullptr && GetBackgroundWorkerPid(r.handle, &pid) != BGWH_STOPPED;
}

// One pass: stop what is no longer wanted, start what is wanted and not running.
void launch(bool complain) {
    Oid wanted[max_schedulers];
    int nwanted = wanted_databases(wanted, complain);
    TimestampTz now = GetCurrentTimestamp();
    for (Running &r : running) {
        if (!OidIsValid(r.dboid))
            continue;
        bool keep = !database_dropping(r.dboid);
        bool listed = false;
        for (int i = 0; i < nwanted; i++)
            listed |= wanted[i] == r.dboid;
        if ((!listed || !keep) && r.handle != nullptr) {
            TerminateBackgroundWorker(r.handle);
            if (!is_running(r)) {
                pfree(r.handle);
                r.handle = nullptr;
            }
        }
        if (!listed && r.handle == nullptr)
            r.dboid = InvalidOid;
    }
    int serving = 0;
    for (int i = 0; i < nwanted; i++) {
        Running *r = nullptr;
        for (Running &e : running)
            if (e.dboid == wanted[i])
                r = &e;
        for (Running &e : running)
            if (r == nullptr && !OidIsValid(e.dboid)) {
                r = &e;
                r->dboid = wanted[i];
                r->started = 0;
            }
        if (r == nullptr || database_dropping(r->dboid))
            continue;
        if (is_running(*r)) {
            serving++;
            continue;
        }
        if (r->handle != nullptr) {
            pfree(r->handle);
            r->handle = nullptr;
        }
        if (r->started == 0 || TimestampDifferenceExceeds(r->started, now, 1000))
            start_scheduler(r);
    }
    pgstat_report_activity(STATE_IDLE, psprintf("serving %d of %d databases", serving, nwanted));
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" void asyncmq_launcher_main(Datum) {
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnection(nullptr, nullptr, 0); // the shared catalogs only
    pgstat_report_appname("asyncmq launcher");
    SchedulerShared *shared = scheduler_state();
    SpinLockAcquire(&shared->mutex);
    shared->launcher_pid = MyProcPid;
    shared->launcher_pgprocno = MyProc->pgprocno;
    SpinLockRelease(&shared->mutex);

    MemoryContext pass = AllocSetContextCreate(TopMemoryContext, "asyncmq launcher", ALLOCSET_DEFAULT_SIZES);
    bool complain = true;
    for (;;) {
        MemoryContextSwitchTo(pass);
        MemoryContextReset(pass);
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
            complain = true;
        }
        launch(complain);
        complain = false;
        // Woken by a reload, a scheduler starting or stopping (bgw_notify_pid), a DROP DATABASE; every
        // five seconds it also looks for databases of the list made since.
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 5000, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
}

namespace asyncmq {

void register_scheduling() {
    request_scheduler_state();
    install_drop_guard();
    BackgroundWorker w;
    fill_worker(&w, "asyncmq_launcher_main", "asyncmq launcher");
    strlcpy(w.bgw_name, "asyncmq launcher", BGW_MAXLEN);
    w.bgw_restart_time = 10;
    RegisterBackgroundWorker(&w);
}

} // namespace asyncmq
