// The SQL-name reader; see sqlname.hpp. The character classes are those of PostgreSQL's scanner
// (src/backend/parser/scan.l: ident_start, ident_cont).
#include "sqlname.hpp"

#include <cstdio>
#include <cstring>

namespace asyncmq {
namespace {

bool ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool ident_cont(unsigned char c) {
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

// Appends one byte to part; counts the bytes even past the buffer so length errors can be told.
void put(NamePart *part, std::size_t *len, char c) {
    if (*len < max_identifier_bytes)
        part->text[*len] = c;
    ++*len;
}

// Describes the character at s for a message: printable ASCII as itself, anything else by code.
void describe_char(const char *s, char *out, std::size_t size) {
    unsigned char c = static_cast<unsigned char>(*s);
    if (c >= 0x21 && c < 0x7f)
        std::snprintf(out, size, "\"%c\"", c);
    else if (c == ' ')
        std::snprintf(out, size, "a space");
    else
        std::snprintf(out, size, "the byte 0x%02x", c);
}

} // namespace

bool parse_sql_name(const char *value, ClipFn clip, SqlName *out, char *problem, std::size_t problem_size) noexcept {
    std::memset(out, 0, sizeof *out);
    problem[0] = '\0';
    const char *s = value;
    char what[32];

    if (*s == '\0') {
        std::snprintf(problem, problem_size, "The name is empty.");
        return false;
    }
    for (;;) {
        if (out->nparts == 2) {
            char text[excerpt_size];
            excerpt(value, std::strlen(value), clip, text);
            std::snprintf(problem, problem_size, "A name has at most two parts, schema.table; \"%s\" has more.", text);
            return false;
        }
        NamePart *part = &out->parts[out->nparts];
        std::size_t len = 0;
        if (*s == '"') {
            part->quoted = true;
            for (++s;; ++s) {
                if (*s == '\0') {
                    std::snprintf(problem, problem_size, "A double quote is not closed.");
                    return false;
                }
                if (*s == '"') {
                    if (s[1] != '"')
                        break;
                    ++s; // "" stands for one "
                }
                put(part, &len, *s);
            }
            ++s;
            if (len == 0) {
                std::snprintf(problem, problem_size, "A quoted name cannot be empty.");
                return false;
            }
        } else if (ident_start(static_cast<unsigned char>(*s))) {
            // Unquoted names fold ASCII letters to lower case, as PostgreSQL does in UTF-8.
            for (; ident_cont(static_cast<unsigned char>(*s)); ++s)
                put(part, &len, (*s >= 'A' && *s <= 'Z') ? static_cast<char>(*s + ('a' - 'A')) : *s);
        } else if (*s == '\0') {
            std::snprintf(problem, problem_size, "The name ends with a dot.");
            return false;
        } else {
            describe_char(s, what, sizeof what);
            std::snprintf(problem, problem_size,
                          "An SQL name cannot start with %s; write the name in double quotes to use it.", what);
            return false;
        }
        if (len > max_identifier_bytes) {
            std::snprintf(problem, problem_size,
                          "A part of the name is %zu bytes long; PostgreSQL would cut it to %zu.", len,
                          max_identifier_bytes);
            return false;
        }
        part->text[len] = '\0';
        out->nparts++;

        if (*s == '\0')
            return true;
        if (*s != '.') {
            describe_char(s, what, sizeof what);
            std::snprintf(problem, problem_size,
                          "%s cannot stand in an SQL name here; write the name in double quotes to use it.", what);
            problem[0] = (problem[0] >= 'a' && problem[0] <= 'z') ? problem[0] - ('a' - 'A') : problem[0];
            return false;
        }
        ++s;
    }
}

} // namespace asyncmq
