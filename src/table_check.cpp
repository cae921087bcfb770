// The layout check: compares a relation's catalog entries with a TableSpec. It reads catalogs
// through the syscache, never through SQL, so search_path cannot change what it sees.
#include "table_check.hpp"

namespace asyncmq {
namespace {

Oid type_oid(ColType type) {
    switch (type) {
    case ColType::int4:
        return INT4OID;
    case ColType::text:
        return TEXTOID;
    case ColType::text_array:
        return TEXTARRAYOID;
    case ColType::jsonb:
        return JSONBOID;
    case ColType::float8:
        return FLOAT8OID;
    case ColType::timestamp:
        return TIMESTAMPOID;
    case ColType::timestamptz:
        return TIMESTAMPTZOID;
    case ColType::boolean:
        break;
    }
    return BOOLOID;
}

void add(List **problems, const char *fmt, const char *a, const char *b = nullptr, const char *c = nullptr) {
    *problems = lappend(*problems, psprintf(fmt, a, b, c));
}

bool in_spec(const TableSpec &spec, const char *name) {
    for (int i = 0; i < spec.ncolumns; i++)
        if (strcmp(spec.columns[i].name, name) == 0)
            return true;
    return false;
}

// A unique index that ON CONFLICT (columns) can infer: immediate, valid, no expressions, no
// predicate. Returns its key columns' numbers in keys and their count, else -1.
int usable_unique_key(Oid indexid, AttrNumber keys[INDEX_MAX_KEYS]) {
    HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
    if (!HeapTupleIsValid(tuple))
        elog(ERROR, "cache lookup failed for index %u", indexid);
    Form_pg_index index = (Form_pg_index)GETSTRUCT(tuple);
    int n = -1;
    if (index->indisunique && index->indimmediate && index->indisvalid &&
        heap_attisnull(tuple, Anum_pg_index_indexprs, nullptr) &&
        heap_attisnull(tuple, Anum_pg_index_indpred, nullptr)) {
        n = index->indnkeyatts;
        for (int i = 0; i < n; i++)
            keys[i] = index->indkey.values[i];
    }
    ReleaseSysCache(tuple);
    return n;
}

// Whether the n key columns are the columns of want, in any order (ON CONFLICT ignores order).
bool same_columns(const AttrNumber *keys, int n, const AttrNumber *want, int nwant) {
    if (n != nwant)
        return false;
    for (int i = 0; i < nwant; i++) {
        bool found = false;
        for (int j = 0; j < n; j++)
            found = found || keys[j] == want[i];
        if (!found)
            return false;
    }
    return true;
}

void check_keys(Relation rel, Layout layout, const TableSpec &spec, List **problems) {
    TupleDesc desc = RelationGetDescr(rel);
    AttrNumber want[2];
    for (int i = 0; i < spec.nkey; i++) {
        Form_pg_attribute att = find_column(desc, spec.key[i]);
        if (att == nullptr)
            return; // already reported as a missing column
        want[i] = att->attnum;
    }
    Form_pg_attribute forbidden = spec.forbidden_key ? find_column(desc, spec.forbidden_key) : nullptr;

    bool has_key = false, has_forbidden = false;
    List *indexes = RelationGetIndexList(rel);
    ListCell *lc;
    foreach (lc, indexes) {
        AttrNumber keys[INDEX_MAX_KEYS];
        int n = usable_unique_key(lfirst_oid(lc), keys);
        if (same_columns(keys, n, want, spec.nkey))
            has_key = true;
        if (forbidden != nullptr && n == 1 && keys[0] == forbidden->attnum)
            has_forbidden = true;
    }
    list_free(indexes);

    const char *key = spec.nkey == 1 ? spec.key[0] : psprintf("%s, %s", spec.key[0], spec.key[1]);
    if (!has_key)
        add(problems, "It has no unique key on (%s), which AsyncMQ %s's upserts name in ON CONFLICT.", key,
            layout_name(layout));
    if (has_forbidden)
        add(problems,
            "It has a unique key on (%s) alone, which AsyncMQ %s does not have: one %s could not be used "
            "in two queues.",
            spec.forbidden_key, layout_name(layout), spec.forbidden_key);
}

} // namespace

const char *relkind_words(char relkind) {
    switch (relkind) {
    case RELKIND_VIEW:
        return "a view";
    case RELKIND_MATVIEW:
        return "a materialized view";
    case RELKIND_FOREIGN_TABLE:
        return "a foreign table";
    case RELKIND_PARTITIONED_TABLE:
        return "a partitioned table";
    case RELKIND_INDEX:
    case RELKIND_PARTITIONED_INDEX:
        return "an index";
    case RELKIND_SEQUENCE:
        return "a sequence";
    case RELKIND_COMPOSITE_TYPE:
        return "a composite type";
    default:
        return "not an ordinary table";
    }
}

void check_table(Oid relid, Layout layout, const TableSpec &spec, CheckScope scope, List **problems) {
    char relkind = get_rel_relkind(relid);
    if (relkind != RELKIND_RELATION) {
        add(problems, "It is %s, not a table.", relkind_words(relkind));
        return;
    }
    // Held to the end of the transaction, so the table cannot change under the answer.
    Relation rel = table_open(relid, AccessShareLock);
    TupleDesc desc = RelationGetDescr(rel);

    for (int i = 0; i < spec.ncolumns; i++) {
        const ColumnSpec &col = spec.columns[i];
        Form_pg_attribute att = find_column(desc, col.name);
        Oid want = type_oid(col.type);
        if (att == nullptr) {
            add(problems, "Column %s is missing.", col.name);
            continue;
        }
        if (att->atttypid != want || att->atttypmod != -1) {
            add(problems, "Column %s has type %s; the layout needs %s.", col.name,
                format_type_with_typemod(att->atttypid, att->atttypmod), format_type_be(want));
            continue;
        }
        if (scope == CheckScope::columns)
            continue;
        bool has_default = att->atthasdef || att->attidentity != '\0';
        if (col.defaulted && !has_default)
            add(problems, "Column %s has no default; AsyncMQ's inserts leave it to the default.", col.name);
        if (att->attnotnull && col.nullable && !col.defaulted)
            add(problems, "Column %s is NOT NULL, but AsyncMQ writes NULL into it.", col.name);
    }
    if (scope == CheckScope::complete) {
        for (int i = 0; i < desc->natts; i++) {
            Form_pg_attribute att = TupleDescAttr(desc, i);
            if (att->attisdropped || in_spec(spec, NameStr(att->attname)))
                continue;
            if (att->attnotnull && !att->atthasdef && att->attidentity == '\0' && att->attgenerated == '\0')
                add(problems, "Column %s is NOT NULL without a default, and AsyncMQ's inserts do not fill it.",
                    quote_identifier(NameStr(att->attname)));
        }
        check_keys(rel, layout, spec, problems);
    }
    table_close(rel, NoLock);
}

// Whether index indexid, on jobs_relid, is the index spec describes: its key columns and
// expressions in place, and a predicate where the spec has one.
bool index_matches(Oid indexid, Oid jobs_relid, const IndexSpec &spec) {
    if (!OidIsValid(jobs_relid) || get_rel_relkind(indexid) != RELKIND_INDEX)
        return false;
    HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
    if (!HeapTupleIsValid(tuple))
        elog(ERROR, "cache lookup failed for index %u", indexid);
    Form_pg_index index = (Form_pg_index)GETSTRUCT(tuple);
    bool matches = index->indrelid == jobs_relid && index->indnatts == spec.nkeys &&
                   heap_attisnull(tuple, Anum_pg_index_indpred, nullptr) != spec.partial;
    bool expressions = false;
    for (int i = 0; matches && i < spec.nkeys; i++) {
        AttrNumber want = spec.keys[i] ? get_attnum(jobs_relid, spec.keys[i]) : 0;
        matches = index->indkey.values[i] == want;
        expressions = expressions || spec.keys[i] == nullptr;
    }
    matches = matches && heap_attisnull(tuple, Anum_pg_index_indexprs, nullptr) != expressions;
    ReleaseSysCache(tuple);
    return matches;
}

void check_jobs_indexes(Oid jobs_relid, Oid nspid, const char *jobs_relname, const IndexSpec *const specs[], int n,
                        bool missing[], List **problems) {
    for (int i = 0; i < n; i++) {
        char *name = psprintf("idx_%s%s", jobs_relname, specs[i]->suffix);
        Oid relid = OidIsValid(nspid) ? get_relname_relid(name, nspid) : InvalidOid;
        missing[i] = !OidIsValid(relid);
        if (!missing[i] && !index_matches(relid, jobs_relid, *specs[i]))
            add(problems, "Relation %s is not the index %s on the jobs table, so that index cannot be made.",
                quote_identifier(name), specs[i]->definition);
    }
}

Form_pg_attribute find_column(TupleDesc desc, const char *name) {
    for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
            return att;
    }
    return nullptr;
}

} // namespace asyncmq
