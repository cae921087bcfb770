// Whether an existing relation can serve as an AsyncMQ table of a layout. Each difference
// becomes one sentence for errdetail; an empty list means AsyncMQ can use the table as it is.
#pragma once

#include "pg.hpp"

#include "layout.hpp"

namespace asyncmq {

enum class CheckScope {
    columns,  // the columns and their types: enough to tell an AsyncMQ table (drop)
    complete, // and what AsyncMQ's statements rely on: keys, defaults, NOT NULL (install)
};

// "a view", "a sequence", ...: what a relation of this kind is, for a message.
const char *relkind_words(char relkind);

// The column of that name that is not dropped, or nullptr.
Form_pg_attribute find_column(TupleDesc desc, const char *name);

// Appends to *problems a sentence (char *) for each way relation relid differs from spec.
void check_table(Oid relid, Layout layout, const TableSpec &spec, CheckScope scope, List **problems);

// The jobs table's indexes specs[0..n), idx_<table><suffix> in schema nspid. jobs_relid is
// InvalidOid when the table is still to be made. Sets missing[i] for each index that does not
// exist yet, and appends a sentence for each name that another relation holds.
void check_jobs_indexes(Oid jobs_relid, Oid nspid, const char *jobs_relname, const IndexSpec *const specs[], int n,
                        bool missing[], List **problems);

} // namespace asyncmq
