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
bool wakeups_on = false;

struct TableSetting {
    TableKind kind;
    const char *name;
    const char *boot_value;
    char **variable;
    const char *description;
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
    if (pg_strcasecmp(name, "asyncmq.layout") == 0 || pg_strcasecmp(name, "asyncmq.dequeue_index") == 0 ||
        pg_strcasecmp(name, "asyncmq.dependants_index") == 0 || pg_strcasecmp(name, "asyncmq.wakeups") == 0)
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
        if (!(vars[i]->flags & GUC_CUSTOM_PLACEHOLDER) || pg_strncasecmp(name, "asyncmq.", 8) != 0 ||
            is_our_setting(name))
            continue;
        appendStringInfo(&names, "%s%s", discarded_count > 0 ? ", " : "", name);
        discarded_count++;
    }
    if (discarded_count > 0 && MyProc != nullptr) {
        discarded_names = MemoryContextStrdup(TopMemoryContext, names.data);
        discarded_in = MyProc->lxid;
    }
    pfree(names.data);
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
    DefineCustomBoolVariable(
        "asyncmq.wakeups", "Whether the job lifecycle functions NOTIFY a queue's channel when its jobs become ready.",
        "Off by default: AsyncMQ's workers poll, and a transaction that notifies takes a database-wide lock at "
        "commit, so notifying transactions commit one at a time. Turn it on where workers LISTEN.",
        &wakeups_on, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    defining = false;
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

bool wakeups_setting() {
    return wakeups_on;
}

void refuse_discarded_settings() {
    if (discarded_names == nullptr || MyProc == nullptr || MyProc->lxid != discarded_in)
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
