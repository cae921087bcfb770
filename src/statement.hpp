// The lifecycle's statements and the call that runs them. Each module defines its statements
// beside the code that binds them; this file turns them into the session's prepared plans for
// the tables in force.
#pragma once

#include "pg.hpp"

#include "tables.hpp"

namespace asyncmq {

struct Param {
    const char *name; // as the statement writes it after '$'
    Oid type;
};

// How PostgreSQL's planner is held while the statement runs. The plan cache keeps the plan it
// made on the first calls, often over a nearly empty table, until the table is next analyzed:
// without this, a queue that starts empty and fills up could scan or sort it on every call
// until autovacuum came.
enum class Planner {
    as_is,
    by_index,       // enable_seqscan off, and jit, which a scan's penalty in the cost would set off
    in_index_order, // also enable_sort off, where an index gives the order
};

// One statement. Its SQL names the tables in force as {jobs}, {cancelled}, {paused},
// {repeatables} and {workers}, the jobs table's unique key as {key}, and "AND the queue $queue
// is not paused" as {unpaused} (nothing before layout 0.9); its parameters as $name. Table
// names reach the SQL only as quoted, schema-qualified names; every value is a parameter.
// Functions are named with pg_catalog, so that search_path cannot redirect them.
struct Statement {
    const char *sql[8];     // parts, joined: a part may be a fragment shared by several statements
    Param params[16];       // in binding order
    int result;             // the SPI code it returns
    bool read_only = false; // whether it runs with the call's snapshot rather than a new one
    Planner planner = Planner::as_is;
};

struct PlanSet;

// What a lifecycle function works on: the tables in force, resolved once for the call, and the
// session's plans for them.
struct Call {
    Tables tables;
    const Table *jobs;
    const Table *cancelled;
    const Table *paused; // nullptr before layout 0.9
    PlanSet *plans;
};

// A call on one job, which the function's first two arguments (queue, job_id) name.
struct JobCall {
    Call call;
    const char *queue;
    const char *job_id;
    Datum key[2]; // queue and job_id as text: the first parameters of most of a job's statements
};

// Reads the queue and job_id arguments, then begins the call.
void begin_job_call(FunctionCallInfo fcinfo, JobCall *job);

// Resolves the tables (ERROR when the jobs, cancelled-jobs or paused-queues table is missing or
// not a table) and connects to SPI. Plans are made again, from the jobs table's size now, each
// time the table has more than doubled since they were made: a generic plan made for a nearly
// empty table may read a queue's whole history.
void begin_call(Call *call);
void end_call(Call *call);

// begin_call() for the functions that also need the table of this kind (see require_table()).
void begin_call_needing(Call *call, TableKind kind, const char *function);

// Runs the statement (its plan prepared on first use) and checks its result code; returns
// SPI_processed.
uint64 run(const Call &call, const Statement &stmt, const Datum *values, const char *nulls = nullptr);

// For the functions of one job that are one statement of its row, $row (found by find_job_row
// from the function's first two arguments, queue and job_id): runs it and returns whether it
// touched a row; false without running it when the queue has no such job.
bool run_for_job(FunctionCallInfo fcinfo, const Statement &stmt);

// A column of the first row the last statement returned.
Datum column(int col, bool *isnull);
bool bool_column(int col);
char *text_column(uint64 row, int col); // nullptr for NULL

// Sends the first ncols columns (at most 4) of each row the last statement returned to the
// function's result set.
void return_rows(ReturnSetInfo *rsinfo, int ncols);

} // namespace asyncmq
