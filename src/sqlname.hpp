// Reading a setting's value as an SQL name, the way PostgreSQL's parser reads the same text when
// AsyncMQ pastes it into its SQL: `side.jobs` is table jobs in schema side, `"Odd Name"` keeps
// its case and space, unquoted letters fold to lower case.
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions. Keyword checks need
// PostgreSQL's keyword list and are made by the caller (settings.cpp).
#pragma once

#include <cstddef>

#include "excerpt.hpp"

namespace asyncmq {

// PostgreSQL keeps NAMEDATALEN - 1 bytes of an identifier and silently cuts the rest.
constexpr std::size_t max_identifier_bytes = 63;

struct NamePart {
    char text[max_identifier_bytes + 1]; // as PostgreSQL stores it: quotes removed, case folded
    bool quoted;                         // written in double quotes, so keywords are allowed
};

struct SqlName {
    int nparts; // 1: table, 2: schema.table
    NamePart parts[2];

    const NamePart &relation() const { return parts[nparts - 1]; }
    const NamePart *schema() const { return nparts == 2 ? &parts[0] : nullptr; }
};

// Reads value into out. On failure returns false and writes a sentence for errdetail into
// problem (always NUL-terminated), quoting the value as clip cuts it.
bool parse_sql_name(const char *value, ClipFn clip, SqlName *out, char *problem, std::size_t problem_size) noexcept;

} // namespace asyncmq
