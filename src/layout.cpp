// The layouts of AsyncMQ's Postgres backend, release by release. The DDL text is
// the user's document's (seed/postgres-backend.txt) with types written so that search_path
// cannot redirect them: keywords (DOUBLE PRECISION, BOOLEAN, ...) or pg_catalog-qualified names.
#include "layout.hpp"

#include <cstdio>
#include <cstring>

namespace asyncmq {
namespace {

// The jobs table of releases 0.1 to 0.7: job ids unique across all queues.
constexpr ColumnSpec jobs_v01[] = {
    {"id", ColType::int4, "SERIAL PRIMARY KEY", false, true},
    {"queue_name", ColType::text, "pg_catalog.text NOT NULL", false, false},
    {"job_id", ColType::text, "pg_catalog.text NOT NULL UNIQUE", false, false},
    {"data", ColType::jsonb, "pg_catalog.jsonb NOT NULL", false, false},
    {"status", ColType::text, "pg_catalog.text", true, false},
    {"delay_until", ColType::float8, "DOUBLE PRECISION", true, false},
    {"created_at", ColType::timestamp, "TIMESTAMP WITHOUT TIME ZONE DEFAULT pg_catalog.now()", true, true},
    {"updated_at", ColType::timestamp, "TIMESTAMP WITHOUT TIME ZONE DEFAULT pg_catalog.now()", true, true},
};

// From 0.8 job ids are unique per queue: UNIQUE(queue_name, job_id) replaces job_id's UNIQUE.
constexpr ColumnSpec jobs_v08[] = {
    {"id", ColType::int4, "SERIAL PRIMARY KEY", false, true},
    {"queue_name", ColType::text, "pg_catalog.text NOT NULL", false, false},
    {"job_id", ColType::text, "pg_catalog.text NOT NULL", false, false},
    {"data", ColType::jsonb, "pg_catalog.jsonb NOT NULL", false, false},
    {"status", ColType::text, "pg_catalog.text", true, false},
    {"delay_until", ColType::float8, "DOUBLE PRECISION", true, false},
    {"created_at", ColType::timestamp, "TIMESTAMP WITHOUT TIME ZONE DEFAULT pg_catalog.now()", true, true},
    {"updated_at", ColType::timestamp, "TIMESTAMP WITHOUT TIME ZONE DEFAULT pg_catalog.now()", true, true},
};

constexpr ColumnSpec repeatables[] = {
    {"queue_name", ColType::text, "pg_catalog.text NOT NULL", false, false},
    {"job_def", ColType::jsonb, "pg_catalog.jsonb NOT NULL", false, false},
    {"next_run", ColType::timestamptz, "TIMESTAMP WITH TIME ZONE NOT NULL", false, false},
    {"paused", ColType::boolean, "BOOLEAN NOT NULL DEFAULT FALSE", false, true},
};

constexpr ColumnSpec cancelled_jobs[] = {
    {"queue_name", ColType::text, "pg_catalog.text NOT NULL", false, false},
    {"job_id", ColType::text, "pg_catalog.text NOT NULL", false, false},
};

constexpr ColumnSpec workers_heartbeat[] = {
    {"worker_id", ColType::text, "pg_catalog.text PRIMARY KEY", false, false},
    {"queues", ColType::text_array, "pg_catalog.text[]", true, false},
    {"concurrency", ColType::int4, "INT", true, false},
    {"heartbeat", ColType::float8, "DOUBLE PRECISION", true, false},
};

constexpr ColumnSpec paused_queues[] = {
    {"queue_name", ColType::text, "pg_catalog.text PRIMARY KEY", false, false},
    {"paused_at", ColType::timestamp, "TIMESTAMP WITHOUT TIME ZONE DEFAULT pg_catalog.now()", true, true},
};

template <std::size_t N> constexpr int count(const ColumnSpec (&)[N]) {
    return static_cast<int>(N);
}

constexpr TableSpec jobs_spec_v01 = {jobs_v01, count(jobs_v01), nullptr, {"job_id", nullptr}, 1, nullptr};
constexpr TableSpec jobs_spec_v08 = {jobs_v08, count(jobs_v08), "UNIQUE(queue_name, job_id)", {"queue_name", "job_id"},
                                     2,        "job_id"};
constexpr TableSpec repeatables_spec = {
    repeatables, count(repeatables), "PRIMARY KEY(queue_name, job_def)", {"queue_name", "job_def"}, 2, nullptr};
constexpr TableSpec cancelled_jobs_spec = {
    cancelled_jobs, count(cancelled_jobs), "PRIMARY KEY(queue_name, job_id)", {"queue_name", "job_id"}, 2, nullptr};
constexpr TableSpec workers_heartbeat_spec = {
    workers_heartbeat, count(workers_heartbeat), nullptr, {"worker_id", nullptr}, 1, nullptr};
constexpr TableSpec paused_queues_spec = {paused_queues, count(paused_queues), nullptr, {"queue_name", nullptr}, 1,
                                          nullptr};

// Reads a run of at most 9 digits; false when there is none.
bool read_number(const char **s, long *out) {
    long n = 0;
    int digits = 0;
    for (; **s >= '0' && **s <= '9'; ++*s) {
        if (++digits > 9)
            return false;
        n = n * 10 + (**s - '0');
    }
    *out = n;
    return digits > 0;
}

} // namespace

const char *const release_hint =
    "Use an AsyncMQ release number such as 0.1, 0.4.2 or 0.10.1 (0.1 or later), or latest.";

bool parse_release(const char *value, ClipFn clip, Layout *out, char *problem, std::size_t problem_size) noexcept {
    problem[0] = '\0';
    const char *s = value;
    long major = 0, minor = 0, patch = 0;
    bool ok = true;

    if (s[0] == 'l' && s[1] == 'a' && s[2] == 't' && s[3] == 'e' && s[4] == 's' && s[5] == 't' && s[6] == '\0') {
        *out = Layout::v0_9;
        return true;
    }
    ok = read_number(&s, &major) && *s++ == '.' && read_number(&s, &minor);
    if (ok && *s == '.')
        ok = (++s, read_number(&s, &patch));
    if (!ok || *s != '\0') {
        char text[excerpt_size];
        excerpt(value, std::strlen(value), clip, text);
        std::snprintf(problem, problem_size, "\"%s\" is not an AsyncMQ release number.", text);
        return false;
    }
    if (major == 0 && minor == 0) {
        std::snprintf(problem, problem_size, "AsyncMQ has a Postgres backend from release 0.1 on.");
        return false;
    }
    if (major > 0 || minor >= 9)
        *out = Layout::v0_9;
    else if (minor == 8)
        *out = Layout::v0_8;
    else if (minor >= 2)
        *out = Layout::v0_2;
    else
        *out = Layout::v0_1;
    return true;
}

const char *layout_name(Layout layout) noexcept {
    switch (layout) {
    case Layout::v0_1:
        return "0.1";
    case Layout::v0_2:
        return "0.2";
    case Layout::v0_8:
        return "0.8";
    case Layout::v0_9:
        break;
    }
    return "0.9";
}

bool layout_has(Layout layout, TableKind kind) noexcept {
    switch (kind) {
    case TableKind::workers_heartbeat:
        return layout != Layout::v0_1;
    case TableKind::paused_queues:
        return layout == Layout::v0_9;
    default:
        return true;
    }
}

const TableSpec &table_spec(Layout layout, TableKind kind) noexcept {
    switch (kind) {
    case TableKind::jobs:
        return layout == Layout::v0_8 || layout == Layout::v0_9 ? jobs_spec_v08 : jobs_spec_v01;
    case TableKind::repeatables:
        return repeatables_spec;
    case TableKind::cancelled_jobs:
        return cancelled_jobs_spec;
    case TableKind::workers_heartbeat:
        return workers_heartbeat_spec;
    case TableKind::paused_queues:
        break;
    }
    return paused_queues_spec;
}

int jobs_index_specs(IndexSet set, bool with_dequeue_index, bool with_dependants_index,
                     const IndexSpec *out[max_jobs_indexes]) noexcept {
    int n = 0;
    if (set == IndexSet::fast) {
        out[n++] = &status_index;
        out[n++] = &dequeue_index;
        out[n++] = &dependants_index;
        return n;
    }
    out[n++] = &queue_name_index;
    out[n++] = &status_index;
    out[n++] = &delay_until_index;
    if (with_dequeue_index)
        out[n++] = &dequeue_index;
    if (with_dependants_index)
        out[n++] = &dependants_index;
    return n;
}

const char *table_kind_name(TableKind kind) noexcept {
    switch (kind) {
    case TableKind::jobs:
        return "jobs";
    case TableKind::repeatables:
        return "repeatables";
    case TableKind::cancelled_jobs:
        return "cancelled_jobs";
    case TableKind::workers_heartbeat:
        return "workers_heartbeat";
    case TableKind::paused_queues:
        break;
    }
    return "paused_queues";
}

} // namespace asyncmq
