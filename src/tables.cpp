// The tables in force; see tables.hpp.
#include "tables.hpp"

#include "table_check.hpp"

#include <initializer_list>

namespace asyncmq {
namespace {

constexpr TableKind all_kinds[] = {TableKind::jobs, TableKind::repeatables, TableKind::cancelled_jobs,
                                   TableKind::workers_heartbeat, TableKind::paused_queues};

} // namespace

void read_tables(Tables *t) {
    refuse_discarded_settings();
    t->layout = layout_setting();
    t->nindexes = jobs_index_specs(indexes_setting(), dequeue_index_setting(), dependants_index_setting(), t->indexes);
    t->count = 0;
    for (TableKind kind : all_kinds) {
        if (!layout_has(t->layout, kind))
            continue;
        Table *target = &t->items[t->count++];
        target->kind = kind;
        target->spec = &table_spec(t->layout, kind);
        target->setting = table_setting_name(kind);
        target->name = table_name_setting(kind);
    }
}

void resolve_tables(Tables *t) {
    for (int i = 0; i < t->count; i++) {
        Table *target = &t->items[i];
        const NamePart *schema = target->name.schema();
        const char *relname = target->name.relation().text;
        if (schema != nullptr) {
            target->nspname = schema->text;
            target->nspid = get_namespace_oid(schema->text, true);
        } else {
            target->nspid = RangeVarGetCreationNamespace(makeRangeVar(nullptr, pstrdup(relname), -1));
            target->nspname = get_namespace_name(target->nspid);
        }
        target->relid = OidIsValid(target->nspid) ? get_relname_relid(relname, target->nspid) : InvalidOid;
        target->qualified = quote_qualified_identifier(target->nspname, relname);
    }
    for (int i = 0; i < t->count; i++)
        for (int j = i + 1; j < t->count; j++) {
            const Table &a = t->items[i], &b = t->items[j];
            if (strcmp(a.nspname, b.nspname) != 0 || strcmp(a.name.relation().text, b.name.relation().text) != 0)
                continue;
            const char *b_setting = b.setting ? b.setting : "the fixed name of AsyncMQ's paused queues table";
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%s and %s name the same table %s", a.setting, b_setting, a.qualified),
                            errdetail("Each AsyncMQ table needs a table of its own."),
                            errhint("Give %s another value.", a.setting)));
        }
}

const Table *find_table(const Tables &t, TableKind kind) {
    for (int i = 0; i < t.count; i++)
        if (t.items[i].kind == kind)
            return &t.items[i];
    return nullptr;
}

const Table &require_table(const Tables &t, TableKind kind, const char *function) {
    const Table *table = find_table(t, kind);
    if (table == nullptr) {
        Layout first = Layout::v0_9;
        for (Layout l : {Layout::v0_9, Layout::v0_8, Layout::v0_2, Layout::v0_1})
            if (layout_has(l, kind))
                first = l;
        const char *words = kind == TableKind::paused_queues ? "paused queues" : "workers heartbeat";
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s needs AsyncMQ layout %s or later", function, layout_name(first)),
                        errdetail("asyncmq.layout is %s, whose tables have no %s table.", layout_name(t.layout), words),
                        errhint("Set asyncmq.layout to %s or later and run asyncmq_install().", layout_name(first))));
    }
    if (!OidIsValid(table->relid))
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("table %s does not exist", table->qualified),
                 table->setting
                     ? errdetail("%s is \"%s\".", table->setting, GetConfigOption(table->setting, false, false))
                     : 0,
                 errhint("Make AsyncMQ's tables with SELECT asyncmq_install(), or check the asyncmq.* settings.")));
    // The lifecycle's statements need ordinary tables, as install makes them: a view's rules or
    // triggers could turn an UPDATE into anything, and the row locks would lock nothing.
    char relkind = get_rel_relkind(table->relid);
    if (relkind != RELKIND_RELATION)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("%s is not a table", table->qualified),
                        errdetail("It is %s; AsyncMQ's statements need an ordinary table.", relkind_words(relkind)),
                        table->setting ? errhint("Point %s at a table made by asyncmq_install().", table->setting)
                                       : errhint("Make AsyncMQ's tables with SELECT asyncmq_install().")));
    return *table;
}

} // namespace asyncmq
