// The registry: the table sets the scheduler keeps moving, one row each in the extension's table
// asyncmq_registry, with the role that registered them (README.md, Scheduler).
#pragma once

#include "pg.hpp"

#include "tables.hpp"

namespace asyncmq {

// One registered set: the tables' SQL names, schema-qualified (nullptr for a kind the layout
// lacks), the layout and the owner.
struct RegisteredSet {
    char *names[table_kind_count]; // by TableKind
    char *layout;
    Oid owner;
};

// The registry table, or InvalidOid when the extension is absent or older than 1.1.
Oid registry_relid();

// Records the resolved tables as the current user's set (install, asyncmq_register()). A set
// another role registered stays that role's.
void registry_record(const Tables &t);

// Removes the current user's record of the set whose jobs table this is; whether there was one.
bool registry_forget(const Tables &t);

// Every registered set the current user may see (all of them for a superuser), palloc'd.
RegisteredSet *registry_sets(int *count);

} // namespace asyncmq
