// Reading the asyncmq.* settings into the tables of the layout; see targets.hpp.
#include "targets.hpp"

namespace asyncmq {
namespace {

constexpr TableKind all_kinds[] = {TableKind::jobs, TableKind::repeatables, TableKind::cancelled_jobs,
                                   TableKind::workers_heartbeat, TableKind::paused_queues};

} // namespace

void read_targets(Targets *t) {
    refuse_discarded_settings();
    t->layout = layout_setting();
    t->nindexes = jobs_index_specs(dequeue_index_setting(), dependants_index_setting(), t->indexes);
    t->count = 0;
    for (TableKind kind : all_kinds) {
        if (!layout_has(t->layout, kind))
            continue;
        Target *target = &t->items[t->count++];
        target->kind = kind;
        target->spec = &table_spec(t->layout, kind);
        target->setting = table_setting_name(kind);
        target->name = table_name_setting(kind);
    }
}

void resolve(Targets *t) {
    for (int i = 0; i < t->count; i++) {
        Target *target = &t->items[i];
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
            const Target &a = t->items[i], &b = t->items[j];
            if (strcmp(a.nspname, b.nspname) != 0 || strcmp(a.name.relation().text, b.name.relation().text) != 0)
                continue;
            const char *b_setting = b.setting ? b.setting : "the fixed name of AsyncMQ's paused queues table";
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%s and %s name the same table %s", a.setting, b_setting, a.qualified),
                            errdetail("Each AsyncMQ table needs a table of its own."),
                            errhint("Give %s another value.", a.setting)));
        }
}

} // namespace asyncmq
