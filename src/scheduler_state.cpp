// See scheduler_state.hpp; also asyncmq_scheduler_status().
#include "scheduler_state.hpp"

extern "C" {
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(asyncmq_scheduler_status);
}

namespace asyncmq {
namespace {

SchedulerShared *shared = nullptr;
shmem_request_hook_type previous_request = nullptr;
shmem_startup_hook_type previous_startup = nullptr;
bool wake_pending = false;
bool callback_registered = false;

void request_memory() {
    if (previous_request)
        previous_request();
    RequestAddinShmemSpace(MAXALIGN(sizeof(SchedulerShared)));
}

void startup_memory() {
    if (previous_startup)
        previous_startup();
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found;
    shared = (SchedulerShared *)ShmemInitStruct("asyncmq scheduler", sizeof(SchedulerShared), &found);
    if (!found) {
        memset(shared, 0, sizeof(SchedulerShared));
        SpinLockInit(&shared->mutex);
    }
    LWLockRelease(AddinShmemInitLock);
}

void set_latch_of(int pgprocno) {
    if (pgprocno >= 0 && pgprocno < (int)ProcGlobal->allProcCount)
        SetLatch(&ProcGlobal->allProcs[pgprocno].procLatch);
}

void at_commit(XactEvent event, void *) {
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
        wake_pending = false;
    if (event != XACT_EVENT_COMMIT || !wake_pending)
        return;
    wake_pending = false;
    int target = -1;
    SpinLockAcquire(&shared->mutex);
    for (const SchedulerSlot &slot : shared->slots)
        if (slot.dboid == MyDatabaseId && slot.pid != 0)
            target = slot.pgprocno;
    SpinLockRelease(&shared->mutex);
    set_latch_of(target);
}

} // namespace

void request_scheduler_state() {
    previous_request = shmem_request_hook;
    shmem_request_hook = request_memory;
    previous_startup = shmem_startup_hook;
    shmem_startup_hook = startup_memory;
}

SchedulerShared *scheduler_state() {
    return shared;
}

bool database_dropping(Oid dboid) {
    bool dropping = false;
    TimestampTz now = GetCurrentTimestamp();
    SpinLockAcquire(&shared->mutex);
    for (int i = 0; i < max_dropping; i++)
        dropping |= shared->dropping[i] == dboid && !TimestampDifferenceExceeds(shared->dropping_at[i], now, 60000);
    SpinLockRelease(&shared->mutex);
    return dropping;
}

void mark_dropping(Oid dboid, bool on) {
    TimestampTz now = GetCurrentTimestamp();
    SpinLockAcquire(&shared->mutex);
    int free_entry = -1;
    for (int i = 0; i < max_dropping; i++) {
        if (shared->dropping[i] == dboid) {
            shared->dropping[i] = InvalidOid;
            free_entry = i;
        } else if (free_entry < 0 && (!OidIsValid(shared->dropping[i]) ||
                                      TimestampDifferenceExceeds(shared->dropping_at[i], now, 60000))) {
            free_entry = i;
        }
    }
    if (on && free_entry >= 0) {
        shared->dropping[free_entry] = dboid;
        shared->dropping_at[free_entry] = now;
    }
    SpinLockRelease(&shared->mutex);
}

void wake_scheduler_at_commit() {
    if (shared == nullptr)
        return;
    if (!callback_registered) {
        RegisterXactCallback(at_commit, nullptr);
        callback_registered = true;
    }
    wake_pending = true;
}

void wake_launcher() {
    SpinLockAcquire(&shared->mutex);
    int target = shared->launcher_pid != 0 ? shared->launcher_pgprocno : -1;
    SpinLockRelease(&shared->mutex);
    set_latch_of(target);
}

} // namespace asyncmq

using namespace asyncmq;

// Each running (or last run) scheduler: its database, pid, what it is doing, its counts and
// its last error. No rows without preload.
extern "C" Datum asyncmq_scheduler_status(PG_FUNCTION_ARGS) {
    InitMaterializedSRF(fcinfo, 0);
    if (shared == nullptr)
        return (Datum)0;
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    SchedulerSlot copy[max_schedulers];
    SpinLockAcquire(&shared->mutex);
    memcpy(copy, shared->slots, sizeof copy);
    SpinLockRelease(&shared->mutex);
    for (const SchedulerSlot &slot : copy) {
        if (!OidIsValid(slot.dboid))
            continue;
        Datum values[12];
        bool nulls[12] = {};
        char *dbname = get_database_name(slot.dboid);
        values[0] = dbname ? CStringGetTextDatum(dbname) : (nulls[0] = true, (Datum)0);
        values[1] = slot.pid != 0 ? Int32GetDatum(slot.pid) : (nulls[1] = true, (Datum)0);
        values[2] = CStringGetTextDatum(slot.pid != 0 ? slot.state : "stopped");
        values[3] = TimestampTzGetDatum(slot.started);
        values[4] = slot.last_tick != 0 ? TimestampTzGetDatum(slot.last_tick) : (nulls[4] = true, (Datum)0);
        values[5] = Int64GetDatum(slot.ticks);
        values[6] = Int64GetDatum(slot.promoted);
        values[7] = Int64GetDatum(slot.fired);
        values[8] = Int64GetDatum(slot.recovered);
        values[9] = Int64GetDatum(slot.cleaned);
        values[10] = slot.last_error[0] ? CStringGetTextDatum(slot.last_error) : (nulls[10] = true, (Datum)0);
        values[11] = slot.last_error_at != 0 ? TimestampTzGetDatum(slot.last_error_at) : (nulls[11] = true, (Datum)0);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum)0;
}
