// The asyncmq.* settings. Every value is checked when it is set (check hooks) and again where it
// is used, because a value set before this library was loaded never met a check hook.
#include "pg.hpp"

#include "messages.hpp"
#include "settings.hpp"

namespace asyncmq {
namespace {

char *jobs_table;
char *repeatables_table;
char *cancelled_jobs_table;
char *workers_heartbeat_table;
char *layout_value;
bool dequeue_index_on = false;
bool dependants_index_on = false;
int indexes_value = static_cast<int>(IndexSet::documented);
bool delete_completed_on = false;
bool wakeups_on = false;

// The scheduler's (README.md, Scheduler); AsyncMQ's names and defaults where it has the setting
// (asyncmq/conf/global_settings.py).
char *database_names_value;
double scan_interval_value = 1.0;
bool promote_delayed_on = true;
bool fire_repeatables_on = true;
bool stalled_check_on = false;
double stalled_threshold_value = 30.0;
double stalled_check_interval_value = 60.0;
bool retention_on = false;
double retention_completed_value = 7 * 86400;
double retention_failed_value = 30 * 86400;
double retention_expired_value = 7 * 86400;
double retention_workers_value = 86400;
int retention_batch_value = 1000;
int vacuum_dead_rows_value = 0;

// The settings defined below the table names, for the check of misspelt asyncmq.* names.
const char *const other_settings[] = {
    "asyncmq.layout",
    "asyncmq.dequeue_index",
    "asyncmq.dependants_index",
    "asyncmq.indexes",
    "asyncmq.delete_completed",
    "asyncmq.wakeups",
    "asyncmq.database_names",
    "asyncmq.scan_interval",
    "asyncmq.promote_delayed",
    "asyncmq.fire_repeatables",
    "asyncmq.enable_stalled_check",
    "asyncmq.stalled_threshold",
    "asyncmq.stalled_check_interval",
    "asyncmq.retention",
    "asyncmq.retention_completed",
    "asyncmq.retention_failed",
    "asyncmq.retention_expired",
    "asyncmq.retention_workers",
    "asyncmq.retention_batch_size",
    "asyncmq.vacuum_dead_rows",
};

struct TableSetting {
    TableKind kind;
    const char *name;
    const char *boot_value;
    char **variable;
    const char *description;
};

const config_enum_entry index_sets[] = {
    {"documented", static_cast<int>(IndexSet::documented), false},
    {"fast", static_cast<int>(IndexSet::fast), false},
    {nullptr, 0, false},
};

const TableSetting table_settings[] = {
    {TableKind::jobs, "asyncmq.postgres_jobs_table_name", "asyncmq_jobs", &jobs_table,
     "Name of AsyncMQ's jobs table (AsyncMQ's postgres_jobs_table_name)."},
    {TableKind::repeatables, "asyncmq.postgres_repeatables_table_name", "asyncmq_repeatables", &repeatables_table,
     "Name of AsyncMQ's repeatable jobs table (AsyncMQ's postgres_repeatables_table_name)."},
    {TableKind::cancelled_jobs, "asyncmq.postgres_cancelled_jobs_table_name", "asyncmq_cancelled_jobs",
     &cancelled_jobs_table, "Name of AsyncMQ's cancelled jobs table (AsyncMQ's postgres_cancelled_jobs_table_name)."},
    {TableKind::workers_heartbeat, "asyncmq.postgres_workers_heartbeat_table_name", "asyncmq_workers_heartbeat",
     &workers_heartbeat_table,
     "Name of AsyncMQ's workers heartbeat table, layouts 0.2 and later "
     "(AsyncMQ's postgres_workers_heartbeat_table_name)."},
};

const char *const name_hint =
    "Write a table name as in SQL, optionally with its schema: asyncmq_jobs, side.jobs or \"Odd Name\".";

// True while _PG_init defines the settings. Values set before the library was loaded are then
// kept as they are, even invalid ones: otherwise PostgreSQL would discard them with a WARNING and
// fall back to the default, and asyncmq_install(drop => true) would act on the default table
// instead of refusing. Every use checks the value again.
bool defining = false;

// Misspelt asyncmq.* settings found when the library was loaded, and the transaction that did it.
char *discarded_names = nullptr;
int discarded_count = 0;
LocalTransactionId discarded_in = InvalidLocalTransactionId;

// Our settings that held a value when the library was loaded, with the value's source: when
// PostgreSQL rejects a value as it defines the setting (a bool or enum it cannot read), it only
// warns and the setting keeps its default, so its source is no longer the value's.
struct HeldValue {
    const char *name;
    GucSource source;
};
HeldValue held_values[64];
int held_count = 0;
char *rejected_names = nullptr;
int rejected_count = 0;

const TableSetting *find_table_setting(TableKind kind) {
    for (const TableSetting &s : table_settings)
        if (s.kind == kind)
            return &s;
    return nullptr;
}

// A keyword that cannot stand unquoted where SQL expects a table or schema name (ColId).
bool reserved_keyword(const char *word) {
    int n = ScanKeywordLookup(word, &ScanKeywords);
    return n >= 0 &&
           (ScanKeywordCategories[n] == RESERVED_KEYWORD || ScanKeywordCategories[n] == TYPE_FUNC_NAME_KEYWORD);
}

// Checks value as the name of a table of this kind; on failure writes a sentence into problem.
bool check_table_value(const char *value, TableKind kind, SqlName *name, char *problem, size_t size) {
    if (!parse_sql_name(value, pg_mbcliplen, name, problem, size))
        return false;
    for (int i = 0; i < name->nparts; i++) {
        const NamePart &part = name->parts[i];
        if (!part.quoted && reserved_keyword(part.text)) {
            snprintf(problem, size, "\"%s\" is a reserved SQL keyword; write it in double quotes to use it as a name.",
                     part.text);
            return false;
        }
    }
    if (kind == TableKind::jobs) {
        size_t len = strlen(name->relation().text);
        size_t index_len = jobs_index_prefix_bytes + len + jobs_index_suffix_bytes;
        if (index_len > max_identifier_bytes) {
            snprintf(problem, size,
                     "The index name idx_%s_delay_until would be %zu bytes long, and PostgreSQL cuts names to %zu; "
                     "a jobs table name may have at most %zu bytes.",
                     name->relation().text, index_len, max_identifier_bytes,
                     max_identifier_bytes - jobs_index_prefix_bytes - jobs_index_suffix_bytes);
            return false;
        }
    }
    return true;
}

template <TableKind Kind> bool check_table_hook(char **newval, void **, GucSource) {
    if (defining || *newval == nullptr)
        return true;
    SqlName name;
    char problem[256];
    if (check_table_value(*newval, Kind, &name, problem, sizeof problem))
        return true;
    GUC_check_errdetail("%s", problem);
    GUC_check_errhint("%s", name_hint);
    return false;
}

bool check_layout_hook(char **newval, void **, GucSource) {
    if (defining || *newval == nullptr)
        return true;
    Layout layout;
    char problem[256];
    if (parse_release(*newval, pg_mbcliplen, &layout, problem, sizeof problem))
        return true;
    GUC_check_errdetail("%s", problem);
    GUC_check_errhint("%s", release_hint);
    return false;
}

bool is_our_setting(const char *name) {
    for (const char *other : other_settings)
        if (pg_strcasecmp(name, other) == 0)
            return true;
    for (const TableSetting &s : table_settings)
        if (pg_strcasecmp(name, s.name) == 0)
            return true;
    return false;
}

// Notes asyncmq.* placeholders that are none of ours, before MarkGUCPrefixReserved discards them.
void note_misspelt_settings() {
    struct config_generic **vars = get_guc_variables();
    int n = GetNumConfigOptions();
    StringInfoData names;

    initStringInfo(&names);
    for (int i = 0; i < n; i++) {
        const char *name = vars[i]->name;
        if (!(vars[i]->flags & GUC_CUSTOM_PLACEHOLDER) || pg_strncasecmp(name, "asyncmq.", 8) != 0)
            continue;
        if (is_our_setting(name)) {
            if (vars[i]->source != PGC_S_DEFAULT && held_count < static_cast<int>(lengthof(held_values)))
                held_values[held_count++] = {MemoryContextStrdup(TopMemoryContext, name), vars[i]->source};
            continue;
        }
        appendStringInfo(&names, "%s%s", discarded_count > 0 ? ", " : "", name);
        discarded_count++;
    }
    if (discarded_count > 0 && MyProc != nullptr) {
        discarded_names = MemoryContextStrdup(TopMemoryContext, names.data);
        discarded_in = MyProc->lxid;
    }
    pfree(names.data);
}

// Notes our settings whose value, set before the library was loaded, PostgreSQL rejected as it
// defined them (see HeldValue).
void note_rejected_settings() {
    struct config_generic **vars = get_guc_variables();
    int n = GetNumConfigOptions();
    StringInfoData names;

    initStringInfo(&names);
    for (int h = 0; h < held_count; h++)
        for (int i = 0; i < n; i++)
            if (pg_strcasecmp(vars[i]->name, held_values[h].name) == 0 && vars[i]->source != held_values[h].source) {
                appendStringInfo(&names, "%s\"%s\"", rejected_count > 0 ? ", " : "", vars[i]->name);
                rejected_count++;
            }
    if (rejected_count > 0 && MyProc != nullptr) {
        rejected_names = MemoryContextStrdup(TopMemoryContext, names.data);
        discarded_in = MyProc->lxid;
    }
    pfree(names.data);
}

// A number of seconds that a retention setting keeps jobs or rows of one kind; -1 keeps them.
void define_retention(const char *name, const char *what, double *variable, double boot) {
    // PostgreSQL keeps the description's pointer: it must live as long as the process.
    char *description = MemoryContextStrdup(
        TopMemoryContext, psprintf("Seconds the scheduler's retention keeps %s; -1 keeps them.", what));
    DefineCustomRealVariable(name, description, nullptr, variable, boot, -1, 1e9, PGC_USERSET, 0, nullptr, nullptr,
                             nullptr);
}

void define_scheduler_settings() {
    DefineCustomStringVariable("asyncmq.database_names",
                               "Databases whose registered AsyncMQ tables the scheduler keeps "
                               "moving, comma-separated.",
                               "Needs shared_preload_libraries = 'asyncmq'. Empty: no scheduler.",
                               &database_names_value, "", PGC_SIGHUP, GUC_LIST_INPUT, nullptr, nullptr, nullptr);
    DefineCustomRealVariable(
        "asyncmq.scan_interval",
        "Seconds between the scheduler's ticks when nothing is due sooner (AsyncMQ's scan_interval).", nullptr,
        &scan_interval_value, 1.0, 0.01, 3600, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("asyncmq.promote_delayed",
                             "Whether a tick makes due delayed jobs wait again (AsyncMQ's delayed_job_scanner).",
                             nullptr, &promote_delayed_on, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("asyncmq.fire_repeatables",
                             "Whether a tick enqueues the jobs of due repeatables (AsyncMQ's repeatable_scheduler).",
                             nullptr, &fire_repeatables_on, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("asyncmq.enable_stalled_check",
                             "Whether a tick puts back active jobs without a recent heartbeat (AsyncMQ's "
                             "enable_stalled_check).",
                             "Off, as in AsyncMQ: its workers save job heartbeats only when their own stalled check "
                             "is on, so recovery would run every long job again.",
                             &stalled_check_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomRealVariable("asyncmq.stalled_threshold",
                             "Seconds without a heartbeat after which an active job is stalled (AsyncMQ's "
                             "stalled_threshold).",
                             nullptr, &stalled_threshold_value, 30.0, 0, 1e9, PGC_USERSET, 0, nullptr, nullptr,
                             nullptr);
    DefineCustomRealVariable("asyncmq.stalled_check_interval",
                             "Seconds between the scheduler's stalled checks (AsyncMQ's stalled_check_interval).",
                             nullptr, &stalled_check_interval_value, 60.0, 0.01, 1e9, PGC_USERSET, 0, nullptr, nullptr,
                             nullptr);
    DefineCustomBoolVariable(
        "asyncmq.retention", "Whether a tick deletes finished jobs, markers of jobs that are gone and old worker rows.",
        "Off by default: AsyncMQ keeps every job.", &retention_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    define_retention("asyncmq.retention_completed", "completed jobs", &retention_completed_value, 7 * 86400);
    define_retention("asyncmq.retention_failed", "failed jobs", &retention_failed_value, 30 * 86400);
    define_retention("asyncmq.retention_expired", "expired jobs", &retention_expired_value, 7 * 86400);
    define_retention("asyncmq.retention_workers", "worker heartbeat rows after their last heartbeat",
                     &retention_workers_value, 86400);
    DefineCustomIntVariable("asyncmq.retention_batch_size", "Rows of one kind that one retention pass deletes at most.",
                            "A pass is one transaction: the bound keeps its locks short.", &retention_batch_value, 1000,
                            1, 1000000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("asyncmq.vacuum_dead_rows",
                            "Dead row versions in a registered jobs table after which the scheduler vacuums it; 0 "
                            "leaves it to autovacuum.",
                            "Taking a job leaves its waiting row's entry in the dequeue index until a vacuum, and "
                            "every later dequeue of the queue steps over it: between autovacuum's rounds a large "
                            "backlog's dequeues read ever more of them.",
                            &vacuum_dead_rows_value, 0, 0, INT_MAX, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

} // namespace

void define_settings() {
    note_misspelt_settings();
    defining = true;
    DefineCustomStringVariable(table_settings[0].name, table_settings[0].description, nullptr,
                               table_settings[0].variable, table_settings[0].boot_value, PGC_USERSET, 0,
                               check_table_hook<TableKind::jobs>, nullptr, nullptr);
    for (size_t i = 1; i < lengthof(table_settings); i++)
        DefineCustomStringVariable(table_settings[i].name, table_settings[i].description, nullptr,
                                   table_settings[i].variable, table_settings[i].boot_value, PGC_USERSET, 0,
                                   check_table_hook<TableKind::repeatables>, nullptr, nullptr);
    DefineCustomStringVariable("asyncmq.layout",
                               "AsyncMQ release whose table layout asyncmq_install() creates and checks.",
                               "0.1: the documented three tables; 0.2 adds the workers heartbeat table; "
                               "0.8 makes job ids unique per queue; 0.9 adds asyncmq_paused_queues.",
                               &layout_value, "0.1", PGC_USERSET, 0, check_layout_hook, nullptr, nullptr);
    DefineCustomBoolVariable("asyncmq.dequeue_index",
                             "Whether asyncmq_install() also makes the index idx_<jobs table>_dequeue.",
                             "A full index, status a key column, on the order in which AsyncMQ's dequeue takes "
                             "waiting jobs, so that a dequeue does not sort the whole backlog. It is not part of "
                             "AsyncMQ's layout.",
                             &dequeue_index_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("asyncmq.dependants_index",
                             "Whether asyncmq_install() also makes the index idx_<jobs table>_dependants.",
                             "A partial index on the jobs that wait for a parent, so that completing a job does "
                             "not read the queue's whole backlog to release its dependants. It is not part of "
                             "AsyncMQ's layout.",
                             &dependants_index_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomEnumVariable("asyncmq.indexes", "Which indexes asyncmq_install() makes on the jobs table.",
                             "documented: the layout's own, and the dequeue and dependants indexes when their "
                             "settings are on. fast: the dequeue and dependants indexes and the status index, "
                             "without idx_<jobs table>_queue_name and idx_<jobs table>_delay_until, which no "
                             "statement of the extension or of AsyncMQ needs once the dequeue index is there.",
                             &indexes_value, static_cast<int>(IndexSet::documented), index_sets, PGC_USERSET, 0,
                             nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("asyncmq.delete_completed",
                             "Whether asyncmq_complete and asyncmq_complete_many delete a completed job's row.",
                             "Off by default: AsyncMQ keeps a completed job with its result, which get_job_state, "
                             "get_job_result and list_jobs read back. On, completing writes no row version.",
                             &delete_completed_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable(
        "asyncmq.wakeups", "Whether the job lifecycle functions NOTIFY a queue's channel when its jobs become ready.",
        "Off by default: AsyncMQ's workers poll, and a transaction that notifies takes a database-wide lock at "
        "commit, so notifying transactions commit one at a time. Turn it on where workers LISTEN.",
        &wakeups_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    define_scheduler_settings();
    defining = false;
    note_rejected_settings();
    MarkGUCPrefixReserved("asyncmq");
}

const char *table_setting_name(TableKind kind) {
    const TableSetting *s = find_table_setting(kind);
    return s ? s->name : nullptr;
}

SqlName table_name_setting(TableKind kind) {
    SqlName name;
    char problem[256];
    const TableSetting *s = find_table_setting(kind);

    if (s == nullptr) {
        bool ok = parse_sql_name(paused_queues_table, pg_mbcliplen, &name, problem, sizeof problem);
        Assert(ok);
        (void)ok;
        return name;
    }
    if (!check_table_value(*s->variable, kind, &name, problem, sizeof problem))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("invalid value for parameter \"%s\": \"%s\"", s->name, excerpt_of(*s->variable)),
                        errdetail("%s", problem), errhint("%s", name_hint)));
    return name;
}

Layout layout_setting() {
    Layout layout;
    char problem[256];

    if (!parse_release(layout_value, pg_mbcliplen, &layout, problem, sizeof problem))
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("invalid value for parameter \"%s\": \"%s\"", "asyncmq.layout", excerpt_of(layout_value)),
                 errdetail("%s", problem), errhint("%s", release_hint)));
    return layout;
}

bool dequeue_index_setting() {
    return dequeue_index_on;
}

bool dependants_index_setting() {
    return dependants_index_on;
}

IndexSet indexes_setting() {
    return static_cast<IndexSet>(indexes_value);
}

bool delete_completed_setting() {
    return delete_completed_on;
}

bool wakeups_setting() {
    return wakeups_on;
}

const char *database_names_setting() {
    return database_names_value != nullptr ? database_names_value : "";
}

SchedulerSettings scheduler_settings() {
    SchedulerSettings s;
    s.scan_interval = scan_interval_value;
    s.promote_delayed = promote_delayed_on;
    s.fire_repeatables = fire_repeatables_on;
    s.stalled_check = stalled_check_on;
    s.stalled_threshold = stalled_threshold_value;
    s.stalled_check_interval = stalled_check_interval_value;
    s.retention = retention_on;
    s.retention_completed = retention_completed_value;
    s.retention_failed = retention_failed_value;
    s.retention_expired = retention_expired_value;
    s.retention_workers = retention_workers_value;
    s.retention_batch = retention_batch_value;
    s.vacuum_dead_rows = vacuum_dead_rows_value;
    return s;
}

void refuse_discarded_settings() {
    if (MyProc == nullptr || MyProc->lxid != discarded_in)
        return;
    if (rejected_names != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg(rejected_count == 1 ? "invalid value for parameter %s" : "invalid values for parameters %s",
                        rejected_names),
                 errdetail("A value set before the asyncmq library was loaded cannot be checked then; PostgreSQL "
                           "ignored it when the library was loaded because it could not read it."),
                 errhint("Set it again with a valid value; SELECT name, vartype, enumvals FROM pg_settings "
                         "WHERE name LIKE 'asyncmq.%%' lists the settings and their values.")));
    if (discarded_names == nullptr)
        return;
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg(discarded_count == 1 ? "unrecognized configuration parameter \"%s\""
                                                : "unrecognized configuration parameters %s",
                           discarded_names),
                    errdetail("It was set before the asyncmq library was loaded, and asyncmq has no such setting, "
                              "so PostgreSQL discarded it."),
                    errhint("Check the spelling; SELECT name FROM pg_settings WHERE name LIKE 'asyncmq.%%' "
                            "lists the settings.")));
}

} // namespace asyncmq
