// asyncmq_install(drop), asyncmq_tables() and asyncmq_layout(): make, drop and inspect the tables
// of AsyncMQ's Postgres backend as the asyncmq.* settings name them.
#include <algorithm>

#include "pg.hpp"

#include "advisory.hpp"
#include "registry.hpp"
#include "spi.hpp"
#include "table_check.hpp"
#include "tables.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_install);
PG_FUNCTION_INFO_V1(asyncmq_tables);
PG_FUNCTION_INFO_V1(asyncmq_layout);
}

namespace asyncmq {
namespace {

// Installs and drops take turns, so that concurrent calls see each other's tables instead of
// racing on the catalogs. The key follows AsyncMQ's own advisory-lock names (asyncmq:<...>).
void lock_installs() {
    advisory_xact_lock("asyncmq:install");
    // What we waited for is committed; make the catalog caches show it.
    AcceptInvalidationMessages();
}

// Every way the target (if present) and, for the jobs table, its indexes fall short of the layout.
List *target_problems(const Tables &t, const Table &target, CheckScope scope, bool missing_indexes[]) {
    List *problems = NIL;
    if (OidIsValid(target.relid))
        check_table(target.relid, t.layout, *target.spec, scope, &problems);
    if (target.kind == TableKind::jobs && scope == CheckScope::complete)
        check_jobs_indexes(target.relid, target.nspid, target.name.relation().text, t.indexes, t.nindexes,
                           missing_indexes, &problems);
    return problems;
}

// Raises one ERROR naming every table that cannot serve and every difference, or returns.
void refuse_problems(List *const problems[], const Tables &t, bool dropping) {
    StringInfoData tables, detail;
    int ntables = 0;
    initStringInfo(&tables);
    initStringInfo(&detail);
    for (int i = 0; i < t.count; i++) {
        if (problems[i] == NIL)
            continue;
        appendStringInfo(&tables, "%s%s", ntables++ > 0 ? ", " : "", t.items[i].qualified);
        ListCell *lc;
        foreach (lc, problems[i])
            appendStringInfo(&detail, "%s%s: %s", detail.len > 0 ? "\n" : "", t.items[i].qualified,
                             (const char *)lfirst(lc));
    }
    if (ntables == 0)
        return;
    if (dropping)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg(ntables == 1 ? "table %s does not look like an AsyncMQ table"
                                            : "tables %s do not look like AsyncMQ tables",
                               tables.data),
                        errdetail("%s", detail.data),
                        errhint("asyncmq_install(drop => true) drops only tables with AsyncMQ's columns; "
                                "check the asyncmq.* settings, or drop the table yourself.")));
    ereport(ERROR, (errcode(ERRCODE_INVALID_TABLE_DEFINITION),
                    errmsg(ntables == 1 ? "table %s cannot serve AsyncMQ layout %s"
                                        : "tables %s cannot serve AsyncMQ layout %s",
                           tables.data, layout_name(t.layout)),
                    errdetail("%s", detail.data),
                    errhint("Set asyncmq.layout to the AsyncMQ release the tables were made for, or change or rename "
                            "what is listed; asyncmq_install() never alters an existing table or index.")));
}

// Checked before anything is made, so the error names the setting rather than quoting our DDL.
void require_create(const Table &target) {
    if (pg_namespace_aclcheck(target.nspid, GetUserId(), ACL_CREATE) == ACLCHECK_OK)
        return;
    const char *role = GetUserNameFromId(GetUserId(), false);
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied for schema %s", target.nspname),
                    errdetail("asyncmq_install() would make %s there as role %s.", target.qualified, role),
                    errhint("GRANT CREATE ON SCHEMA %s TO %s, or name another schema%s%s.",
                            quote_identifier(target.nspname), quote_identifier(role), target.setting ? " in " : "",
                            target.setting ? target.setting : " first on search_path")));
}

char *create_table_sql(const Table &target) {
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(&sql, "CREATE TABLE IF NOT EXISTS %s (", target.qualified);
    for (int i = 0; i < target.spec->ncolumns; i++)
        appendStringInfo(&sql, "%s\n  %s %s", i > 0 ? "," : "", target.spec->columns[i].name,
                         target.spec->columns[i].ddl);
    if (target.spec->table_constraint != nullptr)
        appendStringInfo(&sql, ",\n  %s", target.spec->table_constraint);
    appendStringInfoString(&sql, "\n)");
    return sql.data;
}

// A new table would hide one of the same name further down search_path, and AsyncMQ's
// unqualified statements would move to the new, empty table: refuse rather than strand the jobs.
void refuse_shadowing(const Table &target) {
    if (OidIsValid(target.relid) || target.name.schema() != nullptr)
        return;
    Oid visible = RelnameGetRelid(target.name.relation().text);
    if (!OidIsValid(visible))
        return;
    const char *existing =
        quote_qualified_identifier(get_namespace_name(get_rel_namespace(visible)), target.name.relation().text);
    ereport(ERROR, (errcode(ERRCODE_DUPLICATE_TABLE),
                    errmsg("making %s would hide %s from AsyncMQ", target.qualified, existing),
                    errdetail("%s comes first on search_path, so AsyncMQ's statements would use the new, empty "
                              "table instead of %s.",
                              quote_identifier(target.nspname), existing),
                    errhint("Name the existing table with its schema%s%s, or put its schema first on search_path.",
                            target.setting ? " in " : "", target.setting ? target.setting : "")));
}

