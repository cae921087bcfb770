// The session's plan cache; see statement.hpp.
//
// A plan is kept for the session under its statement and the tables it was made for: their OIDs
// and layout (the key) and their quoted names (checked on use, since a renamed table keeps its
// OID while a plan that PostgreSQL analyses again reads the name).
#include "statement.hpp"

#include "args.hpp"
#include "job_row.hpp"
#include "spi.hpp"

extern "C" {
#include "storage/bufmgr.h"
#include "utils/hsearch.h"
}

namespace asyncmq {

struct TablesKey {
    Layout layout;
    Oid relids[table_kind_count]; // by TableKind; InvalidOid where absent
};

struct PlanSet {
    TablesKey key; // first: the hash key
    char *names;   // the quoted names the plans were made with
    BlockNumber jobs_blocks;
    uint32 generation; // plans of an older generation are made again
};

namespace {

struct PlanKey {
    const Statement *stmt;
    TablesKey tables;
};

struct PlanEntry {
    PlanKey key; // first: the hash key
    SPIPlanPtr plan;
    uint32 generation;
};

HTAB *plan_sets = nullptr;
HTAB *plans = nullptr;

HTAB *make_table(const char *name, Size keysize, Size entrysize) {
    HASHCTL ctl = {};
    ctl.keysize = keysize;
    ctl.entrysize = entrysize;
    return hash_create(name, 64, &ctl, HASH_ELEM | HASH_BLOBS);
}

char *table_names(const Call &call) {
    StringInfoData names;
    initStringInfo(&names);
    for (int i = 0; i < call.tables.count; i++)
        appendStringInfo(&names, "%s|", call.tables.items[i].qualified);
    return names.data;
}

PlanSet *plan_set(const Call &call) {
    if (plan_sets == nullptr) {
        plan_sets = make_table("asyncmq plan sets", sizeof(TablesKey), sizeof(PlanSet));
        plans = make_table("asyncmq plans", sizeof(PlanKey), sizeof(PlanEntry));
    }
    TablesKey key;
    memset(&key, 0, sizeof key);
    key.layout = call.tables.layout;
    for (int i = 0; i < call.tables.count; i++)
        key.relids[static_cast<int>(call.tables.items[i].kind)] = call.tables.items[i].relid;
    bool found;
    PlanSet *set = (PlanSet *)hash_search(plan_sets, &key, HASH_ENTER, &found);
    char *names = table_names(call);
    if (!found || strcmp(set->names, names) != 0) {
        if (found)
            pfree(set->names);
        set->names = MemoryContextStrdup(TopMemoryContext, names);
        set->jobs_blocks = 0;
        set->generation = found ? set->generation + 1 : 0;
    }
    Relation jobs = table_open(call.jobs->relid, AccessShareLock);
    BlockNumber blocks = RelationGetNumberOfBlocks(jobs);
    table_close(jobs, NoLock);
    if (blocks > 2 * set->jobs_blocks + 8) {
        set->jobs_blocks = blocks;
        set->generation++;
    }
    return set;
}

const char *table_name(const Call &call, const char *name, size_t len) {
    auto is = [&](const char *word) { return strlen(word) == len && strncmp(name, word, len) == 0; };
    const Table *table = is("jobs")          ? call.jobs
                         : is("cancelled")   ? call.cancelled
                         : is("paused")      ? call.paused
                         : is("repeatables") ? find_table(call.tables, TableKind::repeatables)
                         : is("workers")     ? find_table(call.tables, TableKind::workers_heartbeat)
                                             : nullptr;
    if (table == nullptr)
        elog(ERROR, "asyncmq: a statement names {%.*s}, which the layout in force does not have", (int)len, name);
    return table->qualified;
}

// Copies a quoted literal ('...', '' inside) that starts at s; returns the character after it.
const char *copy_literal(const char *s, StringInfo out) {
    appendStringInfoChar(out, *s++);
    while (*s != '\0') {
        appendStringInfoChar(out, *s);
        if (*s++ == '\'') {
            if (*s != '\'')
                break;
            appendStringInfoChar(out, *s++);
        }
    }
    return s;
}

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
}

// The statement's SQL with the tables' names in place of {...} (outside literals).
char *with_tables(const Call &call, const Statement &stmt) {
    StringInfoData out;
    initStringInfo(&out);
    for (const char *part : stmt.sql) {
        for (const char *s = part; s != nullptr && *s != '\0';) {
            if (*s == '\'') {
                s = copy_literal(s, &out);
            } else if (*s == '{') {
                const char *end = strchr(s, '}');
                if (end == nullptr)
                    elog(ERROR, "asyncmq: unterminated {name} in a statement");
                size_t len = end - s - 1;
                if (len == 3 && strncmp(s + 1, "key", 3) == 0) {
                    const TableSpec &spec = *call.jobs->spec;
                    appendStringInfoString(&out, spec.key[0]);
                    if (spec.nkey == 2)
                        appendStringInfo(&out, ", %s", spec.key[1]);
                } else if (len == 8 && strncmp(s + 1, "unpaused", 8) == 0) {
                    if (call.paused != nullptr)
                        appendStringInfo(&out, "AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE p.queue_name = $queue)",
                                         call.paused->qualified);
                } else {
                    appendStringInfoString(&out, table_name(call, s + 1, len));
                }
                s = end + 1;
            } else {
                appendStringInfoChar(&out, *s++);
            }
        }
    }
    return out.data;
}

// The SQL with $1, $2... in place of the parameters' names (outside literals).
char *with_numbers(const char *sql, const Statement &stmt) {
    StringInfoData out;
    initStringInfo(&out);
    for (const char *s = sql; *s != '\0';) {
        if (*s == '\'') {
            s = copy_literal(s, &out);
        } else if (*s == '$' && name_char(s[1])) {
            const char *name = ++s;
            while (name_char(*s))
                s++;
            int n = 0;
            while (n < 16 && stmt.params[n].name != nullptr &&
                   !(strlen(stmt.params[n].name) == (size_t)(s - name) &&
                     strncmp(stmt.params[n].name, name, s - name) == 0))
                n++;
            if (n == 16 || stmt.params[n].name == nullptr)
                elog(ERROR, "asyncmq: a statement uses $%.*s, which it does not declare", (int)(s - name), name);
            appendStringInfo(&out, "$%d", n + 1);
        } else {
            appendStringInfoChar(&out, *s++);
        }
    }
    return out.data;
}

SPIPlanPtr prepare(const Call &call, const Statement &stmt) {
    Oid types[16];
    int nargs = 0;
    while (nargs < 16 && stmt.params[nargs].name != nullptr) {
        types[nargs] = stmt.params[nargs].type;
        nargs++;
    }
    char *sql = with_numbers(with_tables(call, stmt), stmt);
    SPIPlanPtr plan = SPI_prepare(sql, nargs, types);
    if (plan == nullptr)
        elog(ERROR, "asyncmq: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), sql);
    if (SPI_keepplan(plan) != 0)
        elog(ERROR, "asyncmq: SPI_keepplan failed");
    return plan;
}

SPIPlanPtr plan_of(const Call &call, const Statement &stmt) {
    PlanKey key;
    memset(&key, 0, sizeof key);
    key.stmt = &stmt;
    key.tables = call.plans->key;
    bool found;
    PlanEntry *entry = (PlanEntry *)hash_search(plans, &key, HASH_ENTER, &found);
    if (found && entry->plan != nullptr && entry->generation == call.plans->generation)
        return entry->plan;
    if (found && entry->plan != nullptr)
        SPI_freeplan(entry->plan);
    entry->plan = nullptr; // until prepare() returns: it may fail
    entry->plan = prepare(call, stmt);
    entry->generation = call.plans->generation;
    return entry->plan;
}

} // namespace

void begin_call(Call *call) {
    read_tables(&call->tables);
    resolve_tables(&call->tables);
    call->jobs = &require_table(call->tables, TableKind::jobs, nullptr);
    call->cancelled = &require_table(call->tables, TableKind::cancelled_jobs, nullptr);
    const Table *paused = find_table(call->tables, TableKind::paused_queues);
    call->paused = paused != nullptr ? &require_table(call->tables, TableKind::paused_queues, nullptr) : nullptr;
    call->plans = plan_set(*call);
    spi_connect(SearchPath::catalog_only);
}

void begin_call_needing(Call *call, TableKind kind, const char *function) {
    begin_call(call);
    require_table(call->tables, kind, function);
}

void end_call(Call *) {
    spi_finish(SearchPath::catalog_only);
}

uint64 run(const Call &call, const Statement &stmt, const Datum *values, const char *nulls) {
    SPIPlanPtr plan = plan_of(call, stmt);
    if (stmt.planner == Planner::as_is)
        return spi_run(plan, values, nulls, stmt.read_only, stmt.result);
    // As a function's SET clause does it: the old values come back at the end, or at the abort
    // of the transaction when the statement fails.
    int nest = NewGUCNestLevel();
    auto off = [](const char *setting) {
        (void)set_config_option(setting, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    };
    off("enable_seqscan");
    if (stmt.planner == Planner::in_index_order)
        off("enable_sort");
    off("jit");
    uint64 n = spi_run(plan, values, nulls, stmt.read_only, stmt.result);
    AtEOXact_GUC(true, nest);
    return n;
}

void begin_job_call(FunctionCallInfo fcinfo, JobCall *job) {
    job->queue = queue_arg(fcinfo, 0);
    job->job_id = text_arg(fcinfo, 1, "job_id");
    job->key[0] = CStringGetTextDatum(job->queue);
    job->key[1] = CStringGetTextDatum(job->job_id);
    begin_call(&job->call);
}

bool run_for_job(FunctionCallInfo fcinfo, const Statement &stmt) {
    JobCall job;
    begin_job_call(fcinfo, &job);
    int32 row;
    bool touched = false;
    if (find_job_row(job.call, job.queue, job.job_id, &row)) {
        Datum args[1] = {Int32GetDatum(row)};
        touched = run(job.call, stmt, args) > 0;
    }
    end_call(&job.call);
    return touched;
}

Datum column(int col, bool *isnull) {
    return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, isnull);
}

bool bool_column(int col) {
    bool isnull;
    Datum value = column(col, &isnull);
    return !isnull && DatumGetBool(value);
}

char *text_column(uint64 row, int col) {
    return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

void return_rows(ReturnSetInfo *rsinfo, int ncols) {
    Assert(ncols <= 4);
    for (uint64 i = 0; i < SPI_processed; i++) {
        Datum values[4];
        bool nulls[4];
        for (int c = 0; c < ncols; c++)
            values[c] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
}

} // namespace asyncmq
