// The tables of the layout in force, as the asyncmq.* settings name them and the catalogs find
// them: what install, drop, the layout check and every later function work on.
#pragma once

#include "pg.hpp"

#include "layout.hpp"
#include "settings.hpp"

namespace asyncmq {

// One table of the layout, as the settings name it and the catalogs find it.
struct Target {
    TableKind kind;
    const TableSpec *spec;
    const char *setting; // the setting that names it, or nullptr
    SqlName name;
    Oid nspid;             // InvalidOid: the schema does not exist
    const char *nspname;   // the schema, named or chosen by search_path
    Oid relid;             // InvalidOid: no such relation
    const char *qualified; // schema.table, quoted for SQL
};

struct Targets {
    Layout layout;
    int count;
    Target items[table_kind_count];
    int nindexes; // the jobs table's indexes: the documented ones, then the dequeue and dependants indexes if on
    const IndexSpec *indexes[max_jobs_indexes];
};

// Reads and checks every setting the layout needs (ERROR on a bad one), touching no catalog.
void read_targets(Targets *t);

// Finds each table where AsyncMQ's statements reach it: a schema-qualified name in its schema,
// an unqualified one in the schema where CREATE TABLE would put it (the first existing schema on
// search_path). Install and drop act on that same table, never on one further down the path.
// ERROR when two settings name the same table.
void resolve(Targets *t);

} // namespace asyncmq
