// See registry.hpp; also asyncmq_register() and asyncmq_unregister().
#include "registry.hpp"

#include "scheduler_state.hpp"

#include "spi.hpp"

extern "C" {
#include "access/genam.h"
#include "access/tableam.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(asyncmq_register);
PG_FUNCTION_INFO_V1(asyncmq_unregister);
}

namespace asyncmq {
namespace {

constexpr char registry_table[] = "asyncmq_registry";

char *registry_name() {
    Oid relid = registry_relid();
    return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), registry_table);
}

// Runs one statement of the registry with text parameters (nullptr: NULL); returns SPI_processed.
uint64 exec(const char *sql, int nargs, const char *const *texts, int expected) {
    Oid types[8] = {};
    Datum values[8] = {};
    char nulls[8] = {};
    for (int i = 0; i < nargs; i++) {
        types[i] = TEXTOID;
        values[i] = texts[i] ? CStringGetTextDatum(texts[i]) : (Datum)0;
        nulls[i] = texts[i] ? ' ' : 'n';
    }
    int rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
    if (rc != expected)
        elog(ERROR, "asyncmq: a statement of the registry returned %s", SPI_result_code_string(rc));
    return SPI_processed;
}

// Whether the registry holds a row for this jobs table, committed or our own, whatever the
// transaction's snapshot: under REPEATABLE READ an insert that meets a row committed since the
// snapshot was taken fails instead of doing nothing, and a concurrent install may have made it.
bool recorded_now(Oid relid, const char *jobs_table) {
    Relation rel = table_open(relid, AccessShareLock);
    TableScanDesc scan = table_beginscan(rel, GetLatestSnapshot(), 0, nullptr);
    TupleTableSlot *slot = table_slot_create(rel, nullptr);
    bool found = false;
    while (!found && table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
        bool isnull;
        Datum name = slot_getattr(slot, 1, &isnull);
        found = !isnull && strcmp(TextDatumGetCString(name), jobs_table) == 0;
    }
    ExecDropSingleTupleTableSlot(slot);
    table_endscan(scan);
    table_close(rel, AccessShareLock);
    return found;
}

const char *table_name_of(const Tables &t, TableKind kind) {
    const Table *table = find_table(t, kind);
    return table != nullptr ? table->qualified : nullptr;
}

// Resolves the tables in force for asyncmq_register() and asyncmq_unregister().
void tables_in_force(Tables *t, bool need_present) {
    if (!OidIsValid(registry_relid()))
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("the asyncmq extension has no registry in this database"),
                        errhint("Update the extension: ALTER EXTENSION asyncmq UPDATE.")));
    read_tables(t);
    resolve_tables(t);
    if (need_present)
        for (int i = 0; i < t->count; i++)
            require_table(*t, t->items[i].kind, "asyncmq_register()");
}

} // namespace

Oid registry_relid() {
    // The extension's schema, read from pg_extension (PostgreSQL 15 exports no function for it).
    Oid nsp = InvalidOid;
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ, CStringGetDatum("asyncmq"));
    Relation rel = table_open(ExtensionRelationId, AccessShareLock);
    SysScanDesc scan = systable_beginscan(rel, ExtensionNameIndexId, true, nullptr, 1, &key);
    HeapTuple tuple = systable_getnext(scan);
    if (HeapTupleIsValid(tuple))
        nsp = ((Form_pg_extension)GETSTRUCT(tuple))->extnamespace;
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return OidIsValid(nsp) ? get_relname_relid(registry_table, nsp) : InvalidOid;
}

void registry_record(const Tables &t) {
    Oid relid = registry_relid();
    if (!OidIsValid(relid))
        return; // the extension's 1.0 objects, with this library: nothing to record in
    const char *values[7];
    for (int k = 0; k < table_kind_count; k++)
        values[k] = table_name_of(t, static_cast<TableKind>(k));
    values[5] = layout_name(t.layout);
    values[6] = psprintf("%u", GetUserId());
    char *registry = registry_name();
    spi_connect(SearchPath::catalog_only);
    // Row-level security limits the update to the caller's own row, a set another role
    // registered is left to it; a row that says the same already is not written again.
    exec(psprintf("UPDATE %s SET repeatables_table = $2, cancelled_jobs_table = $3, "
                  "workers_heartbeat_table = $4, paused_queues_table = $5, layout = $6 "
                  "WHERE jobs_table = $1 AND (repeatables_table, cancelled_jobs_table, workers_heartbeat_table, "
                  "paused_queues_table, layout) IS DISTINCT FROM ($2, $3, $4, $5, $6)",
                  registry),
         6, values, SPI_OK_UPDATE);
    if (!recorded_now(relid, values[0]))
        exec(psprintf("INSERT INTO %s (jobs_table, repeatables_table, cancelled_jobs_table, workers_heartbeat_table, "
                      "paused_queues_table, layout, owner) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7::pg_catalog.oid::pg_catalog.regrole) "
                      "ON CONFLICT (jobs_table) DO NOTHING",
                      registry),
             7, values, SPI_OK_INSERT);
    spi_finish(SearchPath::catalog_only);
    wake_scheduler_at_commit(); // a set to serve from now
}

bool registry_forget(const Tables &t) {
    if (!OidIsValid(registry_relid()))
        return false;
    const char *values[1] = {table_name_of(t, TableKind::jobs)};
    char *registry = registry_name();
    spi_connect(SearchPath::catalog_only);
    uint64 n = exec(psprintf("DELETE FROM %s WHERE jobs_table = $1", registry), 1, values, SPI_OK_DELETE);
    spi_finish(SearchPath::catalog_only);
    return n > 0;
}

RegisteredSet *registry_sets(int *count) {
    *count = 0;
    if (!OidIsValid(registry_relid()))
        return nullptr;
    char *registry = registry_name();
    MemoryContext caller = CurrentMemoryContext;
    spi_connect(SearchPath::catalog_only);
    uint64 n = exec(psprintf("SELECT jobs_table, repeatables_table, cancelled_jobs_table, workers_heartbeat_table, "
                             "paused_queues_table, layout, owner::pg_catalog.oid FROM %s ORDER BY jobs_table",
                             registry),
                    0, nullptr, SPI_OK_SELECT);
    RegisteredSet *sets = (RegisteredSet *)MemoryContextAllocZero(caller, sizeof(RegisteredSet) * (n > 0 ? n : 1));
    for (uint64 i = 0; i < n; i++) {
        HeapTuple row = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        for (int k = 0; k < table_kind_count; k++) {
            char *name = SPI_getvalue(row, desc, k + 1);
            sets[i].names[k] = name ? MemoryContextStrdup(caller, name) : nullptr;
        }
        sets[i].layout = MemoryContextStrdup(caller, SPI_getvalue(row, desc, 6));
        bool isnull;
        sets[i].owner = DatumGetObjectId(SPI_getbinval(row, desc, 7, &isnull));
    }
    spi_finish(SearchPath::catalog_only);
    *count = (int)n;
    return sets;
}

} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_register(PG_FUNCTION_ARGS) {
    Tables tables;
    tables_in_force(&tables, true);
    registry_record(tables);
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_unregister(PG_FUNCTION_ARGS) {
    Tables tables;
    tables_in_force(&tables, false);
    PG_RETURN_BOOL(registry_forget(tables));
}