void install(const Tables &t) {
    List *problems[table_kind_count] = {};
    bool missing_indexes[max_jobs_indexes] = {};

    for (int i = 0; i < t.count; i++) {
        const Table &target = t.items[i];
        if (!OidIsValid(target.nspid))
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_SCHEMA_NAME), errmsg("schema \"%s\" does not exist", target.nspname),
                     errdetail("%s is \"%s\".", target.setting, GetConfigOption(target.setting, false, false)),
                     errhint("Create the schema first, or change %s.", target.setting)));
        refuse_shadowing(target);
        problems[i] = target_problems(t, target, CheckScope::complete, missing_indexes);
    }
    refuse_problems(problems, t, false);
    for (int i = 0; i < t.count; i++) {
        bool makes_index = t.items[i].kind == TableKind::jobs &&
                           std::any_of(missing_indexes, missing_indexes + t.nindexes, [](bool m) { return m; });
        if (!OidIsValid(t.items[i].relid) || makes_index)
            require_create(t.items[i]);
    }

    spi_connect(SearchPath::caller);
    for (int i = 0; i < t.count; i++) {
        const Table &target = t.items[i];
        if (!OidIsValid(target.relid)) {
            spi_exec(create_table_sql(target));
            ereport(DEBUG1, (errmsg("asyncmq: created table %s", target.qualified)));
        }
        if (target.kind != TableKind::jobs)
            continue;
        for (int k = 0; k < t.nindexes; k++) {
            if (!missing_indexes[k])
                continue;
            char *index = psprintf("idx_%s%s", target.name.relation().text, t.indexes[k]->suffix);
            spi_exec(psprintf("CREATE INDEX IF NOT EXISTS %s ON %s%s", quote_identifier(index), target.qualified,
                              t.indexes[k]->definition));
            ereport(DEBUG1, (errmsg("asyncmq: created index %s on %s", quote_identifier(index), target.qualified)));
        }
    }
    spi_finish(SearchPath::caller);
}

void drop(const Tables &t) {
    List *problems[table_kind_count] = {};
    for (int i = 0; i < t.count; i++)
        problems[i] = target_problems(t, t.items[i], CheckScope::columns, nullptr);
    refuse_problems(problems, t, true);

    spi_connect(SearchPath::caller);
    for (int i = 0; i < t.count; i++) {
        if (!OidIsValid(t.items[i].relid))
            continue;
        // RESTRICT: a view or foreign key that depends on the table stops the drop.
        spi_exec(psprintf("DROP TABLE IF EXISTS %s RESTRICT", t.items[i].qualified));
        ereport(DEBUG1, (errmsg("asyncmq: dropped table %s", t.items[i].qualified)));
    }
    spi_finish(SearchPath::caller);
}

Datum text_array(List *strings) {
    int n = list_length(strings);
    Datum *items = (Datum *)palloc(sizeof(Datum) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        items[i] = CStringGetTextDatum((const char *)list_nth(strings, i));
    return PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
}

} // namespace
} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_install(PG_FUNCTION_ARGS) {
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("drop must not be null"),
                        errhint("Pass drop => false to make the tables or drop => true to drop them.")));
    bool dropping = PG_GETARG_BOOL(0);
    if (creating_extension)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("asyncmq_install() cannot run inside CREATE EXTENSION or ALTER EXTENSION"),
                        errdetail("Tables made there would belong to an extension; AsyncMQ's DROP TABLE and "
                                  "pg_dump need them to belong to a role."),
                        errhint("Call asyncmq_install() after the extension is created.")));
    Tables tables;
    read_tables(&tables);
    lock_installs();
    resolve_tables(&tables);
    // The registry follows, so that the scheduler keeps these tables moving (or leaves them).
    if (dropping) {
        drop(tables);
        registry_forget(tables);
    } else {
        install(tables);
        registry_record(tables);
    }
    PG_RETURN_VOID();
}

extern "C" Datum asyncmq_tables(PG_FUNCTION_ARGS) {
    Tables tables;
    read_tables(&tables);
    resolve_tables(&tables);

    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    for (int i = 0; i < tables.count; i++) {
        const Table &target = tables.items[i];
        bool missing_indexes[max_jobs_indexes];
        List *problems = NIL;
        if (OidIsValid(target.nspid))
            problems = target_problems(tables, target, CheckScope::complete, missing_indexes);
        else
            problems = list_make1(psprintf("Schema %s does not exist.", quote_identifier(target.nspname)));

        Datum values[6];
        bool nulls[6] = {};
        values[0] = CStringGetTextDatum(table_kind_name(target.kind));
        values[1] = target.setting ? CStringGetTextDatum(target.setting) : (nulls[1] = true, (Datum)0);
        values[2] = CStringGetTextDatum(target.qualified);
        values[3] = BoolGetDatum(OidIsValid(target.relid));
        values[4] = OidIsValid(target.relid) ? ObjectIdGetDatum(target.relid) : (nulls[4] = true, (Datum)0);
        values[5] = text_array(problems);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum)0;
}

extern "C" Datum asyncmq_layout(PG_FUNCTION_ARGS) {
    refuse_discarded_settings();
    PG_RETURN_TEXT_P(cstring_to_text(layout_name(layout_setting())));
}
