// The tables in force: the layout's tables as the asyncmq.* settings name them and the catalogs
// find them. Install, drop, the layout check and every lifecycle function work on these, and the
// errors for a table that is missing, is not a table or is not in the layout are raised here.
#pragma once

#include "pg.hpp"

#include "layout.hpp"
#include "settings.hpp"

namespace asyncmq {

// One table of the layout.
struct Table {
    TableKind kind;
    const TableSpec *spec;
    const char *setting; // the setting that names it, or nullptr
    SqlName name;
    Oid nspid;             // InvalidOid: the schema does not exist
    const char *nspname;   // the schema, named or chosen by search_path
    Oid relid;             // InvalidOid: no such relation
    const char *qualified; // schema.table, quoted for SQL
};

struct Tables {
    Layout layout;
    int count;
    Table items[table_kind_count];
    int nindexes; // the jobs table's indexes: the documented ones, then the dequeue and dependants indexes if on
    const IndexSpec *indexes[max_jobs_indexes];
};

// Reads and checks every setting the layout needs (ERROR on a bad one), touching no catalog.
void read_tables(Tables *t);

// Finds each table where AsyncMQ's statements reach it: a schema-qualified name in its schema,
// an unqualified one in the schema where CREATE TABLE would put it (the first existing schema on
// search_path). Install and drop act on that same table, never on one further down the path.
// ERROR when two settings name the same table.
void resolve_tables(Tables *t);

// The table of this kind, or nullptr when the layout has none.
const Table *find_table(const Tables &t, TableKind kind);

// The table of this kind, which the caller's statements need: ERROR 0A000 when the layout has
// none (function names the caller), 42P01 when it does not exist, 42809 when it is not an
// ordinary table.
const Table &require_table(const Tables &t, TableKind kind, const char *function);

} // namespace asyncmq
