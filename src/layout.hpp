// The tables each AsyncMQ release needs, as data: the install DDL and the layout
// check are both made from these specs, so they cannot disagree.
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions.
#pragma once

#include <cstddef>

#include "excerpt.hpp"

namespace asyncmq {

// One value per distinct layout; a release maps to the newest layout at or before it.
enum class Layout { v0_1, v0_2, v0_8, v0_9 };

enum class TableKind { jobs, repeatables, cancelled_jobs, workers_heartbeat, paused_queues };
constexpr int table_kind_count = 5;

// Column types as the layout check compares them (by type OID, in table_check.cpp).
enum class ColType { int4, text, text_array, jsonb, float8, timestamp, timestamptz, boolean };

struct ColumnSpec {
    const char *name;
    ColType type;
    const char *ddl; // the rest of the column's line in CREATE TABLE, types pg_catalog-qualified
    bool nullable;   // AsyncMQ may write NULL into it
    bool defaulted;  // AsyncMQ's inserts leave it to its default
};

struct TableSpec {
    const ColumnSpec *columns;
    int ncolumns;
    const char *table_constraint; // a last line of CREATE TABLE, or nullptr
    const char *key[2];           // the unique key AsyncMQ's ON CONFLICT names
    int nkey;
    const char *forbidden_key; // a one-column unique key the layout must not have, or nullptr
};

struct IndexSpec {
    const char *suffix;     // index name: idx_<jobs table><suffix>
    const char *definition; // what follows ON <table> in CREATE INDEX, operators pg_catalog-qualified
    const char *keys[5];    // its key columns, nullptr for an expression; for the check
    int nkeys;
    bool partial; // has a WHERE clause
};

// The documented indexes of the jobs table.
constexpr IndexSpec queue_name_index = {"_queue_name", "(queue_name)", {"queue_name"}, 1, false};
constexpr IndexSpec status_index = {"_status", "(status)", {"status"}, 1, false};
constexpr IndexSpec delay_until_index = {"_delay_until", "(delay_until)", {"delay_until"}, 1, false};

// Under asyncmq.dequeue_index: the order in which AsyncMQ's dequeue takes a queue's waiting jobs
// (priority from the payload, 5 when absent, then the created_at column, then id), so that a
// dequeue reads the first entries of the index instead of sorting the whole backlog. Not partial:
// AsyncMQ passes the status as a parameter, and a generic plan cannot use an index whose
// predicate names the status.
constexpr IndexSpec dequeue_index = {
    "_dequeue",
    "(queue_name, status, (COALESCE((data OPERATOR(pg_catalog.->>) 'priority')::integer, 5)), created_at, id)",
    {"queue_name", "status", nullptr, "created_at", "id"},
    5,
    false};

// Under asyncmq.dependants_index: the jobs that still wait for a parent, so that completing a job
// reads only those to release its dependants instead of the queue's whole backlog. Partial: its
// predicate is exactly the clause on a non-empty list in the release of dependants (src/dependants.hpp),
// which names no parameter, so generic plans can use it too; a job whose list is empty is not in
// it. The clause is a jsonpath test (@?) rather than "<> '[]'": the planner estimates @? from the
// data column's statistics (or guesses 1% without them), where it takes "<>" to hold for 99.5% of
// rows and may then read the whole table instead of the index.
constexpr IndexSpec dependants_index = {
    "_dependants",
    "(queue_name) WHERE data OPERATOR(pg_catalog.@?) 'strict $.depends_on[0]'::pg_catalog.jsonpath",
    {"queue_name"},
    1,
    true};

constexpr int max_jobs_indexes = 5;
constexpr std::size_t jobs_index_prefix_bytes = 4;  // "idx_"
constexpr std::size_t jobs_index_suffix_bytes = 12; // "_delay_until", the longest

// Which indexes the jobs table has (asyncmq.indexes). documented: the layout's three, then the
// dequeue and dependants indexes as their settings ask. fast: the status index, the dequeue and
// the dependants index. It leaves out the queue_name index, which the dequeue index and the unique
// key (both lead with queue_name) make redundant, and the delay_until index: no statement reads
// that column, AsyncMQ's and ours read data->>'delay_until'. The status index stays for what
// scans every queue by status (AsyncMQ's stalled-job search, the scheduler's promotion).
enum class IndexSet { documented, fast };

// The jobs table's indexes for the set and, for the documented set, the two settings; returns
// their number.
int jobs_index_specs(IndexSet set, bool with_dequeue_index, bool with_dependants_index,
                     const IndexSpec *out[max_jobs_indexes]) noexcept;

// AsyncMQ 0.9's paused-queues table has a fixed name and no setting.
constexpr const char *paused_queues_table = "asyncmq_paused_queues";

// Reads an AsyncMQ release ("0.1", "0.4.2", "0.10.1", "1.0", "latest"). On failure returns false
// and writes a sentence for errdetail into problem.
bool parse_release(const char *value, ClipFn clip, Layout *out, char *problem, std::size_t problem_size) noexcept;

// The accepted values, for errhint.
extern const char *const release_hint;

// "0.1", "0.2", "0.8" or "0.9": the first release of the layout.
const char *layout_name(Layout layout) noexcept;

bool layout_has(Layout layout, TableKind kind) noexcept;
const TableSpec &table_spec(Layout layout, TableKind kind) noexcept;
const char *table_kind_name(TableKind kind) noexcept;

} // namespace asyncmq
