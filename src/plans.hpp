// The job lifecycle's statements: the tables they act on and their prepared plans, kept for the
// session and keyed by the layout and the resolved table names.
#pragma once

#include "pg.hpp"

#include "layout.hpp"

namespace asyncmq {

// Every statement of the lifecycle; plan() prepares each once per set of tables.
enum class Stmt {
    job_exists,        // $1 queue, $2 job id: a row in any status but cancelled
    upsert,            // the payload of a new job, written as AsyncMQ's store upsert writes it
    insert_many,       // upsert's parameters as arrays, for new jobs without id, deduplication or parents
    many_items,        // $1 jsonb array: the fields of each element of asyncmq_enqueue_many
    queue_paused,      // $1 queue
    dequeue,           // $1 queue, $2 max jobs, $3 now
    dequeue_one,       // $1 queue, $2 (not read), $3 now
    lock_job,          // $1 queue, $2 job id: the row locked, with what fail needs
    marked,            // $1 queue, $2 job id: a cancellation marker exists
    delete_row,        // $1 row id
    complete_active,   // $1 queue, $2 {job id}, $3 result: completed if active and not marked
    complete,          // $1 queue, $2 {job id}, $3 its locked row id, $4 result, $5 it is active
    fail,              // $1 row id, $2 status, $3 retries, $4 error, $5 delay_until
    complete_many,     // $1 queue, $2 job ids, $3 result: the active ones completed, the marked ones deleted
    resolve,           // $1 queue, $2 parent ids (text[]): release the dependants
    mark_cancelled,    // $1 queue, $2 job id
    cancel_active,     // $1 row id, $2 now (transaction start)
    retry,             // $1 queue, $2 job id, $3 now
    remove_job,        // $1 queue, $2 job id
    remove_markers,    // $1 queue, $2 job id
    pause,             // $1 queue
    resume,            // $1 queue
    heartbeat,         // $1 queue, $2 job id, $3 time
    promote,           // $1 queue, $2 now
    stalled,           // $1 threshold (epoch seconds)
    stats,             // $1 queue
    expire,            // $1 row id
    pop_due,           // $1 queue, $2 now: due delayed rows deleted and returned
    move_to_dlq,       // $1 queue, $2 job id
    worker_register,   // $1 worker id, $2 queue, $3 concurrency, $4 heartbeat
    worker_list,       // $1 oldest heartbeat kept
    worker_deregister, // $1 worker id
    rep_normalise,     // $1 job definition: the normalised definition and the fields upsert checks
    rep_upsert,        // $1 queue, $2 normalised definition, $3 next run (epoch seconds)
    rep_pause,         // $1 queue, $2 normalised definition
    rep_resume,        // $1 queue, $2 normalised definition, $3 next run (epoch seconds)
    rep_list,          // $1 queue
    dedup_owner,       // $1 queue, $2 deduplication id, $3 now: the job that owns the id's window
    dedup_fields,      // $1 the deduplication option
    ack,               // $1 queue, $2 job id
    list_delayed,      // $1 queue
    count_
};

// A table that only some functions need: its absence is an error only where it is used.
struct OptionalTable {
    const char *qualified; // quoted, schema-qualified; nullptr when the layout has no such table
    bool exists;
    Oid relid;           // InvalidOid when it does not exist
    const char *setting; // the setting that names it
};

// The tables the lifecycle works on, as the asyncmq.* settings in force name them.
struct JobTables {
    Layout layout;
    const char *jobs;          // quoted, schema-qualified
    Oid jobs_relid;            // the jobs table
    const char *cancelled;     // quoted, schema-qualified
    const char *paused;        // quoted, schema-qualified; nullptr before layout 0.9
    const char *key;           // jobs table's unique key as ON CONFLICT names it
    OptionalTable repeatables; // checked by require_table() where used
    OptionalTable workers;     // qualified is nullptr before layout 0.2
    char *cache_key;           // what the plans depend on
};

// Reads the settings, resolves the tables and checks that they exist (ERROR 42P01 otherwise).
void job_tables(JobTables *t);

// ERROR 42P01 when the table does not exist (its layout is checked by the caller).
void require_table(const OptionalTable &table);

// The prepared plan of the statement for these tables; prepared on first use, then kept until
// the jobs table has grown to more than twice its size when the plans were made.
SPIPlanPtr plan(const JobTables &t, Stmt stmt);

// Runs a plan (SPI connected) and checks its result code; returns SPI_processed.
uint64 run(SPIPlanPtr p, const Datum *values, const char *nulls, bool read_only, int expected);

// The same for the statements of a job's lifecycle, with PostgreSQL's planner kept from reading
// the whole table (enable_seqscan off while the statement runs) and, with index_order, from
// sorting the backlog where an index gives the order (enable_sort off); jit is off too, which
// the planner's penalties would otherwise set off. The plan cache keeps the plan it makes on the
// first calls, often over a nearly empty table, until the table is next analyzed: without this, a
// queue that starts empty and fills up could scan or sort it on every call until autovacuum came.
uint64 run_by_index(SPIPlanPtr p, const Datum *values, const char *nulls, int expected, bool index_order);

} // namespace asyncmq
