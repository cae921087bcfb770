// See job_row.hpp.
#include "job_row.hpp"
#include "table_check.hpp"

extern "C" {
#include "access/genam.h"
#include "access/nbtree.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace asyncmq {
namespace {

AttrNumber column_number(TupleDesc desc, const char *name) {
    Form_pg_attribute att = find_column(desc, name);
    return att != nullptr ? att->attnum : InvalidAttrNumber;
}

// The valid unique index whose key columns are exactly the layout's key, in its order; when
// there is none, nullptr if missing_ok, else ERROR.
Relation open_key_index(Relation jobs, const TableSpec &spec, const AttrNumber key[2], bool missing_ok) {
    List *indexes = RelationGetIndexList(jobs);
    ListCell *lc;
    foreach (lc, indexes) {
        Relation index = index_open(lfirst_oid(lc), AccessShareLock);
        Form_pg_index form = index->rd_index;
        bool matches = form->indisunique && form->indisvalid && index->rd_rel->relam == BTREE_AM_OID &&
                       form->indnkeyatts == spec.nkey && RelationGetIndexPredicate(index) == NIL;
        for (int i = 0; matches && i < spec.nkey; i++)
            matches = form->indkey.values[i] == key[i];
        if (matches) {
            list_free(indexes);
            return index;
        }
        index_close(index, AccessShareLock);
    }
    list_free(indexes);
    if (missing_ok)
        return nullptr;
    ereport(ERROR, (errcode(ERRCODE_INVALID_TABLE_DEFINITION),
                    errmsg("table %s has no unique index on its job key", RelationGetRelationName(jobs)),
                    errdetail("A call on one job finds its row through a unique index on (%s), as AsyncMQ's "
                              "upserts name that key in ON CONFLICT.",
                              spec.nkey == 1 ? spec.key[0] : psprintf("%s, %s", spec.key[0], spec.key[1])),
                    errhint("SELECT problems FROM asyncmq_tables() lists what the table lacks.")));
    return nullptr;
}

// find_job_rows with the given snapshot; -1 when the table has no key index and missing_ok.
int find_rows(const Call &call, const char *queue, const char *const job_ids[], int n, Datum rows[], Snapshot taken,
              bool missing_ok = false) {
    Relation jobs = table_open(call.jobs->relid, AccessShareLock);
    TupleDesc desc = RelationGetDescr(jobs);
    const TableSpec &spec = *call.jobs->spec;
    AttrNumber key[2] = {InvalidAttrNumber, InvalidAttrNumber};
    for (int i = 0; i < spec.nkey; i++)
        key[i] = column_number(desc, spec.key[i]);
    AttrNumber id_column = column_number(desc, "id");
    AttrNumber queue_column = column_number(desc, "queue_name");
    Relation index = open_key_index(jobs, spec, key, missing_ok);
    if (index == nullptr) {
        table_close(jobs, AccessShareLock);
        return -1;
    }

    Snapshot snapshot = RegisterSnapshot(taken);
    IndexScanDesc scan = index_beginscan(jobs, index, snapshot, spec.nkey, 0);
    TupleTableSlot *slot = table_slot_create(jobs, nullptr);
    int found = 0;
    for (int j = 0; j < n; j++) {
        if (job_ids[j] == nullptr)
            continue;
        ScanKeyData keys[2];
        for (int i = 0; i < spec.nkey; i++)
            ScanKeyEntryInitialize(&keys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid, index->rd_indcollation[i],
                                   F_TEXTEQ,
                                   CStringGetTextDatum(strcmp(spec.key[i], "queue_name") == 0 ? queue : job_ids[j]));
        index_rescan(scan, keys, spec.nkey, nullptr, 0);
        while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
            bool id_null, queue_null;
            Datum id = slot_getattr(slot, id_column, &id_null);
            // Before layout 0.8 the key is job_id alone: the row must be of this queue too.
            Datum row_queue = slot_getattr(slot, queue_column, &queue_null);
            if (id_null || queue_null || strcmp(TextDatumGetCString(row_queue), queue) != 0)
                continue;
            rows[found++] = id;
            break;
        }
    }
    ExecDropSingleTupleTableSlot(slot);
    index_endscan(scan);
    UnregisterSnapshot(snapshot);
    index_close(index, AccessShareLock);
    table_close(jobs, AccessShareLock);
    return found;
}

} // namespace

int find_job_rows(const Call &call, const char *queue, const char *const job_ids[], int n, Datum rows[]) {
    return find_rows(call, queue, job_ids, n, rows, GetLatestSnapshot());
}

bool find_job_row(const Call &call, const char *queue, const char *job_id, int32 *row) {
    Datum found;
    if (find_job_rows(call, queue, &job_id, 1, &found) == 0)
        return false;
    *row = DatumGetInt32(found);
    return true;
}

bool find_visible_job_row(const Call &call, const char *queue, const char *job_id, int32 *row, bool *keyless) {
    Datum found;
    int n = find_rows(call, queue, &job_id, 1, &found, GetTransactionSnapshot(), true);
    *keyless = n < 0;
    if (n <= 0)
        return false;
    *row = DatumGetInt32(found);
    return true;
}

} // namespace asyncmq
