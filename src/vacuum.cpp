// See vacuum.hpp.
#include "vacuum.hpp"

#include "tables.hpp"

extern "C" {
#include "access/xact.h"
#include "commands/vacuum.h"
#include "parser/parse_node.h"
#include "pgstat.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
}

namespace asyncmq {
namespace {

struct Baseline {
    Oid relid;
    PgStat_Counter dead; // the fewest dead row versions seen since the last vacuum, or after it
};

Baseline *baseline_of(Oid relid) {
    static HTAB *baselines = nullptr;
    if (baselines == nullptr) {
        HASHCTL ctl = {};
        ctl.keysize = sizeof(Oid);
        ctl.entrysize = sizeof(Baseline);
        baselines = hash_create("asyncmq vacuum baselines", 16, &ctl, HASH_ELEM | HASH_BLOBS);
    }
    bool found;
    Baseline *b = (Baseline *)hash_search(baselines, &relid, HASH_ENTER, &found);
    if (!found)
        b->dead = 0;
    return b;
}

PgStat_Counter dead_rows(Oid relid) {
    PgStat_StatTabEntry *entry = pgstat_fetch_stat_tabentry(relid);
    return entry != nullptr ? entry->n_dead_tuples : 0;
}

} // namespace

Oid jobs_table_to_vacuum(int threshold) {
    Tables t;
    read_tables(&t);
    resolve_tables(&t);
    const Table &jobs = require_table(t, TableKind::jobs, nullptr);
    Baseline *b = baseline_of(jobs.relid);
    PgStat_Counter dead = dead_rows(jobs.relid);
    // Dead rows that a vacuum could not remove (a snapshot still sees them) wait for the next
    // threshold's worth instead of a vacuum at every tick; fewer means something vacuumed.
    b->dead = Min(b->dead, dead);
    if (dead - b->dead < threshold)
        return InvalidOid;
    // VACUUM's own rule; it would skip the table with a WARNING at every tick.
    if (!pg_class_ownercheck(jobs.relid, GetUserId()) && !pg_database_ownercheck(MyDatabaseId, GetUserId()))
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("must be the owner of table %s or of the database to vacuum it", jobs.qualified),
                        errhint("Register the tables as their owner, or set asyncmq.vacuum_dead_rows to 0 for the "
                                "role that registered them.")));
    return jobs.relid;
}

void vacuum_jobs_table(Oid relid) {
    VacuumStmt *stmt = makeNode(VacuumStmt);
    stmt->is_vacuumcmd = true;
    stmt->rels = list_make1(makeVacuumRelation(nullptr, relid, NIL));
    // Never wait behind autovacuum; always clean the indexes, which is what the vacuum is for;
    // never truncate, whose exclusive lock would stop the workers for a table that grows again.
    stmt->options = list_make3(makeDefElem(pstrdup("skip_locked"), nullptr, -1),
                               makeDefElem(pstrdup("index_cleanup"), (Node *)makeString(pstrdup("on")), -1),
                               makeDefElem(pstrdup("truncate"), (Node *)makeString(pstrdup("false")), -1));
    // VACUUM makes its memory under PortalContext, which a background worker has none of.
    MemoryContext portal = PortalContext;
    MemoryContext context = AllocSetContextCreate(CurrentMemoryContext, "asyncmq vacuum", ALLOCSET_DEFAULT_SIZES);
    PortalContext = context;
    PG_TRY();
    {
        StartTransactionCommand();
        ExecVacuum(make_parsestate(nullptr), stmt, true);
        baseline_of(relid)->dead = dead_rows(relid);
        CommitTransactionCommand();
    }
    PG_FINALLY();
    { PortalContext = portal; }
    PG_END_TRY();
    MemoryContextDelete(context);
}

} // namespace asyncmq
