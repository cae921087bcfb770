// The libpq side of pg_asyncmq.
#include "db.hpp"

#include <cstdio>
#include <cstring>

#include "options.hpp"

namespace pg_asyncmq {
namespace {

// libpq's messages may span lines ("...failed: Connection refused\n\tIs the server running...");
// we print one line.
std::string one_line(const char *text) {
    std::string out;
    bool space = false;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty())
            out += ' ';
        space = false;
        out += *p;
    }
    return out;
}

std::string field(const PGresult *res, int code) {
    const char *v = PQresultErrorField(res, code);
    return v ? one_line(v) : std::string();
}

// Server WARNINGs go to stderr; NOTICEs ("extension already exists, skipping") are noise here.
void notice_receiver(void *, const PGresult *res) {
    const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity == nullptr || std::strcmp(severity, "WARNING") != 0)
        return;
    std::fprintf(stderr, "%s: WARNING: %s\n", program_name, field(res, PG_DIAG_MESSAGE_PRIMARY).c_str());
}

bool looks_like_conninfo(const std::string &dsn) {
    return dsn.find('=') != std::string::npos || dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0;
}

} // namespace

void check_connection_arguments(const std::string &dsn,
                                const std::vector<std::pair<std::string, std::string>> &options) {
    // libpq's own rule: a DSN without "=" and without a URI prefix is a database name.
    if (looks_like_conninfo(dsn)) {
        char *err = nullptr;
        PQconninfoOption *parsed = PQconninfoParse(dsn.c_str(), &err);
        if (parsed == nullptr) {
            std::string message = err ? one_line(err) : std::string("out of memory");
            PQfreemem(err);
            throw UsageError("invalid connection string: " + message);
        }
        PQconninfoFree(parsed);
    }

    PQconninfoOption *known = PQconndefaults();
    if (known == nullptr)
        throw DbError("out of memory");
    for (const auto &option : options) {
        bool found = false;
        for (const PQconninfoOption *k = known; k->keyword != nullptr; k++)
            if (option.first == k->keyword)
                found = true;
        if (!found) {
            PQconninfoFree(known);
            throw UsageError("unknown connection option \"" + option.first +
                             "\" in --option; libpq knows connect_timeout, sslmode, application_name, "
                             "options, target_session_attrs and the others in its documentation");
        }
    }
    PQconninfoFree(known);
}

Connection::Connection(const std::string &dsn, const std::vector<std::pair<std::string, std::string>> &options)
    : conn_(nullptr, PQfinish) {
    // dbname first, expanded as a connection string; then the options, which override it; then a
    // default application_name that the DSN or an option may set otherwise.
    std::vector<const char *> keys{"dbname"}, values{dsn.c_str()};
    for (const auto &option : options) {
        keys.push_back(option.first.c_str());
        values.push_back(option.second.c_str());
    }
    keys.push_back("fallback_application_name");
    values.push_back(program_name);
    keys.push_back(nullptr);
    values.push_back(nullptr);

    conn_.reset(PQconnectdbParams(keys.data(), values.data(), 1));
    if (conn_ == nullptr)
        throw DbError("could not connect: out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw DbError("could not connect: " + one_line(PQerrorMessage(conn_.get())));
    PQsetNoticeReceiver(conn_.get(), notice_receiver, nullptr);
}

Result Connection::exec(const std::string &sql, const std::vector<std::optional<std::string>> &params) {
    std::vector<const char *> values;
    for (const auto &p : params)
        values.push_back(p ? p->c_str() : nullptr);
    PGresult *res = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    Result result(res);
    if (res == nullptr)
        throw DbError(one_line(PQerrorMessage(conn_.get())));
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return result;
    std::string message = field(res, PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) // the connection broke: libpq's own message, without a SQLSTATE
        throw DbError(one_line(PQerrorMessage(conn_.get())));
    throw DbError(message, field(res, PG_DIAG_SQLSTATE), field(res, PG_DIAG_MESSAGE_DETAIL),
                  field(res, PG_DIAG_MESSAGE_HINT));
}

std::string Connection::identifier(const std::string &name) {
    char *quoted = PQescapeIdentifier(conn_.get(), name.c_str(), name.size());
    if (quoted == nullptr)
        throw DbError(one_line(PQerrorMessage(conn_.get())));
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

} // namespace pg_asyncmq
